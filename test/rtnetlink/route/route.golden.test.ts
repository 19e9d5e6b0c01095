/**
 * RTM_NEWROUTE messages captured from a 6.18 kernel (`ip route show`
 * dumps), both directions: RTA_METRICS (a nest without NLA_F_NESTED),
 * RTA_MULTIPATH, IPv6 RTA_CACHEINFO and RTA_PREF.
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../src/netlink/writer.js';
import { reencode } from '../../../src/rtnetlink/family.js';
import { routeMessage } from '../../../src/rtnetlink/route/index.js';
import { toRoute } from '../../../src/ops/routes/index.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/#.*$/gm, '').replace(/\s+/g, ''), 'hex'));

// ip route add 10.1.0.0/16 via 10.0.0.2 mtu 1400 proto static metric 10
const metrics = hex(`
  50000000 1800 2200 02000000 64520000   # nlmsghdr: len 80, RTM_NEWROUTE, NLM_F_MULTI|NLM_F_DUMP_FILTERED
  02 10 00 00 fe 04 00 01 00000000       # rtmsg: AF_INET /16, src 0, tos 0, main, static, universe, unicast, flags 0
  0800 0f00 fe000000                     # RTA_TABLE 254
  0800 0100 0a010000                     # RTA_DST 10.1.0.0
  0800 0600 0a000000                     # RTA_PRIORITY 10
  0c00 0800 0800 0200 78050000           # RTA_METRICS (no NLA_F_NESTED) { RTAX_MTU 1400 }
  0800 0500 0a000002                     # RTA_GATEWAY 10.0.0.2
  0800 0400 03000000                     # RTA_OIF 3
`);
const metricsExpected = {
  header: { family: 2, dstLength: 16, srcLength: 0, tos: 0, table: 254, protocol: 4, scope: 0, type: 1, flags: 0 },
  attrs: { table: 254, dst: '10.1.0.0', priority: 10, metrics: { mtu: 1400 }, gateway: '10.0.0.2', oif: 3 },
};

// ip route add 10.2.0.0/24 nexthop via 10.0.0.3 weight 2 nexthop via 10.0.0.4
const multipath = hex(`
  50000000 1800 2200 02000000 64520000
  02 18 00 00 fe 03 00 01 00000000       # rtmsg: AF_INET /24, main, boot, universe, unicast
  0800 0f00 fe000000                     # RTA_TABLE 254
  0800 0100 0a020000                     # RTA_DST 10.2.0.0
  2400 0900                              # RTA_MULTIPATH
    1000 00 01 03000000                  #   rtnexthop: len 16, flags 0, hops 1 (weight 2), ifindex 3
    0800 0500 0a000003                   #     RTA_GATEWAY 10.0.0.3
    1000 00 00 03000000                  #   rtnexthop: len 16, hops 0 (weight 1), ifindex 3
    0800 0500 0a000004                   #     RTA_GATEWAY 10.0.0.4
`);
const multipathExpected = {
  header: { family: 2, dstLength: 24, srcLength: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 1, flags: 0 },
  attrs: {
    table: 254,
    dst: '10.2.0.0',
    multipath: [
      { flags: 0, hops: 1, ifindex: 3, attrs: { gateway: '10.0.0.3' } },
      { flags: 0, hops: 0, ifindex: 3, attrs: { gateway: '10.0.0.4' } },
    ],
  },
};

// ip -6 route add fd01::/64 via fd00::2 pref high
const v6 = hex(`
  88000000 1800 2200 03000000 64520000   # nlmsghdr: len 136
  0a 40 00 00 fe 03 00 01 00000000       # rtmsg: AF_INET6 /64, main, boot, universe, unicast
  0800 0f00 fe000000                     # RTA_TABLE 254
  1400 0100 fd010000000000000000000000000000  # RTA_DST fd01::
  0800 0600 00040000                     # RTA_PRIORITY 1024
  1400 0500 fd000000000000000000000000000002  # RTA_GATEWAY fd00::2
  0800 0400 03000000                     # RTA_OIF 3
  2400 0c00 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  # RTA_CACHEINFO
  0500 1400 01 000000                    # RTA_PREF 1 (high), padded
`);
const zeroCache = { clntref: 0, lastuse: 0, expires: 0, error: 0, used: 0, id: 0, ts: 0, tsage: 0 };
const v6Expected = {
  header: { family: 10, dstLength: 64, srcLength: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 1, flags: 0 },
  attrs: { table: 254, dst: 'fd01::', priority: 1024, gateway: 'fd00::2', oif: 3, cacheinfo: zeroCache, pref: 1 },
};

describe('rtmsg + RTA_* golden bytes', () => {
  for (const [name, raw, expected] of [
    ['a route with metrics', metrics, metricsExpected],
    ['a multipath route', multipath, multipathExpected],
    ['an IPv6 route with cacheinfo and pref', v6, v6Expected],
  ] as const) {
    it(`decodes ${name}`, () => {
      expect(routeMessage.decode(raw)).toEqual(expected);
    });
    it(`encodes ${name} to the kernel's bytes`, () => {
      expect(reencode(routeMessage, raw, expected as never, new ByteWriter())).toEqual(raw);
    });
  }

  it('maps to Route objects with ip -j names', () => {
    const names = new Map([[3, 'v0']]);
    expect(toRoute(routeMessage.decode(metrics), names)).toMatchObject({
      family: 'inet',
      dst: '10.1.0.0/16',
      gateway: '10.0.0.2',
      dev: 'v0',
      oif: 3,
      table: 'main',
      protocol: 'static',
      scope: 'global',
      type: 'unicast',
      metric: 10,
      metrics: { mtu: 1400 },
      flags: [],
    });
    expect(toRoute(routeMessage.decode(multipath), names).nexthops).toEqual([
      { gateway: '10.0.0.3', dev: 'v0', oif: 3, weight: 2, flags: [] },
      { gateway: '10.0.0.4', dev: 'v0', oif: 3, weight: 1, flags: [] },
    ]);
    expect(toRoute(routeMessage.decode(v6), names)).toMatchObject({ family: 'inet6', dst: 'fd01::/64', pref: 'high', metric: 1024, protocol: 'boot' });
  });
});
