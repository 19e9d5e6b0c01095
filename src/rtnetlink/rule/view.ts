/**
 * The friendly view of a rule message (RTM_NEWRULE): plain data named
 * after `ip -j rule`'s fields where they exist, while `raw` keeps the
 * decoded message.
 */
import { withToJSON } from '../../netlink/json-safe.js';
import { AF } from '../constants.js';
import { protocolName, tableName } from '../route/names.js';
import type { RuleAttrs } from './attrs.js';
import { FIB_RULE, type FibRuleHdr } from './header.js';
import { ipProtoName, ruleActionName } from './names.js';

/** A rule message's family by name: AF_INET or AF_INET6. */
export type RuleFamily = 'inet' | 'inet6';

/** A port selector: start … end inclusive (one port: start = end), with its mask when the kernel has one. */
export interface RulePortRange {
  start: number;
  end: number;
  /** FRA_SPORT_MASK / FRA_DPORT_MASK (newer than 6.1): the bits of a single port that are compared. */
  mask?: number;
}

/** A policy routing rule as the kernel reports it. */
export interface Rule {
  /** `inet`, `inet6`; `ipmr` / `ip6mr` (RTNL_FAMILY_IPMR 128 / IP6MR 129) for multicast routing rules, else the number. */
  family: RuleFamily | string;
  /** FRA_PRIORITY; 0 when absent (the `local` rule), as ip prints it. */
  priority: number;
  /** `not` (FIB_RULE_INVERT): the rule applies where its selectors do not match. */
  invert: boolean;
  /** Source prefix (`from`): `10.0.0.0/8`, or a bare address for a host prefix; absent for `from all`. */
  from?: string;
  /** Destination prefix (`to`), written as `from`. */
  to?: string;
  /** The TOS byte matched (0: any). */
  tos: number;
  /** The table looked up: `main`, `local`, `default` or the number as text; `unspec` for none. */
  table: string;
  tableId: number;
  /** `to_tbl` (look up `table`), `goto`, `nop`, `blackhole`, `unreachable`, `prohibit` … */
  action: string;
  /** The priority a `goto` rule continues at. */
  goto?: number;
  fwmark?: number;
  fwmask?: number;
  /** Input device name; the device need not exist (then `flags` has `iif_detached`). */
  iif?: string;
  /** Output device name (then possibly `oif_detached`). */
  oif?: string;
  /** Look up the table of the device's VRF (FRA_L3MDEV). */
  l3mdev?: true;
  uidRange?: { start: number; end: number };
  /** IP protocol by ip's name (`tcp`, `udp` …, `ipproto-N` without one). */
  ipProto?: string;
  sport?: RulePortRange;
  dport?: RulePortRange;
  tunId?: bigint;
  /** Routes with prefixes this long or shorter are ignored (`suppress_prefixlength`). */
  suppressPrefixLength?: number;
  /** Routes out of devices of this group are ignored (`suppress_ifgroup`). */
  suppressIfgroup?: number;
  /** FRA_FLOW: the realms the rule sets (`realms FROM/TO`). */
  realms?: { from: number; to: number };
  /** Who made the rule (FRA_PROTOCOL): `kernel`, `boot`, `static` …, `unspec` when nobody said. */
  protocol: string;
  /** DSCP (0–63) matched, with its mask (FRA_DSCP, FRA_DSCP_MASK; newer than 6.1). */
  dscp?: number;
  dscpMask?: number;
  /** IPv6 flow label matched, with its mask (newer than 6.1). */
  flowlabel?: number;
  flowlabelMask?: number;
  /** FIB_RULE_* names: `permanent`, `invert`, `unresolved` (a goto without target), `iif_detached`, `oif_detached`, `find_saddr`. */
  flags: string[];
  /** The decoded message, for fields this object does not model. */
  raw: { header: FibRuleHdr; attrs: RuleAttrs };
}

/** "Not set" of FRA_SUPPRESS_PREFIXLEN and FRA_SUPPRESS_IFGROUP: the kernel stores and sends -1. */
export const RULE_UNSET = 0xffffffff;

const FLAG_NAMES: [number, string][] = [
  [FIB_RULE.PERMANENT, 'permanent'],
  [FIB_RULE.INVERT, 'invert'],
  [FIB_RULE.UNRESOLVED, 'unresolved'],
  [FIB_RULE.IIF_DETACHED, 'iif_detached'],
  [FIB_RULE.OIF_DETACHED, 'oif_detached'],
  [FIB_RULE.FIND_SADDR, 'find_saddr'],
];

/** RTNL_FAMILY_IPMR / RTNL_FAMILY_IP6MR (<linux/rtnetlink.h>). */
const FAMILY_NAMES = new Map<number, string>([
  [AF.INET, 'inet'],
  [AF.INET6, 'inet6'],
  [128, 'ipmr'],
  [129, 'ip6mr'],
]);

/** The family's address length in bits (af_bit_len), or undefined for families without one. */
function hostLength(family: number): number | undefined {
  return family === AF.INET || family === 128 ? 32 : family === AF.INET6 || family === 129 ? 128 : undefined;
}

function prefix(addr: string | undefined, len: number, family: number): string | undefined {
  if (addr === undefined) return len ? `0/${len}` : undefined;
  return len === hostLength(family) ? addr : `${addr}/${len}`;
}

/** Turns a decoded RTM_NEWRULE into a Rule. */
export function toRule(msg: { header: FibRuleHdr; attrs: RuleAttrs }): Rule {
  const { header: h, attrs: a } = msg;
  const tableId = a.table ?? h.table;
  const r: Rule = {
    family: FAMILY_NAMES.get(h.family) ?? String(h.family),
    priority: a.priority ?? 0,
    invert: (h.flags & FIB_RULE.INVERT) !== 0,
    tos: h.tos,
    table: tableName(tableId),
    tableId,
    action: ruleActionName(h.action),
    protocol: protocolName(a.protocol ?? 0),
    flags: FLAG_NAMES.filter(([bit]) => h.flags & bit).map(([, n]) => n),
    raw: msg,
  };
  const from = prefix(a.src, h.srcLength, h.family);
  if (from !== undefined) r.from = from;
  const to = prefix(a.dst, h.dstLength, h.family);
  if (to !== undefined) r.to = to;
  if (a.goto !== undefined) r.goto = a.goto;
  if (a.fwmark !== undefined) r.fwmark = a.fwmark;
  if (a.fwmask !== undefined) r.fwmask = a.fwmask;
  if (a.iifname !== undefined) r.iif = a.iifname;
  if (a.oifname !== undefined) r.oif = a.oifname;
  if (a.l3mdev) r.l3mdev = true;
  if (a.uidRange !== undefined) r.uidRange = { start: a.uidRange.start, end: a.uidRange.end };
  if (a.ipProto !== undefined) r.ipProto = ipProtoName(a.ipProto);
  if (a.sportRange !== undefined) r.sport = portRange(a.sportRange, a.sportMask);
  if (a.dportRange !== undefined) r.dport = portRange(a.dportRange, a.dportMask);
  if (a.tunId !== undefined) r.tunId = a.tunId;
  if (a.suppressPrefixlen !== undefined && a.suppressPrefixlen !== RULE_UNSET) r.suppressPrefixLength = a.suppressPrefixlen;
  if (a.suppressIfgroup !== undefined && a.suppressIfgroup !== RULE_UNSET) r.suppressIfgroup = a.suppressIfgroup;
  if (a.flow !== undefined) r.realms = { from: a.flow >>> 16, to: a.flow & 0xffff };
  if (a.dscp !== undefined) r.dscp = a.dscp;
  if (a.dscpMask !== undefined) r.dscpMask = a.dscpMask;
  if (a.flowlabel !== undefined) r.flowlabel = a.flowlabel;
  if (a.flowlabelMask !== undefined) r.flowlabelMask = a.flowlabelMask;
  return withToJSON(r);
}

function portRange(p: { start: number; end: number }, mask: number | undefined): RulePortRange {
  const out: RulePortRange = { start: p.start, end: p.end };
  if (mask !== undefined) out.mask = mask;
  return out;
}
