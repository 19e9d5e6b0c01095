/**
 * Killed while applying: a child applies a 20-object topology (three
 * namespaces of its own, a bridge, veth pairs into them and into the test's
 * base namespace, a TAP, addresses, routes, neighbours) and SIGKILLs itself
 * right before its k-th system call, for 30 points k drawn over the whole
 * apply. After each death `recover()` must bring everything back to the
 * state before the apply — compared with iproute2's dumps of the base
 * namespace and the list of namespaces — and remove the journal. When the
 * child finished (k past its last call), `destroy` must do the same.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../../src/index.js';
import { backendEnv, repoPath } from '../helpers/child.js';
import { canRunLive, ip, ipJson, liveTitle, uniqueName, useNetns } from '../helpers/live.js';

const BASE = useNetns('rtnltcb');
const KILLS = 30;
const prefix = uniqueName('rtc');
const [NS_SW, NS_A, NS_B] = ['sw', 'a', 'b'].map((n) => `${prefix}${n}`) as [string, string, string];
let dir: string;
let child: string;

/** 20 objects: 3 namespaces, 6 links (two of them pairs), 6 addresses, 3 routes, 2 neighbours. */
const doc = (): topology.Topology => ({
  namespaces: [NS_SW, NS_A, NS_B],
  links: [
    { name: 'br0', kind: 'bridge', netns: NS_SW, addresses: ['10.77.0.254/24'] },
    { name: 'veth-a', kind: 'veth', netns: NS_SW, master: 'br0', peer: { name: 'eth0', netns: NS_A, addresses: ['10.77.0.1/24'] } },
    { name: 'veth-b', kind: 'veth', netns: NS_SW, master: 'br0', peer: { name: 'eth0', netns: NS_B, addresses: ['10.77.0.2/24', 'fd00:77::2/64'] } },
    { name: 'tap0', kind: 'tap', netns: NS_SW, master: 'br0', mtu: 1400 },
    { name: 'up0', kind: 'veth', mtu: 1450, addresses: ['10.99.0.1/30'], peer: { name: 'down0', netns: NS_SW, master: 'br0' } },
    // Not ifb: loading its module would make ifb0 and ifb1 in the machine's own namespace.
    { name: 'brx0', kind: 'bridge', up: false },
  ],
  routes: [
    { netns: NS_A, dst: '10.88.0.0/16', gateway: '10.77.0.254' },
    { netns: NS_B, dst: 'default', gateway: '10.77.0.254' },
    { dst: '10.77.0.0/24', gateway: '10.99.0.2', dev: 'up0' },
  ],
  neighbours: [
    { netns: NS_A, dev: 'eth0', address: '10.77.0.2', lladdr: '02:00:00:00:00:02' },
    { dev: 'up0', address: '10.99.0.2', lladdr: '02:00:00:00:99:02' },
  ],
});

/** The base namespace and the test's namespaces as iproute2 shows them: what recovery must restore. */
function snapshot(): unknown {
  const links = ipJson<{ ifname: string; flags: string[]; mtu: number; master?: string }[]>(['-d', 'link', 'show'], BASE.name).map((l) => `${l.ifname} ${l.mtu} ${l.master ?? '-'} ${l.flags.includes('UP')}`);
  const addrs = ipJson<{ ifname: string; addr_info: { local: string; prefixlen: number }[] }[]>(['addr', 'show'], BASE.name).flatMap((l) => l.addr_info.map((a) => `${l.ifname} ${a.local}/${a.prefixlen}`));
  const routes = ipJson<{ dst: string; gateway?: string; dev?: string; table?: string }[]>(['route', 'show', 'table', 'all'], BASE.name).map((r) => `${r.table ?? 'main'} ${r.dst} ${r.gateway ?? ''} ${r.dev ?? ''}`);
  const neigh = ipJson<{ dst: string; dev: string; lladdr?: string }[]>(['neigh', 'show'], BASE.name).map((n) => `${n.dev} ${n.dst} ${n.lladdr ?? ''}`);
  const namespaces = ip(['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n?.startsWith(prefix));
  return { links: links.sort(), addrs: addrs.sort(), routes: routes.sort(), neigh: neigh.sort(), namespaces: namespaces.sort() };
}

beforeAll(() => {
  if (!canRunLive) return;
  mkdirSync(repoPath('.cache'), { recursive: true });
  dir = mkdtempSync(join(repoPath('.cache'), 'rtnl-topo-crash-'));
  child = join(dir, 'apply-child.mjs');
  buildSync({ entryPoints: [repoPath('test/topology/fixtures/apply-child.ts')], bundle: true, platform: 'node', format: 'esm', outfile: child, logLevel: 'error' });
});
afterAll(async () => {
  if (canRunLive) await topology.destroy(doc(), { netns: BASE.name }).catch(() => undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the child; its system-call count when it finished, undefined when it died. */
function run(journalDir: string, killAt: number): number | undefined {
  const r = spawnSync(process.execPath, [child, JSON.stringify({ doc: doc(), base: BASE.name, journalDir, killAt })], { encoding: 'utf8', env: backendEnv(), timeout: 60_000 });
  if (r.signal === 'SIGKILL') return undefined;
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { calls: number }).calls;
}

describe.skipIf(!canRunLive)(liveTitle(`apply killed at ${KILLS} points: recover() restores the state before it`), () => {
  it('recovers from every point of death, and removes the journal', async () => {
    const journalDir = join(dir, 'journal');
    const before = snapshot();
    const n = run(journalDir, 0)!;
    expect(n).toBeGreaterThan(40);
    expect(await topology.plan(doc(), { netns: BASE.name })).toEqual([]);
    expect(readdirSync(journalDir)).toEqual([]);
    await topology.destroy(doc(), { netns: BASE.name });
    expect(snapshot()).toEqual(before);

    // k over 1..n+1 (n+1: after the last call), spread evenly with a random offset in each stretch.
    const points = Array.from({ length: KILLS }, (_, i) => 1 + Math.floor(((i + Math.random()) * (n + 1)) / KILLS));
    const outcomes = { died: 0, finished: 0, undone: 0 };
    for (const k of points) {
      const finished = run(journalDir, k);
      if (finished === undefined) {
        outcomes.died++;
        const recovered = await topology.recover({ journalDir });
        // A death before the journal's first write leaves nothing to recover, and nothing made.
        expect(recovered.length, `k=${k}`).toBeLessThanOrEqual(1);
        outcomes.undone += recovered[0]?.undone.length ?? 0;
      } else {
        outcomes.finished++;
        expect(await topology.recover({ journalDir })).toEqual([]);
        await topology.destroy(doc(), { netns: BASE.name });
      }
      expect(readdirSync(journalDir).filter((f) => !f.endsWith('.tmp')), `k=${k}`).toEqual([]);
      expect(snapshot(), `killed before system call ${k} of ${n}`).toEqual(before);
    }
    expect(outcomes.died).toBeGreaterThanOrEqual(KILLS - 2);
    expect(outcomes.undone).toBeGreaterThan(KILLS);
  }, 300_000);
});
