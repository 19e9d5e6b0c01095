/**
 * Live-test harness: each test file gets throwaway network namespaces,
 * created with iproute2 (an independent oracle, allowed in tests only) and
 * deleted afterwards even when tests fail. Without root, without `ip` or
 * without a system-call backend the live suites are skipped with a loud
 * reason; nothing here depends on which machine runs them.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { getShim } from '../../src/shim/index.js';
import { toolsMissing } from './tools.js';

function probe(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not running as root (live tests need CAP_NET_ADMIN and CAP_SYS_ADMIN to create network namespaces)';
  const noIp = toolsMissing('ip', 'bridge');
  if (noIp) return `${noIp}; iproute2 (ip, bridge) is the tests' oracle`;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'pipe' });
  } catch (e) {
    return `\`ip netns\` does not work here: ${(e as Error).message}`;
  }
  try {
    getShim();
  } catch (e) {
    return `no system-call backend: ${(e as Error).message}`;
  }
  return undefined;
}

/** Why live tests cannot run here, or undefined when they can. */
export const liveSkipReason = probe();
export const canRunLive = liveSkipReason === undefined;

if (!canRunLive) {
  // Loud on purpose: a skipped live suite must never look like a pass.
  console.warn(`\n*** rtnl live tests SKIPPED: ${liveSkipReason} ***\n`);
}

/** The backend live tests run on, for titles ('none' where none loads). */
export function backendName(): string {
  try {
    return getShim().backend;
  } catch {
    return 'none';
  }
}

/**
 * A live suite's title: the subject, the backend, and, where the suite is
 * skipped, why — e.g. `links (addon) — skipped: not running as root`.
 */
export function liveTitle(subject: string, extraSkip?: string): string {
  const why = liveSkipReason ?? extraSkip;
  return `${subject} (${backendName()})${why ? ` — skipped: ${why}` : ''}`;
}

let counter = 0;

/** A unique namespace name for this process. */
export function uniqueName(prefix = 'rtnlt'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

/** Runs iproute2 and returns stdout; throws with stderr on failure. */
export function ip(args: string[], netns?: string): string {
  const full = netns ? ['-n', netns, ...args] : args;
  try {
    return execFileSync('ip', full, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`ip ${full.join(' ')} failed: ${err.stderr?.trim() || err.message}`);
  }
}

/** `ip -j …` parsed. */
export function ipJson<T = unknown>(args: string[], netns?: string): T {
  const out = ip(['-j', ...args], netns).trim();
  return (out ? JSON.parse(out) : []) as T;
}

export function createNetnsWithIp(name: string): void {
  ip(['netns', 'add', name]);
  ip(['link', 'set', 'lo', 'up'], name);
}

export function deleteNetnsWithIp(name: string): void {
  try {
    ip(['netns', 'del', name]);
  } catch {
    // already gone
  }
}

/**
 * Registers a throwaway namespace for the current test file: created before
 * all tests, deleted after all of them (also when they fail). Returns an
 * object whose `name` is valid inside tests.
 */
export function useNetns(prefix = 'rtnlt'): { name: string } {
  const ns = { name: uniqueName(prefix) };
  beforeAll(() => {
    if (canRunLive) createNetnsWithIp(ns.name);
  });
  afterAll(() => {
    if (canRunLive) deleteNetnsWithIp(ns.name);
  });
  return ns;
}
