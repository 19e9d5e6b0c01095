/**
 * `rtnl -d bridge vlan show`, `rtnl bridge vlan set` and `rtnl bridge vlan
 * global show|set` — the bridge VLAN database (RTM_*VLAN), as the `bridge`
 * tool of iproute2 6.1 prints and takes it: per port `ifname` and `vlans`
 * [{ vlan, vlanEnd?, flags?, state, mcast_router? }]; per bridge the global
 * options with their times in clock_t (centiseconds), as the kernel sends
 * them.
 */
import {
  type BridgeVlanEntry,
  type BridgeVlanGlobal,
  type BridgeVlanGlobalSpec,
  type BridgeVlanOptionsSpec,
  listBridgeVlanEntries,
  listBridgeVlanGlobalOptions,
  setBridgeVlanGlobalOptions,
  setBridgeVlanOptions,
} from '../../index.js';
import { BR_STATE, USER_HZ } from '../../wire.js';
import { type Args, onOff, unknownArg } from '../args.js';
import { type Context, ops, printJson } from '../context.js';
import { UsageError } from '../errors.js';

/** `%-16s  ` as bridge pads port names (IFNAMSIZ), and the option lines' indent. */
const port = (name: string) => `${name.padEnd(16)}  `;
const INDENT = `${''.padEnd(16)}    `;

export function idRange(text: string, what: string): [number, number | undefined] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new UsageError(`Error: argument "${text}" is wrong: invalid ${what}`);
  return [Number(m[1]), m[2] === undefined ? undefined : Number(m[2])];
}

/** `[ dev DEV ] [ vid VLAN_ID ]`, the filter of the show commands (a VLAN filter keeps the whole run that holds it, as bridge does). */
export function showFilter(args: Args): { dev?: string; vid?: number } {
  const f: { dev?: string; vid?: number } = {};
  while (!args.done) {
    const a = args.next() as string;
    if (a === 'dev') f.dev = args.value('dev');
    else if (a === 'vid') f.vid = idRange(args.value('vid'), 'vid')[0];
    else throw unknownArg(a, 'bridge');
  }
  return f;
}

/** Per device its rows, as bridge prints them: the header, then the device name on its first row; JSON `[{ ifname, vlans }]`. */
function printRows(ctx: Context, devices: { name: string | undefined; index: number; rows: { json: Record<string, unknown>; text: string }[] }[]): number {
  const json: unknown[] = [];
  let text = `${'port'.padEnd(16)}  ${'vlan-id'.padEnd(9)}\n`;
  for (const d of devices) {
    if (!d.rows.length) continue;
    json.push({ ifname: d.name, vlans: d.rows.map((r) => r.json) });
    d.rows.forEach((r, i) => (text += `${i === 0 ? port(d.name ?? `if${d.index}`) : port('')}${r.text}`));
  }
  if (ctx.json) printJson(ctx, json as never);
  else ctx.stdout(text);
  return 0;
}

function rangeJson(vid: number, vidEnd: number | undefined): Record<string, number> {
  return vidEnd === undefined ? { vlan: vid } : { vlan: vid, vlanEnd: vidEnd };
}
const rangeText = (vid: number, vidEnd: number | undefined) => (vidEnd === undefined ? `${vid}` : `${vid}-${vidEnd}`);
const covers = (vid: number | undefined, e: { vid: number; vidEnd?: number }) => vid === undefined || (e.vid <= vid && vid <= (e.vidEnd ?? e.vid));

function entryOut(e: BridgeVlanEntry): { json: Record<string, unknown>; text: string } {
  const json: Record<string, unknown> = rangeJson(e.vid, e.vidEnd);
  const flags = [...(e.pvid ? ['PVID'] : []), ...(e.untagged ? ['Egress Untagged'] : [])];
  if (flags.length) json['flags'] = flags;
  // print_stp_state: a state past BR_STATE_BLOCKING as its number.
  const state = e.state ?? 'forwarding';
  json['state'] = state;
  let opts = typeof state === 'number' ? `state (${state}) ` : `state ${state} `;
  const num = (key: string, v: number | undefined) => {
    if (v === undefined) return;
    json[key] = v;
    opts += `${key} ${v} `;
  };
  num('mcast_router', e.mcastRouter);
  num('mcast_n_groups', e.mcastNGroups);
  num('mcast_max_groups', e.mcastMaxGroups);
  if (e.neighSuppress !== undefined) {
    json['neigh_suppress'] = e.neighSuppress;
    opts += `neigh_suppress ${e.neighSuppress ? 'on' : 'off'} `;
  }
  return { json, text: `${rangeText(e.vid, e.vidEnd)}${flags.map((f) => ` ${f}`).join('')}\n${INDENT}${opts}\n` };
}

/** `bridge -d vlan show`: the VLAN database dump, one entry per run, with its options. */
export async function detailShow(ctx: Context, dev: string | undefined, vid: number | undefined): Promise<number> {
  const ports = await listBridgeVlanEntries({ ...ops(ctx), ...(dev === undefined ? {} : { link: dev }) });
  return printRows(ctx, ports.map((p) => ({ name: p.name, index: p.index, rows: p.entries.filter((e) => covers(vid, e)).map(entryOut) })));
}

/** clock_t as bridge prints the global timers. */
const ticks = (s: number | undefined) => (s === undefined ? undefined : Math.round(s * USER_HZ));

/** The global options iproute2 6.1's print_vlan_global_opts prints, in its order (JSON key, text, value). */
function globalOut(g: BridgeVlanGlobal): { json: Record<string, unknown>; text: string } {
  const json: Record<string, unknown> = rangeJson(g.vid, g.vidEnd);
  let opts = '';
  const put = (key: string, v: number | boolean | undefined) => {
    if (v === undefined) return;
    const n = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    json[key] = n;
    opts += `${key} ${n} `;
  };
  put('mcast_snooping', g.mcastSnooping);
  put('mcast_querier', g.mcastQuerier);
  put('mcast_igmp_version', g.mcastIgmpVersion);
  put('mcast_mld_version', g.mcastMldVersion);
  put('mcast_last_member_count', g.mcastLastMemberCount);
  put('mcast_last_member_interval', ticks(g.mcastLastMemberInterval));
  put('mcast_startup_query_count', g.mcastStartupQueryCount);
  put('mcast_startup_query_interval', ticks(g.mcastStartupQueryInterval));
  put('mcast_membership_interval', ticks(g.mcastMembershipInterval));
  put('mcast_querier_interval', ticks(g.mcastQuerierInterval));
  put('mcast_query_interval', ticks(g.mcastQueryInterval));
  put('mcast_query_response_interval', ticks(g.mcastQueryResponseInterval));
  let text = `${rangeText(g.vid, g.vidEnd)}\n${INDENT}${opts}\n`;
  // print_vlan_router_ports: one line of port names (JSON: router_ports [{ port }]).
  if (g.routerPorts?.length) {
    const ports = g.routerPorts.map((p) => p.name ?? `if${p.index}`);
    json['router_ports'] = ports.map((port) => ({ port }));
    text += `${INDENT}router ports: ${ports.map((p) => `${p} `).join('')}\n`;
  }
  return { json, text };
}

export async function globalShow(ctx: Context, args: Args): Promise<number> {
  const { dev, vid } = showFilter(args);
  const bridges = await listBridgeVlanGlobalOptions({ ...ops(ctx), ...(dev === undefined ? {} : { bridge: dev }) });
  return printRows(ctx, bridges.map((b) => ({ name: b.name, index: b.index, rows: b.vlans.filter((g) => covers(vid, g)).map(globalOut) })));
}

/** bridge's parse_stp_state: a state by name or number. */
function stpState(v: string): NonNullable<BridgeVlanOptionsSpec['state']> {
  const n = /^\d+$/.test(v) ? Number(v) : BR_STATE.indexOf(v as never);
  const name = BR_STATE[n];
  if (name === undefined) throw new UsageError('Error: invalid STP state');
  return name;
}

function uint(args: Args, kw: string, max: number): number {
  const v = args.value(kw);
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n > max) throw new UsageError(`Error: argument "${v}" is wrong: invalid ${kw}`);
  return n;
}

/** `bridge vlan set dev DEV vid N[-M] [state S] [mcast_router R] [mcast_max_groups N] [neigh_suppress on|off]`. */
export async function optionSet(ctx: Context, args: Args): Promise<number> {
  let dev: string | undefined;
  let vid: [number, number | undefined] | undefined;
  const o: Omit<BridgeVlanOptionsSpec, 'vid'> = {};
  while (!args.done) {
    const a = args.next() as string;
    if (a === 'dev') dev = args.value('dev');
    else if (a === 'vid') vid = idRange(args.value('vid'), 'vid');
    else if (a === 'state') o.state = stpState(args.value('state'));
    else if (a === 'mcast_router') o.mcastRouter = uint(args, 'mcast_router', 0xff);
    else if (a === 'mcast_max_groups') o.mcastMaxGroups = uint(args, 'mcast_max_groups', 0xffffffff);
    else if (a === 'neigh_suppress') o.neighSuppress = onOff('neigh_suppress', args.value('neigh_suppress'));
    else throw unknownArg(a, 'bridge');
  }
  if (dev === undefined || vid === undefined) throw new UsageError('Device and VLAN ID are required arguments.');
  await setBridgeVlanOptions(dev, { vid: vid[0], ...(vid[1] === undefined ? {} : { vidEnd: vid[1] }), ...o }, ops(ctx));
  return 0;
}

/** bridge's global option words: the library's field, the value's width, and whether it is a time (clock_t). */
const GLOBAL_WORDS: Record<string, [keyof BridgeVlanGlobalSpec, 'u8' | 'bool' | 'u16' | 'u32' | 'ticks']> = {
  mcast_snooping: ['mcastSnooping', 'bool'],
  mcast_querier: ['mcastQuerier', 'bool'],
  mcast_igmp_version: ['mcastIgmpVersion', 'u8'],
  mcast_mld_version: ['mcastMldVersion', 'u8'],
  mcast_last_member_count: ['mcastLastMemberCount', 'u32'],
  mcast_startup_query_count: ['mcastStartupQueryCount', 'u32'],
  mcast_last_member_interval: ['mcastLastMemberInterval', 'ticks'],
  mcast_membership_interval: ['mcastMembershipInterval', 'ticks'],
  mcast_querier_interval: ['mcastQuerierInterval', 'ticks'],
  mcast_query_interval: ['mcastQueryInterval', 'ticks'],
  mcast_query_response_interval: ['mcastQueryResponseInterval', 'ticks'],
  mcast_startup_query_interval: ['mcastStartupQueryInterval', 'ticks'],
  msti: ['msti', 'u16'],
};

/** `bridge vlan global set dev BRIDGE vid N[-M] [mcast_snooping 0|1] [mcast_query_interval CS] …` (times in centiseconds, as bridge takes them). */
export async function globalSet(ctx: Context, args: Args): Promise<number> {
  let dev: string | undefined;
  let vid: [number, number | undefined] | undefined;
  const o: Record<string, unknown> = {};
  while (!args.done) {
    const a = args.next() as string;
    const w = GLOBAL_WORDS[a];
    if (a === 'dev') dev = args.value('dev');
    else if (a === 'vid') vid = idRange(args.value('vid'), 'vid');
    else if (w && Object.hasOwn(GLOBAL_WORDS, a)) {
      const [field, kind] = w;
      const n = uint(args, a, { u8: 0xff, bool: 0xff, u16: 0xffff, u32: 0xffffffff, ticks: Number.MAX_SAFE_INTEGER }[kind]);
      o[field] = kind === 'bool' ? n !== 0 : kind === 'ticks' ? n / USER_HZ : n;
    } else throw unknownArg(a, 'bridge');
  }
  if (dev === undefined || vid === undefined) throw new UsageError('Device and VLAN ID are required arguments.');
  await setBridgeVlanGlobalOptions(dev, { vid: vid[0], ...(vid[1] === undefined ? {} : { vidEnd: vid[1] }), ...o } as BridgeVlanGlobalSpec, ops(ctx));
  return 0;
}
