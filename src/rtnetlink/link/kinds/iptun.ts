/**
 * IPv4 tunnels of the "ipip" and "sit" kinds (IFLA_IPTUN_* in
 * <linux/if_tunnel.h>; the kernel's net/ipv4/ipip.c and net/ipv6/sit.c).
 * ipip carries IPv4 (or MPLS) in IPv4, sit IPv6 in IPv4 (with ISATAP and
 * 6rd). ip6tnl uses the same numbers with IPv6 endpoints and a u32 FLAGS,
 * and is not modelled yet.
 *
 * Wire facts from ipip_fill_info() / ipip6_fill_info(): LOCAL and REMOTE
 * are in_addrs (0.0.0.0: any); PROTO is the inner protocol (IPPROTO_IPIP 4,
 * IPPROTO_IPV6 41, IPPROTO_MPLS 137, 0 any); sit's FLAGS are typed __be16
 * but copied raw both ways, so SIT_ISATAP (0x0001) is the host-order value
 * (iproute2 reads it with rta_getattr_u16): a u16 here; the 6rd rows come
 * from sit with CONFIG_IPV6_SIT_6RD; ENCAP_* are always sent.
 */
import { attr, attrSet, type Decoded, type OptionsOf, type ViewOf } from '../../../netlink/schema.js';
import { be16, be32, flag, ipaddr, u16, u32, u8 } from '../../../netlink/codecs.js';
import { readView } from '../../../netlink/fields.js';
import { enumWords } from './convs.js';
import { TUNNEL_ENCAP } from './gre.js';

/** The inner protocols ip names (IPPROTO_*). */
export const IPTUN_PROTO = { any: 0, ipip: 4, ip6ip: 41, mplsip: 137 } as const;
const proto = enumWords(IPTUN_PROTO);
/** SIT_ISATAP. */
export const SIT_ISATAP = 0x0001;

/** IFLA_IPTUN_*: number and codec, the friendly field of `Link.info` and of createIpip's / createSit's options, iproute2's spelling. */
export const iptunAttrs = attrSet('iptun', {
  link: attr(1, u32).view('device', 'num', { writable: true }).spelled('link', { label: 'dev', shape: 'nonzero-ifname', option: false }),
  local: attr(2, ipaddr).view('local', 'same', { writable: true }).spelled('local', { shape: 'endpoint' }),
  remote: attr(3, ipaddr).view('remote', 'same', { writable: true }).spelled('remote', { shape: 'endpoint' }),
  /** 0: inherit. */
  ttl: attr(4, u8).view('ttl', 'num', { writable: true }).spelled('ttl', { shape: 'tunnel-ttl' }),
  tos: attr(5, u8).view('tos', 'num', { writable: true }).spelled('tos', { shape: 'vxlan-tos' }),
  /** ip6tnl only. */
  encapLimit: attr(6, u8).view('encapLimit', 'num'),
  flowinfo: attr(7, be32).view('flowinfo', 'num'),
  /** sit: SIT_ISATAP. */
  flags: attr(8, u16).view('isatap', { read: (v: number) => (v & SIT_ISATAP) !== 0, write: (v: unknown) => (v ? SIT_ISATAP : 0) }, { writable: true }).spelled('flags', { shape: 'isatap', option: false, bareWords: { isatap: true } }),
  proto: attr(9, u8).view('proto', proto.conv, { writable: true }).spelled('proto', { shape: 'known-words', names: proto.words, option: 'mode' }),
  pmtudisc: attr(10, u8).view('pmtudisc', 'bool', { writable: true }).spelled('pmtudisc', { shape: 'pmtudisc-word', option: false, bareWords: { pmtudisc: true, nopmtudisc: false } }),
  /** sit 6rd: the IPv6 prefix, its length, and the IPv4 relay prefix and its length. */
  '6rdPrefix': attr(11, ipaddr).view('sixrdPrefix', 'same').spelled('prefix', { shape: 'sixrd' }),
  '6rdRelayPrefix': attr(12, ipaddr).view('sixrdRelayPrefix', 'same'),
  '6rdPrefixlen': attr(13, u16).view('sixrdPrefixlen', 'num'),
  '6rdRelayPrefixlen': attr(14, u16).view('sixrdRelayPrefixlen', 'num'),
  encapType: attr(15, u16).view('encapType', TUNNEL_ENCAP, { writable: true }).spelled('encap', { shape: 'tunnel-encap', option: false }),
  encapFlags: attr(16, u16).view('encapFlags', 'num', { writable: true }),
  encapSport: attr(17, be16).view('encapSport', 'num', { writable: true }),
  encapDport: attr(18, be16).view('encapDport', 'num', { writable: true }),
  collectMetadata: attr(19, flag).view('external', 'same', { writable: true }).spelled('external', { shape: 'present-true', option: false, bareWords: { external: true } }),
  fwmark: attr(20, u32).view('fwmark', 'num', { writable: true }).spelled('fwmark', { shape: 'nonzero-xhex' }),
});

/** IFLA_IPTUN_* as decoded: the IFLA_INFO_DATA of an ipip or sit device. */
export type IptunAttrs = Decoded<typeof iptunAttrs>;
/** The friendly view of an ipip or sit device (`Link.info` for those kinds). */
export type IptunInfo = { kind: 'ipip' | 'sit' } & ViewOf<typeof iptunAttrs>;
/** createIpip's and createSit's tunnel options: the writable views of the table. */
export type IptunOptions = OptionsOf<typeof iptunAttrs>;

/** The friendly view of ipip or sit link data. */
export function iptunInfo(kind: IptunInfo['kind'], data: IptunAttrs): IptunInfo {
  return { kind, ...readView(iptunAttrs, data) } as IptunInfo;
}

/** iproute2's link_iptnl.c iptunnel_print_opt order. */
export const IPTUN_IP_ORDER: readonly (keyof typeof iptunAttrs.specs)[] = [
  'collectMetadata', 'proto', 'remote', 'local', 'link', 'ttl', 'tos', 'pmtudisc', 'flags', '6rdPrefix', 'fwmark', 'encapType',
];
