/**
 * Policy routing rules (RTM_NEWRULE / DELRULE / GETRULE), IPv4 and IPv6:
 * what `ip rule add|del|show` does. A rule selects packets (source and
 * destination prefix, devices, mark, uid, ports …) and says what to do
 * with them: look them up in a table, jump to another rule, or drop them.
 */
import { NLM_F } from '../../netlink/constants.js';
import { ValidationError } from '../../netlink/errors.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import { ipFamilyOption } from '../ip-input.js';
import { type OperationOptions, withSocket } from '../options.js';
import { rejectUnknownKeys } from '../../rtnetlink/link/index.js';
import { AF, RTM } from '../../rtnetlink/constants.js';
import type { RouteProtocolName, RouteTableName } from '../../rtnetlink/route/index.js';
import { type IpProtoName, ruleMessage } from '../../rtnetlink/rule/index.js';
import { type Rule, type RuleFamily, toRule } from '../../rtnetlink/rule/view.js';
import { tableId } from '../routes/build.js';
import { buildRule } from './build.js';

export type { Rule, RuleFamily, RulePortRange } from '../../rtnetlink/rule/view.js';
export { toRule } from '../../rtnetlink/rule/view.js';

/** A port selector: one port (1–65534), or `{ start, end }` inclusive, or one port `{ start, mask }` (kernels newer than 6.1). */
export type RulePortSpec = number | { start: number; end?: number; mask?: number };

/** What a rule does with the packets it selects. */
export type RuleAction = 'to_tbl' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit';

/** What selects (and, for addRule, describes) a rule. Every selector is optional; a rule without one matches every packet. */
export interface RuleSpec {
  /** `inet` (default) or `inet6`; follows from `from`/`to` when they are given. */
  family?: RuleFamily;
  /** Order among the rules (`pref`): lowest first. Default: the kernel's (one below the first rule after priority 0). */
  priority?: number;
  /** `main` (default for a lookup rule), `local`, `default`, or a number 1 … 2³²−1. */
  table?: RouteTableName | number | string;
  /** Source prefix (`from 10.0.0.0/8`); a bare address is a host prefix. */
  from?: string;
  /** Destination prefix (`to`). */
  to?: string;
  /** Input device name (`iif`); it need not exist yet. */
  iif?: string;
  /** Output device name (`oif`), for sockets bound to a device. */
  oif?: string;
  /** Firewall mark (`fwmark`), compared under `fwmask` (all bits when none is given). */
  fwmark?: number;
  fwmask?: number;
  /** Socket owners, inclusive (`uidrange 1000-2000`). */
  uidRange?: { start: number; end: number };
  /** IP protocol (`ipproto tcp`): a name or 1–255. */
  ipProto?: IpProtoName | number;
  sport?: RulePortSpec;
  dport?: RulePortSpec;
  /** Look up the table of the iif's or oif's VRF (`l3mdev`); takes no table. */
  l3mdev?: boolean;
  /** Ignore answers of the table whose prefix is this long or shorter (`suppress_prefixlength 0` skips default routes). */
  suppressPrefixLength?: number;
  /** Ignore answers of the table out of devices of this group (`suppress_ifgroup`). */
  suppressIfgroup?: number;
  /** Continue at the rule of this priority (`goto N`): implies action `goto`. Only forward. */
  goto?: number;
  /** Default `to_tbl` (look up `table`); `blackhole`, `unreachable`, `prohibit` drop; `nop` does nothing. */
  action?: RuleAction;
  /** Who made the rule (FRA_PROTOCOL): `boot`, `static`, … or 0–255. Default: none (`unspec`), as `ip rule add`. */
  protocol?: RouteProtocolName | number | string;
  /** TOS byte to match (its ECN bits must be 0). */
  tos?: number;
  /** `not`: the rule applies to packets its selectors do not match. */
  invert?: boolean;
  /** Routing realms to set (`realms FROM/TO`), 0–65535 each. */
  realms?: { from?: number; to: number };
  /** Tunnel id of the packet's metadata (`tun_id`). */
  tunId?: bigint | number;
  /** DSCP to match, 0–63, with an optional mask (kernels newer than 6.1; not with `tos`). */
  dscp?: number;
  dscpMask?: number;
  /** IPv6 flow label to match, 0–0xfffff, with an optional mask (kernels newer than 6.1). */
  flowlabel?: number;
  flowlabelMask?: number;
}

/** Options of addRule: the rule, and where to add it. */
export type AddRuleOptions = RuleSpec & OperationOptions;

/** Options of deleteRule: whatever selects the rule; what is left out matches any value. */
export type DeleteRuleOptions = RuleSpec & OperationOptions;

/** Options of listRules: which family and which table. */
export interface ListRulesOptions extends OperationOptions {
  /** Default: IPv4 then IPv6. */
  family?: RuleFamily;
  /** Only the rules that look up this table (`main`, `local`, `default` or a number). */
  table?: RouteTableName | number | string;
}

/**
 * Adds a rule, as `ip rule add`: `addRule({ from: '10.0.0.0/8', table: 100,
 * priority: 1000 })`, `addRule({ fwmark: 0x10, fwmask: 0xff, table: 'main' })`,
 * `addRule({ to: '192.0.2.0/24', action: 'blackhole' })`. The kernel
 * answers EEXIST for a rule that exists already, as for ip.
 */
export async function addRule(options: AddRuleOptions): Promise<void> {
  if (!options || typeof options !== 'object') throw new ValidationError('options', 'expected a rule description');
  const b = buildRule(options, false);
  await withSocket(options, async (socket) => {
    await socket.request(RTM.NEWRULE, NLM_F.CREATE | NLM_F.EXCL, (w) => ruleMessage.encode(w, b), { operation: 'addRule', attrs: ruleMessage.attrs });
  });
}

/**
 * Deletes the first rule that matches, as `ip rule del`: fields left out
 * match any value (`deleteRule({ priority: 1000 })`). No match is ENOENT.
 */
export async function deleteRule(options: DeleteRuleOptions): Promise<void> {
  if (!options || typeof options !== 'object') throw new ValidationError('options', 'expected a rule description');
  const b = buildRule(options, true);
  await withSocket(options, async (socket) => {
    await socket.request(RTM.DELRULE, 0, (w) => ruleMessage.encode(w, b), { operation: 'deleteRule', attrs: ruleMessage.attrs });
  });
}

async function dumpRules(socket: RtnlSocket, family: number, table: number | undefined): Promise<Rule[]> {
  const out: Rule[] = [];
  // fib_valid_dumprule_req (strict checking) refuses anything but the family in a dump request: the table filter is ours.
  const header = { family, dstLength: 0, srcLength: 0, tos: 0, table: 0, action: 0, flags: 0 };
  for await (const m of socket.dump(RTM.GETRULE, 0, (w) => ruleMessage.encode(w, { header }), { operation: 'listRules', attrs: ruleMessage.attrs })) {
    if (m.type !== RTM.NEWRULE) continue;
    const r = toRule(ruleMessage.decode(m.bytes));
    if (r.raw.header.family !== family || (table !== undefined && r.tableId !== table)) continue;
    out.push(r);
  }
  return out;
}

/**
 * The rules in the order the kernel tries them (by priority), IPv4 then
 * IPv6 unless `family` narrows it; with `table`, only the rules that look
 * up that table.
 */
export async function listRules(options: ListRulesOptions = {}): Promise<Rule[]> {
  rejectUnknownKeys(options, ['netns', 'socket', 'timeout', 'family', 'table'], '');
  const fam = ipFamilyOption(options.family);
  const table = options.table === undefined ? undefined : tableId(options.table);
  return withSocket(options, async (socket) => {
    const out: Rule[] = [];
    for (const f of fam !== undefined ? [fam] : [AF.INET, AF.INET6]) out.push(...(await dumpRules(socket, f, table)));
    return out;
  });
}
