/**
 * What `monitor()` can watch, one row per kind of object: the multicast
 * groups that carry its notifications, the message types of its events,
 * the dumps that list it (for snapshots), and the decoder that turns a
 * message into the typed object. Events and snapshots go through the same
 * decoder, so an object looks the same whichever way it arrived.
 */
import type { Message, BodyWriter } from '../../netlink/socket.js';
import { AF, RTM, RTNLGRP } from '../../rtnetlink/constants.js';
import { RTEXT_FILTER, linkMessage, toLink, type Link } from '../../rtnetlink/link/index.js';
import { addrMessage, toAddress, type Address } from '../../rtnetlink/addr/index.js';
import { routeMessage, toRoute, type Route } from '../../rtnetlink/route/index.js';
import { neighMessage, toNeighbour, type Neighbour } from '../../rtnetlink/neigh/index.js';
import { nsidMessage, type NsidEntry } from '../../rtnetlink/nsid/index.js';
import type { FamilyMessage } from '../../rtnetlink/family.js';

/**
 * A link as events and snapshots carry it. Notifications of family
 * AF_BRIDGE (`header.family === 7`) are about bridge ports: a dellink of that
 * family means the port left its bridge.
 */
export type MonitorLink = Link;
/** An address as events and snapshots carry it (IPv4 and IPv6). */
export type MonitorAddress = Address;
/** A route as events and snapshots carry it (IPv4 and IPv6, every table). */
export type MonitorRoute = Route;
/** A neighbour entry as events and snapshots carry it: ARP, NDISC, or (family `bridge`) a bridge FDB entry. */
export type MonitorNeighbour = Neighbour;
/** An id this namespace gives a peer namespace (the peer's /run/netns name is not looked up). */
export type MonitorNsid = NsidEntry;

/** ifindex → link name, for the `link`/`dev`/`master` fields of addresses, routes and neighbours. */
export type LinkNameMap = Map<number, string>;

/** What decoding needs besides the message. */
export interface DecodeContext {
  family: MonitorFamily | undefined;
  names: LinkNameMap;
}

/** IP version filter: only IPv4 (`inet`) or only IPv6 (`inet6`) addresses, routes and neighbours. */
export type MonitorFamily = 'inet' | 'inet6';

export interface KindRow<T> {
  /** Key of the object in an event (`{ type: 'newlink', link }`). */
  readonly field: 'link' | 'address' | 'route' | 'neighbour' | 'nsid';
  /** Key of the array in a snapshot (`{ type: 'resync', links: [...] }`). */
  readonly plural: 'links' | 'addresses' | 'routes' | 'neighbours' | 'nsids';
  readonly newType: number;
  readonly delType: number;
  readonly newName: string;
  readonly delName: string;
  groups(family: MonitorFamily | undefined): number[];
  /** The dumps that list every object of this kind: message type and request body. */
  dumps(family: MonitorFamily | undefined): { type: number; body: BodyWriter; operation: string }[];
  /** Decodes one message; undefined when the family filter excludes it. */
  decode(m: Message, ctx: DecodeContext): T | undefined;
}

const AF_OF: Record<MonitorFamily, number> = { inet: AF.INET, inet6: AF.INET6 };

function familyAllowed(f: number, family: MonitorFamily | undefined): boolean {
  return family === undefined || f === AF_OF[family];
}

function familiesOf(family: MonitorFamily | undefined): number[] {
  return family === undefined ? [AF.INET, AF.INET6] : [AF_OF[family]];
}


const link: KindRow<MonitorLink> = {
  field: 'link',
  plural: 'links',
  newType: RTM.NEWLINK,
  delType: RTM.DELLINK,
  newName: 'newlink',
  delName: 'dellink',
  groups: () => [RTNLGRP.LINK],
  dumps: () => [
    {
      type: RTM.GETLINK,
      operation: 'monitor: dump links',
      body: (w) =>
        linkMessage.encode(w, { header: { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 }, attrs: { extMask: RTEXT_FILTER.VF } }), // the same detail `ip link` asks for
    },
  ],
  decode: (m) => toLink(linkMessage.decode(m.bytes)),
};

/** The name a link message carries, for the name map. */
export function linkNameOf(link: MonitorLink): { index: number; name: string | undefined } {
  return { index: link.index, name: link.name || undefined };
}

const address: KindRow<MonitorAddress> = {
  field: 'address',
  plural: 'addresses',
  newType: RTM.NEWADDR,
  delType: RTM.DELADDR,
  newName: 'newaddr',
  delName: 'deladdr',
  groups: (family) => (family === 'inet' ? [RTNLGRP.IPV4_IFADDR] : family === 'inet6' ? [RTNLGRP.IPV6_IFADDR] : [RTNLGRP.IPV4_IFADDR, RTNLGRP.IPV6_IFADDR]),
  dumps: (family) =>
    familiesOf(family).map((f) => ({
      type: RTM.GETADDR,
      operation: `monitor: dump ${f === AF.INET ? 'IPv4' : 'IPv6'} addresses`,
      body: (w) => addrMessage.encode(w, { header: { family: f, prefixLength: 0, flags: 0, scope: 0, index: 0 } }),
    })),
  decode(m, ctx) {
    const msg = addrMessage.decode(m.bytes);
    return familyAllowed(msg.header.family, ctx.family) ? toAddress(msg, ctx.names) : undefined;
  },
};

const route: KindRow<MonitorRoute> = {
  field: 'route',
  plural: 'routes',
  newType: RTM.NEWROUTE,
  delType: RTM.DELROUTE,
  newName: 'newroute',
  delName: 'delroute',
  groups: (family) => (family === 'inet' ? [RTNLGRP.IPV4_ROUTE] : family === 'inet6' ? [RTNLGRP.IPV6_ROUTE] : [RTNLGRP.IPV4_ROUTE, RTNLGRP.IPV6_ROUTE]),
  // Per family, not AF_UNSPEC: an unspecified dump (rtnl_dump_all) would also
  // list multicast routes (RTNL_FAMILY_IPMR …), whose events go to groups we
  // do not join. Table 0 (RT_TABLE_UNSPEC) dumps every table.
  dumps: (family) =>
    familiesOf(family).map((f) => ({
      type: RTM.GETROUTE,
      operation: `monitor: dump ${f === AF.INET ? 'IPv4' : 'IPv6'} routes`,
      body: (w) =>
        routeMessage.encode(w, {
          header: { family: f, dstLength: 0, srcLength: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0 },
        }),
    })),
  decode(m, ctx) {
    const msg = routeMessage.decode(m.bytes);
    return familyAllowed(msg.header.family, ctx.family) ? toRoute(msg, ctx.names) : undefined;
  },
};

const neighbour: KindRow<MonitorNeighbour> = {
  field: 'neighbour',
  plural: 'neighbours',
  newType: RTM.NEWNEIGH,
  delType: RTM.DELNEIGH,
  newName: 'newneigh',
  delName: 'delneigh',
  // One group for every neighbour table: ARP, NDISC and the bridge FDB.
  groups: () => [RTNLGRP.NEIGH],
  dumps: (family) =>
    [...familiesOf(family), ...(family === undefined ? [AF.BRIDGE] : [])].map((f) => ({
      type: RTM.GETNEIGH,
      operation: `monitor: dump ${f === AF.INET ? 'IPv4 neighbours' : f === AF.INET6 ? 'IPv6 neighbours' : 'bridge FDB entries'}`,
      body: (w) => neighMessage.encode(w, { header: { family: f, ifindex: 0, state: 0, flags: 0, type: 0 } }),
    })),
  decode(m, ctx) {
    const msg = neighMessage.decode(m.bytes);
    return familyAllowed(msg.header.family, ctx.family) ? toNeighbour(msg, ctx.names) : undefined;
  },
};

const nsid: KindRow<MonitorNsid> = {
  field: 'nsid',
  plural: 'nsids',
  newType: RTM.NEWNSID,
  delType: RTM.DELNSID,
  newName: 'newnsid',
  delName: 'delnsid',
  groups: () => [RTNLGRP.NSID],
  dumps: () => [
    { type: RTM.GETNSID, operation: 'monitor: dump nsids', body: (w) => nsidMessage.encode(w, { header: { family: AF.UNSPEC } }) },
  ],
  decode(m) {
    const id = nsidMessage.decode(m.bytes).attrs.nsid;
    return id === undefined ? undefined : { nsid: id };
  },
};

/** The kinds of objects `monitor()` watches, by the names `ip monitor` accepts. */
export const KINDS = { link, address, route, neigh: neighbour, nsid } as const;

/** A kind of object `monitor()` watches, by its canonical name (`link`, `address`, `route`, `neigh`, `nsid`). */
export type MonitorObject = keyof typeof KINDS;

/** Other spellings accepted for a kind (as `ip monitor` and the rest of this library spell them). */
export const KIND_ALIASES = {
  link: 'link',
  address: 'address',
  addr: 'address',
  route: 'route',
  neigh: 'neigh',
  neighbour: 'neigh',
  neighbor: 'neigh',
  nsid: 'nsid',
} as const satisfies Record<string, MonitorObject>;

/** What `monitor()` can watch, by any of its names (`'addr'` is `'address'`). */
export type MonitorObjectName = keyof typeof KIND_ALIASES;

export type AnyKindRow = (typeof KINDS)[MonitorObject];

/** The row whose events have this message type. */
export function rowForType(type: number, rows: readonly AnyKindRow[]): AnyKindRow | undefined {
  for (const r of rows) if (r.newType === type || r.delType === type) return r;
  return undefined;
}

export type { FamilyMessage };
