/**
 * Rule requests built from a RuleSpec, validated before any system call:
 * the fib_rule_hdr and FRA_* attributes of an add or a delete, laid out as
 * `ip rule add|del` lays them out. Each check names the kernel's own
 * refusal it anticipates (net/core/fib_rules.c fib_nl2rule,
 * net/ipv4/fib_rules.c, net/ipv6/fib6_rules.c).
 */
import { ValidationError } from '../../netlink/errors.js';
import { type Cidr, parseCidr } from '../../netlink/inet.js';
import { formatValue } from '../../netlink/format-value.js';
import { ipFamilyOption, ipVersion } from '../ip-input.js';
import { rejectUnknownKeys, validateBoolean, validateIfname } from '../../rtnetlink/link/index.js';
import { AF } from '../../rtnetlink/constants.js';
import { RTPROT, RT_TABLE } from '../../rtnetlink/route/index.js';
import { FIB_RULE, FR_ACT, IP_PROTO, type FibRuleHdr, type RuleAttrs } from '../../rtnetlink/rule/index.js';
import { named, tableId, u32Field } from '../routes/build.js';
import type { RulePortSpec, RuleSpec } from './index.js';

/** The actions a rule may be given (FR_ACT_RES3/RES4 are reserved; the kernel has no use for them). */
const ACTIONS = { to_tbl: FR_ACT.to_tbl, goto: FR_ACT.goto, nop: FR_ACT.nop, blackhole: FR_ACT.blackhole, unreachable: FR_ACT.unreachable, prohibit: FR_ACT.prohibit } as const;

/** Spec keys besides the operation options. */
export const RULE_KEYS = [
  'family', 'priority', 'table', 'from', 'to', 'iif', 'oif', 'fwmark', 'fwmask', 'uidRange', 'ipProto', 'sport', 'dport',
  'l3mdev', 'suppressPrefixLength', 'suppressIfgroup', 'goto', 'action', 'protocol', 'tos', 'invert', 'realms', 'tunId',
  'dscp', 'dscpMask', 'flowlabel', 'flowlabelMask',
] as const;

/** A built request: the header and attributes of RTM_NEWRULE / RTM_DELRULE. */
export interface BuiltRule {
  header: FibRuleHdr;
  attrs: RuleAttrs;
}

function intIn(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ValidationError(field, `expected an integer ${min} … ${max}, got ${formatValue(v)}`);
  return v;
}

function prefixField(v: unknown, field: string, family: number | undefined): Cidr {
  const c = parseCidr(v);
  if (!c) throw new ValidationError(field, `expected a prefix such as 10.0.0.0/8 or fd00::/16 (a bare address is a host prefix), got ${formatValue(v)}`);
  if (family !== undefined && c.family !== family) throw new ValidationError(field, `${String(v)} is ${ipVersion(c.family)} but the rule is ${ipVersion(family)}`);
  return c;
}

/** A port or port range: 1 ≤ start ≤ end ≤ 65534 (fib_rule_port_range_valid refuses 0 and 65535). */
function ports(v: RulePortSpec | unknown, field: string): { range: { start: number; end: number }; mask?: number } {
  if (typeof v === 'number') {
    const p = intIn(v, field, 1, 65534);
    return { range: { start: p, end: p } };
  }
  if (v === null || typeof v !== 'object') throw new ValidationError(field, `expected a port or { start, end?, mask? }, got ${formatValue(v)}`);
  rejectUnknownKeys(v, ['start', 'end', 'mask'], field);
  const o = v as { start?: unknown; end?: unknown; mask?: unknown };
  const start = intIn(o.start, `${field}.start`, 1, 65534);
  const end = o.end === undefined ? start : intIn(o.end, `${field}.end`, start, 65534);
  const out: { range: { start: number; end: number }; mask?: number } = { range: { start, end } };
  if (o.mask !== undefined) {
    // The kernel takes a port mask only with a single port.
    if (end !== start) throw new ValidationError(`${field}.mask`, 'a mask goes with a single port, not a range');
    const mask = intIn(o.mask, `${field}.mask`, 0, 0xffff);
    if (mask !== 0xffff) out.mask = mask;
  }
  return out;
}

function u32Unset(v: unknown, field: string): number {
  // 0xffffffff is how the kernel stores "not set" (-1); as a value it would vanish.
  return intIn(v, field, 0, 0xfffffffe);
}

/**
 * Builds an add or delete request. For a delete, what is left out matches
 * anything: the kernel's rule_find compares only what the request carries
 * (action and table when not 0, each attribute when present).
 */
export function buildRule(spec: RuleSpec, forDelete: boolean): BuiltRule {
  rejectUnknownKeys(spec, ['netns', 'socket', 'timeout', ...RULE_KEYS], '');
  let family: number | undefined = ipFamilyOption(spec.family);
  const attrs: RuleAttrs = {};
  const header: FibRuleHdr = { family: 0, dstLength: 0, srcLength: 0, tos: 0, table: 0, action: FR_ACT.unspec, flags: 0 };
  for (const [key, len] of [['from', 'srcLength'], ['to', 'dstLength']] as const) {
    if (spec[key] === undefined) continue;
    const c = prefixField(spec[key], key, family);
    family = c.family;
    header[len] = c.prefixLength;
    attrs[key === 'from' ? 'src' : 'dst'] = c.address;
  }
  family ??= AF.INET;
  header.family = family;

  if (spec.priority !== undefined) attrs.priority = u32Field(spec.priority, 'priority');
  if (spec.iif !== undefined) attrs.iifname = validateIfname(spec.iif, 'iif');
  if (spec.oif !== undefined) attrs.oifname = validateIfname(spec.oif, 'oif');
  if (spec.fwmark !== undefined) attrs.fwmark = u32Field(spec.fwmark, 'fwmark');
  if (spec.fwmask !== undefined) attrs.fwmask = u32Field(spec.fwmask, 'fwmask');
  if (spec.uidRange !== undefined) {
    const u = spec.uidRange as unknown;
    if (u === null || typeof u !== 'object') throw new ValidationError('uidRange', `expected { start, end }, got ${formatValue(u)}`);
    rejectUnknownKeys(u, ['start', 'end'], 'uidRange');
    const start = u32Field(spec.uidRange.start, 'uidRange.start');
    const end = u32Field(spec.uidRange.end, 'uidRange.end');
    if (start > end) throw new ValidationError('uidRange', `start ${start} is above end ${end}`);
    // uid_range_set(): 0 … 2³²−1 is how the kernel says "no range", and it refuses it.
    if (start === 0 && end === 0xffffffff) throw new ValidationError('uidRange', 'the whole range 0 … 4294967295 matches every socket: leave uidRange out');
    attrs.uidRange = { start, end };
  }
  if (spec.ipProto !== undefined) {
    const p = named(IP_PROTO, spec.ipProto, 'ipProto', 255);
    // The kernel reads ip_proto 0 as "any protocol" and never reports it back.
    if (p === 0) throw new ValidationError('ipProto', 'protocol 0 matches every packet: leave ipProto out');
    attrs.ipProto = p;
  }
  for (const [key, range, mask] of [['sport', 'sportRange', 'sportMask'], ['dport', 'dportRange', 'dportMask']] as const) {
    if (spec[key] === undefined) continue;
    const p = ports(spec[key], key);
    attrs[range] = p.range;
    if (p.mask !== undefined) attrs[mask] = p.mask;
  }
  if (spec.suppressPrefixLength !== undefined) attrs.suppressPrefixlen = intIn(spec.suppressPrefixLength, 'suppressPrefixLength', 0, family === AF.INET ? 32 : 128);
  if (spec.suppressIfgroup !== undefined) attrs.suppressIfgroup = u32Unset(spec.suppressIfgroup, 'suppressIfgroup');
  if (spec.protocol !== undefined) attrs.protocol = named(RTPROT, spec.protocol, 'protocol', 255);
  if (spec.invert !== undefined && validateBoolean(spec.invert, 'invert')) header.flags |= FIB_RULE.INVERT;
  if (spec.realms !== undefined) {
    const r = spec.realms as unknown;
    if (r === null || typeof r !== 'object') throw new ValidationError('realms', `expected { from?, to }, got ${formatValue(r)}`);
    rejectUnknownKeys(r, ['from', 'to'], 'realms');
    const to = intIn(spec.realms.to, 'realms.to', 0, 0xffff);
    const from = spec.realms.from === undefined ? 0 : intIn(spec.realms.from, 'realms.from', 0, 0xffff);
    attrs.flow = ((from << 16) | to) >>> 0;
  }
  if (spec.tunId !== undefined) {
    const t = spec.tunId as unknown;
    const id = typeof t === 'bigint' ? t : typeof t === 'number' && Number.isSafeInteger(t) ? BigInt(t) : undefined;
    if (id === undefined || id < 0n || id > 0xffffffffffffffffn) throw new ValidationError('tunId', `expected a tunnel id 0 … 2^64-1 (a bigint, or a safe integer), got ${formatValue(t)}`);
    attrs.tunId = id;
  }
  dscpAndTos(spec, family, header, attrs);
  flowlabel(spec, family, attrs);
  actionAndTable(spec, forDelete, header, attrs);
  return { header, attrs };
}

function dscpAndTos(spec: RuleSpec, family: number, header: FibRuleHdr, attrs: RuleAttrs): void {
  if (spec.tos !== undefined) {
    const tos = intIn(spec.tos, 'tos', 0, 255);
    // The kernel matches DSCP only: "Invalid dsfield (tos): ECN bits must be 0".
    if (tos & 0x03) throw new ValidationError('tos', `the two ECN bits of ${formatValue(spec.tos)} must be 0 (a DSCP value shifted left by two)`);
    // IPv4 rules match only the old TOS bits (IPTOS_TOS_MASK 0x1e): "Invalid tos". IPv6 rules take any DSCP.
    if (family === AF.INET && tos & ~0x1c) throw new ValidationError('tos', `IPv4 rules match only the TOS bits 0x1c, not ${formatValue(spec.tos)}: give dscp instead`);
    header.tos = tos;
  }
  if (spec.dscp !== undefined) {
    if (spec.tos !== undefined) throw new ValidationError('dscp', 'give either tos or dscp, not both (the kernel refuses both)');
    attrs.dscp = intIn(spec.dscp, 'dscp', 0, 63);
  }
  if (spec.dscpMask !== undefined) {
    if (spec.dscp === undefined) throw new ValidationError('dscpMask', 'a mask needs a dscp');
    const m = intIn(spec.dscpMask, 'dscpMask', 0, 63);
    if ((attrs.dscp as number) & ~m) throw new ValidationError('dscpMask', `dscp ${spec.dscp} has bits outside mask ${m}`);
    if (m !== 63) attrs.dscpMask = m;
  }
}

function flowlabel(spec: RuleSpec, family: number, attrs: RuleAttrs): void {
  if (spec.flowlabel === undefined) {
    if (spec.flowlabelMask !== undefined) throw new ValidationError('flowlabelMask', 'a mask needs a flowlabel');
    return;
  }
  // "Flow label cannot be specified for IPv4 FIB rules."
  if (family !== AF.INET6) throw new ValidationError('flowlabel', 'flow labels are IPv6: give an inet6 rule (family, from or to)');
  const label = intIn(spec.flowlabel, 'flowlabel', 0, 0xfffff);
  const mask = spec.flowlabelMask === undefined ? 0xfffff : intIn(spec.flowlabelMask, 'flowlabelMask', 0, 0xfffff);
  if (label & ~mask) throw new ValidationError('flowlabelMask', `flow label ${label} has bits outside mask ${mask}`);
  // As ip sends it: the label and always its mask.
  attrs.flowlabel = label;
  attrs.flowlabelMask = mask;
}

function actionAndTable(spec: RuleSpec, forDelete: boolean, header: FibRuleHdr, attrs: RuleAttrs): void {
  const l3mdev = spec.l3mdev === undefined ? false : validateBoolean(spec.l3mdev, 'l3mdev');
  let action: number | undefined = spec.action === undefined ? undefined : named(ACTIONS, spec.action, 'action', FR_ACT.prohibit);
  if (action === FR_ACT.unspec || action === FR_ACT.res3 || action === FR_ACT.res4) throw new ValidationError('action', `expected one of ${Object.keys(ACTIONS).join(', ')}, got ${formatValue(spec.action)}`);
  if (spec.goto !== undefined) {
    if (action !== undefined && action !== FR_ACT.goto) throw new ValidationError('goto', `a goto target goes with action 'goto', not ${formatValue(spec.action)}`);
    action = FR_ACT.goto;
    attrs.goto = u32Field(spec.goto, 'goto');
    // "Backward goto not supported": the target must come after the rule.
    if (attrs.priority !== undefined && attrs.goto <= attrs.priority) throw new ValidationError('goto', `the target ${attrs.goto} must be a higher priority number than the rule's own ${attrs.priority}`);
  } else if (action === FR_ACT.goto) throw new ValidationError('goto', "action 'goto' needs a goto target (a priority)");
  if (l3mdev) attrs.l3mdev = 1;
  let table: number | undefined;
  if (spec.table !== undefined) {
    if (l3mdev) throw new ValidationError('table', 'an l3mdev rule looks up its device\'s VRF table: give no table');
    table = tableId(spec.table);
  } else if (!forDelete && !l3mdev && (action === undefined || action === FR_ACT.to_tbl)) {
    // As `ip rule add`: a lookup rule without a table looks up main.
    table = RT_TABLE.main;
  }
  // A delete leaves the action 0 (any) unless given, an add defaults to a lookup.
  header.action = action ?? (forDelete ? FR_ACT.unspec : FR_ACT.to_tbl);
  if (table !== undefined) {
    // ip's layout: the header holds ids below 256, FRA_TABLE the others (header 0).
    if (table < 256) header.table = table;
    else attrs.table = table;
  }
}
