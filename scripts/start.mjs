#!/usr/bin/env node
// `npm start`: the walkthrough of examples/demo.ts — veth pairs and a TAP
// device on one Linux bridge, in throwaway network namespaces.
//
//   npm start                     run it
//   npm start -- --slow[=MS]      pause before each step (default 1500 ms) to read along
//   npm start -- --fail-at-step N stop with an error at step N (shows the clean-up path)
//   npm start -- --ovs            an Open vSwitch bridge (userspace datapath, private
//                                 ovsdb-server + ovs-vswitchd) instead of the Linux bridge
//
// The demo is TypeScript; Node runs JavaScript. So this script bundles
// examples/demo.ts with the library sources into .cache/demo/demo.mjs
// (esbuild, which `npm install` brings along with tsup; ~0.1 s, so it
// rebuilds every time and never runs stale code), then runs it in this
// process. The bundle lives inside the package so the library still finds
// its native addon (Node 20–24).
//
// Ctrl-C (or SIGTERM) stops the demo at the next step; it then removes
// everything it made and exits with 130. Errors are cleaned up the same
// way and exit with 1.
import { mkdirSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message, code = 1) {
  console.error(message);
  process.exit(code);
}

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const slow = /^--slow(?:=(\d+))?$/.exec(a);
    if (slow) o.stepDelayMs = slow[1] === undefined ? 1500 : Number(slow[1]);
    else if (a === '--fail-at-step' && /^\d+$/.test(argv[i + 1] ?? '')) o.failAtStep = Number(argv[++i]);
    else if (a === '--ovs') o.ovs = true;
    else if (a === '--help' || a === '-h') {
      console.log('Usage: npm start [-- --slow[=MS]] [-- --fail-at-step N] [-- --ovs]');
      process.exit(0);
    } else fail(`Unknown option ${a}. Try: npm start -- --help`, 2);
  }
  return o;
}

/** Why the demo cannot run here, said before anything is built or made. */
function preflight() {
  if (process.platform !== 'linux') return 'This demo needs Linux: it creates network namespaces, a bridge, veth pairs and a TAP device.';
  if (process.getuid?.() !== 0) {
    return [
      'This demo needs root.',
      'It creates three network namespaces (mount, unshare, setns: CAP_SYS_ADMIN) and a bridge, veth pairs',
      'and a TAP device inside them (CAP_NET_ADMIN), sends a few UDP datagrams, then removes everything.',
      'Nothing touches your own network namespace. Run it as root, e.g.:  sudo npm start',
    ].join('\n');
  }
  return undefined;
}

async function bundle() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    fail('npm start needs the development dependencies (esbuild comes with tsup): run `npm install` first.');
  }
  const outDir = join(root, '.cache', 'demo');
  const out = join(outDir, 'demo.mjs');
  mkdirSync(outDir, { recursive: true });
  // Build beside the target and rename: two concurrent starts never run a half-written file.
  const tmp = join(outDir, `demo-${process.pid}.mjs`);
  await esbuild.build({
    entryPoints: [join(root, 'examples', 'demo.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: tmp,
    logLevel: 'error',
  });
  renameSync(tmp, out);
  return out;
}

// Node 26 announces node:ffi (the library's system-call backend there) as
// experimental on first use; that notice would interrupt the walkthrough.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === 'string' ? warning : warning?.message;
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if ((type === 'ExperimentalWarning' || warning?.name === 'ExperimentalWarning') && /ffi/i.test(String(text))) return;
  emitWarning(warning, ...rest);
};

const options = parseArgs(process.argv.slice(2));
const problem = preflight();
if (problem) fail(problem);

const { demo, ovsMissing } = await import(pathToFileURL(await bundle()).href);
if (options.ovs) {
  const missing = ovsMissing();
  if (missing) fail(missing);
}

const controller = new AbortController();
let signals = 0;
function onSignal(sig) {
  signals++;
  if (signals === 1) {
    console.error(`\n${sig}: stopping, then removing everything the demo made…`);
    controller.abort(new Error(`interrupted by ${sig}`));
  } else if (signals === 2) {
    console.error('Still cleaning up; press Ctrl-C once more to quit anyway (that may leave namespaces behind).');
  } else {
    process.exit(130);
  }
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, onSignal);

// `npm start | head`: when the reader goes away, stop like on Ctrl-C and
// still clean up (an unhandled EPIPE would end the process mid-way and leave
// the namespaces behind).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
    if (!controller.signal.aborted) controller.abort(new Error('output closed'));
  });
}

try {
  await demo({ ...options, signal: controller.signal });
} catch (e) {
  if (controller.signal.aborted) {
    process.exitCode = 130;
  } else {
    const err = /** @type {Error & { code?: string }} */ (e);
    console.error(`\nThe demo failed: ${err?.message ?? String(e)}`);
    if (err?.code === 'EPERM' || err?.code === 'EACCES') {
      console.error('It needs CAP_NET_ADMIN and CAP_SYS_ADMIN (in a container: --privileged, or those capabilities).');
    }
    if (process.env.RTNL_DEMO_DEBUG && err?.stack) console.error(err.stack);
    process.exitCode = 1;
  }
}
