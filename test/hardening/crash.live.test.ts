/**
 * Killed half-way: a child runs one multi-step call and SIGKILLs itself
 * right before its k-th system call, for 30 points k drawn over the call's
 * whole length. After each death the next run must succeed — or, where
 * the kernel gives no way to finish what the dead creator began, say
 * exactly what is there and how to clear it.
 *
 * - createNetns brings lo up while only an fd holds the namespace and
 *   mounts it last: a death leaves nothing, or an unmounted file naming a
 *   creator that is gone (reused by the next createNetns), never a
 *   namespace with lo down.
 * - createVethPair with the peer up needs two requests (the kernel cannot
 *   open a peer before the pair is linked): a death in between leaves the
 *   pair with its peer down, and the next createVethPair says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as rtnl from '../../src/index.js';
import { backendEnv, repoPath } from '../helpers/child.js';
import { canRunLive, deleteNetnsWithIp, ip, liveTitle, uniqueName, useNetns } from '../helpers/live.js';

const ns = useNetns('rtnlcr');
const netnsName = uniqueName('rtnlcrash');
const KILLS = 30;
let dir: string;
let child: string;

beforeAll(() => {
  if (!canRunLive) return;
  mkdirSync(repoPath('.cache'), { recursive: true });
  dir = mkdtempSync(join(repoPath('.cache'), 'rtnl-crash-'));
  child = join(dir, 'crash-child.mjs');
  buildSync({ entryPoints: [repoPath('test/hardening/fixtures/crash-child.ts')], bundle: true, platform: 'node', format: 'esm', outfile: child, logLevel: 'error' });
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (!canRunLive) return;
  const path = `/run/netns/${netnsName}`;
  if (existsSync(path)) {
    try {
      deleteNetnsWithIp(netnsName);
    } catch {
      unlinkSync(path);
    }
  }
});

/** Runs the child; returns its system-call count when it finished, undefined when it died. */
function run(spec: object, killAt: number): number | undefined {
  const r = spawnSync(process.execPath, [child, JSON.stringify({ ...spec, killAt })], { encoding: 'utf8', env: backendEnv(), timeout: 30_000 });
  if (r.signal === 'SIGKILL') return undefined;
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { calls: number }).calls;
}

/** k for the i-th kill: spread over 1..n+1 (n+1: after the last call), shuffled by a fixed stride. */
const points = (n: number) => Array.from({ length: KILLS }, (_, i) => 1 + ((i * 7 + Math.floor(Math.random() * 3)) % (n + 1)));

function loUp(name: string): boolean | undefined {
  try {
    const [lo] = JSON.parse(ip(['-j', 'link', 'show', 'lo'], name)) as { flags: string[] }[];
    return lo!.flags.includes('UP');
  } catch {
    return undefined; // no namespace behind the name (absent, or an unmounted file)
  }
}

describe.skipIf(!canRunLive)(liveTitle(`killed at ${KILLS} points, the next run succeeds`), () => {
  it(`createNetns: never a namespace with lo down, and a leftover file is reused`, async () => {
    const spec = { op: 'netns', name: netnsName };
    const n = run(spec, 0)!;
    expect(n).toBeGreaterThan(3);
    deleteNetnsWithIp(netnsName);
    const outcomes = { none: 0, leftover: 0, complete: 0 };
    for (const k of points(n)) {
      run(spec, k);
      const path = `/run/netns/${netnsName}`;
      const up = existsSync(path) ? loUp(netnsName) : undefined;
      expect(up, `killed before system call ${k} of ${n}: a namespace with lo down`).not.toBe(false);
      if (up === true) {
        outcomes.complete++;
        await expect(rtnl.createNetns(netnsName)).rejects.toMatchObject({ name: 'SystemError', code: 'EEXIST', message: expect.stringMatching(/already exists/) });
      } else {
        if (existsSync(path)) outcomes.leftover++;
        else outcomes.none++;
        await rtnl.createNetns(netnsName);
        expect(loUp(netnsName), `after a death before call ${k}`).toBe(true);
      }
      await rtnl.deleteNetns(netnsName);
    }
    if (process.env.RTNL_HARDENING_VERBOSE) console.log(`createNetns: ${n} system calls; after ${KILLS} deaths:`, outcomes);
    // The points must have reached every phase of the call.
    expect(outcomes.leftover).toBeGreaterThan(0);
    expect(outcomes.complete + outcomes.none).toBeGreaterThan(0);
  });

  it('createVethPair with the peer up: none, whole, or half-made and reported as such', async () => {
    const spec = { op: 'veth', name: 'cv0', ns: ns.name };
    const n = run(spec, 0)!;
    ip(['link', 'del', 'cv0'], ns.name);
    const opts = { name: 'cv0', up: true, peer: { name: 'cv0p', up: true }, netns: ns.name };
    const outcomes = { none: 0, half: 0, whole: 0 };
    for (const k of points(n)) {
      run(spec, k);
      const links = JSON.parse(ip(['-j', 'link', 'show'], ns.name)) as { ifname: string; flags: string[] }[];
      const end = links.find((l) => l.ifname === 'cv0');
      const peer = links.find((l) => l.ifname === 'cv0p');
      expect(Boolean(end), `before call ${k}: one end without the other`).toBe(Boolean(peer));
      if (!end) {
        outcomes.none++;
      } else if (peer!.flags.includes('UP')) {
        outcomes.whole++;
        await expect(rtnl.createVethPair(opts)).rejects.toMatchObject({ code: 'EEXIST' });
        ip(['link', 'del', 'cv0'], ns.name);
      } else {
        outcomes.half++;
        await expect(rtnl.createVethPair(opts)).rejects.toMatchObject({ code: 'EEXIST', message: expect.stringMatching(/whose peer is down .* stopped between its two requests/) });
        await rtnl.deleteLink('cv0', { netns: ns.name });
      }
      const made = await rtnl.createVethPair(opts);
      expect([made.link.up, made.peer.up]).toEqual([true, true]);
      ip(['link', 'del', 'cv0'], ns.name);
    }
    if (process.env.RTNL_HARDENING_VERBOSE) console.log(`createVethPair: ${n} system calls; after ${KILLS} deaths:`, outcomes);
    expect(outcomes.none + outcomes.whole + outcomes.half).toBe(KILLS);
  });
});
