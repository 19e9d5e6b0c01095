/**
 * Neighbours (ARP / NDP entries) and the bridge forwarding database
 * (RTM_NEWNEIGH / DELNEIGH / GETNEIGH): what `ip neigh` and `bridge fdb` do.
 *
 * One message family serves both: ndm_family AF_INET / AF_INET6 addresses
 * the IPv4 / IPv6 neighbour tables, AF_BRIDGE the forwarding database of
 * bridges (and of devices with their own FDB, such as vxlan).
 */
import { NLM_F } from '../../netlink/constants.js';
import { ValidationError } from '../../netlink/errors.js';
import { formatMac, ipInPrefix, parseCidr, parseMac } from '../../netlink/inet.js';
import { ipAddressOption, ipVersion } from '../ip-input.js';
import type { Decoded } from '../../netlink/schema.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import { type OperationOptions, withSocket } from '../options.js';
import type { LinkRef } from '../links/index.js';
import { linkNames, resolveLinkIndex } from '../links/lookup.js';
import { rejectUnknownKeys, validateLinkRef } from '../../rtnetlink/link/index.js';
import { AF, RTM } from '../../rtnetlink/constants.js';
import { NTF, NUD, neighMessage, type NdMsg, type neighAttrs } from '../../rtnetlink/neigh/index.js';

export type { Neighbour, NeighbourFamily } from '../../rtnetlink/neigh/view.js';
export { toNeighbour } from '../../rtnetlink/neigh/view.js';
import { type Neighbour, type NeighbourFamily, toNeighbour } from '../../rtnetlink/neigh/view.js';
import { deleteEach } from '../flush.js';
import { formatValue } from '../../netlink/format-value.js';

/** States of an IP neighbour entry (NUD_*), lower-case. */
export type NeighbourState = 'permanent' | 'noarp' | 'reachable' | 'stale' | 'delay' | 'probe' | 'failed' | 'incomplete' | 'none';

/**
 * States of a bridge FDB entry, as `bridge fdb add` names them:
 * `permanent` is a local entry (frames to it go to the bridge itself),
 * `static` forwards to the port and never ages, `dynamic` ages out.
 */
export type FdbState = 'permanent' | 'static' | 'dynamic';

/** What selects (and, for addNeighbour, describes) a neighbour entry or a bridge FDB entry. */
export interface NeighbourSpec {
  /** The device: for FDB entries, the bridge port (or a device with its own FDB). */
  link: LinkRef;
  /** IP address of the neighbour; absent for a plain bridge FDB entry. */
  address?: string;
  /** Link-layer address (`aa:bb:cc:dd:ee:ff`). Required for FDB entries. */
  lladdr?: string;
  /** `inet`/`inet6` follow from `address`; `bridge` for FDB entries (the default when there is no address). */
  family?: NeighbourFamily;
  /** FDB: the entry belongs to the bridge the link is a port of (NTF_MASTER). */
  master?: boolean;
  /** FDB: the entry belongs to the link's own table (NTF_SELF). */
  self?: boolean;
  /** FDB: VLAN id 1–4094. */
  vlan?: number;
  /** IP: a proxy ARP / NDP entry (NTF_PROXY), with no lladdr. */
  proxy?: boolean;
}

/** Options of addNeighbour: the entry, its state and NTF_* flags, and whether to replace an existing one. */
export interface AddNeighbourOptions extends NeighbourSpec, OperationOptions {
  /** IP neighbours: default `permanent`. FDB entries: default `permanent`, as `bridge fdb add`. */
  state?: NeighbourState | FdbState;
  /** IPv6: the neighbour is a router (NTF_ROUTER). */
  router?: boolean;
  /** FDB: the entry may not move to another port (NTF_STICKY). */
  sticky?: boolean;
  /** Mark the entry as learned by an external control plane (NTF_EXT_LEARNED). */
  externLearn?: boolean;
  /** Replace an existing entry instead of failing with EEXIST (`ip neigh replace`). */
  replace?: boolean;
}

/** Options of deleteNeighbour: the entry to delete. */
export type DeleteNeighbourOptions = NeighbourSpec & OperationOptions;

/** Options of listNeighbours: which link, family (IP neighbours or the FDB), bridge, and whether to list proxy entries. */
export interface ListNeighboursOptions extends OperationOptions {
  link?: LinkRef;
  /** Default: IPv4 and IPv6 neighbours. `bridge`: the forwarding database. */
  family?: NeighbourFamily;
  /** FDB: only entries of this bridge (NDA_MASTER filter). */
  master?: LinkRef;
  /** IP: list proxy entries instead of neighbours. */
  proxy?: boolean;
}

const FAMILY: Record<NeighbourFamily, number> = { inet: AF.INET, inet6: AF.INET6, bridge: AF.BRIDGE };

const IP_STATES: Record<NeighbourState, number> = {
  permanent: NUD.PERMANENT,
  noarp: NUD.NOARP,
  reachable: NUD.REACHABLE,
  stale: NUD.STALE,
  delay: NUD.DELAY,
  probe: NUD.PROBE,
  failed: NUD.FAILED,
  incomplete: NUD.INCOMPLETE,
  none: 0,
};

/** As bridge(8) encodes them (bridge/fdb.c fdb_modify). */
const FDB_STATES: Record<FdbState, number> = {
  permanent: NUD.NOARP | NUD.PERMANENT,
  static: NUD.NOARP | NUD.REACHABLE,
  dynamic: NUD.REACHABLE,
};

function bool(v: unknown, field: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new ValidationError(field, `expected a boolean, got ${typeof v}`);
  return v;
}

interface Built {
  header: NdMsg;
  attrs: Decoded<typeof neighAttrs>;
}

/** Validates and builds an add/delete message (ifindex filled in later); no system call. */
const NEIGH_KEYS = ['netns', 'socket', 'timeout', 'link', 'address', 'lladdr', 'family', 'master', 'self', 'vlan', 'proxy'] as const;

function build(o: Partial<AddNeighbourOptions> & { link: LinkRef }, forDelete: boolean): Built {
  rejectUnknownKeys(o, forDelete ? NEIGH_KEYS : [...NEIGH_KEYS, 'state', 'router', 'sticky', 'externLearn', 'replace'], '');
  validateLinkRef(o.link, 'link');
  const attrs: Decoded<typeof neighAttrs> = {};
  let ipFamily: number | undefined;
  if (o.address !== undefined) {
    const ip = ipAddressOption(o.address, 'address');
    ipFamily = ip.family;
    attrs.dst = ip.text;
  }
  if (o.family !== undefined && !(o.family in FAMILY)) throw new ValidationError('family', `expected 'inet', 'inet6' or 'bridge', got ${formatValue(o.family)}`);
  const family = o.family !== undefined ? FAMILY[o.family] : (ipFamily ?? AF.BRIDGE);
  if (family !== AF.BRIDGE && ipFamily !== undefined && family !== ipFamily) {
    throw new ValidationError('family', `address ${o.address} is ${ipVersion(ipFamily)} but family is ${o.family}`);
  }
  if (family !== AF.BRIDGE && ipFamily === undefined) throw new ValidationError('address', `an ${o.family} neighbour needs an IP address`);
  if (o.lladdr !== undefined) {
    const mac = parseMac(o.lladdr);
    if (!mac) throw new ValidationError('lladdr', `invalid link-layer address ${JSON.stringify(o.lladdr)}`);
    attrs.lladdr = formatMac(mac);
  }
  const master = bool(o.master, 'master');
  const self = bool(o.self, 'self');
  const proxy = bool(o.proxy, 'proxy');
  const router = bool(o.router, 'router');
  const sticky = bool(o.sticky, 'sticky');
  const externLearn = bool(o.externLearn, 'externLearn');
  let flags = 0;
  let state = 0;
  if (family === AF.BRIDGE) {
    if (attrs.lladdr === undefined) throw new ValidationError('lladdr', 'a bridge FDB entry needs a link-layer address');
    if (proxy) throw new ValidationError('proxy', 'proxy entries exist only for IPv4/IPv6 neighbours');
    if (router) throw new ValidationError('router', 'router applies to IP neighbours');
    if (o.vlan !== undefined) {
      if (!Number.isInteger(o.vlan) || o.vlan < 1 || o.vlan > 4094) throw new ValidationError('vlan', `expected 1 … 4094, got ${o.vlan}`);
      attrs.vlan = o.vlan;
    }
    // Neither master nor self: flags 0, for which rtnl_fdb_add/del act on the
    // bridge of a bridge port (and fail with EINVAL on other devices).
    if (master) flags |= NTF.master;
    if (self) flags |= NTF.self;
    if (sticky) flags |= NTF.sticky;
    // Deletes carry a state too, as bridge(8) sends them: a device's own
    // table (ndo_dflt_fdb_del) refuses a delete without NUD_PERMANENT.
    const s = (forDelete ? undefined : o.state) ?? 'permanent';
    if (!(s in FDB_STATES)) throw new ValidationError('state', `FDB entries are 'permanent', 'static' or 'dynamic', got ${formatValue(s)}`);
    state = FDB_STATES[s as FdbState];
  } else {
    for (const [k, v] of [['master', master], ['self', self], ['sticky', sticky]] as const) {
      if (v) throw new ValidationError(k, `${k} applies to bridge FDB entries (family 'bridge')`);
    }
    if (o.vlan !== undefined) throw new ValidationError('vlan', 'vlan applies to bridge FDB entries');
    if (proxy) {
      if (attrs.lladdr !== undefined) throw new ValidationError('lladdr', 'a proxy entry has no link-layer address');
      flags |= NTF.proxy;
    }
    if (router) flags |= NTF.router;
    if (!forDelete && !proxy) {
      const s = o.state ?? 'permanent';
      if (!(s in IP_STATES)) throw new ValidationError('state', `expected one of ${Object.keys(IP_STATES).join(', ')}, got ${formatValue(s)}`);
      state = IP_STATES[s as NeighbourState];
    }
  }
  if (externLearn) flags |= NTF.extern_learn;
  return { header: { family, ifindex: 0, state, flags, type: 0 }, attrs };
}

/**
 * Adds a neighbour entry (`ip neigh add ADDR lladdr MAC dev LINK`) or a
 * bridge FDB entry (`bridge fdb add MAC dev PORT [master|self] [vlan N]`).
 */
export async function addNeighbour(options: AddNeighbourOptions): Promise<void> {
  if (!options || typeof options !== 'object') throw new ValidationError('options', 'expected a neighbour description');
  const b = build(options, false);
  const replace = bool(options.replace, 'replace');
  await withSocket(options, async (socket) => {
    b.header.ifindex = await resolveLinkIndex(socket, options.link, 'link', 'addNeighbour');
    await socket.request(RTM.NEWNEIGH, NLM_F.CREATE | (replace ? NLM_F.REPLACE : NLM_F.EXCL), (w) => neighMessage.encode(w, b), {
      operation: 'addNeighbour',
      attrs: neighMessage.attrs,
    });
  });
}

/** Deletes a neighbour entry (by link and address) or an FDB entry (by port, lladdr and vlan). */
export async function deleteNeighbour(options: DeleteNeighbourOptions): Promise<void> {
  if (!options || typeof options !== 'object') throw new ValidationError('options', 'expected a neighbour description');
  const b = build(options, true);
  await withSocket(options, async (socket) => {
    b.header.ifindex = await resolveLinkIndex(socket, options.link, 'link', 'deleteNeighbour');
    await socket.request(RTM.DELNEIGH, 0, (w) => neighMessage.encode(w, b), { operation: 'deleteNeighbour', attrs: neighMessage.attrs });
  });
}

async function dumpNeighbours(socket: RtnlSocket, family: number, attrs: Decoded<typeof neighAttrs>, flags: number, names: Map<number, string>): Promise<Neighbour[]> {
  const out: Neighbour[] = [];
  // Strict dump requests (neigh_valid_dump_req, valid_fdb_dump_strict) want
  // a zero header and filter by NDA_IFINDEX / NDA_MASTER; NTF_PROXY selects proxies.
  const header: NdMsg = { family, ifindex: 0, state: 0, flags, type: 0 };
  for await (const m of socket.dump(RTM.GETNEIGH, 0, (w) => neighMessage.encode(w, { header, attrs }), { operation: 'listNeighbours', attrs: neighMessage.attrs })) {
    if (m.type !== RTM.NEWNEIGH) continue;
    out.push(toNeighbour(neighMessage.decode(m.bytes), names));
  }
  return out;
}

/**
 * Neighbour entries (`ip neigh show nud all`: IPv4 and IPv6 unless
 * `family` narrows it), or with `family: 'bridge'` the forwarding database
 * (`bridge fdb show`).
 */
export async function listNeighbours(options: ListNeighboursOptions = {}): Promise<Neighbour[]> {
  if (options.family !== undefined && !(options.family in FAMILY)) {
    throw new ValidationError('family', `expected 'inet', 'inet6' or 'bridge', got ${formatValue(options.family)}`);
  }
  if (options.link !== undefined) validateLinkRef(options.link, 'link');
  if (options.master !== undefined) {
    validateLinkRef(options.master, 'master');
    if (options.family !== 'bridge') throw new ValidationError('master', "filtering by master applies to family 'bridge'");
  }
  const proxy = bool(options.proxy, 'proxy');
  if (proxy && options.family === 'bridge') throw new ValidationError('proxy', 'proxy entries exist only for IPv4/IPv6 neighbours');
  const family = options.family !== undefined ? FAMILY[options.family] : AF.UNSPEC;
  return withSocket(options, async (socket) => {
    const attrs: Decoded<typeof neighAttrs> = {};
    if (options.link !== undefined) attrs.ifindex = await resolveLinkIndex(socket, options.link, 'link', 'listNeighbours');
    if (options.master !== undefined) attrs.master = await resolveLinkIndex(socket, options.master, 'master', 'listNeighbours');
    const names = await linkNames(socket, 'listNeighbours');
    return dumpNeighbours(socket, family, attrs, proxy ? NTF.proxy : 0, names);
  });
}

/** Options of flushNeighbours: filters by link, IP family and prefix, and whether permanent and noarp entries go too. */
export interface FlushNeighboursOptions extends OperationOptions {
  link?: LinkRef;
  family?: 'inet' | 'inet6';
  /** Permanent and noarp entries too (ip's `nud all`); by default they stay, as with `ip neigh flush`. */
  all?: boolean;
  /** Only entries for addresses inside this prefix (ip's `to PREFIX`). */
  to?: string;
}

/**
 * Deletes neighbour entries — `ip neigh flush dev X [nud all] [to PREFIX]`
 * — and resolves with how many went. As ip, the entries the kernel keeps
 * for itself or that were set by hand (NUD_PERMANENT, NUD_NOARP) stay
 * unless `all`. Needs `link`, `family` or `to`.
 */
export async function flushNeighbours(options: FlushNeighboursOptions): Promise<number> {
  if (!options || typeof options !== 'object') throw new ValidationError('options', 'expected a filter');
  const { all, to, netns: _n, timeout: _t, ...list } = options;
  if (options.link === undefined && options.family === undefined && to === undefined) throw new ValidationError('options', 'flush needs a filter (link, family or to)');
  if (options.family !== undefined && options.family !== 'inet' && options.family !== 'inet6') throw new ValidationError('family', `expected 'inet' or 'inet6', got ${formatValue(options.family)}`);
  const everything = bool(all, 'all');
  const prefix = to === undefined ? undefined : parseCidr(to);
  if (to !== undefined && !prefix) throw new ValidationError('to', `expected an address or prefix, got ${formatValue(to)}`);
  return withSocket(options, async (socket) => {
    const entries = await listNeighbours({ ...list, socket });
    const chosen = entries.filter(
      // ip's filter: an entry goes when its state has a bit of the selected ones (NUD_NONE, 0, never does).
      (n) => (n.raw.header.state & (everything ? 0xff : ~(NUD.PERMANENT | NUD.NOARP) & 0xff)) !== 0 && (!prefix || ipInPrefix(n.address, prefix)),
    );
    return deleteEach(socket, RTM.DELNEIGH, chosen, (w, n) => neighMessage.encode(w, n.raw), 'flushNeighbours', neighMessage.attrs as never);
  });
}
