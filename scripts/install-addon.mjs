#!/usr/bin/env node
// The package's `install` script: builds the Node-API addon (native/rtnl_shim.c)
// where the runtime has no FFI of its own. It never fails the install: without
// the addon, rtnl still loads and its first system call says what to do.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => console.log(`rtnl: ${line}`);

if (process.versions.bun) {
  say('running under Bun, which has bun:ffi; the native addon is not needed.');
  process.exit(0);
}
let hasFfi = false;
try {
  // Node 26+: node:ffi is built in (undefined where it is missing or disabled).
  hasFfi = process.getBuiltinModule?.('node:ffi') !== undefined;
} catch {
  hasFfi = false;
}
if (hasFfi) {
  say(`Node ${process.version} has node:ffi; the native addon is not needed.`);
  process.exit(0);
}

const prefix = dirname(dirname(process.execPath));

// The package carries a build for this CPU (scripts/build-prebuilds.mjs, at
// pack time): nothing to build when it loads here. A checkout has none and
// builds, as does a CPU or libc the package has no build for.
const prebuilt = join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'rtnl_shim.node');
if (existsSync(prebuilt)) {
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(prebuilt)})`], { stdio: 'ignore' });
  if (probe.status === 0) {
    say(`using the prebuilt addon for ${process.platform}-${process.arch} (prebuilds/); nothing to build.`);
    process.exit(0);
  }
  say(`the prebuilt addon for ${process.platform}-${process.arch} does not load here (another libc?); building one.`);
}

// npm exports the path of its bundled node-gyp to install scripts. Run by hand
// (`node scripts/install-addon.mjs`), fall back to a node-gyp on PATH, then to
// the one bundled with the npm that sits next to this node.
function findNodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return { cmd: process.execPath, args: [fromNpm] };
  const which = spawnSync('sh', ['-c', 'command -v node-gyp'], { encoding: 'utf8' });
  const onPath = which.status === 0 ? which.stdout.trim() : '';
  if (onPath) return { cmd: onPath, args: [] };
  const bundled = join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(bundled)) return { cmd: process.execPath, args: [bundled] };
  return undefined;
}

function warn(reason) {
  console.warn(
    [
      '',
      `rtnl: WARNING: the native addon was not built (${reason}).`,
      `rtnl: On Node ${process.version} (no node:ffi) rtnl needs it for every system call.`,
      'rtnl: Building it needs python3, make and a C compiler (gcc or clang), plus the',
      'rtnl: Node headers (node-gyp downloads them unless they are installed locally).',
      'rtnl: On Debian/Ubuntu: apt-get install python3 make gcc; then run `npm rebuild rtnl`.',
      'rtnl: Alternatively use Node 26+ (node:ffi) or Bun, which need no build.',
      '',
    ].join('\n'),
  );
  process.exit(0);
}

const gyp = findNodeGyp();
if (!gyp) warn("node-gyp was not found: npm_config_node_gyp is unset and there is no node-gyp on PATH");

const args = [...gyp.args, 'rebuild'];
// A Node installed from a release tarball or a distro package ships its
// headers under <prefix>/include/node; pointing node-gyp there builds offline.
// npm passes its own `nodedir` setting as npm_config_nodedir, which wins.
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}

say(`building the Node-API addon for Node ${process.version}: ${[gyp.cmd, ...args].join(' ')}`);
const child = spawn(gyp.cmd, args, { cwd: root, stdio: 'inherit' });
child.on('error', (err) => warn(`could not start node-gyp: ${err.message}`));
child.on('exit', (code, signal) => {
  if (code === 0 && existsSync(join(root, 'build', 'Release', 'rtnl_shim.node'))) {
    say('native addon built: build/Release/rtnl_shim.node');
    process.exit(0);
  }
  warn(signal ? `node-gyp was killed by ${signal}` : `node-gyp exited with code ${code}; see its output above`);
});
