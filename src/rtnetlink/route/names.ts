/**
 * Numbers ↔ names for route tables, protocols, scopes and types, spelled
 * as iproute2 prints them (`ip -j route`): its rt_tables, rt_protos and
 * rt_scopes defaults and rtnl_rtntype_n2a. Unnamed numbers print as
 * decimal strings, as iproute2 does.
 */

export const RT_TABLE = { unspec: 0, compat: 252, default: 253, main: 254, local: 255 } as const;

/** Route scopes (enum rt_scope_t, RT_SCOPE_*) by iproute2's rt_scopes names; RT_SCOPE_UNIVERSE is `global`. */
export const RT_SCOPE = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;

/** Route types (RTN_*), in rtm_type and ndm_type. Source: <linux/rtnetlink.h>. */
export const RTN = {
  unspec: 0,
  unicast: 1,
  local: 2,
  broadcast: 3,
  anycast: 4,
  multicast: 5,
  blackhole: 6,
  unreachable: 7,
  prohibit: 8,
  throw: 9,
  nat: 10,
  xresolve: 11,
} as const;

/** RTPROT_* (rtnetlink.h) plus the names iproute2's rt_protos file adds. */
export const RTPROT = {
  unspec: 0,
  redirect: 1,
  kernel: 2,
  boot: 3,
  static: 4,
  gated: 8,
  ra: 9,
  mrt: 10,
  zebra: 11,
  bird: 12,
  dnrouted: 13,
  xorp: 14,
  ntk: 15,
  dhcp: 16,
  keepalived: 18,
  babel: 42,
  ovn: 84,
  openr: 99,
  bgp: 186,
  isis: 187,
  ospf: 188,
  rip: 189,
  eigrp: 192,
} as const;

/** A route table by name (`main`, `local` …). */
export type RouteTableName = keyof typeof RT_TABLE;
/** A route scope by name (`global`, `link`, `host` …). */
export type ScopeName = keyof typeof RT_SCOPE;
/** A route type by name (`unicast`, `blackhole` …). */
export type RouteTypeName = keyof typeof RTN;
/** A route protocol by name (`kernel`, `static`, `dhcp` …). */
export type RouteProtocolName = keyof typeof RTPROT;

function inverse(table: Record<string, number>): Map<number, string> {
  return new Map(Object.entries(table).map(([k, v]) => [v, k]));
}

const tableNames = inverse(RT_TABLE);
const scopeNames = inverse(RT_SCOPE);
const typeNames = inverse(RTN);
const protoNames = inverse(RTPROT);

/** The name of route table `n`, or `n` in decimal when it has none. */
export const tableName = (n: number): string => tableNames.get(n) ?? String(n);
/** The name of route scope `n`, or `n` in decimal when it has none. */
export const scopeName = (n: number): string => scopeNames.get(n) ?? String(n);
/** The name of route type `n`, or `n` in decimal when it has none. */
export const routeTypeName = (n: number): string => typeNames.get(n) ?? String(n);
/** The name of route protocol `n`, or `n` in decimal when it has none. */
export const protocolName = (n: number): string => protoNames.get(n) ?? String(n);

/**
 * A name or number → its number, or undefined when it is neither a known
 * name nor an integer in [0, max].
 */
export function lookupNumber(table: Record<string, number>, v: unknown, max: number): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= max ? v : undefined;
  if (typeof v !== 'string') return undefined;
  if (Object.prototype.hasOwnProperty.call(table, v)) return table[v];
  if (/^\d+$/.test(v)) return lookupNumber(table, Number(v), max);
  return undefined;
}
