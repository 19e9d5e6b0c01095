/**
 * VXLAN link data (IFLA_VXLAN_* in <linux/if_link.h>; 31–34 are newer
 * than the 6.1 UAPI headers: LOCALBYPASS 31, LABEL_POLICY 32,
 * RESERVED_BITS 33, MC_ROUTE 34, checked against the kernel's if_link.h
 * history and the bytes a 6.18 kernel sends). The YNL spec has no vxlan
 * set.
 *
 * Wire quirks from vxlan_fill_info(): ports and the flow label are big
 * endian; GROUP/LOCAL hold an IPv4 address and GROUP6/LOCAL6 an IPv6 one;
 * GBP, GPE and REMCSUM_NOPARTIAL are flags present only when on, while
 * TTL_INHERIT is taken as a flag but reported as a u8.
 */
import { attr, attrSet, type Decoded, type ViewOf } from '../../../netlink/schema.js';
import { be16, be32, bytes, flag, ipaddr, struct, u32, u8 } from '../../../netlink/codecs.js';
import { flagOrU8 } from '../codecs.js';
import { readView } from '../../../netlink/fields.js';

/** struct ifla_vxlan_port_range { __be16 low; __be16 high; } */
export const vxlanPortRange = struct('ifla_vxlan_port_range', { low: 'be16', high: 'be16' });

/** 224.0.0.0/4 and ff00::/8: a group to join rather than one remote. */
function isMulticast(ip: string): boolean {
  if (ip.includes(':')) return ip.toLowerCase().startsWith('ff');
  const first = Number(ip.split('.')[0]);
  return first >= 224 && first <= 239;
}
/** IFLA_VXLAN_GROUP/GROUP6 hold a unicast remote or a multicast group: the view says which. */
const remote = { read: (ip: string) => (isMulticast(ip) ? undefined : ip) };
const group = { read: (ip: string) => (isMulticast(ip) ? ip : undefined) };
const range = { read: (r: { low: number; high: number }) => ({ low: r.low, high: r.high }) };

/** enum ifla_vxlan_df, named as `ip -d` prints it. */
export const VXLAN_DF = ['unset', 'set', 'inherit'] as const;

/**
 * IFLA_VXLAN_*: number and codec, the friendly field of `Link.info`
 * (`.view`), iproute2's spelling (`.spelled`; `toggle` options are printed
 * as `[no]NAME` only when they differ from ip's default).
 */
export const vxlanAttrs = attrSet('vxlan', {
  /** The VNI (24 bits). */
  id: attr(1, u32).view('id', 'num').spelled('id'),
  /** IPv4 remote (unicast) or group (multicast) address. */
  group: attr(2, ipaddr).view('remote', remote).view('group', group).spelled('group', { shape: 'vxlan-peer' }),
  /** ifindex of the underlying device. */
  link: attr(3, u32).view('link', 'num').spelled('link', { label: 'dev', shape: 'nonzero-ifname' }),
  local: attr(4, ipaddr).view('local', 'same').spelled('local', { shape: 'vxlan-local' }),
  ttl: attr(5, u8).view('ttl', 'num').spelled('ttl', { shape: 'vxlan-ttl' }),
  tos: attr(6, u8).view('tos', 'num').spelled('tos', { shape: 'vxlan-tos' }),
  learning: attr(7, u8).view('learning', 'bool').spelled('learning', { shape: 'toggle', default: true }),
  /** FDB entry ageing, seconds. */
  ageing: attr(8, u32).view('ageing', 'num').spelled('ageing', { shape: 'vxlan-ageing' }),
  /** Maximum FDB entries (0 = unlimited). */
  limit: attr(9, u32).view('limit', 'num').spelled('limit', { label: 'maxaddr', shape: 'nonzero' }),
  portRange: attr(10, vxlanPortRange).view('portRange', range).spelled('port_range', { label: 'srcport', shape: 'port-range' }),
  proxy: attr(11, u8).view('proxy', 'bool').spelled('proxy', { shape: 'toggle', default: false }),
  rsc: attr(12, u8).view('rsc', 'bool').spelled('rsc', { shape: 'toggle', default: false }),
  l2miss: attr(13, u8).view('l2miss', 'bool').spelled('l2miss', { shape: 'toggle', default: false }),
  l3miss: attr(14, u8).view('l3miss', 'bool').spelled('l3miss', { shape: 'toggle', default: false }),
  /** Destination UDP port. */
  port: attr(15, be16).view('port', 'num').spelled('port', { label: 'dstport' }),
  group6: attr(16, ipaddr).view('remote', remote).view('group', group).spelled('group6', { shape: 'vxlan-peer' }),
  local6: attr(17, ipaddr).view('local', 'same').spelled('local6', { shape: 'vxlan-local' }),
  udpCsum: attr(18, u8).view('udpCsum', 'bool').spelled('udp_csum', { shape: 'toggle', default: true }),
  udpZeroCsum6Tx: attr(19, u8).view('udpZeroCsum6Tx', 'bool').spelled('udp_zero_csum6_tx', { shape: 'toggle', default: false }),
  udpZeroCsum6Rx: attr(20, u8).view('udpZeroCsum6Rx', 'bool').spelled('udp_zero_csum6_rx', { shape: 'toggle', default: false }),
  remcsumTx: attr(21, u8).view('remcsumTx', 'bool').spelled('remcsum_tx', { shape: 'toggle', default: false }),
  remcsumRx: attr(22, u8).view('remcsumRx', 'bool').spelled('remcsum_rx', { shape: 'toggle', default: false }),
  gbp: attr(23, flag).view('gbp', 'same').spelled('gbp', { shape: 'flag' }),
  remcsumNopartial: attr(24, flag).view('remcsumNopartial', 'same'),
  /** collect_metadata (`ip … external`). */
  collectMetadata: attr(25, u8).view('external', 'bool').spelled('external', { shape: 'toggle', default: false }),
  /** IPv6 flow label, network byte order. */
  label: attr(26, be32).view('label', 'num').spelled('label', { label: 'flowlabel', shape: 'nonzero-xhex' }),
  gpe: attr(27, flag).view('gpe', 'same').spelled('gpe', { shape: 'flag' }),
  ttlInherit: attr(28, flagOrU8).view('ttlInherit', 'same').spelled('ttl_inherit', { shape: 'vxlan-ttl' }),
  /** enum ifla_vxlan_df: 0 unset, 1 set, 2 inherit. */
  df: attr(29, u8).view('df', VXLAN_DF).spelled('df', { shape: 'vxlan-df', names: VXLAN_DF }),
  vnifilter: attr(30, u8).view('vnifilter', 'bool').spelled('vnifilter', { shape: 'toggle', default: false }),
  localbypass: attr(31, u8).view('localbypass', 'bool').spelled('localbypass', { shape: 'toggle', default: true }),
  /** enum ifla_vxlan_label_policy: 0 fixed, 1 inherit. */
  labelPolicy: attr(32, u32),
  /** A struct vxlanhdr mask: which header bits may be set on receive. */
  reservedBits: attr(33, bytes).spelled('reserved_bits', { shape: 'be64-xhex' }),
  mcRoute: attr(34, u8).view('mcRoute', 'bool').spelled('mcroute', { shape: 'toggle', default: false }),
});

/** IFLA_VXLAN_* as decoded: a vxlan device's IFLA_INFO_DATA. */
export type VxlanAttrs = Decoded<typeof vxlanAttrs>;

/** The friendly view of a VXLAN device (`Link.info` when kind is "vxlan"). */
export type VxlanInfo = { kind: 'vxlan' } & ViewOf<typeof vxlanAttrs>;

/** The friendly view of vxlan link data. */
export function vxlanInfo(data: VxlanAttrs): VxlanInfo {
  return { kind: 'vxlan', ...readView(vxlanAttrs, data) } as VxlanInfo;
}

/** The order `ip -d link show` prints these rows in (iproute2's iplink_vxlan.c vxlan_print_opt). */
export const VXLAN_IP_ORDER: readonly (keyof typeof vxlanAttrs.specs)[] = [
  'id', 'group', 'group6', 'local', 'local6', 'link', 'portRange', 'port', 'tos', 'ttl', 'ttlInherit', 'df', 'label',
  'ageing', 'limit', 'reservedBits', 'gbp', 'gpe', 'collectMetadata', 'vnifilter', 'learning', 'proxy', 'rsc', 'l2miss',
  'l3miss', 'udpCsum', 'udpZeroCsum6Tx', 'udpZeroCsum6Rx', 'remcsumTx', 'remcsumRx', 'localbypass', 'mcRoute',
];
