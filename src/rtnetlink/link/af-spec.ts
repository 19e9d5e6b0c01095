/**
 * Per-address-family link data: IFLA_AF_SPEC in AF_UNSPEC link messages
 * (one nest per family, keyed by the family number) and IFLA_PROTINFO in
 * AF_INET6 / AF_BRIDGE link messages. Sources: IFLA_INET_*, IFLA_INET6_*
 * in <linux/if_link.h>, IFLA_BRIDGE_* in <linux/if_bridge.h>.
 */
import { attr, attrSet, nest, type Decoded } from '../../netlink/schema.js';
import { bytes, ipaddr, u32, u8 } from '../../netlink/codecs.js';
import { s32Array, u32Array, u64Array } from './codecs.js';
import { iflaCacheinfo } from './stats.js';

/** AF_INET: IFLA_INET_CONF is the device's IPv4 devconf, one u32 per IPV4_DEVCONF_* (index 0 = entry 1). */
export const inetAfAttrs = attrSet('af-inet', {
  conf: attr(1, u32Array),
});

/** AF_INET6 (IFLA_INET6_*): flags, devconf (s32 per DEVCONF_*), counters, token, address generation mode. */
export const inet6AfAttrs = attrSet('af-inet6', {
  flags: attr(1, u32),
  conf: attr(2, s32Array),
  stats: attr(3, u64Array),
  mcast: attr(4, bytes),
  cacheinfo: attr(5, iflaCacheinfo),
  icmp6stats: attr(6, u64Array),
  token: attr(7, ipaddr),
  /** enum in6_addr_gen_mode: 0 eui64, 1 none, 2 stable_secret, 3 random. */
  addrGenMode: attr(8, u8),
  raMtu: attr(9, u32),
});

/** IFLA_AF_SPEC of AF_UNSPEC messages: attribute type = address family. */
export const afSpecAttrs = attrSet('af-spec', {
  inet: attr(2, nest(inetAfAttrs)),
  inet6: attr(10, nest(inet6AfAttrs)),
  /** AF_MCTP (45): IFLA_MCTP_NET u32 and friends; kept raw. */
  mctp: attr(45, bytes),
});

/** A decoded IFLA_AF_SPEC of an AF_UNSPEC link message, one entry per address family. */
export type AfSpec = Decoded<typeof afSpecAttrs>;
/** A decoded AF_INET6 nest (IFLA_INET6_*), as in IFLA_AF_SPEC or IFLA_PROTINFO. */
export type Inet6AfAttrs = Decoded<typeof inet6AfAttrs>;

/** IN6_ADDR_GEN_MODE_* names as `ip -d` prints them. */
export const ADDR_GEN_MODE = ['eui64', 'none', 'stable_secret', 'random'] as const;
