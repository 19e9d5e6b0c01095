/**
 * One rule as `ip rule show` prints it, text and JSON from the same calls,
 * in the order of iproute2's print_rule() (ip/iprule.c): priority, `not`,
 * from, to, tos, fwmark, iif, oif, l3mdev, uidrange, ipproto, sport,
 * dport, tun_id, the table with its suppressors, realms, the action,
 * protocol (unless unspec or kernel, or with -d), then what kernels newer
 * than 6.1 report and current iproute2 prints (dscp, flow label, masks).
 *
 * Output is ip 6.1's, byte for byte, for every rule 6.1 can describe. The
 * newer selectors are printed with current iproute2's keys, but a mask is
 * printed only when it is not the full one: a 6.18 kernel reports
 * FRA_SPORT_MASK 0xffff with every single port and FRA_DSCP_MASK 0x3f with
 * every dscp, and current ip prints those as `sport_mask` / `dscp_mask`
 * where 6.1 prints nothing — an all-ones mask changes no match, so rtnl
 * keeps 6.1's output there.
 * Names are iproute2's stock ones: its rt_tables, rt_protos, rt_dsfield,
 * rt_realms and group files as it ships them.
 */
import { familyColor, paint } from '../color.js';
import { FIB_RULE, FR_ACT, ipProtoName, protocolName, routeTypeName } from '../../wire.js';
import type { Rule } from '../../index.js';
import { Out } from '../out.js';

/** iproute2's etc/iproute2/rt_dsfield. */
const DSFIELD: Record<number, string> = {
  0x00: 'default', 0x28: 'AF11', 0x30: 'AF12', 0x38: 'AF13', 0x48: 'AF21', 0x50: 'AF22', 0x58: 'AF23', 0x68: 'AF31', 0x70: 'AF32',
  0x78: 'AF33', 0x88: 'AF41', 0x90: 'AF42', 0x98: 'AF43', 0x20: 'CS1', 0x40: 'CS2', 0x60: 'CS3', 0x80: 'CS4', 0xa0: 'CS5',
  0xc0: 'CS6', 0xe0: 'CS7', 0xb8: 'EF',
};
const AF_INET = 2;
const AF_INET6 = 10;
const RTPROT_KERNEL = 2;
/** The "not set" value (-1) of the suppressors, and the full masks ip leaves out of its text. */
const UNSET = 0xffffffff;
const PORT_MAX_MASK = 0xffff;
const DSCP_MAX_MASK = 0x3f;
const LABEL_MAX_MASK = 0xfffff;

/** C's `%#x`: `0x…`, but plain `0` for zero. */
const hex = (n: number | bigint): string => (n ? `0x${n.toString(16)}` : '0');
/** rtnl_dsfield_n2a: a name of rt_dsfield, else `0x%02x`. */
const dsfield = (tos: number): string => DSFIELD[tos] ?? `0x${tos.toString(16).padStart(2, '0')}`;
/** rtnl_dscp_n2a: the name of the DS field the DSCP makes, else decimal. */
const dscpName = (dscp: number): string => DSFIELD[dscp << 2] ?? String(dscp);
/** rtnl_rtrealm_n2a with the shipped rt_realms (`0 cosmos`). */
const realm = (n: number): string => (n === 0 ? 'cosmos' : String(n));

function hostLength(family: number): number {
  return family === AF_INET ? 32 : family === AF_INET6 ? 128 : -1;
}

function prefix(o: Out, key: 'src' | 'dst', addr: string | undefined, len: number, family: number, lead: string): void {
  const color = familyColor(family);
  if (addr !== undefined) {
    o.put(lead).field(key, addr, paint(color, addr));
    if (len !== hostLength(family)) o.field(`${key}len`, len, `/${len}`);
  } else if (len) {
    o.field(key, '0', `${lead}0`).field(`${key}len`, len, `/${len}`);
  } else if (key === 'src') {
    o.field(key, 'all', `${lead}all`);
  }
}

function port(o: Out, key: 'sport' | 'dport', p: Rule['sport']): void {
  if (!p) return;
  if (p.start !== p.end) {
    o.field(`${key}_start`, p.start, ` ${key} ${p.start}`).field(`${key}_end`, p.end, `-${p.end}`);
  } else if (p.mask !== undefined && p.mask !== PORT_MAX_MASK) {
    o.json(key, p.start).json(`${key}_mask`, hex(p.mask)).put(` ${key} ${hex(p.start)}/${hex(p.mask)}`);
  } else {
    // A full mask says nothing more than the port (6.18 sends one with every single port): printed as ip 6.1 prints the port.
    o.field(key, p.start, ` ${key} ${p.start}`);
  }
}

/** The rule as ip prints it; `deleted` for a DELRULE (monitor). */
export function formatRule(r: Rule, opts: { details: boolean; deleted?: boolean }): Out {
  const o = new Out();
  const h = r.raw.header;
  const a = r.raw.attrs;
  if (opts.deleted) o.field('deleted', true, 'Deleted ');
  o.field('priority', r.priority, `${r.priority}:\t`);
  if (h.flags & FIB_RULE.INVERT) o.field('not', null, 'not ');
  prefix(o, 'src', a.src, h.srcLength, h.family, 'from ');
  prefix(o, 'dst', a.dst, h.dstLength, h.family, ' to ');
  if (h.tos) o.field('tos', dsfield(h.tos), ` tos ${dsfield(h.tos)}`);
  if (a.fwmark !== undefined || a.fwmask !== undefined) {
    const mark = a.fwmark ?? 0;
    o.field('fwmark', hex(mark), ` fwmark ${hex(mark)}`);
    if (a.fwmask !== undefined && a.fwmask !== UNSET) o.field('fwmask', hex(a.fwmask), `/${hex(a.fwmask)}`);
  }
  if (a.iifname !== undefined) {
    o.put(' iif ').field('iif', a.iifname, paint('ifname', a.iifname));
    if (h.flags & FIB_RULE.IIF_DETACHED) o.field('iif_detached', null, ' [detached]');
  }
  if (a.oifname !== undefined) {
    o.put(' oif ').field('oif', a.oifname, paint('ifname', a.oifname));
    if (h.flags & FIB_RULE.OIF_DETACHED) o.field('oif_detached', null, ' [detached]');
  }
  if (a.l3mdev) o.field('l3mdev', null, ' lookup [l3mdev-table]');
  if (a.uidRange) o.field('uid_start', a.uidRange.start, ` uidrange ${a.uidRange.start}`).field('uid_end', a.uidRange.end, `-${a.uidRange.end}`);
  if (a.ipProto !== undefined) o.field('ipproto', ipProtoName(a.ipProto), ` ipproto ${ipProtoName(a.ipProto)}`);
  port(o, 'sport', r.sport);
  port(o, 'dport', r.dport);
  if (a.tunId !== undefined) o.field('tun_id', a.tunId, ` tun_id ${a.tunId}`);
  if (r.tableId) {
    o.field('table', r.table, ` lookup ${r.table}`);
    // print_int of the u32: -1 (not set) is left out.
    if (a.suppressPrefixlen !== undefined && a.suppressPrefixlen !== UNSET) o.field('suppress_prefixlen', a.suppressPrefixlen | 0, ` suppress_prefixlength ${a.suppressPrefixlen | 0}`);
    if (a.suppressIfgroup !== undefined && a.suppressIfgroup !== UNSET) {
      const g = a.suppressIfgroup === 0 ? 'default' : String(a.suppressIfgroup | 0);
      o.field('suppress_ifgroup', g, ` suppress_ifgroup ${g}`);
    }
  }
  if (r.realms) {
    if (r.realms.from) o.field('flow_from', realm(r.realms.from), ` realms ${realm(r.realms.from)}/`);
    else o.put(' realms ');
    o.field('flow_to', realm(r.realms.to), realm(r.realms.to));
  }
  if (h.action === FR_ACT.goto) {
    if (a.goto !== undefined) o.field('goto', a.goto, ` goto ${a.goto}`);
    else o.field('goto', 'none', ' goto none');
    if (h.flags & FIB_RULE.UNRESOLVED) o.field('unresolved', null, ' [unresolved]');
  } else if (h.action === FR_ACT.nop) {
    o.field('nop', null, ' nop');
  } else if (h.action !== FR_ACT.to_tbl) {
    // ip names the action by the route type of the same number (rtnl_rtntype_n2a: 0 is `none`).
    const name = h.action === 0 ? 'none' : routeTypeName(h.action);
    o.field('action', name, ` ${name}`);
  }
  if (a.protocol !== undefined && ((a.protocol && a.protocol !== RTPROT_KERNEL) || opts.details)) {
    o.field('protocol', protocolName(a.protocol), ` proto ${protocolName(a.protocol)}`);
  }
  if (a.dscp !== undefined) {
    if (a.dscpMask !== undefined && a.dscpMask !== DSCP_MAX_MASK) {
      o.json('dscp', dscpName(a.dscp)).json('dscp_mask', hex(a.dscpMask)).put(` dscp ${hex(a.dscp)}/${hex(a.dscpMask)}`);
    } else {
      o.field('dscp', dscpName(a.dscp), ` dscp ${dscpName(a.dscp)}`);
    }
  }
  // The kernel sends both or neither.
  if (a.flowlabel !== undefined && a.flowlabelMask !== undefined) {
    o.field('flowlabel', hex(a.flowlabel), ` flowlabel ${hex(a.flowlabel)}`);
    if (a.flowlabelMask !== LABEL_MAX_MASK) o.field('flowlabel_mask', hex(a.flowlabelMask), `/${hex(a.flowlabelMask)}`);
  }
  return o;
}
