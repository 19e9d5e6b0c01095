/**
 * The friendly view of a route message (RTM_NEWROUTE): plain data with the
 * names `ip -j route` uses, while `raw` keeps the decoded message.
 */
import type { Decoded } from '../../netlink/schema.js';
import { withToJSON } from '../../netlink/json-safe.js';
import { AF } from '../constants.js';
import type { RouteAttrs, metricsAttrs } from './attrs.js';
import { RTM_F, RTNH_F, type RtMsg } from './header.js';
import { protocolName, routeTypeName, scopeName, tableName } from './names.js';

/** A route message's rtm_family by name: AF_INET or AF_INET6. */
export type RouteFamily = 'inet' | 'inet6';

/** A next hop of a multipath route. */
export interface RouteNexthop {
  gateway?: string;
  dev?: string;
  oif: number;
  /** rtnh_hops + 1, as `ip route` prints it. */
  weight: number;
  flags: string[];
}

/** A route as the kernel reports it. Field names follow `ip -j route` where they exist. */
export interface Route {
  family: RouteFamily;
  /** `default`, a prefix `10.0.0.0/24`, or a host address without `/32` — as ip prints it. */
  dst: string;
  dstLength: number;
  /** Source prefix of a source-specific (IPv6) route: RTA_SRC. */
  from?: string;
  gateway?: string;
  /** RTA_VIA: a gateway of another family (an IPv4 next hop of an IPv6 route). */
  via?: { family: number; address: string };
  /** Output device name, when resolved. */
  dev?: string;
  /** Output device ifindex (RTA_OIF). */
  oif?: number;
  /** Input device ifindex (RTA_IIF), in `getRoute` answers for forwarded packets. */
  iif?: number;
  /** Table name (`main`, `local`) or number as text. */
  table: string;
  tableId: number;
  /** `kernel`, `boot`, `static`, `dhcp`, `ra`, … or a number as text. */
  protocol: string;
  /** `global`, `link`, `host`, … */
  scope: string;
  /** `unicast`, `local`, `broadcast`, `blackhole`, `unreachable`, … */
  type: string;
  /** Preferred source address (RTA_PREFSRC: `ip route … src`). */
  prefsrc?: string;
  /** RTA_PRIORITY. */
  metric?: number;
  /** RTNH_F_* and RTM_F_* names as ip prints them (`onlink`, `linkdown`, `rt_offload` …). */
  flags: string[];
  tos: number;
  /** IPv6 router preference: `low`, `medium`, `high`. */
  pref?: string;
  /** Seconds until an IPv6 route expires. */
  expires?: number;
  /** RTA_METRICS (mtu, advmss, hoplimit …). */
  metrics?: Decoded<typeof metricsAttrs>;
  nexthops?: RouteNexthop[];
  /** The decoded message, for fields this object does not model. */
  raw: { header: RtMsg; attrs: RouteAttrs };
}

const PREF_NAMES = new Map([
  [0, 'medium'],
  [1, 'high'],
  [3, 'low'],
]);

/** Flag names in the order ip prints them (print_rt_flags). */
const FLAG_NAMES: [number, string][] = [
  [RTNH_F.dead, 'dead'],
  [RTNH_F.onlink, 'onlink'],
  [RTNH_F.pervasive, 'pervasive'],
  [RTNH_F.offload, 'offload'],
  [RTNH_F.trap, 'trap'],
  [RTM_F.NOTIFY, 'notify'],
  [RTNH_F.linkdown, 'linkdown'],
  [RTNH_F.unresolved, 'unresolved'],
  [RTM_F.OFFLOAD, 'rt_offload'],
  [RTM_F.TRAP, 'rt_trap'],
  [RTM_F.OFFLOAD_FAILED, 'rt_offload_failed'],
];

function flagNames(flags: number): string[] {
  return FLAG_NAMES.filter(([bit]) => flags & bit).map(([, n]) => n);
}

function prefixText(addr: string, len: number, family: number): string {
  return len === (family === AF.INET ? 32 : 128) ? addr : `${addr}/${len}`;
}

/** Turns a decoded RTM_NEWROUTE into a Route. */
export function toRoute(msg: { header: RtMsg; attrs: RouteAttrs }, names?: Map<number, string>): Route {
  const { header: h, attrs: a } = msg;
  const tableId = a.table ?? h.table;
  let dst: string;
  if (a.dst !== undefined) dst = prefixText(a.dst, h.dstLength, h.family);
  else dst = h.dstLength ? `0/${h.dstLength}` : 'default';
  const r: Route = {
    family: h.family === AF.INET6 ? 'inet6' : 'inet',
    dst,
    dstLength: h.dstLength,
    table: tableName(tableId),
    tableId,
    protocol: protocolName(h.protocol),
    scope: scopeName(h.scope),
    type: routeTypeName(h.type),
    flags: flagNames(h.flags),
    tos: h.tos,
    raw: msg,
  };
  if (a.src !== undefined) r.from = prefixText(a.src, h.srcLength, h.family);
  if (a.gateway !== undefined) r.gateway = a.gateway;
  if (a.via !== undefined) r.via = a.via;
  if (a.oif !== undefined) {
    r.oif = a.oif;
    const n = names?.get(a.oif);
    if (n !== undefined) r.dev = n;
  }
  if (a.iif !== undefined) r.iif = a.iif;
  if (a.prefsrc !== undefined) r.prefsrc = a.prefsrc;
  if (a.priority !== undefined) r.metric = a.priority;
  if (a.pref !== undefined) r.pref = PREF_NAMES.get(a.pref) ?? String(a.pref);
  if (a.expires !== undefined) r.expires = a.expires;
  if (a.metrics !== undefined) r.metrics = a.metrics;
  if (a.multipath !== undefined) {
    r.nexthops = a.multipath.map((nh) => {
      const o: RouteNexthop = { oif: nh.ifindex, weight: nh.hops + 1, flags: flagNames(nh.flags) };
      if (nh.attrs.gateway !== undefined) o.gateway = nh.attrs.gateway;
      const n = names?.get(nh.ifindex);
      if (n !== undefined) o.dev = n;
      return o;
    });
  }
  return withToJSON(r);
}
