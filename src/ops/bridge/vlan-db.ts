/**
 * The bridge VLAN database (RTM_*VLAN, Linux 5.8+): per-port VLAN entries
 * with their options — STP state, multicast router, group limits,
 * neighbour suppression, counters — and the bridges' global per-VLAN
 * options (multicast snooping and querier timers, MST instance): what
 * `bridge -d vlan show`, `bridge vlan set` and `bridge vlan global
 * show|set` do. Adding and removing VLANs stays in vlans.ts (AF_BRIDGE
 * SETLINK / DELLINK, which every kernel with VLAN filtering has).
 */
import { ValidationError, explainError, isNetlinkError } from '../../netlink/errors.js';
import { writeView, readView } from '../../netlink/fields.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import { type OperationOptions, withSocket } from '../options.js';
import { AF, RTM } from '../../rtnetlink/constants.js';
import { BRIDGE_VLAN_INFO, type BridgePortState, rejectUnknownKeys, validateBoolean, validateLinkRef } from '../../rtnetlink/link/index.js';
import {
  BRIDGE_VLANDB_DUMPF,
  type VlanDbEntry,
  type VlanDbGlobal,
  vlanDbAttrs,
  vlanDbDumpRequest,
  vlanDbEntryAttrs,
  vlanDbGlobalAttrs,
  vlanDbMessage,
} from '../../rtnetlink/vlan/index.js';
import { type LinkRef, linkNames, lookupLink } from '../links/lookup.js';
import { OPERATION_KEYS } from '../links/request.js';
import { vlanRange } from './vlans.js';

/** One run of VLANs of a port with equal flags and options, as the kernel reports it. */
export interface BridgeVlanEntry {
  vid: number;
  /** The last VLAN of the run, when it is longer than one. */
  vidEnd?: number;
  pvid: boolean;
  untagged: boolean;
  /** The VLAN's STP state on the port (per-VLAN STP / MST): `forwarding` unless changed. */
  state?: BridgePortState | number;
  mcastRouter?: number;
  mcastNGroups?: number;
  mcastMaxGroups?: number;
  neighSuppress?: boolean;
  /** The tunnel id (VNI) the VLAN maps to on a vxlan port with vlan_tunnel on. */
  tunnelId?: number;
  /** With `stats: true`. */
  stats?: { rxBytes: bigint; rxPackets: bigint; txBytes: bigint; txPackets: bigint };
}

/** The VLAN entries of one port or bridge, as listBridgeVlanEntries returns them. */
export interface BridgeVlanEntryPort {
  index: number;
  name?: string;
  entries: BridgeVlanEntry[];
}

/** A bridge's global options of a run of VLANs (times in seconds). */
export interface BridgeVlanGlobal {
  vid: number;
  vidEnd?: number;
  mcastSnooping?: boolean;
  mcastQuerier?: boolean;
  mcastIgmpVersion?: number;
  mcastMldVersion?: number;
  mcastLastMemberCount?: number;
  mcastStartupQueryCount?: number;
  mcastLastMemberInterval?: number;
  mcastMembershipInterval?: number;
  mcastQuerierInterval?: number;
  mcastQueryInterval?: number;
  mcastQueryResponseInterval?: number;
  mcastStartupQueryInterval?: number;
  msti?: number;
  /** The VLAN's multicast router ports: ifindex, and the name when the link is known. */
  routerPorts?: { index: number; name?: string }[];
}

/** The global per-VLAN options of one bridge, as listBridgeVlanGlobalOptions returns them. */
export interface BridgeVlanGlobalBridge {
  index: number;
  name?: string;
  vlans: BridgeVlanGlobal[];
}

/** Options of listBridgeVlanEntries: one port or bridge only, and whether to include counters. */
export interface ListBridgeVlanEntriesOptions extends OperationOptions {
  /** Only this port (or bridge). */
  link?: LinkRef;
  /** Include each run's counters (BRIDGE_VLANDB_DUMPF_STATS; they need the bridge's vlanStatsEnabled). */
  stats?: boolean;
}

/** The options `setBridgeVlanOptions` changes on existing VLANs of a port. */
export interface BridgeVlanOptionsSpec {
  vid: number;
  vidEnd?: number;
  state?: BridgePortState;
  mcastRouter?: number;
  mcastMaxGroups?: number;
  neighSuppress?: boolean;
}

/** The options `setBridgeVlanGlobalOptions` changes (times in seconds). */
export type BridgeVlanGlobalSpec = Omit<BridgeVlanGlobal, 'routerPorts'>;

/** One dump of the VLAN database; `global` asks for the bridges' global options instead of the port entries. */
async function dumpDb(sock: RtnlSocket, only: number | undefined, flags: number, operation: string) {
  const msgs = await sock.dumpAll(RTM.GETVLAN, 0, (w) => vlanDbDumpRequest.encode(w, { header: { family: AF.BRIDGE, reserved1: 0, reserved2: 0, ifindex: only ?? 0 }, attrs: flags ? { flags } : {} }), {
    operation,
    attrs: vlanDbDumpRequest.attrs,
  });
  const names = await linkNames(sock, operation);
  const out: { index: number; name?: string; entry: VlanDbEntry[]; globalOptions: VlanDbGlobal[] }[] = [];
  for (const m of msgs) {
    if (m.type !== RTM.NEWVLAN) continue;
    const { header, attrs } = vlanDbMessage.decode(m.bytes);
    if (header.family !== AF.BRIDGE || (only !== undefined && header.ifindex !== only)) continue;
    const name = names.get(header.ifindex);
    out.push({ index: header.ifindex, ...(name === undefined ? {} : { name }), entry: attrs.entry ?? [], globalOptions: attrs.globalOptions ?? [] });
  }
  return { devices: out, names };
}

/** EOPNOTSUPP / EINVAL of a kernel without the VLAN database or VLAN filtering, said plainly. */
function explainDb(e: unknown, what: string): unknown {
  if (isNetlinkError(e, 'EOPNOTSUPP')) return explainError(e, '', `${what}: this kernel has no bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING) or no VLAN database (Linux 5.8+)`);
  return e;
}

function entryOf(e: VlanDbEntry): BridgeVlanEntry | undefined {
  if (!e.info) return undefined;
  const v: BridgeVlanEntry = { vid: e.info.vid, pvid: (e.info.flags & BRIDGE_VLAN_INFO.PVID) !== 0, untagged: (e.info.flags & BRIDGE_VLAN_INFO.UNTAGGED) !== 0 };
  if (e.range !== undefined && e.range !== e.info.vid) v.vidEnd = e.range;
  Object.assign(v, readView(vlanDbEntryAttrs, e));
  if (e.tunnelInfo?.id !== undefined) v.tunnelId = e.tunnelInfo.id;
  if (e.stats) v.stats = { rxBytes: e.stats.rxBytes ?? 0n, rxPackets: e.stats.rxPackets ?? 0n, txBytes: e.stats.txBytes ?? 0n, txPackets: e.stats.txPackets ?? 0n };
  return v;
}

function globalOf(g: VlanDbGlobal, names: Map<number, string>): BridgeVlanGlobal | undefined {
  if (g.id === undefined) return undefined;
  const v = { vid: g.id, ...(g.range !== undefined && g.range !== g.id ? { vidEnd: g.range } : {}), ...readView(vlanDbGlobalAttrs, g) } as BridgeVlanGlobal;
  const ports = g.mcastRouterPorts?.router?.port;
  if (ports?.length) v.routerPorts = ports.map((p) => ({ index: p.ifindex, ...(names.has(p.ifindex) ? { name: names.get(p.ifindex) as string } : {}) }));
  return v;
}

/**
 * The VLAN entries of every bridge port (and bridge) of a namespace, with
 * their options, as `bridge -d vlan show` lists them: an RTM_GETVLAN dump.
 * Runs of VLANs with equal flags and options come as one entry (`vid` …
 * `vidEnd`), as the kernel compresses them.
 */
export async function listBridgeVlanEntries(opts: ListBridgeVlanEntriesOptions = {}): Promise<BridgeVlanEntryPort[]> {
  rejectUnknownKeys(opts, [...OPERATION_KEYS, 'link', 'stats'], '');
  if (opts.link !== undefined) validateLinkRef(opts.link, 'link');
  const stats = opts.stats === undefined ? false : validateBoolean(opts.stats, 'stats');
  return withSocket(opts, async (sock) => {
    const only = opts.link === undefined ? undefined : lookupLink(sock, opts.link, 'listBridgeVlanEntries', { field: 'link', stats: false }).index;
    const { devices } = await dumpDb(sock, only, stats ? BRIDGE_VLANDB_DUMPF.STATS : 0, 'listBridgeVlanEntries').catch((e: unknown) => {
      throw explainDb(e, 'listBridgeVlanEntries');
    });
    return devices
      .map((p) => ({ index: p.index, ...(p.name === undefined ? {} : { name: p.name }), entries: p.entry.map(entryOf).filter((x): x is BridgeVlanEntry => x !== undefined) }))
      .filter((p) => p.entries.length);
  });
}

/** The global per-VLAN options of every bridge (or of `bridge`), as `bridge vlan global show`. */
export async function listBridgeVlanGlobalOptions(opts: OperationOptions & { bridge?: LinkRef } = {}): Promise<BridgeVlanGlobalBridge[]> {
  rejectUnknownKeys(opts, [...OPERATION_KEYS, 'bridge'], '');
  if (opts.bridge !== undefined) validateLinkRef(opts.bridge, 'bridge');
  return withSocket(opts, async (sock) => {
    const only = opts.bridge === undefined ? undefined : lookupLink(sock, opts.bridge, 'listBridgeVlanGlobalOptions', { field: 'bridge', stats: false }).index;
    const { devices, names } = await dumpDb(sock, only, BRIDGE_VLANDB_DUMPF.GLOBAL, 'listBridgeVlanGlobalOptions').catch((e: unknown) => {
      throw explainDb(e, 'listBridgeVlanGlobalOptions');
    });
    return devices
      .map((b) => ({ index: b.index, ...(b.name === undefined ? {} : { name: b.name }), vlans: b.globalOptions.map((g) => globalOf(g, names)).filter((x): x is BridgeVlanGlobal => x !== undefined) }))
      .filter((b) => b.vlans.length);
  });
}

/** One RTM_NEWVLAN about `link`, carrying `attrs`. */
async function change(link: LinkRef, attrs: object, opts: OperationOptions, operation: string): Promise<void> {
  validateLinkRef(link, 'link');
  rejectUnknownKeys(opts, OPERATION_KEYS, '');
  await withSocket(opts, async (sock) => {
    const index = lookupLink(sock, link, operation, { field: 'link', stats: false }).index;
    try {
      await sock.request(RTM.NEWVLAN, 0, (w) => vlanDbMessage.encode(w, { header: { family: AF.BRIDGE, reserved1: 0, reserved2: 0, ifindex: index }, attrs: attrs as never }), { operation, attrs: vlanDbAttrs });
    } catch (e) {
      throw explainDb(e, operation);
    }
  });
}

const OPTION_KEYS = ['vid', 'vidEnd', 'state', 'mcastRouter', 'mcastMaxGroups', 'neighSuppress'] as const;

/**
 * Changes options of existing VLANs of a port (or of the bridge itself),
 * as `bridge vlan set dev LINK vid N[-M] state S mcast_router R …`: one
 * RTM_NEWVLAN whose entry has BRIDGE_VLAN_INFO_ONLY_OPTS (the VLANs are not
 * added). A VLAN the port does not have is the kernel's EINVAL.
 */
export async function setBridgeVlanOptions(link: LinkRef, spec: BridgeVlanOptionsSpec, opts: OperationOptions = {}): Promise<void> {
  if (!spec || typeof spec !== 'object') throw new ValidationError('options', 'expected { vid, vidEnd?, state?, mcastRouter?, mcastMaxGroups?, neighSuppress? }');
  rejectUnknownKeys(spec, OPTION_KEYS, '');
  const [first, last] = vlanRange(spec, '');
  const { vid: _v, vidEnd: _e, ...rest } = spec;
  const data = writeView(vlanDbEntryAttrs, rest, '');
  if (!Object.keys(data).length) throw new ValidationError('options', 'nothing to change: give state, mcastRouter, mcastMaxGroups or neighSuppress');
  const entry = { info: { flags: BRIDGE_VLAN_INFO.ONLY_OPTS, vid: first }, ...(last !== first ? { range: last } : {}), ...data };
  await change(link, { entry: [entry] }, opts, 'setBridgeVlanOptions');
}

/**
 * Changes a bridge's global options of a VLAN (or a range), as `bridge
 * vlan global set dev BRIDGE vid N[-M] mcast_snooping 1 …`: one RTM_NEWVLAN
 * with a BRIDGE_VLANDB_GLOBAL_OPTIONS nest. Per-VLAN multicast options
 * take effect with the bridge's `multicastVlanSnooping` on; `msti` with
 * `mstEnabled`.
 */
export async function setBridgeVlanGlobalOptions(bridge: LinkRef, spec: BridgeVlanGlobalSpec, opts: OperationOptions = {}): Promise<void> {
  if (!spec || typeof spec !== 'object') throw new ValidationError('options', 'expected { vid, vidEnd?, mcastSnooping?, mcastQuerier?, … }');
  const [first, last] = vlanRange(spec, '');
  const { vid: _v, vidEnd: _e, ...rest } = spec;
  const data = writeView(vlanDbGlobalAttrs, rest as Record<string, unknown>, '');
  if (!Object.keys(data).length) throw new ValidationError('options', 'nothing to change: give at least one global option');
  const g = { id: first, ...(last !== first ? { range: last } : {}), ...data };
  await change(bridge, { globalOptions: [g] }, opts, 'setBridgeVlanGlobalOptions');
}
