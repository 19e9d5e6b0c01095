/**
 * IPv6 tunnels of the "ip6tnl" kind: IPv6 or IPv4 in IPv6 (RFC 2473),
 * IFLA_IPTUN_* in <linux/if_tunnel.h> with IPv6 endpoints; the kernel's
 * net/ipv6/ip6_tunnel.c. The numbers are ipip's and sit's (iptun.ts); the
 * rows that differ — in6_addr endpoints, the hop limit, the encapsulation
 * limit, flow information and the 32-bit IP6_TNL_F_* FLAGS — come from
 * ip6-tunnel.ts. ip6_tnl_fill_info() sends every row below except
 * COLLECT_METADATA (a flag, only when set); sit's 6rd rows (11–14) are
 * never sent by ip6tnl and have no row here.
 */
import { attr, attrSet, type Decoded, type OptionsOf, type ViewOf } from '../../../netlink/schema.js';
import { u8 } from '../../../netlink/codecs.js';
import { readView } from '../../../netlink/fields.js';
import { enumWords } from './convs.js';
import { iptunAttrs } from './iptun.js';
import { ip6TunnelRows } from './ip6-tunnel.js';

/** The inner protocols ip names for ip6tnl (IPPROTO_IPV6 41, IPPROTO_IPIP 4, 0 any). */
export const IP6TNL_PROTO = { any: 0, ipip6: 4, ip6ip6: 41 } as const;
const proto = enumWords(IP6TNL_PROTO);

const { link, encapType, encapFlags, encapSport, encapDport, collectMetadata } = iptunAttrs.specs;

/** IFLA_IPTUN_* of the ip6tnl kind: ipip's numbers with the IPv6 tunnel rows (ip6-tunnel.ts) and ip6tnl's inner protocols. */
export const ip6tnlAttrs = attrSet('ip6tnl', {
  link,
  ...ip6TunnelRows({ local: 2, remote: 3, ttl: 4, encapLimit: 6, flowinfo: 7, flags: 8, fwmark: 20 }, 'ip6tnl-flags'),
  proto: attr(9, u8).view('proto', proto.conv, { writable: true }).spelled('proto', { shape: 'known-words', names: proto.words, option: 'mode' }),
  encapType,
  encapFlags,
  encapSport,
  encapDport,
  collectMetadata,
});

/** IFLA_IPTUN_* as decoded: an ip6tnl device's IFLA_INFO_DATA. */
export type Ip6tnlAttrs = Decoded<typeof ip6tnlAttrs>;
/** The friendly view of an ip6tnl device (`Link.info` when kind is "ip6tnl"). */
export type Ip6tnlInfo = { kind: 'ip6tnl' } & ViewOf<typeof ip6tnlAttrs>;
/** createIp6tnl's tunnel options: the writable views of the table (hop limit 64 and encapsulation limit 4 unless given, as ip does). */
export type Ip6tnlOptions = OptionsOf<typeof ip6tnlAttrs>;

/** The friendly view of ip6tnl link data. */
export function ip6tnlInfo(data: Ip6tnlAttrs): Ip6tnlInfo {
  return { kind: 'ip6tnl', ...readView(ip6tnlAttrs, data) } as Ip6tnlInfo;
}

/** iproute2's link_ip6tnl.c ip6tunnel_print_opt order (flowinfo prints tclass, flowlabel and dscp; flags mip6 and allow-localremote). */
export const IP6TNL_IP_ORDER: readonly (keyof typeof ip6tnlAttrs.specs)[] = [
  'collectMetadata', 'proto', 'remote', 'local', 'link', 'ttl', 'encapLimit', 'flowinfo', 'flags', 'fwmark', 'encapType',
];
