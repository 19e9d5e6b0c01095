import { describe, expect, it } from 'vitest';
import { reencode } from '../../../src/rtnetlink/family.js';
import { ByteWriter } from '../../../src/netlink/writer.js';
import { linkAttrs, linkMessage, readLink, toLink } from '../../../src/rtnetlink/link/index.js';
import { unknownAttrs } from '../../../src/netlink/schema.js';
import { hex, zeros } from './_golden.js';

/**
 * A whole RTM_NEWLINK for one end of a veth pair, as a 6.18 kernel dumps it
 * after
 *   ip link add gv0 address 02:00:00:00:00:a0 type veth peer name gv1 address 02:00:00:00:00:a1
 * (gv0 is the other end, ifindex 4). veth has no fill_info for its peer:
 * IFLA_LINKINFO holds only IFLA_INFO_KIND "veth", and the peer is named by
 * IFLA_LINK. Attributes 62–69 are newer than the 6.1 UAPI headers.
 */
const MESSAGE = hex(
      // nlmsghdr: len 1492, type 16 RTM_NEWLINK, flags 0x2 NLM_F_MULTI, seq, pid
      'd4 05 00 00 | 10 00 02 00 | 01 00 00 00 cc 6c 00 00',
      // ifinfomsg: family AF_UNSPEC, pad, type 1 ARPHRD_ETHER, index 3, flags 0x1002 BROADCAST|MULTICAST, change 0
      '00 00 01 00 | 03 00 00 00 | 02 10 00 00 | 00 00 00 00',
      // IFLA_IFNAME (3), string: "gv1"
      '08 00 03 00 | 67 76 31 00',
      // IFLA_TXQLEN (13), u32: 1000
      '08 00 0d 00 | e8 03 00 00',
      // IFLA_OPERSTATE (16), u8: 2
      '05 00 10 00 | 02 | 00 00 00',
      // IFLA_LINKMODE (17), u8: 0
      '05 00 11 00 | 00 | 00 00 00',
      // IFLA_NETNS_IMMUTABLE (67), u8: 0
      '05 00 43 00 | 00 | 00 00 00',
      // IFLA_MTU (4), u32: 1500
      '08 00 04 00 | dc 05 00 00',
      // IFLA_MIN_MTU (50), u32: 68
      '08 00 32 00 | 44 00 00 00',
      // IFLA_MAX_MTU (51), u32: 65535
      '08 00 33 00 | ff ff 00 00',
      // IFLA_GROUP (27), u32: 0
      '08 00 1b 00 | 00 00 00 00',
      // IFLA_PROMISCUITY (30), u32: 0
      '08 00 1e 00 | 00 00 00 00',
      // IFLA_ALLMULTI (61), u32: 0
      '08 00 3d 00 | 00 00 00 00',
      // IFLA_NUM_TX_QUEUES (31), u32: 2
      '08 00 1f 00 | 02 00 00 00',
      // IFLA_GSO_MAX_SEGS (40), u32: 65535
      '08 00 28 00 | ff ff 00 00',
      // IFLA_GSO_MAX_SIZE (41), u32: 65536
      '08 00 29 00 | 00 00 01 00',
      // IFLA_GRO_MAX_SIZE (58), u32: 65536
      '08 00 3a 00 | 00 00 01 00',
      // IFLA_GSO_IPV4_MAX_SIZE (63), u32: 65536
      '08 00 3f 00 | 00 00 01 00',
      // IFLA_GRO_IPV4_MAX_SIZE (64), u32: 65536
      '08 00 40 00 | 00 00 01 00',
      // IFLA_TSO_MAX_SIZE (59), u32: 524280
      '08 00 3b 00 | f8 ff 07 00',
      // IFLA_TSO_MAX_SEGS (60), u32: 65535
      '08 00 3c 00 | ff ff 00 00',
      // IFLA_MAX_PACING_OFFLOAD_HORIZON (66), uint: 0n
      '08 00 42 00 | 00 00 00 00',
      // IFLA_NUM_RX_QUEUES (32), u32: 2
      '08 00 20 00 | 02 00 00 00',
      // IFLA_CARRIER (33), u8: 0
      '05 00 21 00 | 00 | 00 00 00',
      // IFLA_CARRIER_CHANGES (35), u32: 1
      '08 00 23 00 | 01 00 00 00',
      // IFLA_CARRIER_UP_COUNT (47), u32: 0
      '08 00 2f 00 | 00 00 00 00',
      // IFLA_CARRIER_DOWN_COUNT (48), u32: 1
      '08 00 30 00 | 01 00 00 00',
      // IFLA_HEADROOM (68), u16: 0
      '06 00 44 00 | 00 00 | 00 00',
      // IFLA_TAILROOM (69), u16: 0
      '06 00 45 00 | 00 00 | 00 00',
      // IFLA_PROTO_DOWN (39), u8: 0
      '05 00 27 00 | 00 | 00 00 00',
      // IFLA_ADDRESS (1), hwaddr: "02:00:00:00:00:a1"
      '0a 00 01 00 | 02 00 00 00 00 a1 | 00 00',
      // IFLA_BROADCAST (2), hwaddr: "ff:ff:ff:ff:ff:ff"
      '0a 00 02 00 | ff ff ff ff ff ff | 00 00',
      // IFLA_STATS64 (23), rtnl_link_stats64: all counters 0
      'cc 00 17 00 | ' + zeros(200),
      // IFLA_STATS (7), rtnl_link_stats: all counters 0
      '64 00 07 00 | ' + zeros(96),
      // IFLA_XDP (43), nest(xdp): {"attached":0}
      '0c 00 2b 00 | 05 00 02 00 00 00 00 00',
      // IFLA_LINKINFO (18), linkinfo: {"kind":"veth"}
      '10 00 12 00 | 09 00 01 00 76 65 74 68 00 00 00 00',
      // IFLA_LINK (5), u32: 4
      '08 00 05 00 | 04 00 00 00',
      // IFLA_QDISC (6), string: "noop"
      '09 00 06 00 | 6e 6f 6f 70 00 | 00 00 00',
      // IFLA_AF_SPEC (26), nest(af-spec): AF_INET devconf (33 u32) and AF_INET6 flags, cacheinfo, devconf, stats, icmp6stats, token, addr_gen_mode
      '30 03 1a 00 | 8c 00 02 00 88 00 01 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 01 00 00 00 01 00 00 00 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 10 27 00 00 e8 03 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 a0 02 0a 00 08 00 01 00 00 00 00 00 14 00 05 00 ff ff 00 00 4a 6c 03 00 08 ad 00 00 e8 03 00 00 f4 00 02 00 00 00 00 00 40 00 00 00 dc 05 00 00 01 00 00 00 01 00 00 00 01 00 00 00 01 00 00 00 ff ff ff ff a0 0f 00 00 e8 03 00 00 00 00 00 00 80 3a 09 00 80 51 01 00 03 00 00 00 58 02 00 00 10 00 00 00 00 00 00 00 01 00 00 00 01 00 00 00 01 00 00 00 60 ea 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 10 27 00 00 e8 03 00 00 01 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 80 ee 36 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 04 00 00 00 00 00 00 ff ff 00 00 ff ff ff ff 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 34 01 03 00 26 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 3c 00 06 00 07 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 14 00 07 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 05 00 08 00 00 00 00 00',
      // IFLA_MAP (14), rtnl_link_ifmap: {"memStart":"0n","memEnd":"0n","baseAddr":"0n","irq":0,"dma":0,"port":0,"pad":0}
      '24 00 0e 00 | ' + zeros(32),
      // IFLA_DEVLINK_PORT (62), bytes: [0 bytes]
      '04 00 3e 80',
      // IFLA_DPLL_PIN (65), bytes: [0 bytes]
      '04 00 41 80',
);

/**
 * A VETH_INFO_PEER request laid out by hand from <linux/veth.h> and
 * <linux/if_link.h>: not a plain nest but an ifinfomsg followed by the
 * peer's IFLA_* attributes. (The live tests show the kernel accepts it.)
 */
const PEER_REQUEST = hex(
  // IFLA_LINKINFO (18 | NLA_F_NESTED), 64 bytes
  '40 00 12 80',
  //   IFLA_INFO_KIND (1) "veth"
  '09 00 01 00 | 76 65 74 68 00 | 00 00 00',
  //   IFLA_INFO_DATA (2 | NLA_F_NESTED), 48 bytes
  '30 00 02 80',
  //     VETH_INFO_PEER (1 | NLA_F_NESTED, as iproute2 sends it), 44 bytes
  '2c 00 01 80',
  //       struct ifinfomsg: family 0, pad, type 0, index 0, flags 0, change 0
  '00 00 00 00 | 00 00 00 00 | 00 00 00 00 | 00 00 00 00',
  //       IFLA_IFNAME (3) "v1"
  '07 00 03 00 | 76 31 00 | 00',
  //       IFLA_NET_NS_FD (28) 5: create the peer in the namespace of fd 5
  '08 00 1c 00 | 05 00 00 00',
  //       IFLA_MTU (4) 1400
  '08 00 04 00 | 78 05 00 00',
);

const PEER_VALUE = {
  kind: 'veth',
  data: {
    peer: {
      header: { family: 0, type: 0, index: 0, flags: 0, change: 0 },
      attrs: { ifname: 'v1', netNsFd: 5, mtu: 1400 },
    },
  },
};

describe('veth golden bytes', () => {
  it('decodes a whole kernel link message of a veth end', () => {
    const msg = linkMessage.decode(MESSAGE);
    expect(msg.header).toEqual({ family: 0, type: 1, index: 3, flags: 0x1002, change: 0 });
    expect(msg.attrs).toMatchObject({
      ifname: 'gv1',
      txqlen: 1000,
      operstate: 2,
      linkmode: 0,
      netnsImmutable: 0,
      mtu: 1500,
      minMtu: 68,
      maxMtu: 65535,
      group: 0,
      numTxQueues: 2,
      numRxQueues: 2,
      gsoMaxSegs: 65535,
      gsoMaxSize: 65536,
      groMaxSize: 65536,
      gsoIpv4MaxSize: 65536,
      groIpv4MaxSize: 65536,
      tsoMaxSize: 524280,
      tsoMaxSegs: 65535,
      maxPacingOffloadHorizon: 0n,
      carrier: 0,
      carrierChanges: 1,
      carrierUpCount: 0,
      carrierDownCount: 1,
      headroom: 0,
      tailroom: 0,
      protoDown: 0,
      address: '02:00:00:00:00:a1',
      broadcast: 'ff:ff:ff:ff:ff:ff',
      xdp: { attached: 0 },
      linkinfo: { kind: 'veth' },
      link: 4,
      qdisc: 'noop',
    });
    expect(msg.attrs.stats64?.rxPackets).toBe(0n);
    expect(msg.attrs.stats64?.rxOtherhostDropped).toBe(0n);
    expect(msg.attrs.stats?.rxNohandler).toBe(0);
    const af = msg.attrs.afSpec;
    expect(af instanceof Uint8Array).toBe(false);
    if (!(af instanceof Uint8Array)) {
      expect(af?.inet?.conf).toHaveLength(33);
      expect(af?.inet6?.addrGenMode).toBe(0);
      expect(af?.inet6?.token).toBe('::');
      expect(af?.inet6?.conf?.[2]).toBe(1500); // DEVCONF_MTU6
    }
    expect(unknownAttrs(msg.attrs)).toEqual([]);
  });

  it('re-encodes the kernel message byte for byte', () => {
    const msg = linkMessage.decode(MESSAGE);
    expect(reencode(linkMessage, MESSAGE, msg, new ByteWriter())).toEqual(MESSAGE);
  });

  it('builds the friendly Link, with the peer named by IFLA_LINK', () => {
    const l = toLink(linkMessage.decode(MESSAGE));
    expect(l).toMatchObject({
      index: 3,
      name: 'gv1',
      kind: 'veth',
      flags: ['BROADCAST', 'MULTICAST'],
      up: false,
      mtu: 1500,
      address: '02:00:00:00:00:a1',
      linkType: 'ether',
      operState: 'DOWN',
      linkMode: 'DEFAULT',
      group: 0,
      txQueueLen: 1000,
      altNames: [],
      carrier: false,
      info: { kind: 'veth', peerIndex: 4 },
    });
    expect(l.master).toBeUndefined();
    expect(l.stats?.txBytes).toBe(0n);
  });

  it('encodes VETH_INFO_PEER as an ifinfomsg followed by link attributes', () => {
    const w = new ByteWriter();
    w.attr(18 | 0x8000, (x) => linkAttrs.byKey.linkinfo!.codec.encode(x, PEER_VALUE as never));
    expect(w.finish()).toEqual(PEER_REQUEST);
  });

  it('decodes VETH_INFO_PEER back to the same value', () => {
    const info = linkAttrs.byKey.linkinfo!.codec.decode({ buf: PEER_REQUEST, view: new DataView(PEER_REQUEST.buffer), path: [] }, 4, PEER_REQUEST.length - 4);
    expect(info).toEqual(PEER_VALUE);
  });
});

describe('veth view: the peer index', () => {
  const veth = (index: number, link: number, linkNetnsid?: number) => {
    const w = new ByteWriter(256);
    const attrs = { ifname: 'v0', link, linkinfo: { kind: 'veth' }, ...(linkNetnsid === undefined ? {} : { linkNetnsid }) };
    linkMessage.encode(w, { header: { family: 0, type: 1, index, flags: 0, change: 0 }, attrs });
    const body = w.finish();
    // An RTM_NEWLINK netlink message around the body, as the kernel sends it.
    const bytes = new Uint8Array(16 + body.length);
    new DataView(bytes.buffer).setUint32(0, bytes.length, true);
    new DataView(bytes.buffer).setUint16(4, 16, true);
    bytes.set(body, 16);
    return { eager: toLink(linkMessage.decode(bytes)).info, lazy: readLink(bytes).info };
  };
  it('is kept when it equals the link\'s own index but lives in another namespace (fresh namespaces: both are 2)', () => {
    for (const info of Object.values(veth(2, 2, 0))) expect(info).toEqual({ kind: 'veth', peerIndex: 2, peerNetnsId: 0 });
  });
  it('is dropped when it equals the link\'s own index in the same namespace (the peer is being deleted)', () => {
    for (const info of Object.values(veth(5, 5))) expect(info).toEqual({ kind: 'veth' });
    for (const info of Object.values(veth(5, 6))) expect(info).toEqual({ kind: 'veth', peerIndex: 6 });
  });
});

