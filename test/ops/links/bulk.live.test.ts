/**
 * getLinks and deleteLinks(list) against the kernel: pipelined requests
 * (RtnlSocket.batch) settle one by one, in order, a missing link is its own
 * rejected ENODEV, and the requests really go several to a send() (counted
 * through the shim). iproute2 is the oracle.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { RtnlSocket, deleteLinks, getLinks } from '../../../src/index.js';
import { countingShim, withShim } from '../../hardening/_shim.js';
import { canRunLive, ip, ipJson, liveTitle, useNetns } from '../../helpers/live.js';

const NS = useNetns('rtnlbulk');
const PAIRS = 60;

function makePairs(): void {
  const file = join(tmpdir(), `rtnl-bulk-${process.pid}.batch`);
  writeFileSync(file, Array.from({ length: PAIRS }, (_, i) => `link add bk${i} type veth peer name bp${i}\n`).join(''));
  ip(['-batch', file], NS.name);
}

describe.skipIf(!canRunLive)(liveTitle('bulk link calls, pipelined'), () => {
  it('getLinks: one settled result per reference, in order, a missing one rejected alone', async () => {
    makePairs();
    const oracle = new Map(ipJson<{ ifname: string; ifindex: number }[]>(['link', 'show'], NS.name).map((l) => [l.ifname, l.ifindex]));
    const refs = [...Array.from({ length: PAIRS }, (_, i) => `bk${i}`), 'nosuch0', oracle.get('bp3')!, 999_999];
    const counting = countingShim();
    const results = await withShim(counting.shim, () => getLinks(refs, { netns: NS.name }));
    expect(results).toHaveLength(refs.length);
    for (let i = 0; i < PAIRS; i++) {
      expect(results[i]).toMatchObject({ status: 'fulfilled', value: { name: `bk${i}`, index: oracle.get(`bk${i}`), kind: 'veth' } });
    }
    expect(results[PAIRS]).toMatchObject({ status: 'rejected', reason: { name: 'NetlinkError', code: 'ENODEV' } });
    expect(String((results[PAIRS] as PromiseRejectedResult).reason.message)).toContain('nosuch0');
    expect(results[PAIRS + 1]).toMatchObject({ status: 'fulfilled', value: { name: 'bp3' } });
    expect(results[PAIRS + 2]).toMatchObject({ status: 'rejected', reason: { code: 'ENODEV' } });
    // 63 look-ups, 32 in flight at a time: two sends, not 63.
    expect(counting.netlinkSends).toBe(2);

    // A smaller window gives the same answers in more sends.
    counting.reset();
    const small = await withShim(counting.shim, () => getLinks(refs, { netns: NS.name, window: 5, stats: false }));
    expect(small.map((r) => (r.status === 'fulfilled' ? r.value.index : 'x'))).toEqual(results.map((r) => (r.status === 'fulfilled' ? r.value.index : 'x')));
    expect(counting.netlinkSends).toBe(Math.ceil(refs.length / 5));
    expect((small[0] as PromiseFulfilledResult<{ stats?: unknown }>).value.stats).toBeUndefined();
  });

  it('deleteLinks(list): each deletion settles on its own, the peer of a deleted veth is gone with it', async () => {
    const names = ['bk0', 'bk1', 'bp1', 'nosuch0', ...Array.from({ length: PAIRS - 2 }, (_, i) => `bk${i + 2}`)];
    const results = await deleteLinks(names, { netns: NS.name });
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', ...Array(PAIRS - 2).fill('fulfilled')]);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'ENODEV' });
    expect(ipJson<{ ifname: string }[]>(['link', 'show'], NS.name).map((l) => l.ifname)).toEqual(['lo']);
  });

  it('RtnlSocket.batch: refuses dumps, and keeps working for single requests after a batch', async () => {
    const s = RtnlSocket.open({ netns: NS.name });
    try {
      expect(() => s.batch([{ type: 18, flags: 0x300, body: () => undefined }])).toThrow(/no dumps/);
      expect(s.batch([])).toEqual([]);
      expect((await getLinks(['lo'], { socket: s }))[0]).toMatchObject({ status: 'fulfilled', value: { index: 1 } });
    } finally {
      s.close();
    }
  });
});
