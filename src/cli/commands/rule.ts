/**
 * `rtnl rule show|list|add|del` — the policy routing rules, as `ip rule`
 * (ip/iprule.c). Like ip, `show` lists IPv4 unless `-6` is given, and takes
 * the selectors of `add` as filters; `add` looks up `main` unless a table,
 * an action or `l3mdev` says otherwise.
 */
import { addRule, deleteRule, listRules, type Rule, type RuleSpec } from '../../index.js';
import { IP_PROTO, RTPROT, ipInPrefix, lookupNumber, parseCidr } from '../../wire.js';
import { Args, isHelp, matches, pick, unknownArg } from '../args.js';
import { type Context, ops, printJson } from '../context.js';
import { UsageError } from '../errors.js';
import { formatRule } from '../format/rule.js';

export const RULE_HELP = `Usage: rtnl rule [ list | show ] [ SELECTOR ]
       rtnl rule { add | del } SELECTOR ACTION
SELECTOR := [ not ] [ from PREFIX ] [ to PREFIX ] [ tos TOS ] [ fwmark FWMARK[/MASK] ]
            [ iif STRING ] [ oif STRING ] [ pref NUMBER ] [ l3mdev ]
            [ uidrange NUMBER-NUMBER ] [ ipproto PROTOCOL ]
            [ sport [ NUMBER[/MASK] | NUMBER-NUMBER ] ] [ dport [ NUMBER[/MASK] | NUMBER-NUMBER ] ]
            [ tun_id NUMBER ] [ dscp DSCP[/MASK] ] [ flowlabel FLOWLABEL[/MASK] ]
ACTION := [ table TABLE_ID ] [ protocol PROTO ] [ realms [SRCREALM/]DSTREALM ]
          [ goto NUMBER ] [ nop ] [ blackhole | unreachable | prohibit ]
          [ suppress_prefixlength NUMBER ] [ suppress_ifgroup GROUP ]
TABLE_ID := [ local | main | default | NUMBER ]
"-4" / "-6" choose the family (IPv4 by default, as ip).
`;

/** iproute2's rt_dsfield names (etc/iproute2/rt_dsfield), for `tos` and `dscp` words. */
const DSFIELD: Record<string, number> = {
  default: 0x00, AF11: 0x28, AF12: 0x30, AF13: 0x38, AF21: 0x48, AF22: 0x50, AF23: 0x58, AF31: 0x68, AF32: 0x70, AF33: 0x78,
  AF41: 0x88, AF42: 0x90, AF43: 0x98, CS1: 0x20, CS2: 0x40, CS3: 0x60, CS4: 0x80, CS5: 0xa0, CS6: 0xc0, CS7: 0xe0, EF: 0xb8,
};
const DROP_TYPES = ['blackhole', 'unreachable', 'prohibit'] as const;

export async function ruleCommand(ctx: Context, args: Args): Promise<number> {
  const verb = args.next();
  if (isHelp(verb) || isHelp(args.peek())) {
    ctx.stdout(RULE_HELP);
    return 0;
  }
  // ip's order: list, lst, show, add, delete (`d` is delete, `l` list).
  const which = verb === undefined ? 'show' : pick(verb, ['list', 'lst', 'show', 'add', 'delete'] as const);
  switch (which) {
    case 'list':
    case 'lst':
    case 'show':
      return show(ctx, args);
    case 'add':
    case 'delete': {
      if (args.done) throw new UsageError(`"rtnl rule ${which === 'add' ? 'add' : 'del'}" requires arguments.`);
      const spec = { ...parseRule(ctx, args, 'modify').spec, ...ops(ctx) };
      await (which === 'add' ? addRule(spec) : deleteRule(spec));
      return 0;
    }
    default:
      throw new UsageError(`Command "${verb}" is unknown, try "rtnl rule help".`);
  }
}

/** C's strtoul(s, 0): decimal, 0x hex or 0 octal; undefined when `s` is none of them or above `max`. */
function cNumber(s: string, max = 0xffffffff): number | undefined {
  let n: number;
  if (/^0x[0-9a-f]+$/i.test(s)) n = parseInt(s.slice(2), 16);
  else if (/^0[0-7]*$/.test(s)) n = parseInt(s, 8);
  else if (/^[1-9]\d*$/.test(s)) n = Number(s);
  else return undefined;
  return n <= max ? n : undefined;
}

function num(args: Args, kw: string, max = 0xffffffff): number {
  const v = args.value(kw);
  const n = cNumber(v, max);
  if (n === undefined) throw new UsageError(`Error: argument "${v}" is wrong: "${kw}" value is invalid`);
  return n;
}

/** `N[/M]` of fwmark, dscp and flowlabel. */
function withMask(args: Args, kw: string, value: (s: string) => number | undefined): [number, number | undefined] {
  const v = args.value(kw);
  const [a, m, extra] = v.split('/');
  const n = value(a as string);
  const mask = m === undefined ? undefined : cNumber(m);
  if (n === undefined || (m !== undefined && mask === undefined) || extra !== undefined) throw new UsageError(`Error: argument "${v}" is wrong: "${kw}" value is invalid`);
  return [n, mask];
}

/** `N`, `N-M` or `N/MASK` of sport and dport (iprule_port_parse). */
function portWords(args: Args, kw: string): NonNullable<RuleSpec['sport']> {
  const v = args.value(kw);
  const bad = () => new UsageError(`Error: argument "${v}" is wrong: invalid ${kw}`);
  const dash = v.indexOf('-');
  if (dash >= 0) {
    const [start, end] = [cNumber(v.slice(0, dash), 0xffff), cNumber(v.slice(dash + 1), 0xffff)];
    if (start === undefined || end === undefined) throw bad();
    return { start, end };
  }
  const [p, m] = v.split('/');
  const start = cNumber(p as string, 0xffff);
  const mask = m === undefined ? undefined : cNumber(m, 0xffff);
  if (start === undefined || (m !== undefined && mask === undefined)) throw bad();
  return mask === undefined ? start : { start, mask };
}

/** The words of `ip rule add|del|show` as a RuleSpec; `show` also keeps `protocol all` as no filter. */
function parseRule(ctx: Context, args: Args, mode: 'modify' | 'show'): { spec: RuleSpec } {
  const s: RuleSpec = {};
  while (!args.done) {
    const a = args.next() as string;
    if (a === 'not') s.invert = true;
    else if (a === 'from' || (mode === 'show' && matches(a, 'src'))) {
      const v = args.value(a);
      if (v !== 'all') s.from = v;
    } else if (a === 'to' || (mode === 'show' && matches(a, 'dst'))) {
      const v = args.value(a);
      if (v !== 'all') s.to = v;
    } else if (matches(a, 'preference') || matches(a, 'order') || matches(a, 'priority')) s.priority = num(args, a);
    else if (a === 'tos' || matches(a, 'dsfield')) {
      const v = args.value(a);
      // rtnl_dsfield_a2n: a name, else hexadecimal.
      const n = DSFIELD[v] ?? (/^(0x)?[0-9a-f]{1,2}$/i.test(v) ? parseInt(v.replace(/^0x/i, ''), 16) : undefined);
      if (n === undefined) throw new UsageError(`Error: argument "${v}" is wrong: TOS value is invalid`);
      s.tos = n;
    } else if (a === 'fwmark') {
      const [mark, mask] = withMask(args, a, (x) => cNumber(x));
      s.fwmark = mark;
      if (mask !== undefined) s.fwmask = mask;
    } else if (matches(a, 'realms')) {
      const v = args.value(a);
      const [x, y] = v.includes('/') ? v.split('/') : ['0', v];
      const [from, to] = [cNumber(x as string, 0xffff), cNumber(y as string, 0xffff)];
      if (from === undefined || to === undefined) throw new UsageError(`Error: argument "${v}" is wrong: invalid realms`);
      s.realms = { from, to };
    } else if (matches(a, 'protocol')) {
      const v = args.value(a);
      if (!(mode === 'show' && v === 'all')) s.protocol = v;
    } else if (matches(a, 'tun_id')) {
      const v = args.value(a);
      if (!/^(0x[0-9a-f]+|\d+)$/i.test(v) || BigInt(v) > 0xffffffffffffffffn) throw new UsageError(`Error: argument "${v}" is wrong: "tun_id" value is invalid`);
      s.tunId = BigInt(v);
    } else if (matches(a, 'table') || a === 'lookup') s.table = args.value(a);
    else if (matches(a, 'suppress_prefixlength') || a === 'sup_pl') s.suppressPrefixLength = num(args, a);
    else if (matches(a, 'suppress_ifgroup') || a === 'sup_group') {
      const v = args.value(a);
      s.suppressIfgroup = v === 'default' ? 0 : (cNumber(v) ?? NaN);
    } else if (a === 'dev' || a === 'iif') s.iif = args.value(a);
    else if (a === 'oif') s.oif = args.value(a);
    else if (a === 'l3mdev') s.l3mdev = true;
    else if (a === 'uidrange') {
      const v = args.value(a);
      const m = /^(\d+)-(\d+)$/.exec(v);
      if (!m) throw new UsageError(`Error: argument "${v}" is wrong: invalid UID range`);
      s.uidRange = { start: Number(m[1]), end: Number(m[2]) };
    } else if (a === 'ipproto') {
      const v = args.value(a);
      s.ipProto = (/^\d+$/.test(v) ? Number(v) : v) as NonNullable<RuleSpec['ipProto']>;
    } else if (a === 'sport') s.sport = portWords(args, a);
    else if (a === 'dport') s.dport = portWords(args, a);
    else if (a === 'dscp') {
      // rtnl_dscp_a2n: a DS field name (its upper six bits), else a number.
      const [d, mask] = withMask(args, a, (x) => (DSFIELD[x] !== undefined ? (DSFIELD[x] as number) >> 2 : cNumber(x, 63)));
      s.dscp = d;
      if (mask !== undefined) s.dscpMask = mask;
    } else if (a === 'flowlabel') {
      const [label, mask] = withMask(args, a, (x) => cNumber(x));
      s.flowlabel = label;
      if (mask !== undefined) s.flowlabelMask = mask;
    } else if (mode === 'modify' && (a === 'type' || matches(a, 'goto') || matches(a, 'nop') || (DROP_TYPES as readonly string[]).includes(a))) {
      const t = a === 'type' ? args.value('type') : a;
      if (matches(t, 'goto')) s.goto = num(args, 'goto');
      else if (matches(t, 'nop')) s.action = 'nop';
      else if ((DROP_TYPES as readonly string[]).includes(t)) s.action = t as (typeof DROP_TYPES)[number];
      else throw new UsageError(`Error: argument "${t}" is wrong: Failed to parse rule type`);
    } else if (mode === 'show' && s.to === undefined && !a.startsWith('-')) s.to = a;
    else throw unknownArg(a, 'rule');
  }
  if (ctx.family !== undefined) s.family = ctx.family;
  return { spec: s };
}

/** ip's filter_nlmsg: the rules `show SELECTOR` prints. */
function selected(r: Rule, s: RuleSpec): boolean {
  const h = r.raw.header;
  const a = r.raw.attrs;
  const prefixMatch = (want: string | undefined, addr: string | undefined, len: number) => {
    if (want === undefined) return true;
    const c = parseCidr(want);
    if (!c) throw new UsageError(`Error: argument "${want}" is wrong: invalid prefix`);
    return c.family === h.family && c.prefixLength <= len && (addr === undefined || ipInPrefix(addr, c));
  };
  const same = <T>(want: T | undefined, got: T) => want === undefined || want === got;
  const portSame = (want: RuleSpec['sport'], got: Rule['sport']) => {
    if (want === undefined) return true;
    const w = typeof want === 'number' ? { start: want, end: want } : { start: want.start, end: want.end ?? want.start, mask: want.mask };
    return got !== undefined && got.start === w.start && got.end === w.end && (w.mask ?? 0xffff) === (got.mask ?? 0xffff);
  };
  return (
    same(s.priority, r.priority) &&
    (!s.invert || r.invert) &&
    prefixMatch(s.from, a.src, h.srcLength) &&
    prefixMatch(s.to, a.dst, h.dstLength) &&
    same(s.tos, h.tos) &&
    (!s.fwmark || s.fwmark === (a.fwmark ?? 0)) &&
    (!s.fwmask || s.fwmask === (a.fwmask ?? 0)) &&
    same(s.iif, a.iifname) &&
    same(s.oif, a.oifname) &&
    (!s.l3mdev || !!a.l3mdev) &&
    (s.uidRange === undefined || (a.uidRange?.start === s.uidRange.start && a.uidRange.end === s.uidRange.end)) &&
    (s.ipProto === undefined || lookupNumber(IP_PROTO, s.ipProto, 255) === a.ipProto) &&
    portSame(s.sport, r.sport) &&
    portSame(s.dport, r.dport) &&
    (s.tunId === undefined || BigInt(s.tunId) === a.tunId) &&
    (s.protocol === undefined || lookupNumber(RTPROT, s.protocol, 255) === (a.protocol ?? 0)) &&
    same(s.dscp, a.dscp) &&
    same(s.flowlabel, a.flowlabel)
  );
}

async function show(ctx: Context, args: Args): Promise<number> {
  const { spec } = parseRule(ctx, args, 'show');
  if (spec.protocol !== undefined && lookupNumber(RTPROT, spec.protocol, 255) === undefined) throw new UsageError(`Error: argument "${String(spec.protocol)}" is wrong: invalid "protocol"`);
  // ip's default family for rules is IPv4; -6 shows IPv6.
  const family = ctx.family ?? 'inet';
  const rules = (await listRules({ ...ops(ctx), family, ...(spec.table !== undefined ? { table: spec.table } : {}) })).filter((r) => selected(r, spec));
  const outs = rules.map((r) => formatRule(r, { details: ctx.details }));
  if (ctx.json) printJson(ctx, outs.map((o) => o.obj));
  else for (const o of outs) ctx.stdout(o.text + '\n');
  return 0;
}
