/**
 * RTM_NEWNEIGH messages captured from a 6.18 kernel (`ip neigh` and
 * `bridge fdb` dumps), both directions.
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../src/netlink/writer.js';
import { reencode } from '../../../src/rtnetlink/family.js';
import { neighMessage } from '../../../src/rtnetlink/neigh/index.js';
import { toNeighbour } from '../../../src/ops/neighbours/index.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/#.*$/gm, '').replace(/\s+/g, ''), 'hex'));

// ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0
const arp = hex(`
  4c000000 1c00 0200 04000000 64520000   # nlmsghdr: len 76, RTM_NEWNEIGH, NLM_F_MULTI
  02 00 0000 03000000 8000 00 01         # ndmsg: AF_INET, pads, ifindex 3, NUD_PERMANENT, flags 0, RTN_UNICAST
  0800 0100 0a000002                     # NDA_DST 10.0.0.2
  0a00 0200 020000000002 0000            # NDA_LLADDR 02:00:00:00:00:02, padded
  0800 0400 00000000                     # NDA_PROBES 0
  1400 0300 02000000 02000000 02000000 00000000  # NDA_CACHEINFO confirmed/used/updated 2, refcnt 0
`);
const arpExpected = {
  header: { family: 2, ifindex: 3, state: 0x80, flags: 0, type: 1 },
  attrs: { dst: '10.0.0.2', lladdr: '02:00:00:00:00:02', probes: 0, cacheinfo: { confirmed: 2, used: 2, updated: 2, refcnt: 0 } },
};

// The bridge's own entry for port v1 (ifindex 2) of br0 (ifindex 4).
const fdb = hex(`
  4c000000 1c00 0200 05000000 64520000   # nlmsghdr
  07 00 0000 02000000 8000 00 00         # ndmsg: AF_BRIDGE, ifindex 2, NUD_PERMANENT, flags 0, type 0
  0a00 0200 ee3ea24e37e0 0000            # NDA_LLADDR
  0800 0900 04000000                     # NDA_MASTER 4
  0800 0f00 00000000                     # NDA_FLAGS_EXT 0
  1400 0300 00000000 02000000 02000000 00000000  # NDA_CACHEINFO
`);
const fdbExpected = {
  header: { family: 7, ifindex: 2, state: 0x80, flags: 0, type: 0 },
  attrs: { lladdr: 'ee:3e:a2:4e:37:e0', master: 4, flagsExt: 0, cacheinfo: { confirmed: 0, used: 2, updated: 2, refcnt: 0 } },
};

describe('ndmsg + NDA_* golden bytes', () => {
  for (const [name, raw, expected] of [
    ['an IPv4 neighbour', arp, arpExpected],
    ['a bridge FDB entry', fdb, fdbExpected],
  ] as const) {
    it(`decodes ${name}`, () => {
      expect(neighMessage.decode(raw)).toEqual(expected);
    });
    it(`encodes ${name} to the kernel's bytes`, () => {
      expect(reencode(neighMessage, raw, expected, new ByteWriter())).toEqual(raw);
    });
  }

  it('maps to Neighbour objects', () => {
    expect(toNeighbour(neighMessage.decode(arp), new Map([[3, 'v0']]))).toMatchObject({
      family: 'inet',
      index: 3,
      link: 'v0',
      address: '10.0.0.2',
      lladdr: '02:00:00:00:00:02',
      state: ['PERMANENT'],
      flags: [],
      probes: 0,
    });
    expect(toNeighbour(neighMessage.decode(fdb), new Map([[2, 'v1'], [4, 'br0']]))).toMatchObject({
      family: 'bridge',
      link: 'v1',
      lladdr: 'ee:3e:a2:4e:37:e0',
      master: 'br0',
      masterIndex: 4,
      state: ['PERMANENT'],
    });
  });
});
