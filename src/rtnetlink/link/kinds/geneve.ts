/**
 * Geneve tunnels (IFLA_GENEVE_* and enum ifla_geneve_df in
 * <linux/if_link.h>; the kernel's drivers/net/geneve.c). A geneve device
 * has one VNI and one remote (IPv4 or IPv6), or is `external`
 * (collect-metadata: the remote and VNI come with each packet from tc or
 * a routing program).
 *
 * Wire facts from geneve_fill_info(): REMOTE is an in_addr (nla_put_in_addr,
 * four bytes; the spec calls it u32) sent only for an IPv4 remote, REMOTE6
 * only for an IPv6 one; TTL, TOS, DF, LABEL, PORT, the checksum switches
 * and TTL_INHERIT are always sent; COLLECT_METADATA and
 * INNER_PROTO_INHERIT are flags. PORT_RANGE (15) is newer than 6.1.
 */
import { attr, attrSet, type Decoded, type OptionsOf, type ViewOf } from '../../../netlink/schema.js';
import { be16, be32, flag, ipaddr, struct, u32, u8 } from '../../../netlink/codecs.js';
import { readView } from '../../../netlink/fields.js';
import { enumWords, familyAddress } from './convs.js';

/** struct ifla_geneve_port_range { __be16 low; __be16 high; }. */
export const genevePortRange = struct('ifla_geneve_port_range', { low: 'be16', high: 'be16' });

/** enum ifla_geneve_df, named as `ip -d` prints it. */
export const GENEVE_DF = { unset: 0, set: 1, inherit: 2 } as const;
const df = enumWords(GENEVE_DF);

/** IFLA_GENEVE_*: number and codec, the friendly field of `Link.info` and of createGeneve's options, iproute2's spelling. */
export const geneveAttrs = attrSet('geneve', {
  /** The VNI (24 bits). */
  id: attr(1, u32).view('id', 'num', { writable: true }).spelled('id'),
  remote: attr(2, ipaddr).view('remote', familyAddress(4, 'an IPv6 one goes in remote6'), { writable: true }).spelled('remote', { shape: 'nonzero-ip' }),
  /** 0: the route's (`ttl auto`). */
  ttl: attr(3, u8).view('ttl', 'num', { writable: true }).spelled('ttl', { shape: 'geneve-ttl' }),
  /** 1: inherit from the inner packet. */
  tos: attr(4, u8).view('tos', 'num', { writable: true }).spelled('tos', { shape: 'vxlan-tos' }),
  /** UDP destination port (6081 by default). */
  port: attr(5, be16).view('port', 'num', { writable: true }).spelled('port', { label: 'dstport' }),
  collectMetadata: attr(6, flag).view('external', 'same', { writable: true }).spelled('external', { shape: 'present-true' }),
  remote6: attr(7, ipaddr).view('remote6', familyAddress(6, 'an IPv4 one goes in remote'), { writable: true }).spelled('remote6', { label: 'remote', shape: 'geneve-remote6' }),
  udpCsum: attr(8, u8).view('udpCsum', 'bool', { writable: true }).spelled('udp_csum', { label: 'udpcsum', shape: 'no-word' }),
  udpZeroCsum6Tx: attr(9, u8).view('udpZeroCsum6Tx', 'bool', { writable: true }).spelled('udp_zero_csum6_tx', { label: 'udp6zerocsumtx', shape: 'no-word' }),
  udpZeroCsum6Rx: attr(10, u8).view('udpZeroCsum6Rx', 'bool', { writable: true }).spelled('udp_zero_csum6_rx', { label: 'udp6zerocsumrx', shape: 'no-word' }),
  /** IPv6 flow label of the outer header. */
  label: attr(11, be32).view('label', 'num', { writable: true }).spelled('label', { label: 'flowlabel', shape: 'nonzero-xhex' }),
  ttlInherit: attr(12, u8).view('ttlInherit', 'bool', { writable: true }),
  df: attr(13, u8).view('df', df.conv, { writable: true }).spelled('df', { shape: 'vxlan-df', names: df.words }),
  innerProtoInherit: attr(14, flag).view('innerProtoInherit', 'same', { writable: true }).spelled('inner_proto_inherit', { label: 'innerprotoinherit', shape: 'present-true' }),
  /** UDP source port range (newer than 6.1). */
  portRange: attr(15, genevePortRange).view('portRange', { read: (r: { low: number; high: number }) => ({ low: r.low, high: r.high }) }),
});

/** IFLA_GENEVE_* as decoded: a geneve device's IFLA_INFO_DATA. */
export type GeneveAttrs = Decoded<typeof geneveAttrs>;
/** The friendly view of a geneve device (`Link.info` when kind is "geneve"); a field is absent when the kernel did not send it. */
export type GeneveInfo = { kind: 'geneve' } & ViewOf<typeof geneveAttrs>;
/** createGeneve's geneve options: the writable views of the table (VNI, remote or remote6, port, ttl …). */
export type GeneveOptions = OptionsOf<typeof geneveAttrs>;

/** The friendly view of geneve link data. */
export function geneveInfo(data: GeneveAttrs): GeneveInfo {
  return { kind: 'geneve', ...readView(geneveAttrs, data) } as GeneveInfo;
}

/** iproute2's iplink_geneve.c geneve_print_opt order. */
export const GENEVE_IP_ORDER: readonly (keyof typeof geneveAttrs.specs)[] = [
  'collectMetadata', 'id', 'remote', 'remote6', 'ttl', 'tos', 'df', 'label', 'port', 'udpCsum', 'udpZeroCsum6Tx', 'udpZeroCsum6Rx', 'innerProtoInherit',
];
