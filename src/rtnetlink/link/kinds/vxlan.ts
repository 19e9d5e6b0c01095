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
import { attr, attrSet, type Decoded } from '../../../netlink/schema.js';
import { be16, be32, bytes, flag, ipaddr, struct, u32, u8 } from '../../../netlink/codecs.js';
import { flagOrU8 } from '../codecs.js';
import { type FieldTable, readFields } from '../../../netlink/fields.js';

/** struct ifla_vxlan_port_range { __be16 low; __be16 high; } */
export const vxlanPortRange = struct('ifla_vxlan_port_range', { low: 'be16', high: 'be16' });

export const vxlanAttrs = attrSet('vxlan', {
  /** The VNI (24 bits). */
  id: attr(1, u32),
  /** IPv4 remote (unicast) or group (multicast) address. */
  group: attr(2, ipaddr),
  /** ifindex of the underlying device. */
  link: attr(3, u32),
  local: attr(4, ipaddr),
  ttl: attr(5, u8),
  tos: attr(6, u8),
  learning: attr(7, u8),
  /** FDB entry ageing, seconds. */
  ageing: attr(8, u32),
  /** Maximum FDB entries (0 = unlimited). */
  limit: attr(9, u32),
  portRange: attr(10, vxlanPortRange),
  proxy: attr(11, u8),
  rsc: attr(12, u8),
  l2miss: attr(13, u8),
  l3miss: attr(14, u8),
  /** Destination UDP port. */
  port: attr(15, be16),
  group6: attr(16, ipaddr),
  local6: attr(17, ipaddr),
  udpCsum: attr(18, u8),
  udpZeroCsum6Tx: attr(19, u8),
  udpZeroCsum6Rx: attr(20, u8),
  remcsumTx: attr(21, u8),
  remcsumRx: attr(22, u8),
  gbp: attr(23, flag),
  remcsumNopartial: attr(24, flag),
  collectMetadata: attr(25, u8),
  /** IPv6 flow label, network byte order. */
  label: attr(26, be32),
  gpe: attr(27, flag),
  ttlInherit: attr(28, flagOrU8),
  /** enum ifla_vxlan_df: 0 unset, 1 set, 2 inherit. */
  df: attr(29, u8),
  vnifilter: attr(30, u8),
  localbypass: attr(31, u8),
  /** enum ifla_vxlan_label_policy: 0 fixed, 1 inherit. */
  labelPolicy: attr(32, u32),
  /** A struct vxlanhdr mask: which header bits may be set on receive. */
  reservedBits: attr(33, bytes),
  mcRoute: attr(34, u8),
});

export type VxlanAttrs = Decoded<typeof vxlanAttrs>;

/** enum ifla_vxlan_df, named as `ip -d` prints it. */
export const VXLAN_DF = ['unset', 'set', 'inherit'] as const;

/** The friendly view of a VXLAN device (`Link.info` when kind is "vxlan"). */
export interface VxlanInfo {
  kind: 'vxlan';
  /** The VNI. */
  id?: number;
  /** Unicast remote (IFLA_VXLAN_GROUP/GROUP6 holding a unicast address). */
  remote?: string;
  /** Multicast group (IFLA_VXLAN_GROUP/GROUP6 holding a multicast address). */
  group?: string;
  local?: string;
  /** ifindex of the underlying device. */
  link?: number;
  /** Destination UDP port. */
  port?: number;
  portRange?: { low: number; high: number };
  ttl?: number;
  ttlInherit?: boolean;
  tos?: number;
  df?: 'unset' | 'set' | 'inherit';
  label?: number;
  learning?: boolean;
  /** Seconds. */
  ageing?: number;
  limit?: number;
  proxy?: boolean;
  rsc?: boolean;
  l2miss?: boolean;
  l3miss?: boolean;
  udpCsum?: boolean;
  udpZeroCsum6Tx?: boolean;
  udpZeroCsum6Rx?: boolean;
  remcsumTx?: boolean;
  remcsumRx?: boolean;
  gbp?: boolean;
  gpe?: boolean;
  remcsumNopartial?: boolean;
  /** collect_metadata (`ip … external`). */
  external?: boolean;
  vnifilter?: boolean;
  localbypass?: boolean;
  mcRoute?: boolean;
}

const VXLAN_FIELDS: FieldTable = {
  id: { attr: 'id', conv: 'u32' },
  link: { attr: 'link', conv: 'u32' },
  port: { attr: 'port', conv: 'u16' },
  ttl: { attr: 'ttl', conv: 'u8' },
  ttlInherit: { attr: 'ttlInherit', conv: 'same' },
  tos: { attr: 'tos', conv: 'u8' },
  df: { attr: 'df', conv: 'u8', names: VXLAN_DF },
  label: { attr: 'label', conv: 'u32' },
  learning: { attr: 'learning', conv: 'bool' },
  ageing: { attr: 'ageing', conv: 'u32' },
  limit: { attr: 'limit', conv: 'u32' },
  proxy: { attr: 'proxy', conv: 'bool' },
  rsc: { attr: 'rsc', conv: 'bool' },
  l2miss: { attr: 'l2miss', conv: 'bool' },
  l3miss: { attr: 'l3miss', conv: 'bool' },
  udpCsum: { attr: 'udpCsum', conv: 'bool' },
  udpZeroCsum6Tx: { attr: 'udpZeroCsum6Tx', conv: 'bool' },
  udpZeroCsum6Rx: { attr: 'udpZeroCsum6Rx', conv: 'bool' },
  remcsumTx: { attr: 'remcsumTx', conv: 'bool' },
  remcsumRx: { attr: 'remcsumRx', conv: 'bool' },
  gbp: { attr: 'gbp', conv: 'same' },
  gpe: { attr: 'gpe', conv: 'same' },
  remcsumNopartial: { attr: 'remcsumNopartial', conv: 'same' },
  external: { attr: 'collectMetadata', conv: 'bool' },
  vnifilter: { attr: 'vnifilter', conv: 'bool' },
  localbypass: { attr: 'localbypass', conv: 'bool' },
  mcRoute: { attr: 'mcRoute', conv: 'bool' },
};

function isMulticast(ip: string): boolean {
  if (ip.includes(':')) return ip.toLowerCase().startsWith('ff');
  const first = Number(ip.split('.')[0]);
  return first >= 224 && first <= 239;
}

export function vxlanInfo(data: VxlanAttrs): VxlanInfo {
  const out = { kind: 'vxlan', ...readFields(data, VXLAN_FIELDS) } as VxlanInfo;
  // ip reports GROUP as "group" when it is multicast and "remote" otherwise.
  const peer = data.group ?? data.group6;
  if (peer !== undefined) {
    if (isMulticast(peer)) out.group = peer;
    else out.remote = peer;
  }
  const local = data.local ?? data.local6;
  if (local !== undefined) out.local = local;
  if (data.portRange) out.portRange = { low: data.portRange.low, high: data.portRange.high };
  return out;
}
