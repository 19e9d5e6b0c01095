/**
 * Routes (RTM_NEWROUTE / DELROUTE / GETROUTE), IPv4 and IPv6: what
 * `ip route add|del|show|get` does.
 */
import { NLM_F } from '../../netlink/constants.js';
import { NetlinkError, ValidationError } from '../../netlink/errors.js';
import { errnoValue } from '../../shim/errors.js';
import { formatIp, ipInPrefix, parseCidr, parseIp } from '../../netlink/inet.js';
import { ipFamilyOption } from '../ip-input.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import { type OperationOptions, withSocket } from '../options.js';
import type { LinkRef } from '../links/index.js';
import { linkNames, resolveLinkIndex } from '../links/lookup.js';
import { validateLinkRef } from '../../rtnetlink/link/index.js';
import { AF, RTM } from '../../rtnetlink/constants.js';
import { RTM_F, RTPROT, routeMessage, type RouteAttrs, type RtMsg } from '../../rtnetlink/route/index.js';

export type { Route, RouteFamily, RouteNexthop } from '../../rtnetlink/route/view.js';
export { toRoute } from '../../rtnetlink/route/view.js';
export { addRoutes, deleteRoutes, type AddRoutesOptions } from './bulk.js';
import { type Route, type RouteFamily, toRoute } from '../../rtnetlink/route/view.js';
import { deleteEach } from '../flush.js';
import { buildRoute, ipField, named, resolveLinks, tableId, u32Field } from './build.js';
import { formatValue } from '../../netlink/format-value.js';

/** One next hop of a multipath route (`nexthops`): an RTA_MULTIPATH entry with its gateway, device and weight. */
export interface RouteNexthopSpec {
  gateway?: string;
  dev?: LinkRef;
  /** 1–256 (default 1). */
  weight?: number;
  onlink?: boolean;
}

/** What selects (and, for addRoute, describes) a route. */
export interface RouteSpec {
  /** `default`, or a prefix such as `10.0.0.0/24` or `fd00::/64` (a bare address is a host route). */
  dst: string;
  /** Needed only for `dst: 'default'` without a gateway or src to tell the family. */
  family?: RouteFamily;
  gateway?: string;
  dev?: LinkRef;
  /** `main` (default), `local`, `default`, or a number 1 … 2^32-1. */
  table?: string | number;
  metric?: number;
  /** Default: `link` for a route without gateway, `global` otherwise (as ip); `host` for local/nat types. */
  scope?: string | number;
  /** Default `boot`, as `ip route add`. */
  protocol?: string | number;
  /** Default `unicast`. */
  type?: string | number;
  /** Preferred source address for traffic using the route (RTA_PREFSRC). */
  src?: string;
  /** Treat the gateway as on-link even if no prefix covers it (RTNH_F_ONLINK). */
  onlink?: boolean;
  /** Path MTU for the route (RTA_METRICS / RTAX_MTU). */
  mtu?: number;
  /** Multipath: several next hops instead of gateway/dev. */
  nexthops?: RouteNexthopSpec[];
  tos?: number;
}

/** Options of addRoute: the route to add, and whether to replace a matching one (NLM_F_REPLACE). */
export interface AddRouteOptions extends RouteSpec, OperationOptions {
  /** Replace a matching route instead of failing with EEXIST (`ip route replace`). */
  replace?: boolean;
}

/** Options of deleteRoute: `dst` and whatever else selects the route; fields left out match any value. */
export type DeleteRouteOptions = Partial<RouteSpec> & { dst: string } & OperationOptions;

/** Options of listRoutes: which table, and which family. */
export interface ListRoutesOptions extends OperationOptions {
  /** `main` (default, as `ip route show`), `local`, a number, or `all`. */
  table?: string | number;
  family?: RouteFamily;
}

/** Options of getRoute: what else describes the packet to look up (source, devices, mark), and whether to return the matching FIB entry. */
export interface GetRouteOptions extends OperationOptions {
  /** Source address of the packet to look up (`ip route get … from`). */
  from?: string;
  /** Output device (`oif`). */
  oif?: LinkRef;
  /** Input device: look up as if the packet arrived there (`iif`, needs `from`). */
  iif?: LinkRef;
  mark?: number;
  /** Return the FIB entry that matched (`ip route get … fibmatch`) rather than the resolved route. */
  fibMatch?: boolean;
}


/**
 * Adds a route, as `ip route add`: `addRoute({ dst: 'default', gateway: '10.0.0.1' })`,
 * `addRoute({ dst: '10.1.0.0/16', dev: 'veth0' })`. Fails with EEXIST when
 * the route exists (use `replace: true`).
 */
export async function addRoute(options: AddRouteOptions): Promise<void> {
  if (!options || typeof options !== 'object') throw new ValidationError('options', 'expected a route description');
  if (options.replace !== undefined && typeof options.replace !== 'boolean') throw new ValidationError('replace', 'expected a boolean');
  const b = buildRoute(options, false);
  const flags = NLM_F.CREATE | (options.replace ? NLM_F.REPLACE : NLM_F.EXCL);
  await withSocket(options, async (socket) => {
    await resolveLinks(socket, b, 'addRoute');
    await socket.request(RTM.NEWROUTE, flags, (w) => routeMessage.encode(w, b), { operation: 'addRoute', attrs: routeMessage.attrs });
  });
}

/**
 * Deletes a route, as `ip route del`. Fields left out match any value
 * (the kernel deletes the first matching route of the table).
 */
export async function deleteRoute(options: DeleteRouteOptions): Promise<void> {
  if (!options || typeof options !== 'object') throw new ValidationError('options', 'expected a route description');
  const b = buildRoute(options, true);
  await withSocket(options, async (socket) => {
    await resolveLinks(socket, b, 'deleteRoute');
    await socket.request(RTM.DELROUTE, 0, (w) => routeMessage.encode(w, b), { operation: 'deleteRoute', attrs: routeMessage.attrs });
  });
}

async function dumpRoutes(socket: RtnlSocket, family: number, table: number | undefined, names: Map<number, string>): Promise<Route[]> {
  const out: Route[] = [];
  const header: RtMsg = { family, dstLength: 0, srcLength: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0 };
  const attrs: RouteAttrs = {};
  // Strict dump requests may filter by table: ip_valid_fib_dump_req reads rtm_table and RTA_TABLE.
  if (table !== undefined) {
    if (table > 255) attrs.table = table;
    else header.table = table;
  }
  for await (const m of socket.dump(RTM.GETROUTE, 0, (w) => routeMessage.encode(w, { header, attrs }), { operation: 'listRoutes', attrs: routeMessage.attrs })) {
    if (m.type !== RTM.NEWROUTE) continue;
    const msg = routeMessage.decode(m.bytes);
    if (msg.header.family !== family) continue;
    const r = toRoute(msg, names);
    if (table !== undefined && r.tableId !== table) continue;
    out.push(r);
  }
  return out;
}

/**
 * The routes of one table (default `main`, as `ip route show`; `all` for
 * every table), IPv4 and IPv6 unless `family` narrows it.
 */
export async function listRoutes(options: ListRoutesOptions = {}): Promise<Route[]> {
  const fam = ipFamilyOption(options.family);
  const table = options.table === 'all' ? undefined : tableId(options.table ?? 'main');
  return withSocket(options, async (socket) => {
    const names = await linkNames(socket, 'listRoutes');
    const out: Route[] = [];
    for (const f of fam !== undefined ? [fam] : [AF.INET, AF.INET6]) out.push(...(await dumpRoutes(socket, f, table, names)));
    return out;
  });
}

/**
 * Asks the kernel which route a packet to `dst` would take, as
 * `ip route get`: the answer is the resolved route (device, gateway,
 * preferred source, table), not a table entry.
 */
export async function getRoute(dst: string, options: GetRouteOptions = {}): Promise<Route> {
  const d = typeof dst === 'string' && !dst.includes('/') ? parseIp(dst) : undefined;
  if (!d) throw new ValidationError('dst', `expected an IP address (no prefix), got ${formatValue(dst)}`);
  const family = d.length === 4 ? AF.INET : AF.INET6;
  const full = d.length * 8;
  const attrs: RouteAttrs = { dst: formatIp(d) };
  let srcLength = 0;
  if (options.from !== undefined) {
    attrs.src = ipField(options.from, 'from', family).text;
    srcLength = full;
  }
  if (options.mark !== undefined) attrs.mark = u32Field(options.mark, 'mark');
  if (options.oif !== undefined) validateLinkRef(options.oif, 'oif');
  if (options.iif !== undefined) validateLinkRef(options.iif, 'iif');
  if (options.fibMatch !== undefined && typeof options.fibMatch !== 'boolean') throw new ValidationError('fibMatch', 'expected a boolean');
  const header: RtMsg = {
    family,
    dstLength: full,
    srcLength,
    tos: 0,
    table: 0,
    protocol: 0,
    scope: 0,
    type: 0,
    // IPv4 reports the matched table with RTM_F_LOOKUP_TABLE; the strict IPv6
    // validator (inet6_rtm_valid_getroute_req) accepts only RTM_F_FIB_MATCH,
    // and IPv6 answers always name their table.
    flags: (family === AF.INET ? RTM_F.LOOKUP_TABLE : 0) | (options.fibMatch ? RTM_F.FIB_MATCH : 0),
  };
  return withSocket(options, async (socket) => {
    if (options.oif !== undefined) attrs.oif = await resolveLinkIndex(socket, options.oif, 'oif', 'getRoute');
    if (options.iif !== undefined) attrs.iif = await resolveLinkIndex(socket, options.iif, 'iif', 'getRoute');
    const [reply] = await socket.request(RTM.GETROUTE, 0, (w) => routeMessage.encode(w, { header, attrs }), { operation: 'getRoute', attrs: routeMessage.attrs });
    if (!reply) {
      // A kernel that finds no route answers ENETUNREACH/EHOSTUNREACH; an
      // ACK with no message is no answer, and gets a code of its own.
      throw new NetlinkError({ errno: errnoValue('ENOMSG') as number, code: 'ENOMSG', operation: 'getRoute', detail: `the kernel acknowledged the look-up of ${attrs.dst} but sent no route` });
    }
    const names = await linkNames(socket, 'getRoute');
    return toRoute(routeMessage.decode(reply.bytes), names);
  });
}

/** Options of flushRoutes: listRoutes' table and family plus device, protocol and prefix filters. */
export interface FlushRoutesOptions extends ListRoutesOptions {
  /** Only routes out of this device. */
  link?: LinkRef;
  /** Only routes of this protocol (`boot`, `static`, `kernel`, a number …). */
  protocol?: string | number;
  /** Only routes to destinations inside this prefix, as ip's `to PREFIX` (root match). */
  to?: string;
}

/**
 * Deletes the routes of a table (`main` by default; `all` for every table)
 * that the filter selects — `ip route flush dev X | table T | proto P | to
 * PREFIX` — and resolves with how many went. Kernel-made routes of the
 * local table go too when it is named: as with ip, the filter is the
 * caller's. At least one filter besides the table is needed, except with
 * an explicit `table`.
 */
export async function flushRoutes(options: FlushRoutesOptions): Promise<number> {
  if (!options || typeof options !== 'object') throw new ValidationError('options', 'expected a filter');
  const { link, protocol, to, netns: _n, timeout: _t, ...list } = options;
  if (link === undefined && protocol === undefined && to === undefined && options.table === undefined && options.family === undefined) {
    throw new ValidationError('options', 'flush needs a filter (link, protocol, to, table or family)');
  }
  if (link !== undefined) validateLinkRef(link, 'link');
  const proto = protocol === undefined ? undefined : named(RTPROT, protocol, 'protocol', 255);
  const prefix = to === undefined ? undefined : parseCidr(to);
  if (to !== undefined && !prefix) throw new ValidationError('to', `expected an address or prefix, got ${formatValue(to)}`);
  return withSocket(options, async (socket) => {
    const oif = link === undefined ? undefined : await resolveLinkIndex(socket, link, 'link', 'flushRoutes');
    const all = await listRoutes({ ...list, socket });
    const chosen = all.filter(
      (r) =>
        (oif === undefined || r.oif === oif || (r.nexthops ?? []).some((n) => n.oif === oif)) &&
        (proto === undefined || r.raw.header.protocol === proto) &&
        (!prefix || (r.dstLength >= prefix.prefixLength && ipInPrefix(r.dst === 'default' ? (r.family === 'inet6' ? '::' : '0.0.0.0') : r.dst, prefix))),
    );
    return deleteEach(socket, RTM.DELROUTE, chosen, (w, r) => routeMessage.encode(w, r.raw), 'flushRoutes', routeMessage.attrs as never);
  });
}
