#!/usr/bin/env node
/**
 * The full-kernel lane: boots a complete distribution kernel under QEMU and
 * runs commands — the live suites that depend on kernel features, or any
 * command — inside it, as root, on this machine's own files.
 *
 *   npm run test:kernel [-- test files…]   each lane kernel its suites (or the files given, on one kernel); a skip is a failure
 *   npm run kernel -- <command…>           any command, in the project directory, output streamed
 *
 * The guest's root is the host's `/`, shared read-only over virtio-9p, so it
 * runs the same node, npm, ip, tc, bridge and Open vSwitch binaries; the
 * project directory is shared read-write at its own path, and results come
 * back through it (.cache/kernel-lane/run-*). The kernels (Debian's
 * linux-image-amd64, 6.1 with every module, and linux-image-6.12-amd64:
 * LANE_KERNELS) are downloaded and unpacked into .cache/kernel — the
 * host's /boot and /lib/modules are not touched. RTNL_KERNEL_PACKAGE names
 * the Debian package `npm run kernel` and a run of given files boot; or
 * RTNL_KERNEL points at another kernel:
 *
 *   RTNL_KERNEL=/boot/vmlinuz-5.15.0-91-generic RTNL_KERNEL_PREDATES=netkit npm run test:kernel
 *     (modules from /lib/modules/<version>, or RTNL_KERNEL_MODULES=DIR holding <version>/;
 *     RTNL_KERNEL_PREDATES: the features that kernel is too old for, which may skip)
 *
 * Other settings: RTNL_KERNEL_ACCEL=kvm|tcg (default: KVM only where the
 * CPU offers hardware virtualisation, else software emulation),
 * RTNL_KERNEL_MEM (MiB, default 2048), RTNL_KERNEL_SMP (default: the host's
 * CPUs, at most 4), RTNL_KERNEL_TIMEOUT (s, default 1500) after which the
 * guest is killed and the lane fails.
 *
 * Needs root (apt installs what is missing: qemu-system-x86, busybox-static, kmod,
 * cpio, xz-utils; the guest runs the tests as its root).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache', 'kernel');
const lane = join(root, '.cache', 'kernel-lane');

/**
 * The suites whose outcome depends on the kernel's features: link kinds,
 * bridge VLAN filtering, the differential tests against `ip -j -d` (whose
 * output depends on what the kernel sends), the command against ip, Open
 * vSwitch with the kernel datapath. The
 * rest of the suite (codecs, replay, the shim, the demo) does not change
 * with the kernel and runs ~20× slower under emulation, so it runs on the
 * host only.
 */
export const LANE_SUITES = [
  'test/ops/links/bridge.live.test.ts',
  'test/ops/links/differential.live.test.ts',
  'test/ops/links/links.live.test.ts',
  'test/ops/links/veth.live.test.ts',
  'test/ops/links/kinds.live.test.ts',
  'test/ops/bridge/vlans.live.test.ts',
  'test/ops/bridge/vlan-db.live.test.ts',
  'test/cli/compat.live.test.ts',
  'test/ovs/ovs.live.test.ts',
  // Only the kernel is trusted: what recvfrom reports as the sender (and
  // that a change's echo carries its group) is the kernel's to say.
  'test/netlink/forged.live.test.ts',
  // Topologies of the kinds the host lacks (dummy, vlan, macvlan, ipvlan, vrf, bond).
  'test/topology/kinds.live.test.ts',
];

/**
 * The lane's kernels: Debian's default (6.1, every module) runs every lane
 * suite; Debian's 6.12 (from bookworm-security) runs the suites of features
 * 6.1 predates. `predates` are the features a kernel is too old for: its
 * tests may skip there (RTNL_REQUIRE_FEATURES=all,-F), and nowhere else.
 */
export const LANE_KERNELS = [
  { package: 'linux-image-amd64', suites: LANE_SUITES, predates: ['netkit'] },
  { package: 'linux-image-6.12-amd64', suites: ['test/ops/links/netkit.live.test.ts'], predates: [] },
];

const say = (s) => process.stdout.write(`kernel lane: ${s}\n`);
const fail = (s) => {
  process.stderr.write(`kernel lane: ${s}\n`);
  process.exit(1);
};

function runs(cmd, args = ['--version']) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error;
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr?.trim() ?? `exit ${r.status}`}`);
  return r.stdout ?? '';
}

/** qemu, a static busybox, cpio, xz and depmod (kmod: the unpacked modules need their index), installed with apt when missing. */
function ensureTools() {
  const need = [];
  if (!runs('qemu-system-x86_64')) need.push('qemu-system-x86');
  if (!existsSync('/bin/busybox') || !sh('/bin/busybox', ['--help'], { stdio: ['ignore', 'pipe', 'pipe'] }).length) need.push('busybox-static');
  if (!runs('cpio')) need.push('cpio');
  if (!runs('xz')) need.push('xz-utils');
  if (!runs('depmod')) need.push('kmod');
  if (!need.length) return;
  if (process.getuid?.() !== 0) fail(`missing ${need.join(', ')}; install them (apt-get install -y ${need.join(' ')}) or run as root`);
  say(`installing ${need.join(', ')} with apt`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...need], { stdio: 'inherit', env });
  if (r.status !== 0) fail(`apt-get install ${need.join(' ')} failed`);
}

/**
 * The kernel to boot: { image, version, modules } — RTNL_KERNEL, else the
 * Debian image package `pkg` (RTNL_KERNEL_PACKAGE, default
 * linux-image-amd64) unpacked into .cache/kernel.
 */
function kernel(pkg = process.env.RTNL_KERNEL_PACKAGE ?? 'linux-image-amd64') {
  const given = process.env.RTNL_KERNEL;
  if (given) {
    if (!existsSync(given)) fail(`RTNL_KERNEL=${given} does not exist`);
    const version = basename(given).replace(/^vmlinuz-/, '');
    const modules = process.env.RTNL_KERNEL_MODULES ?? '/lib/modules';
    if (!existsSync(join(modules, version, 'modules.dep'))) fail(`no modules for ${version} in ${modules}/${version} (set RTNL_KERNEL_MODULES to the directory holding ${version}/)`);
    return { image: given, version, modules };
  }
  // linux-image-amd64 (and linux-image-6.12-amd64) are metapackages: the versioned image package is their dependency.
  const dep = /Depends: (linux-image-\S+)/.exec(sh('apt-cache', ['depends', pkg]))?.[1];
  if (!dep) fail(`apt-cache does not know ${pkg} (run apt-get update)`);
  const version = dep.replace(/^linux-image-/, '').replace(/-unsigned$/, '');
  const dir = join(cache, version);
  const image = join(dir, 'boot', `vmlinuz-${version}`);
  const modules = join(dir, 'lib', 'modules');
  if (!existsSync(join(modules, version, 'modules.dep'))) {
    say(`downloading and unpacking ${dep} into ${relative(root, dir)}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tmp = mkdtempSync(join(cache, 'deb-'));
    try {
      sh('apt-get', ['download', dep], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
      const deb = readdirSync(tmp).find((f) => f.endsWith('.deb'));
      if (!deb) fail(`apt-get download ${dep} left no .deb`);
      sh('dpkg-deb', ['-x', join(tmp, deb), dir]);
      sh('depmod', ['-b', dir, version]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return { image, version, modules };
}

/** Dependency closure of `want` from modules.dep, in load order (dependencies first). */
function moduleClosure(moduleDir, want) {
  const dep = new Map();
  for (const line of readFileSync(join(moduleDir, 'modules.dep'), 'utf8').split('\n')) {
    const [mod, deps] = line.split(':');
    if (mod) dep.set(mod, (deps ?? '').trim().split(/\s+/).filter(Boolean));
  }
  const builtin = existsSync(join(moduleDir, 'modules.builtin')) ? readFileSync(join(moduleDir, 'modules.builtin'), 'utf8') : '';
  const order = [];
  const seen = new Set();
  const add = (p) => {
    if (seen.has(p)) return;
    seen.add(p);
    for (const d of dep.get(p) ?? []) add(d);
    order.push(p);
  };
  for (const name of want) {
    const p = [...dep.keys()].find((k) => new RegExp(`/${name}\\.ko(\\.xz|\\.zst|\\.gz)?$`).test(k));
    if (p) add(p);
    else if (!new RegExp(`/${name}\\.ko`).test(builtin)) fail(`kernel has no module ${name} and does not build it in`);
  }
  return order;
}

/** A tiny initramfs: a static busybox, the virtio / 9p modules, our init. Cached per kernel and init script. */
function initramfs(k) {
  const init = join(root, 'scripts', 'kernel-lane', 'init');
  const out = join(cache, `initrd-${k.version}.cpio.gz`);
  if (existsSync(out) && statSync(out).mtimeMs > statSync(init).mtimeMs) return out;
  const dir = join(k.modules, k.version);
  const w = mkdtempSync(join(cache, 'initrd-'));
  try {
    mkdirSync(join(w, 'bin'));
    mkdirSync(join(w, 'modules'));
    copyFileSync('/bin/busybox', join(w, 'bin', 'busybox'));
    copyFileSync(init, join(w, 'init'));
    const order = [];
    for (const p of moduleClosure(dir, ['virtio_pci', '9pnet_virtio', '9p', 'overlay'])) {
      let f = basename(p);
      copyFileSync(join(dir, p), join(w, 'modules', f));
      if (f.endsWith('.xz')) {
        sh('xz', ['-d', join(w, 'modules', f)]);
        f = f.slice(0, -3);
      } else if (f.endsWith('.zst')) {
        sh('zstd', ['-qd', '--rm', join(w, 'modules', f)]);
        f = f.slice(0, -4);
      }
      order.push(f);
    }
    writeFileSync(join(w, 'modules.order'), `${order.join('\n')}\n`);
    sh('chmod', ['+x', join(w, 'init')]);
    const list = sh('find', ['.'], { cwd: w });
    const cpio = spawnSync('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: w, input: list, maxBuffer: 1 << 28 });
    if (cpio.status !== 0) fail(`cpio failed: ${cpio.stderr}`);
    const gz = spawnSync('gzip', ['-1'], { input: cpio.stdout, maxBuffer: 1 << 28 });
    writeFileSync(out, gz.stdout);
  } finally {
    rmSync(w, { recursive: true, force: true });
  }
  return out;
}

/**
 * The uncompressed kernel (vmlinux), booted through its PVH entry: under
 * emulation that skips the real-mode setup and the decompressor (~6 s).
 * From the bzImage's setup header (payload_offset/payload_length at 0x248);
 * undefined when its payload is not xz or gzip (the bzImage is booted then).
 */
function vmlinux(k) {
  const out = join(cache, `vmlinux-${k.version}`);
  if (existsSync(out)) return out;
  const b = readFileSync(k.image);
  const setupSects = b[0x1f1] || 4;
  const start = (setupSects + 1) * 512 + b.readUInt32LE(0x248);
  const payload = b.subarray(start, start + b.readUInt32LE(0x24c));
  let elf;
  if (payload[0] === 0xfd && payload.subarray(1, 6).toString('latin1') === '7zXZ\0') {
    const r = spawnSync('xz', ['-dc'], { input: payload, maxBuffer: 1 << 30 });
    // xz stops at the payload's end but complains about trailing padding: the output is what counts.
    elf = r.stdout;
  } else if (payload[0] === 0x1f && payload[1] === 0x8b) {
    elf = spawnSync('gzip', ['-dc'], { input: payload, maxBuffer: 1 << 30 }).stdout;
  }
  if (!elf || elf.subarray(0, 4).toString('latin1') !== '\x7fELF') return undefined;
  writeFileSync(out, elf);
  return out;
}

/** KVM only where the CPU has hardware virtualisation: a nested PVM /dev/kvm cannot run a stock kernel. */
function accel() {
  const forced = process.env.RTNL_KERNEL_ACCEL;
  if (forced) return forced;
  try {
    const flags = readFileSync('/proc/cpuinfo', 'utf8');
    if (/\b(vmx|svm)\b/.test(flags) && existsSync('/dev/kvm')) return 'kvm';
  } catch {
    // no cpuinfo: emulate
  }
  return 'tcg';
}

/** Boots the lane's kernel, runs `job` (a shell script's text) in the project directory, resolves with its exit status. */
export async function boot(job, { timeout = Number(process.env.RTNL_KERNEL_TIMEOUT ?? 1500), pkg } = {}) {
  ensureTools();
  const k = kernel(pkg);
  const initrd = initramfs(k);
  const image = vmlinux(k) ?? k.image;
  const acc = accel();
  mkdirSync(lane, { recursive: true });
  const run = mkdtempSync(join(lane, 'run-'));
  writeFileSync(join(run, 'job.sh'), `set -o pipefail\n${job}\n`);
  const mem = process.env.RTNL_KERNEL_MEM ?? '2048';
  const smp = process.env.RTNL_KERNEL_SMP ?? String(Math.min(4, availableParallelism()));
  // The guest's /lib/modules is the host's unless the kernel's modules are elsewhere (.cache/kernel, RTNL_KERNEL_MODULES).
  const modules = resolve(k.modules) === '/lib/modules' ? '' : resolve(k.modules);
  const append = [
    'console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init mitigations=off',
    `rtnl.project=${root}`,
    `rtnl.run=${run}`,
    `rtnl.timeout=${timeout}`,
    modules ? `rtnl.modules=${modules}` : '',
  ].filter(Boolean).join(' ');
  const args = [
    ...(acc === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg,thread=multi', '-cpu', 'max']),
    '-smp', smp, '-m', mem, '-M', 'pc', '-nodefaults', '-no-user-config', '-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-no-reboot',
    '-kernel', image, '-initrd', initrd, '-append', append,
    '-device', 'virtio-rng-pci',
    '-fsdev', 'local,id=r,path=/,security_model=none,readonly=on,multidevs=remap', '-device', 'virtio-9p-pci,fsdev=r,mount_tag=hostroot',
    '-fsdev', `local,id=p,path=${root},security_model=none,multidevs=remap`, '-device', 'virtio-9p-pci,fsdev=p,mount_tag=project',
  ];
  say(`booting ${k.version} (${acc === 'kvm' ? 'KVM' : 'software emulation'}, ${smp} CPUs, ${mem} MiB)`);
  const t0 = Date.now();
  const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const timer = setTimeout(() => {
    process.stderr.write(`kernel lane: the guest did not come back within ${timeout} s; stopping it\n`);
    qemu.kill('SIGKILL');
  }, timeout * 1000 + 60_000);
  const stop = () => qemu.kill('SIGKILL');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const qrc = await new Promise((r) => qemu.on('exit', (code, signal) => r(signal ?? code)));
  clearTimeout(timer);
  const rcFile = join(run, 'rc');
  const rc = existsSync(rcFile) ? Number(readFileSync(rcFile, 'utf8').trim()) : undefined;
  say(`guest ran ${((Date.now() - t0) / 1000).toFixed(1)} s, qemu ${qrc}, job ${rc ?? 'did not finish'}`);
  return { rc: rc ?? 1, run, finished: rc !== undefined, kernel: k.version };
}

function summary(file) {
  if (!existsSync(file)) return undefined;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = [];
  for (const f of j.testResults ?? []) {
    for (const t of f.assertionResults ?? []) if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') skipped.push(`${relative(root, f.name)} > ${t.fullName ?? t.title}`);
  }
  return { passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests + j.numTodoTests, skippedNames: skipped };
}

async function main() {
  const [mode, ...rest] = process.argv.slice(2);
  if (process.getuid?.() !== 0) fail('needs root (it installs what is missing, and the guest runs the tests as root)');
  if (mode === 'run') {
    const argv = rest[0] === '--' ? rest.slice(1) : rest;
    if (!argv.length) fail('usage: npm run kernel -- <command…>');
    const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const r = await boot(`export NO_COLOR=1 CI=1\n${quoted}`);
    rmSync(r.run, { recursive: true, force: true });
    process.exit(r.rc);
  }
  if (mode !== 'test') fail('usage: kernel-lane.mjs test [files…] | run -- <command…>');
  const given = rest[0] === '--' ? rest.slice(1) : rest;
  // Files given: on the kernel RTNL_KERNEL / RTNL_KERNEL_PACKAGE names (default the first); none: every lane kernel its suites.
  // A kernel of one's own (RTNL_KERNEL): every lane suite, or the files given; RTNL_KERNEL_PREDATES lists the features it is too old for.
  const chosen = process.env.RTNL_KERNEL_PACKAGE ?? LANE_KERNELS[0].package;
  const own = process.env.RTNL_KERNEL ? (process.env.RTNL_KERNEL_PREDATES ?? '').split(',').filter(Boolean) : undefined;
  const runs = own
    ? [{ package: chosen, suites: given.length ? given : [...new Set(LANE_KERNELS.flatMap((k) => k.suites))], predates: own }]
    : given.length
      ? [{ package: chosen, suites: given, predates: LANE_KERNELS.find((k) => k.package === chosen)?.predates ?? [] }]
      : LANE_KERNELS;
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const lines = [];
  let ok = true;
  for (const lk of runs) {
    // In the lane a missing kernel feature is an error, not a skip (RTNL_REQUIRE_FEATURES),
    // except the features this kernel predates; timeouts are scaled for emulation.
    const require = ['all', ...lk.predates.map((f) => `-${f}`)].join(',');
    const job = [
      `export NO_COLOR=1 CI=1 RTNL_REQUIRE_FEATURES=${require}`,
      `node ${vitest} run --reporter=default --reporter=json --outputFile.json="$RTNL_LANE_run/vitest.json" --testTimeout=900000 --hookTimeout=900000 ${lk.suites.join(' ')}`,
    ].join('\n');
    const t0 = Date.now();
    const r = await boot(job, { pkg: lk.package });
    const s = summary(join(r.run, 'vitest.json'));
    const secs = ((Date.now() - t0) / 1000).toFixed(0);
    if (!s) {
      lines.push(`kernel lane (${r.kernel}): no test results (job exit ${r.rc}); output in ${relative(root, r.run)}/output`);
      ok = false;
      continue;
    }
    lines.push(`kernel lane (${r.kernel}, ${secs} s): ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
    if (s.skipped) lines.push(`skipped in the full-kernel lane (a failure here):\n  ${s.skippedNames.join('\n  ')}`);
    const good = r.finished && r.rc === 0 && s.failed === 0 && s.skipped === 0;
    if (good) rmSync(r.run, { recursive: true, force: true });
    else lines.push(`output kept in ${relative(root, r.run)}`);
    ok &&= good;
  }
  console.log(`\n${lines.join('\n')}`);
  process.exit(ok ? 0 : 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
