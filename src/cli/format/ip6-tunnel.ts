/**
 * How ip prints the rows the IPv6 tunnels share (iproute2's
 * link_ip6tnl.c and link_gre6.c print them alike): the hop limit, and the
 * values whose IP6_TNL_F_* flag says "inherit" or "none" instead — so each
 * shape reads the decoded FLAGS beside its own value.
 */
import { IP6_TNL_F, type IpSpelling } from '../../wire.js';
import type { Out } from '../out.js';
import { hex0x } from './fields.js';

type Data = Record<string, unknown>;
type Printer = (o: Out, ip: IpSpelling, v: unknown, data: Data) => void;

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));
const flags = (d: Data): number => num(d['flags'] ?? 0);

export const IP6_TUNNEL_SHAPES: Record<string, Printer> = {
  /** JSON always the number; text `hoplimit N`, or `hoplimit inherit` for 0. */
  hoplimit: (o, ip, v) => o.field(ip.key, num(v), num(v) ? `hoplimit ${num(v)} ` : 'hoplimit inherit '),
  /** `encaplimit none` when IGN_ENCAP_LIMIT is set, else the limit. */
  'ip6-encap-limit': (o, ip, v, d) => {
    if (flags(d) & IP6_TNL_F.ignEncapLimit) o.field('ip6_tnl_f_ign_encap_limit', true, 'encaplimit none ');
    else o.field(ip.key, num(v), `encaplimit ${num(v)} `);
  },
  /** FLOWINFO as ip's tclass and flowlabel (each `inherit` when its USE_ORIG flag is set), then `dscp inherit`. */
  'ip6-flowinfo': (o, _ip, v, d) => {
    const f = flags(d);
    const n = num(v) >>> 0;
    if (f & IP6_TNL_F.useOrigTclass) o.field('ip6_tnl_f_use_orig_tclass', true, 'tclass inherit ');
    else {
      const t = `0x${((n >>> 20) & 0xff).toString(16).padStart(2, '0')}`;
      o.field('tclass', t, `tclass ${t} `);
    }
    if (f & IP6_TNL_F.useOrigFlowlabel) o.field('ip6_tnl_f_use_orig_flowlabel', true, 'flowlabel inherit ');
    else {
      const l = `0x${(n & 0xfffff).toString(16).padStart(5, '0')}`;
      o.field('flowlabel', l, `flowlabel ${l} `);
    }
    if (f & IP6_TNL_F.rcvDscpCopy) o.field('ip6_tnl_f_rcv_dscp_copy', true, 'dscp inherit ');
  },
  /** ip6tnl's remaining flags: `mip6`, `allow-localremote`. */
  'ip6tnl-flags': (o, _ip, v) => {
    if (num(v) & IP6_TNL_F.mip6Dev) o.field('ip6_tnl_f_mip6_dev', true, 'mip6 ');
    if (num(v) & IP6_TNL_F.allowLocalRemote) o.field('ip6_tnl_f_allow_local_remote', true, 'allow-localremote ');
  },
  /** ip6gre's: `allow-localremote` (after the GRE words). */
  'ip6gre-flags': (o, _ip, v) => {
    if (num(v) & IP6_TNL_F.allowLocalRemote) o.field('ip6_tnl_f_allow_local_remote', true, 'allow-localremote ');
  },
  /** `fwmark inherit` when USE_ORIG_FWMARK is set, else the mark in hex when not 0. */
  'ip6-fwmark': (o, ip, v, d) => {
    if (flags(d) & IP6_TNL_F.useOrigFwmark) o.field('ip6_tnl_f_use_orig_fwmark', true, 'fwmark inherit ');
    else if (num(v)) o.field(ip.key, hex0x(num(v)), `fwmark ${hex0x(num(v))} `);
  },
};
