/**
 * formatEvent against the real thing: `ip -o monitor` and our monitor watch
 * the same namespace while the same changes are made, and the lines must
 * agree (whitespace aside, and for the documented differences).
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { monitor, type MonitorEvent } from '../../../src/ops/monitor/index.js';
import { formatEvent } from '../../../src/ops/monitor/format.js';
import { oracleUnvalidated } from '../../helpers/iproute2.js';
import { canRunLive, createNetnsWithIp, deleteNetnsWithIp, ip, uniqueName, useNetns, liveTitle } from '../../helpers/live.js';
import { collect } from './_collect.js';
import { until } from './_helpers.js';

const ns = useNetns('rtnlfmt');

/** Whitespace-insensitive, without ip's line continuations and the parts we document as different. */
function normalise(line: string): string {
  return line
    .replace(/\\/g, ' ')
    .replace(/,M-DOWN>/, '>')
    .replace(/ \(iproute2 netns name: [^)]*\)/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const oracle = oracleUnvalidated();

describe.skipIf(!canRunLive)(liveTitle('formatEvent'), () => {
  it.skipIf(oracle !== undefined)(`prints what \`ip -o monitor\` prints for the same notifications${oracle ? ` — skipped: ${oracle}` : ''}`, async () => {
    const peer = uniqueName('rtnlfp');
    createNetnsWithIp(peer);
    const child = spawn('ip', ['-n', ns.name, '-o', 'monitor', 'link', 'address', 'route', 'neigh', 'nsid'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const mon = monitor(undefined, { netns: ns.name });
    const c = collect(mon);
    try {
      await new Promise((r) => setTimeout(r, 300)); // let ip subscribe
      const steps: string[][] = [
        ['link', 'add', 'fb0', 'type', 'bridge'],
        ['link', 'set', 'fb0', 'up'],
        ['link', 'add', 'fv0', 'type', 'veth', 'peer', 'name', 'fv1'],
        ['link', 'set', 'fv0', 'master', 'fb0'],
        ['link', 'set', 'fb0', 'alias', 'uplink'],
        ['addr', 'add', '10.60.0.1/24', 'brd', '+', 'dev', 'fb0'],
        ['addr', 'add', '2001:db8:60::1/64', 'dev', 'fb0', 'nodad'],
        ['addr', 'add', '10.60.1.1', 'peer', '10.60.1.2/32', 'dev', 'fb0'],
        ['route', 'add', '10.61.0.0/16', 'via', '10.60.0.5', 'metric', '7'],
        ['route', 'add', '10.62.0.0/16', 'dev', 'fb0', 'table', '100', 'proto', 'static', 'mtu', '1400'],
        ['-6', 'route', 'add', '2001:db8:61::/64', 'dev', 'fb0'],
        ['route', 'add', 'blackhole', '10.63.0.0/16'],
        ['neigh', 'add', '10.60.0.2', 'lladdr', '02:00:00:00:60:02', 'dev', 'fb0', 'nud', 'permanent'],
        ['-6', 'neigh', 'add', '2001:db8:60::2', 'lladdr', '02:00:00:00:60:03', 'dev', 'fb0', 'nud', 'reachable', 'router'],
        ['netns', 'set', peer, '11'],
        ['neigh', 'del', '10.60.0.2', 'dev', 'fb0'],
        ['route', 'del', '10.61.0.0/16'],
        ['addr', 'del', '10.60.0.1/24', 'dev', 'fb0'],
        ['link', 'del', 'fv0'],
        ['link', 'del', 'fb0'],
      ];
      // One step at a time with the loop free in between, as changes
      // usually come: both monitors then read (and look up link names)
      // while the links still exist.
      for (const s of steps) {
        ip(s, ns.name);
        await new Promise((r) => setTimeout(r, 15));
      }
      deleteNetnsWithIp(peer);
      const isLast = (e: MonitorEvent) => e.type === 'delnsid';
      await c.waitFor((e): e is MonitorEvent => isLast(e), 20_000, 'delnsid');
      await until(() => out.includes('Deleted nsid'), 5000, 'ip to print the delnsid');
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      child.kill();
      mon.close();
      deleteNetnsWithIp(peer);
    }
    await c.done;
    const theirs = out.split('\n').filter(Boolean).map(normalise);
    const ours = c.events.map((e) => normalise(formatEvent(e, { linkName: (i) => mon.linkName(i) })));
    // Both saw the same notifications in the same order (no overruns at this rate).
    expect(c.events.some((e) => e.type === 'overrun')).toBe(false);
    expect(ours.length).toBe(theirs.length);
    expect(ours.length).toBeGreaterThan(30);
    const mismatches = ours.map((l, i) => [l, theirs[i]]).filter(([a, b]) => a !== b);
    expect(mismatches).toEqual([]);
  }, 40_000);

  it('prefixes lines like `ip monitor all` and describes overruns and resyncs', () => {
    const ev: MonitorEvent = { type: 'overrun', reason: 'enobufs' };
    expect(formatEvent(ev, { prefix: true })).toMatch(/^\[OVERRUN\]overrun: .*ENOBUFS/);
    expect(formatEvent({ type: 'resync', reason: 'overrun', consistent: true, links: [], routes: [] })).toBe('resync (overrun): 0 links, 0 routes');
    expect(formatEvent({ type: 'newnsid', nsid: { nsid: 3, name: 'blue' }, portId: 0, seq: 0 }, { prefix: true })).toBe('[NSID]nsid 3 (iproute2 netns name: blue)');
  });
});
