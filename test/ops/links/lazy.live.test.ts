/**
 * The fast paths of the link API against the real kernel: Links read in
 * place and decoded lazily must equal what the full decoder makes of the
 * same messages; `stats: false` leaves the counters out; createVethPair's
 * ends (one echo, one look-up) equal what getLink reads afterwards.
 */
import { describe, expect, it } from 'vitest';
import { createBridge, createVethPair, getLink, iterateLinks, listLinks } from '../../../src/ops/links/index.js';
import { RtnlSocket } from '../../../src/netlink/socket.js';
import { AF, RTM } from '../../../src/rtnetlink/constants.js';
import { type Link, linkMessage, toLink } from '../../../src/rtnetlink/link/index.js';
import { canRunLive, useNetns, liveTitle } from '../../helpers/live.js';
import { ipLink } from './_helpers.js';

const ns = useNetns();

/** What stays the same between two reads of an idle link (counters and timers aside). */
const stable = (l: Link) => ({ ...l, stats: undefined, attrs: undefined, carrierChanges: undefined });

describe.skipIf(!canRunLive)(liveTitle('lazily decoded links'), () => {
  it('listLinks, iterateLinks and getLink agree with the full decode of the kernel’s own dump', async () => {
    await createBridge('zbr', { netns: ns.name });
    await createVethPair({ name: 'za0', peer: { name: 'za1' }, netns: ns.name, master: 'zbr', group: 4, mtu: 1400 });
    const sock = RtnlSocket.open({ netns: ns.name });
    try {
      const raw = await sock.dumpAll(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 } }));
      const eager = raw.filter((m) => m.type === RTM.NEWLINK).map((m) => toLink(linkMessage.decode(m.bytes)));
      const listed = await listLinks({ socket: sock });
      const streamed: Link[] = [];
      for await (const l of iterateLinks({ socket: sock })) streamed.push(l);
      expect(listed.map(stable)).toEqual(eager.map(stable));
      expect(streamed.map(stable)).toEqual(eager.map(stable));
      for (const l of listed) {
        expect(stable(await getLink(l.name, { socket: sock }))).toEqual(stable(l));
        // The lazy parts decode on access, to what the full decoder made.
        const e = eager.find((x) => x.index === l.index) as Link;
        expect(Object.keys(l.attrs).sort()).toEqual(Object.keys(e.attrs).sort());
        expect(l.attrs.linkinfo).toEqual(e.attrs.linkinfo);
        expect(l.info).toEqual(e.info);
        expect(l.portInfo).toEqual(e.portInfo);
      }
      expect(listed.find((l) => l.name === 'za0')).toMatchObject({ kind: 'veth', mtu: 1400, group: 4, slaveKind: 'bridge', portInfo: { state: expect.any(String) } });
      expect(listed.find((l) => l.name === 'zbr')?.info).toMatchObject({ kind: 'bridge' });
    } finally {
      sock.close();
    }
  });

  it('stats: false leaves stats out, and asks the kernel to skip the counters it can', async () => {
    const full = await getLink('lo', { netns: ns.name });
    expect(typeof full.stats?.rxPackets).toBe('bigint');
    expect(full.attrs.stats64).toBe(full.stats);
    const lean = await getLink('lo', { netns: ns.name, stats: false });
    expect('stats' in lean).toBe(false);
    // RTEXT_FILTER_SKIP_STATS drops the IPv6 counters; IFLA_STATS64 comes regardless.
    expect(lean.attrs.stats64).toBeDefined();
    const inet6 = (l: typeof full) => (l.attrs.afSpec instanceof Uint8Array ? undefined : l.attrs.afSpec?.inet6);
    if (inet6(full)?.stats) expect(inet6(lean)?.stats).toBeUndefined();
    expect(lean).toMatchObject({ name: 'lo', index: full.index, mtu: full.mtu });
    const listed = await listLinks({ netns: ns.name, stats: false });
    expect(listed.every((l) => l.stats === undefined && !('stats' in l))).toBe(true);
    await expect(getLink('lo', { netns: ns.name, stats: 'no' as never })).rejects.toMatchObject({ name: 'ValidationError', field: 'stats' });
    await expect(listLinks({ netns: ns.name, stats: 1 as never })).rejects.toMatchObject({ name: 'ValidationError', field: 'stats' });
  });

  it('createVethPair returns both ends as getLink reads them afterwards', async () => {
    const sock = RtnlSocket.open({ netns: ns.name });
    try {
      const { link, peer } = await createVethPair({ name: 'zc0', peer: { name: 'zc1', mtu: 1300 }, group: 6, up: true, socket: sock });
      expect(stable(link)).toEqual(stable(await getLink('zc0', { socket: sock })));
      expect(stable(peer)).toEqual(stable(await getLink('zc1', { socket: sock })));
      expect(link.info).toEqual({ kind: 'veth', peerIndex: peer.index });
      expect(peer.info).toEqual({ kind: 'veth', peerIndex: link.index });
      expect(ipLink('zc1', ns.name)).toMatchObject({ ifindex: peer.index, mtu: 1300 });
      expect(link).toMatchObject({ up: true, group: 6 });
      // Without `up` (or a master), the first end is the kernel's echo of the
      // new link, whose ifi_change is ~0 (a notification of a new device).
      const quiet = await createVethPair({ name: 'zd0', peer: { name: 'zd1' }, socket: sock });
      const again = await getLink('zd0', { socket: sock });
      expect({ ...stable(quiet.link), header: { ...quiet.link.header, change: 0 } }).toEqual(stable(again));
    } finally {
      sock.close();
    }
  });
});
