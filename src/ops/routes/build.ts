/**
 * Route requests built from a RouteSpec, validated before any system call:
 * the rtmsg header and RTA_* attributes of an add or a delete, and the link
 * references still to resolve to ifindexes once a socket is open. Shared by
 * the single calls (index.ts) and the pipelined ones (bulk.ts).
 */
import { ValidationError } from '../../netlink/errors.js';
import { type Cidr, parseCidr } from '../../netlink/inet.js';
import { ipAddressOption, ipFamilyOption, ipVersion } from '../ip-input.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import type { LinkRef } from '../links/index.js';
import { resolveLinkIndex } from '../links/lookup.js';
import { rejectUnknownKeys, validateLinkRef } from '../../rtnetlink/link/index.js';
import { AF } from '../../rtnetlink/constants.js';
import { RTNH_F, RTN, RTPROT, RT_SCOPE, RT_TABLE, lookupNumber, type Nexthop, type RouteAttrs, type RtMsg } from '../../rtnetlink/route/index.js';
import { formatValue } from '../../netlink/format-value.js';
import type { RouteSpec } from './index.js';

/** An IP address that must be of the route's family, once that is known. */
export const ipField = (v: unknown, field: string, family: number | undefined) => ipAddressOption(v, field, family, 'the route');

export function u32Field(v: unknown, field: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 0xffffffff) throw new ValidationError(field, `expected an integer ${min} … 4294967295, got ${formatValue(v)}`);
  return v;
}

export function named(table: Record<string, number>, v: unknown, field: string, max: number): number {
  const n = lookupNumber(table, v, max);
  if (n === undefined) throw new ValidationError(field, `expected one of ${Object.keys(table).join(', ')} or a number 0 … ${max}, got ${formatValue(v)}`);
  return n;
}

export function tableId(v: unknown, field = 'table'): number {
  const n = named(RT_TABLE, v, field, 0xffffffff);
  if (n === 0) throw new ValidationError(field, 'table 0 (unspec) is not a table');
  return n;
}

export interface Built {
  header: RtMsg;
  attrs: RouteAttrs;
  /** Link references to resolve to ifindexes once a socket is open. */
  links: { ref: LinkRef; field: string; set: (index: number) => void }[];
}

function parseDst(dst: unknown): { cidr?: Cidr; family?: number } {
  if (dst === 'default') return {};
  const c = parseCidr(dst);
  if (!c) throw new ValidationError('dst', `expected 'default' or a prefix such as 10.0.0.0/24 or fd00::/64, got ${formatValue(dst)}`);
  return { cidr: c, family: c.family };
}

const ROUTE_KEYS = ['netns', 'socket', 'timeout', 'dst', 'family', 'gateway', 'dev', 'table', 'metric', 'scope', 'protocol', 'type', 'src', 'onlink', 'mtu', 'nexthops', 'tos'] as const;

/** Builds an add or delete request from a RouteSpec. `forDelete` leaves unset fields as wildcards. */
export function buildRoute(spec: Partial<RouteSpec> & { dst: string }, forDelete: boolean): Built {
  rejectUnknownKeys(spec, forDelete ? ROUTE_KEYS : [...ROUTE_KEYS, 'replace'], '');
  const { cidr, family: dstFamily } = parseDst(spec.dst);
  let family: number | undefined = dstFamily ?? ipFamilyOption(spec.family);
  if (dstFamily !== undefined && spec.family !== undefined && ipFamilyOption(spec.family) !== dstFamily) {
    throw new ValidationError('family', `dst ${spec.dst} is ${ipVersion(dstFamily)} but family is ${spec.family}`);
  }
  const attrs: RouteAttrs = {};
  const links: Built['links'] = [];
  let flags = 0;
  if (spec.gateway !== undefined) {
    const g = ipField(spec.gateway, 'gateway', family);
    family = g.family;
    attrs.gateway = g.text;
  }
  if (spec.src !== undefined) {
    const s = ipField(spec.src, 'src', family);
    family = s.family;
    attrs.prefsrc = s.text;
  }
  let multipath: Nexthop[] | undefined;
  if (spec.nexthops !== undefined) {
    if (!Array.isArray(spec.nexthops) || spec.nexthops.length === 0) throw new ValidationError('nexthops', 'expected a non-empty array');
    if (spec.gateway !== undefined || spec.dev !== undefined) throw new ValidationError('nexthops', 'give either nexthops or gateway/dev, not both');
    multipath = spec.nexthops.map((nh, i) => {
      const f = `nexthops[${i}]`;
      const out: Nexthop = { flags: 0, hops: 0, ifindex: 0, attrs: {} };
      if (nh.gateway !== undefined) {
        const g = ipField(nh.gateway, `${f}.gateway`, family);
        family = g.family;
        out.attrs.gateway = g.text;
      }
      if (nh.weight !== undefined) {
        if (!Number.isInteger(nh.weight) || nh.weight < 1 || nh.weight > 256) throw new ValidationError(`${f}.weight`, `expected 1 … 256, got ${nh.weight}`);
        out.hops = nh.weight - 1;
      }
      if (nh.onlink) out.flags |= RTNH_F.onlink;
      if (nh.dev !== undefined) links.push({ ref: validateLinkRef(nh.dev, `${f}.dev`), field: `${f}.dev`, set: (i2) => (out.ifindex = i2) });
      if (nh.gateway === undefined && nh.dev === undefined) throw new ValidationError(f, 'a next hop needs a gateway or a dev');
      return out;
    });
  }
  family ??= AF.INET;
  if (cidr) attrs.dst = cidr.address;
  if (spec.dev !== undefined) links.push({ ref: validateLinkRef(spec.dev, 'dev'), field: 'dev', set: (i) => (attrs.oif = i) });
  if (spec.metric !== undefined) attrs.priority = u32Field(spec.metric, 'metric');
  if (spec.mtu !== undefined) {
    const mtu = u32Field(spec.mtu, 'mtu', 68);
    if (mtu > 65535) throw new ValidationError('mtu', `expected 68 … 65535, got ${mtu}`);
    attrs.metrics = { mtu };
  }
  if (spec.onlink !== undefined) {
    if (typeof spec.onlink !== 'boolean') throw new ValidationError('onlink', 'expected a boolean');
    if (spec.onlink) flags |= RTNH_F.onlink;
  }
  let tos = 0;
  if (spec.tos !== undefined) {
    if (!Number.isInteger(spec.tos) || spec.tos < 0 || spec.tos > 255) throw new ValidationError('tos', `expected 0 … 255, got ${spec.tos}`);
    tos = spec.tos;
  }
  const table = spec.table !== undefined ? tableId(spec.table) : RT_TABLE.main;
  if (table > 255) attrs.table = table;
  const type = spec.type !== undefined ? named(RTN, spec.type, 'type', 255) : forDelete ? 0 : RTN.unicast;
  const protocol = spec.protocol !== undefined ? named(RTPROT, spec.protocol, 'protocol', 255) : forDelete ? 0 : RTPROT.boot;
  let scope: number;
  if (spec.scope !== undefined) scope = named(RT_SCOPE, spec.scope, 'scope', 255);
  else if (forDelete) scope = RT_SCOPE.nowhere; // "any scope" to fib_table_delete
  else if (type === RTN.local || type === RTN.nat) scope = RT_SCOPE.host;
  else if (type === RTN.broadcast || type === RTN.multicast || type === RTN.anycast) scope = RT_SCOPE.link;
  else if ((type === RTN.unicast || type === RTN.unspec) && spec.gateway === undefined && multipath === undefined) scope = RT_SCOPE.link;
  else scope = RT_SCOPE.global;
  if (multipath) attrs.multipath = multipath;
  return {
    header: {
      family,
      dstLength: cidr?.prefixLength ?? 0,
      srcLength: 0,
      tos,
      table: table > 255 ? RT_TABLE.compat : table,
      protocol,
      scope,
      type,
      flags,
    },
    attrs,
    links,
  };
}

export async function resolveLinks(socket: RtnlSocket, b: Built, operation: string): Promise<void> {
  for (const l of b.links) l.set(await resolveLinkIndex(socket, l.ref, l.field, operation));
}
