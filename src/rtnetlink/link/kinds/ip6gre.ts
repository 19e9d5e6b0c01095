/**
 * GRE over IPv6: kinds "ip6gre" (layer 3), "ip6gretap" (Ethernet) and
 * "ip6erspan", IFLA_GRE_* in <linux/if_tunnel.h>; the kernel's
 * net/ipv6/ip6_gre.c. The numbers, keys, GRE flags, encapsulation and
 * ERSPAN rows are gre's (gre.ts); the rows that differ — in6_addr
 * endpoints, the hop limit, the encapsulation limit, flow information
 * and IP6_TNL_F_* FLAGS — come from ip6-tunnel.ts. ip6gre_fill_info()
 * sends no TOS, PMTUDISC or IGNORE_DF (IPv4 header fields): they have no
 * row here.
 */
import { attrSet, type Decoded, type OptionsOf, type ViewOf } from '../../../netlink/schema.js';
import { readView } from '../../../netlink/fields.js';
import { greAttrs } from './gre.js';
import { ip6TunnelRows } from './ip6-tunnel.js';

const { link, iflags, oflags, ikey, okey, encapType, encapFlags, encapSport, encapDport, collectMetadata, erspanIndex, erspanVer, erspanDir, erspanHwid } = greAttrs.specs;

/** IFLA_GRE_* of the IPv6 GRE kinds: gre's rows with the IPv6 tunnel rows (ip6-tunnel.ts) in place of the IPv4 ones. */
export const ip6greAttrs = attrSet('ip6gre', {
  link,
  iflags,
  oflags,
  ikey,
  okey,
  ...ip6TunnelRows({ local: 6, remote: 7, ttl: 8, encapLimit: 11, flowinfo: 12, flags: 13, fwmark: 20 }, 'ip6gre-flags'),
  encapType,
  encapFlags,
  encapSport,
  encapDport,
  collectMetadata,
  erspanIndex,
  erspanVer,
  erspanDir,
  erspanHwid,
});

/** IFLA_GRE_* as decoded: the IFLA_INFO_DATA of an ip6gre, ip6gretap or ip6erspan device. */
export type Ip6greAttrs = Decoded<typeof ip6greAttrs>;
/** The friendly view of an ip6gre, ip6gretap or ip6erspan device (`Link.info` for those kinds). */
export type Ip6greInfo = { kind: 'ip6gre' | 'ip6gretap' | 'ip6erspan' } & ViewOf<typeof ip6greAttrs>;
/** createIp6gre's and createIp6gretap's tunnel options: the writable views of the table (hop limit 64 and encapsulation limit 4 unless given, as ip does). */
export type Ip6greOptions = OptionsOf<typeof ip6greAttrs>;

/** The friendly view of ip6gre, ip6gretap or ip6erspan link data. */
export function ip6greInfo(kind: Ip6greInfo['kind'], data: Ip6greAttrs): Ip6greInfo {
  return { kind, ...readView(ip6greAttrs, data) } as Ip6greInfo;
}

/** iproute2's link_gre6.c gre_print_opt order (flowinfo prints tclass, flowlabel and dscp; iflags the seq/csum words; flags allow-localremote). */
export const IP6GRE_IP_ORDER: readonly (keyof typeof ip6greAttrs.specs)[] = [
  'collectMetadata', 'remote', 'local', 'link', 'ttl', 'encapLimit', 'flowinfo', 'ikey', 'okey', 'iflags', 'flags', 'fwmark',
  'erspanIndex', 'erspanVer', 'erspanDir', 'erspanHwid', 'encapType',
];
