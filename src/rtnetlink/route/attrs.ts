/**
 * RTA_* route attributes (enum in <linux/rtnetlink.h>), the RTA_METRICS
 * nest (RTAX_*), RTA_MULTIPATH next hops, RTA_VIA and RTA_CACHEINFO.
 */
import { attr, attrSet, decodeAttrs, decodeError, encodeAttrs, nest, type Codec, type Decoded } from '../../netlink/schema.js';
import { be16, be32, bytes, ipaddr, string, struct, u16, u32, u8 } from '../../netlink/codecs.js';
import { formatHex, formatIp, parseIp } from '../../netlink/inet.js';

/**
 * RTAX_* route metrics. The kernel writes this nest without NLA_F_NESTED
 * (nla_nest_start_noflag in rtnetlink_put_metrics); a decoded message keeps
 * that bit pattern so it re-encodes byte for byte.
 */
export const metricsAttrs = attrSet('metrics', {
  /** Bit mask (1 << RTAX_*) of metrics locked against PMTU/TCP updates. */
  lock: attr(1, u32),
  mtu: attr(2, u32),
  window: attr(3, u32),
  rtt: attr(4, u32),
  rttvar: attr(5, u32),
  ssthresh: attr(6, u32),
  cwnd: attr(7, u32),
  advmss: attr(8, u32),
  reordering: attr(9, u32),
  hoplimit: attr(10, u32),
  initcwnd: attr(11, u32),
  features: attr(12, u32),
  rtoMin: attr(13, u32),
  initrwnd: attr(14, u32),
  quickack: attr(15, u32),
  ccAlgo: attr(16, string),
  fastopenNoCookie: attr(17, u32),
});

/**
 * RTA_METRICS as the kernel and iproute2 write it: a nest whose type has no
 * NLA_F_NESTED bit. The codec has no `set`, which is what makes the
 * attribute table add that bit; so new messages match the kernel's own.
 */
const { set: _metricsSet, ...metricsNest } = nest(metricsAttrs);

/** struct rta_cacheinfo (8 × 32 bits). `expires` is signed jiffies. */
export const rtaCacheinfo = struct('rta_cacheinfo', {
  clntref: 'u32',
  lastuse: 'u32',
  expires: 's32',
  error: 'u32',
  used: 'u32',
  id: 'u32',
  ts: 'u32',
  tsage: 'u32',
});

/** struct rta_mfc_stats (multicast forwarding cache counters). */
export const rtaMfcStats = struct('rta_mfc_stats', { packets: 'u64', bytes: 'u64', wrongIf: 'u64' });

/** A decoded struct rtvia (RTA_VIA): a gateway of another address family. */
export interface Via {
  /** Address family of the gateway (AF_INET for an IPv4 next hop of an IPv6 route). */
  family: number;
  /** The gateway as text for AF_INET/AF_INET6, otherwise hex bytes. */
  address: string;
}

/** struct rtvia: a u16 address family followed by the address bytes. */
export const via: Codec<Via> = {
  kind: 'rtvia',
  decode(ctx, off, len) {
    if (len < 2) throw decodeError(ctx, `rtvia wants at least 2 bytes, got ${len}`);
    const fam = ctx.view.getUint16(off, true);
    const b = ctx.buf.subarray(off + 2, off + len);
    const address = (fam === 2 && b.length === 4) || (fam === 10 && b.length === 16) ? formatIp(b) : formatHex(b);
    return { family: fam, address };
  },
  encode(w, v) {
    w.u16(v.family);
    const b = parseIp(v.address);
    if (!b) w.fail(`invalid via address ${JSON.stringify(v.address)}`);
    else w.bytes(b);
  },
  canonical(ctx, off, len) {
    const fam = ctx.view.getUint16(off, true);
    return (fam === 2 && len === 6) || (fam === 10 && len === 18);
  },
};

/** Attributes that may follow one struct rtnexthop inside RTA_MULTIPATH. */
export const nexthopAttrs = attrSet('nexthop', {
  gateway: attr(5, ipaddr),
  flow: attr(11, u32),
  via: attr(18, via),
  newdst: attr(19, bytes),
  encapType: attr(21, u16),
  encap: attr(22, bytes),
});

/** One struct rtnexthop of RTA_MULTIPATH with the attributes that follow it. */
export interface Nexthop {
  /** RTNH_F_* flags. */
  flags: number;
  /** Weight − 1 (rtnh_hops). */
  hops: number;
  ifindex: number;
  attrs: Decoded<typeof nexthopAttrs>;
}

/**
 * RTA_MULTIPATH: a packed array of struct rtnexthop
 * { u16 len; u8 flags; u8 hops; s32 ifindex } each followed by its own
 * attributes, every entry padded to four bytes.
 */
export const multipath: Codec<Nexthop[]> = {
  kind: 'multipath',
  decode(ctx, off, len) {
    const out: Nexthop[] = [];
    const end = off + len;
    let i = 0;
    while (off < end) {
      if (end - off < 8) throw decodeError(ctx, `multipath: ${end - off} trailing bytes, too short for struct rtnexthop`);
      const nlen = ctx.view.getUint16(off, true);
      if (nlen < 8 || off + nlen > end) throw decodeError(ctx, `multipath: next hop ${i} has length ${nlen}, ${end - off} bytes left`);
      ctx.path.push(String(i));
      const attrs = decodeAttrs(nexthopAttrs, ctx, off + 8, off + nlen);
      ctx.path.pop();
      out.push({ flags: ctx.view.getUint8(off + 2), hops: ctx.view.getUint8(off + 3), ifindex: ctx.view.getInt32(off + 4, true), attrs });
      off += (nlen + 3) & ~3;
      i++;
    }
    return out;
  },
  encode(w, hops) {
    if (!Array.isArray(hops)) {
      w.fail('multipath: expected an array of next hops');
      return;
    }
    hops.forEach((h, i) => {
      const start = w.pos;
      w.u16(0);
      w.u8(h.flags ?? 0);
      w.u8(h.hops ?? 0);
      w.s32(h.ifindex ?? 0);
      w.path.push(String(i));
      encodeAttrs(w, nexthopAttrs, h.attrs ?? {});
      w.path.pop();
      w.view.setUint16(start, w.pos - start, true);
      w.align();
    });
  },
};

/** The RTA_* attribute table of route messages (RTM_NEWROUTE …). */
export const routeAttrs = attrSet('route', {
  dst: attr(1, ipaddr),
  src: attr(2, ipaddr),
  iif: attr(3, u32),
  oif: attr(4, u32),
  gateway: attr(5, ipaddr),
  /** The route's metric (`ip route … metric N`). */
  priority: attr(6, u32),
  prefsrc: attr(7, ipaddr),
  metrics: attr(8, metricsNest),
  multipath: attr(9, multipath),
  protoinfo: attr(10, bytes),
  flow: attr(11, u32),
  cacheinfo: attr(12, rtaCacheinfo),
  session: attr(13, bytes),
  mpAlgo: attr(14, u32),
  table: attr(15, u32),
  mark: attr(16, u32),
  mfcStats: attr(17, rtaMfcStats),
  via: attr(18, via),
  newdst: attr(19, bytes),
  /** IPv6 router preference (ICMPV6_ROUTER_PREF_*). */
  pref: attr(20, u8),
  encapType: attr(21, u16),
  encap: attr(22, bytes),
  /** Seconds until an IPv6 route expires. */
  expires: attr(23, u32),
  pad: attr(24, bytes),
  uid: attr(25, u32),
  ttlPropagate: attr(26, u8),
  ipProto: attr(27, u8),
  sport: attr(28, be16),
  dport: attr(29, be16),
  nhId: attr(30, u32),
  /** IPv6 flow label selector (GETROUTE; kernel ≥ 6.12, absent from older UAPI headers). */
  flowlabel: attr(31, be32),
});

/** The decoded RTA_* attributes of a route message. */
export type RouteAttrs = Decoded<typeof routeAttrs>;
