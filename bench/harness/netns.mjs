// Throwaway network namespaces for the benchmark, made with iproute2 and
// deleted on every way out: normal end, error, Ctrl-C, SIGTERM. Names carry
// the harness's pid, so namespaces left by a run that was killed outright
// (SIGKILL) are recognised and removed by the next run.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'rtnlbench';
const created = new Set();
const children = new Set();

export function ip(args) {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    throw new Error(`ip ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

export function nsName(tag) {
  return `${PREFIX}-${process.pid}-${tag}`;
}

export function createNs(tag) {
  const name = nsName(tag);
  created.add(name);
  ip(['netns', 'add', name]);
  return name;
}

export function deleteNs(name) {
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  created.delete(name);
}

/** Deletes and re-creates a namespace (after a failed leg left links behind). */
export function resetNs(name) {
  deleteNs(name);
  created.add(name);
  ip(['netns', 'add', name]);
}

/** Number of links in a namespace (lo included). */
export function linkCount(ns) {
  return ip(['-n', ns, '-o', 'link', 'show']).split('\n').filter(Boolean).length;
}

/** Runs `lines` through one `ip -n NS -batch` (setup work, not measured). */
export function ipBatch(ns, lines) {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-bench-setup-'));
  try {
    const file = join(dir, 'batch');
    writeFileSync(file, `${lines.join('\n')}\n`);
    ip(['-n', ns, '-batch', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `count` veth pairs PREFIXa<i>/PREFIXb<i>, made with ip -batch. */
export function addVethPairs(ns, prefix, count, from = 0) {
  const lines = [];
  for (let i = from; i < from + count; i++) lines.push(`link add ${prefix}a${i} type veth peer name ${prefix}b${i}`);
  ipBatch(ns, lines);
}

/** Children to stop when the harness is interrupted (their namespaces are about to go). */
export function trackChild(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

export function cleanupAll() {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const name of [...created]) deleteNs(name);
}

/** Removes namespaces of earlier runs whose harness process no longer exists. */
export function removeStale() {
  let names = [];
  try {
    names = readdirSync('/run/netns');
  } catch {
    return [];
  }
  const removed = [];
  for (const n of names) {
    const m = new RegExp(`^${PREFIX}-(\\d+)-`).exec(n);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive || pid === process.pid) {
      deleteNs(n);
      removed.push(n);
    }
  }
  return removed;
}

let installed = false;

/** Deletes every namespace we made on exit, error and signals. */
export function installCleanup() {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, removing the benchmark namespaces…\n`);
      cleanupAll();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  process.on('uncaughtException', (e) => {
    process.stderr.write(`bench: ${e.stack ?? e}\n`);
    cleanupAll();
    process.exit(1);
  });
  process.on('unhandledRejection', (e) => {
    process.stderr.write(`bench: ${e?.stack ?? e}\n`);
    cleanupAll();
    process.exit(1);
  });
}
