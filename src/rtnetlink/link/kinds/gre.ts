/**
 * GRE tunnels over IPv4: kinds "gre" (layer 3) and "gretap" (Ethernet over
 * GRE), IFLA_GRE_* in <linux/if_tunnel.h>; the kernel's net/ipv4/ip_gre.c.
 * "erspan" (ERSPAN over GRE) shares the table and fills the ERSPAN rows;
 * ip6gre, ip6gretap and ip6erspan use the same numbers with the IPv6 rows
 * filled, and are not modelled yet.
 *
 * Wire facts from ipgre_fill_info(): IFLAGS and OFLAGS are big-endian GRE
 * header flags (GRE_CSUM 0x8000, GRE_KEY 0x2000, GRE_SEQ 0x1000) and IKEY /
 * OKEY big-endian keys, meaningful only with GRE_KEY; LOCAL and REMOTE are
 * in_addrs (0.0.0.0: any); LINK is the underlay device's ifindex; PMTUDISC,
 * IGNORE_DF are u8 switches; the FOU/GUE encapsulation (ENCAP_*) is always
 * sent, type 0 meaning none; COLLECT_METADATA is a flag.
 */
import { attr, attrSet, type Decoded, type OptionsOf, type ViewOf } from '../../../netlink/schema.js';
import { be16, be32, flag, ipaddr, u16, u32, u8 } from '../../../netlink/codecs.js';
import { readView } from '../../../netlink/fields.js';
import { ValidationError } from '../../../netlink/errors.js';
import { formatValue } from '../../../netlink/format-value.js';
import { flagSet } from './convs.js';

/** GRE header flags of IFLAGS / OFLAGS, as host numbers of the big-endian field. */
export const GRE_FLAG = { csum: 0x8000, key: 0x2000, seq: 0x1000 } as const;
const greFlags = flagSet(GRE_FLAG);
/** enum tunnel_encap_types. */
export const TUNNEL_ENCAP = ['none', 'fou', 'gue'] as const;

/** A GRE key: a number, or as ip writes it, a dotted quad ("1.2.3.4" is 0x01020304). */
const greKey = {
  read: (v: number) => v,
  write(v: unknown, field: string): number {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
    if (typeof v === 'string' && /^\d+$/.test(v) && Number(v) <= 0xffffffff) return Number(v);
    const quad = typeof v === 'string' ? /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(v) : null;
    if (quad && quad.slice(1).every((b) => Number(b) <= 255)) return quad.slice(1).reduce((n, b) => n * 256 + Number(b), 0);
    throw new ValidationError(field, `expected a key 0..4294967295 or a dotted quad, got ${formatValue(v)}`);
  },
};

/** IFLA_GRE_*: number and codec, the friendly field of `Link.info` and of createGre's / createGretap's options, iproute2's spelling. */
export const greAttrs = attrSet('gre', {
  /** The underlay device (ip's `dev`), by ifindex; 0: any. */
  link: attr(1, u32).view('device', 'num', { writable: true }).spelled('link', { label: 'dev', shape: 'nonzero-ifname', option: false }),
  iflags: attr(2, be16).view('inFlags', greFlags.word, { writable: true }).spelled('iflags', { shape: 'gre-flags', option: false, bareFlags: { iseq: 'seq', icsum: 'csum' } }),
  oflags: attr(3, be16).view('outFlags', greFlags.word, { writable: true }).spelled('oflags', { shape: 'hidden', option: false, bareFlags: { oseq: 'seq', ocsum: 'csum' } }),
  /** The key expected on received packets (with inFlags.key). */
  ikey: attr(4, be32).view('ikey', greKey, { writable: true }).spelled('ikey', { shape: 'gre-key' }),
  /** The key put on sent packets (with outFlags.key). */
  okey: attr(5, be32).view('okey', greKey, { writable: true }).spelled('okey', { shape: 'gre-key' }),
  local: attr(6, ipaddr).view('local', 'same', { writable: true }).spelled('local', { shape: 'endpoint' }),
  remote: attr(7, ipaddr).view('remote', 'same', { writable: true }).spelled('remote', { shape: 'endpoint' }),
  /** 0: inherit from the inner packet. */
  ttl: attr(8, u8).view('ttl', 'num', { writable: true }).spelled('ttl', { shape: 'tunnel-ttl' }),
  /** 1: inherit. */
  tos: attr(9, u8).view('tos', 'num', { writable: true }).spelled('tos', { shape: 'vxlan-tos' }),
  pmtudisc: attr(10, u8).view('pmtudisc', 'bool', { writable: true }).spelled('pmtudisc', { shape: 'pmtudisc', option: false, bareWords: { pmtudisc: true, nopmtudisc: false } }),
  /** IPv6 only (ip6gre). */
  encapLimit: attr(11, u8).view('encapLimit', 'num'),
  flowinfo: attr(12, be32).view('flowinfo', 'num'),
  /** IP6_TNL_F_* (ip6gre). */
  flags: attr(13, u32).view('tunnelFlags', 'num'),
  encapType: attr(14, u16).view('encapType', TUNNEL_ENCAP, { writable: true }).spelled('encap', { shape: 'tunnel-encap', option: false }),
  encapFlags: attr(15, u16).view('encapFlags', 'num', { writable: true }),
  encapSport: attr(16, be16).view('encapSport', 'num', { writable: true }),
  encapDport: attr(17, be16).view('encapDport', 'num', { writable: true }),
  collectMetadata: attr(18, flag).view('external', 'same', { writable: true }).spelled('external', { shape: 'present-true', option: false, bareWords: { external: true } }),
  ignoreDf: attr(19, u8).view('ignoreDf', 'bool', { writable: true }).spelled('ignore_df', { label: 'ignore-df', shape: 'true-only', option: false, bareWords: { 'ignore-df': true, 'noignore-df': false } }),
  fwmark: attr(20, u32).view('fwmark', 'num', { writable: true }).spelled('fwmark', { shape: 'nonzero-xhex' }),
  /** ERSPAN (kind "erspan"): session index (version 1), version, direction and hardware id (version 2). */
  erspanIndex: attr(21, u32).view('erspanIndex', 'num').spelled('erspan_index'),
  erspanVer: attr(22, u8).view('erspanVer', 'num').spelled('erspan_ver'),
  erspanDir: attr(23, u8).view('erspanDir', ['ingress', 'egress']).spelled('erspan_dir', { shape: 'erspan-dir' }),
  erspanHwid: attr(24, u16).view('erspanHwid', 'num').spelled('erspan_hwid', { shape: 'xhex' }),
});

/** IFLA_GRE_* as decoded: the IFLA_INFO_DATA of a gre, gretap or erspan device. */
export type GreAttrs = Decoded<typeof greAttrs>;
/** The friendly view of a gre, gretap or erspan device (`Link.info` for those kinds); GRE flags by name, keys as numbers. */
export type GreInfo = { kind: 'gre' | 'gretap' | 'erspan' } & ViewOf<typeof greAttrs>;
/** createGre's and createGretap's tunnel options: the writable views of the table (a key given alone turns on GRE_KEY). */
export type GreOptions = OptionsOf<typeof greAttrs>;

/** The friendly view of gre, gretap or erspan link data. */
export function greInfo(kind: GreInfo['kind'], data: GreAttrs): GreInfo {
  return { kind, ...readView(greAttrs, data) } as GreInfo;
}

/** iproute2's link_gre.c gre_print_opt order (iflags prints iseq/oseq/icsum/ocsum after the keys). */
export const GRE_IP_ORDER: readonly (keyof typeof greAttrs.specs)[] = [
  'collectMetadata', 'remote', 'local', 'link', 'ttl', 'tos', 'pmtudisc', 'ignoreDf', 'ikey', 'okey', 'iflags', 'fwmark',
  'erspanIndex', 'erspanVer', 'erspanDir', 'erspanHwid', 'encapType',
];

/** A key given without its flag gets GRE_KEY in that direction, as ip's `key`/`ikey`/`okey` do. */
export function withGreKeyFlags(data: Record<string, unknown>): void {
  if (data['ikey'] !== undefined) data['iflags'] = ((data['iflags'] as number | undefined) ?? 0) | GRE_FLAG.key;
  if (data['okey'] !== undefined) data['oflags'] = ((data['oflags'] as number | undefined) ?? 0) | GRE_FLAG.key;
}
