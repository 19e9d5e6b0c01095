/**
 * What the IPv6 tunnels (ip6tnl, ip6gre, ip6gretap, ip6erspan) have in
 * common: the same five rows under different numbers in IFLA_IPTUN_* and
 * IFLA_GRE_*, described once here. Kernel facts (net/ipv6/ip6_tunnel.c
 * ip6_tnl_fill_info, net/ipv6/ip6_gre.c ip6gre_fill_info, <linux/ip6_tunnel.h>):
 *
 * - TTL is the hop limit (0: the route's hop limit, ip's `hoplimit inherit`);
 * - ENCAP_LIMIT is the Tunnel Encapsulation Limit option's value, left out
 *   of packets with IP6_TNL_F_IGN_ENCAP_LIMIT (ip's `encaplimit none`);
 * - FLOWINFO is the __be32 flow information of the outer header: traffic
 *   class in bits 20–27, flow label in bits 0–19 (IPV6_FLOWINFO_* masks);
 * - FLAGS are IP6_TNL_F_*, a host-order u32 (the spec notes ip6tnl's are
 *   32-bit unlike ipip and sit). The kernel adds what it found the tunnel
 *   can do (include/net/ip6_tunnel.h IP6_TNL_F_CAP_XMIT 0x10000, _CAP_RCV
 *   0x20000, _CAP_PER_PACKET 0x40000, recomputed from the endpoints by
 *   ip6_tnl_link_config whatever a request says): read-only `tunnelCaps`;
 * - LOCAL and REMOTE are in6_addrs: an IPv4 address is refused up front.
 *
 * iproute2 fills hoplimit 64 and encaplimit 4 in when creating one; the
 * kernel's own defaults (absent attributes) are 0 and 0. The kinds'
 * `adjust` (ip6TunnelDefaults) gives rtnl's create calls ip's defaults, so
 * a tunnel made here and one made by `ip link add` are the same device.
 */
import { attr } from '../../../netlink/schema.js';
import { be32, ipaddr, u32, u8 } from '../../../netlink/codecs.js';
import { ValidationError } from '../../../netlink/errors.js';
import { formatValue } from '../../../netlink/format-value.js';
import { familyAddress, flagSet } from './convs.js';

/** IP6_TNL_F_* (<linux/ip6_tunnel.h>). */
export const IP6_TNL_F = {
  ignEncapLimit: 0x1,
  useOrigTclass: 0x2,
  useOrigFlowlabel: 0x4,
  mip6Dev: 0x8,
  rcvDscpCopy: 0x10,
  useOrigFwmark: 0x20,
  allowLocalRemote: 0x40,
} as const;
const ip6Flags = flagSet(IP6_TNL_F);
/** The kernel's capability bits in FLAGS (not UAPI; see above). */
export const IP6_TNL_CAP = { xmit: 0x10000, rcv: 0x20000, perPacket: 0x40000 } as const;
const ip6Caps = flagSet(IP6_TNL_CAP);

/** iproute2's defaults for a new IPv6 tunnel (DEFAULT_TNL_HOP_LIMIT, IPV6_DEFAULT_TNL_ENCAP_LIMIT). */
export const IP6_TUNNEL_DEFAULTS = { ttl: 64, encapLimit: 4 } as const;

/** A hop limit: 0..255, or ip's word `inherit` (0). */
const hopLimit = {
  read: (v: number) => v,
  write(v: unknown, field: string): number {
    if (v === 'inherit') return 0;
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 255) return n;
    throw new ValidationError(field, `expected a hop limit 0..255 or "inherit", got ${formatValue(v)}`);
  },
};

/** The outer header's flow information: `{ tclass, flowlabel }` ↔ the __be32 (tclass << 20 | flowlabel). */
const flowinfo = {
  read: (v: number): { tclass: number; flowlabel: number } => ({ tclass: (v >>> 20) & 0xff, flowlabel: v & 0xfffff }),
  write(v: unknown, field: string): number {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ValidationError(field, `expected { tclass, flowlabel }, got ${formatValue(v)}`);
    const { tclass = 0, flowlabel = 0, ...rest } = v as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) throw new ValidationError(`${field}.${extra}`, 'is not one of tclass, flowlabel');
    if (typeof tclass !== 'number' || !Number.isInteger(tclass) || tclass < 0 || tclass > 0xff) throw new ValidationError(`${field}.tclass`, `expected 0..255, got ${formatValue(tclass)}`);
    if (typeof flowlabel !== 'number' || !Number.isInteger(flowlabel) || flowlabel < 0 || flowlabel > 0xfffff) throw new ValidationError(`${field}.flowlabel`, `expected 0..0xfffff, got ${formatValue(flowlabel)}`);
    return ((tclass << 20) | flowlabel) >>> 0;
  },
};

const v6 = familyAddress(6, 'IPv4 endpoints are for the IPv4 tunnel kinds');

/** The rows the IPv6 tunnels share, under their numbers in the kind's table. */
export function ip6TunnelRows(
  n: { local: number; remote: number; ttl: number; encapLimit: number; flowinfo: number; flags: number; fwmark: number },
  /** ip prints `mip6` for ip6tnl only. */
  flagsShape: 'ip6tnl-flags' | 'ip6gre-flags',
) {
  return {
    local: attr(n.local, ipaddr).view('local', v6, { writable: true }).spelled('local', { shape: 'endpoint' }),
    remote: attr(n.remote, ipaddr).view('remote', v6, { writable: true }).spelled('remote', { shape: 'endpoint' }),
    /** The hop limit; 0: inherit. */
    ttl: attr(n.ttl, u8).view('ttl', hopLimit, { writable: true }).spelled('ttl', { label: 'hoplimit', shape: 'hoplimit', option: 'hoplimit' }),
    encapLimit: attr(n.encapLimit, u8).view('encapLimit', 'num', { writable: true }).spelled('encap_limit', { label: 'encaplimit', shape: 'ip6-encap-limit', option: 'encaplimit' }),
    flowinfo: attr(n.flowinfo, be32).view('flowinfo', flowinfo, { writable: true }).spelled('flowinfo', { shape: 'ip6-flowinfo', option: false }),
    flags: attr(n.flags, u32).view('tunnelFlags', ip6Flags.word, { writable: true }).view('tunnelCaps', ip6Caps.word).spelled('flags', { shape: flagsShape, option: false, bareFlags: { 'allow-localremote': 'allowLocalRemote' } }),
    fwmark: attr(n.fwmark, u32).view('fwmark', 'num', { writable: true }).spelled('fwmark', { shape: 'ip6-fwmark' }),
  };
}

/** ip's defaults for what the options leave out (see above); `encapLimit` stays out when the limit is ignored. */
export function ip6TunnelDefaults(data: Record<string, unknown>): void {
  if (data['ttl'] === undefined) data['ttl'] = IP6_TUNNEL_DEFAULTS.ttl;
  if (data['encapLimit'] === undefined && !((data['flags'] as number | undefined ?? 0) & IP6_TNL_F.ignEncapLimit)) data['encapLimit'] = IP6_TUNNEL_DEFAULTS.encapLimit;
}
