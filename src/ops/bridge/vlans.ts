/**
 * Bridge VLAN filtering: the VLANs of bridge ports and of the bridge
 * itself, and VLAN-to-tunnel-id mappings of vxlan ports — what `bridge vlan
 * add|del|show` and `bridge vlan add … tunnel_info id N` do.
 *
 * Kernel facts (br_netlink.c, br_vlan.c): a VLAN is added with an
 * RTM_SETLINK and removed with an RTM_DELLINK of family AF_BRIDGE whose
 * IFLA_AF_SPEC lists IFLA_BRIDGE_VLAN_INFO { flags, vid } entries (a range
 * is a RANGE_BEGIN entry and a RANGE_END entry); IFLA_BRIDGE_FLAGS SELF
 * makes the request about the bridge device's own VLANs (a bridge is not a
 * port of itself), the default is the port (MASTER). Reading them is a
 * GETLINK dump of family AF_BRIDGE with IFLA_EXT_MASK RTEXT_FILTER_BRVLAN:
 * one message per port (and per bridge) listing each VLAN. Filtering must
 * be on (`createBridge(…, { vlanFiltering: true })`) for VLANs to filter;
 * a kernel without CONFIG_BRIDGE_VLAN_FILTERING answers EOPNOTSUPP.
 */
import { ValidationError, explainError, isNetlinkError } from '../../netlink/errors.js';
import { formatValue } from '../../netlink/format-value.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import { type OperationOptions, withSocket } from '../options.js';
import { AF, RTM } from '../../rtnetlink/constants.js';
import {
  BRIDGE_FLAGS,
  BRIDGE_VLAN_INFO,
  type BridgeAfSpec,
  RTEXT_FILTER,
  bridgeAfSpecOf,
  linkMessage,
  readLinkAt,
  rejectUnknownKeys,
  validateBoolean,
  validateLinkRef,
} from '../../rtnetlink/link/index.js';
import { type LinkRef, lookupLink } from '../links/lookup.js';
import { OPERATION_KEYS } from '../links/request.js';

/** One VLAN of a port or bridge. */
export interface BridgeVlan {
  vid: number;
  /** Untagged frames that enter the port are put in this VLAN. */
  pvid: boolean;
  /** Frames of this VLAN leave the port untagged. */
  untagged: boolean;
}

/** A VLAN's mapping to a tunnel id (a vxlan port's VNI). */
export interface BridgeVlanTunnel {
  vid: number;
  tunnelId: number;
}

/** The VLANs of one port, or of the bridge itself (`self`). */
export interface BridgeVlanPort {
  index: number;
  name: string;
  /** The bridge's own entry (the device is the bridge, not a port). */
  self: boolean;
  vlans: BridgeVlan[];
  tunnels: BridgeVlanTunnel[];
}

/** A VLAN or range that addBridgeVlan adds (with its PVID and untagged flags) or deleteBridgeVlan removes. */
export interface BridgeVlanSpec {
  /** The VLAN id, 1–4094. */
  vid: number;
  /** The last id of a range vid..vidEnd (inclusive). */
  vidEnd?: number;
  pvid?: boolean;
  untagged?: boolean;
}

/** A VLAN or range and the tunnel id it maps to, for addBridgeVlanTunnel and deleteBridgeVlanTunnel. */
export interface BridgeVlanTunnelSpec {
  vid: number;
  vidEnd?: number;
  /** The tunnel id of `vid`; a range maps vid+i to tunnelId+i. */
  tunnelId: number;
}

const SPEC_KEYS = ['vid', 'vidEnd', 'pvid', 'untagged'] as const;
const TUNNEL_KEYS = ['vid', 'vidEnd', 'tunnelId'] as const;

function vid(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 4094) throw new ValidationError(field, `expected a VLAN id 1..4094, got ${formatValue(v)}`);
  return v;
}

/** A VLAN id or range `{ vid, vidEnd? }`, checked (1–4094, end not below start). */
export function vlanRange(spec: { vid: unknown; vidEnd?: unknown }, prefix: string): [number, number] {
  const first = vid(spec.vid, `${prefix}vid`);
  const last = spec.vidEnd === undefined ? first : vid(spec.vidEnd, `${prefix}vidEnd`);
  if (last < first) throw new ValidationError(`${prefix}vidEnd`, `must not be below vid (${first}), got ${last}`);
  return [first, last];
}

/** VLAN specs → IFLA_BRIDGE_VLAN_INFO entries, a range as a RANGE_BEGIN / RANGE_END pair. */
function vlanInfos(specs: BridgeVlanSpec[], withFlags: boolean): { flags: number; vid: number }[] {
  const out: { flags: number; vid: number }[] = [];
  specs.forEach((s, i) => {
    const prefix = specs.length > 1 ? `vlans[${i}].` : '';
    if (!s || typeof s !== 'object') throw new ValidationError(prefix || 'vlan', `expected { vid, vidEnd?, pvid?, untagged? }, got ${formatValue(s)}`);
    rejectUnknownKeys(s, withFlags ? SPEC_KEYS : ['vid', 'vidEnd'], prefix.replace(/\.$/, ''));
    const [first, last] = vlanRange(s, prefix);
    let flags = 0;
    if (withFlags && s.pvid !== undefined && validateBoolean(s.pvid, `${prefix}pvid`)) flags |= BRIDGE_VLAN_INFO.PVID;
    if (withFlags && s.untagged !== undefined && validateBoolean(s.untagged, `${prefix}untagged`)) flags |= BRIDGE_VLAN_INFO.UNTAGGED;
    if (flags & BRIDGE_VLAN_INFO.PVID && first !== last) throw new ValidationError(`${prefix}pvid`, 'a range cannot be the PVID (one VLAN is)');
    if (first === last) out.push({ flags, vid: first });
    else out.push({ flags: flags | BRIDGE_VLAN_INFO.RANGE_BEGIN, vid: first }, { flags: flags | BRIDGE_VLAN_INFO.RANGE_END, vid: last });
  });
  return out;
}

/** One AF_BRIDGE SETLINK / DELLINK about `link`'s VLANs: for the bridge itself when it is one (BRIDGE_FLAGS_SELF). */
async function vlanRequest(type: number, link: LinkRef, afSpec: BridgeAfSpec, opts: OperationOptions, operation: string): Promise<void> {
  validateLinkRef(link, 'link');
  rejectUnknownKeys(opts, OPERATION_KEYS, '');
  await withSocket(opts, async (sock) => {
    const target = lookupLink(sock, link, operation, { field: 'link', stats: false });
    const spec: BridgeAfSpec = target.kind === 'bridge' ? { flags: BRIDGE_FLAGS.SELF, ...afSpec } : afSpec;
    try {
      await sock.request(type, 0, (w) => linkMessage.encode(w, { header: { family: AF.BRIDGE, type: 0, index: target.index, flags: 0, change: 0 }, attrs: { afSpec: spec as never } }), {
        operation,
        attrs: linkMessage.attrs,
      });
    } catch (e) {
      if (isNetlinkError(e, 'EOPNOTSUPP')) {
        throw explainError(e, 'afSpec', target.kind === 'bridge' || target.slaveKind === 'bridge' ? 'this kernel has no bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING)' : `${target.name} is neither a bridge nor a bridge port`);
      }
      throw e;
    }
  });
}

function specList(v: BridgeVlanSpec | BridgeVlanSpec[]): BridgeVlanSpec[] {
  const list = Array.isArray(v) ? v : [v];
  if (!list.length) throw new ValidationError('vlans', 'expected at least one VLAN');
  return list;
}

/**
 * Adds VLANs to a bridge port — or to the bridge itself when `link` is the
 * bridge — as `bridge vlan add dev LINK vid N [pvid] [untagged]` does.
 * Adding an existing VLAN updates its flags.
 */
export async function addBridgeVlan(link: LinkRef, vlans: BridgeVlanSpec | BridgeVlanSpec[], opts: OperationOptions = {}): Promise<void> {
  const vlanInfo = vlanInfos(specList(vlans), true);
  await vlanRequest(RTM.SETLINK, link, { vlanInfo }, opts, 'addBridgeVlan');
}

/** Removes VLANs (ids and ranges) from a bridge port or from the bridge itself. */
export async function deleteBridgeVlan(link: LinkRef, vlans: BridgeVlanSpec | BridgeVlanSpec[], opts: OperationOptions = {}): Promise<void> {
  const vlanInfo = vlanInfos(specList(vlans), false);
  await vlanRequest(RTM.DELLINK, link, { vlanInfo }, opts, 'deleteBridgeVlan');
}

function tunnelInfos(spec: BridgeVlanTunnelSpec): NonNullable<BridgeAfSpec['vlanTunnelInfo']> {
  if (!spec || typeof spec !== 'object') throw new ValidationError('tunnel', `expected { vid, vidEnd?, tunnelId }, got ${formatValue(spec)}`);
  rejectUnknownKeys(spec, TUNNEL_KEYS, '');
  const [first, last] = vlanRange(spec, '');
  const id = spec.tunnelId;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id + (last - first) > 0xffffff) {
    throw new ValidationError('tunnelId', `expected a tunnel id (24-bit VNI) so that the range fits, got ${formatValue(id)}`);
  }
  const entry = (v: number, t: number, flags?: number) => ({ id: t, vid: v, ...(flags ? { flags } : {}) });
  return first === last ? [entry(first, id)] : [entry(first, id, BRIDGE_VLAN_INFO.RANGE_BEGIN), entry(last, id + (last - first), BRIDGE_VLAN_INFO.RANGE_END)];
}

/**
 * Maps a VLAN (or a range) of a port to a tunnel id: on a vxlan port in
 * external (collect_metadata) mode with `bridgePort.vlanTunnel` on, frames
 * of the VLAN leave with that VNI — `bridge vlan add … tunnel_info id N`.
 * The VLAN must exist on the port.
 */
export async function addBridgeVlanTunnel(link: LinkRef, spec: BridgeVlanTunnelSpec, opts: OperationOptions = {}): Promise<void> {
  await vlanRequest(RTM.SETLINK, link, { vlanTunnelInfo: tunnelInfos(spec) }, opts, 'addBridgeVlanTunnel');
}

/** Removes a VLAN-to-tunnel mapping. */
export async function deleteBridgeVlanTunnel(link: LinkRef, spec: BridgeVlanTunnelSpec, opts: OperationOptions = {}): Promise<void> {
  await vlanRequest(RTM.DELLINK, link, { vlanTunnelInfo: tunnelInfos(spec) }, opts, 'deleteBridgeVlanTunnel');
}

/** Options of listBridgeVlans: the socket options, and optionally one port or bridge. */
export interface ListBridgeVlansOptions extends OperationOptions {
  /** Only this port (or bridge). */
  link?: LinkRef;
}

/** The VLANs of every port and bridge of a namespace (`bridge vlan show`), ports without VLANs left out. */
export async function listBridgeVlans(opts: ListBridgeVlansOptions = {}): Promise<BridgeVlanPort[]> {
  rejectUnknownKeys(opts, [...OPERATION_KEYS, 'link'], '');
  if (opts.link !== undefined) validateLinkRef(opts.link, 'link');
  return withSocket(opts, async (sock) => {
    const only = opts.link === undefined ? undefined : lookupLink(sock, opts.link, 'listBridgeVlans', { field: 'link', stats: false }).index;
    return dumpVlans(sock, only);
  });
}

async function dumpVlans(sock: RtnlSocket, only: number | undefined): Promise<BridgeVlanPort[]> {
  const out: BridgeVlanPort[] = [];
  await sock.dumpRead(
    RTM.GETLINK,
    0,
    (w) => linkMessage.encode(w, { header: { family: AF.BRIDGE, type: 0, index: 0, flags: 0, change: 0 }, attrs: { extMask: RTEXT_FILTER.BRVLAN } }),
    { operation: 'listBridgeVlans', attrs: linkMessage.attrs },
    (buf, view, off, h) => {
      if (h.type !== RTM.NEWLINK) return;
      const link = readLinkAt(buf, view, off, h.len, undefined, false);
      if (link.header.family !== AF.BRIDGE || (only !== undefined && link.index !== only)) return;
      const spec = bridgeAfSpecOf(link.attrs);
      if (!spec?.vlanInfo?.length && !spec?.vlanTunnelInfo?.length) return;
      out.push({
        index: link.index,
        name: link.name,
        // A bridge's own entry: br_fill_ifinfo() sends IFLA_PROTINFO (the port's state) for ports
        // only, and AF_BRIDGE messages carry no IFLA_LINKINFO to tell the kind by.
        self: link.attrs.protinfo === undefined,
        vlans: expandVlans(spec.vlanInfo ?? []),
        tunnels: expandTunnels(spec.vlanTunnelInfo ?? []),
      });
    },
  );
  return out;
}

/** Entries → one VLAN each (a compressed range, should a kernel send one, expanded). */
function expandVlans(infos: { flags: number; vid: number }[]): BridgeVlan[] {
  const out: BridgeVlan[] = [];
  let begin: number | undefined;
  for (const i of infos) {
    const one = (v: number) => out.push({ vid: v, pvid: (i.flags & BRIDGE_VLAN_INFO.PVID) !== 0, untagged: (i.flags & BRIDGE_VLAN_INFO.UNTAGGED) !== 0 });
    if (i.flags & BRIDGE_VLAN_INFO.RANGE_BEGIN) begin = i.vid;
    else if (i.flags & BRIDGE_VLAN_INFO.RANGE_END && begin !== undefined) {
      for (let v = begin; v <= i.vid; v++) one(v);
      begin = undefined;
    } else one(i.vid);
  }
  return out;
}

function expandTunnels(infos: NonNullable<BridgeAfSpec['vlanTunnelInfo']>): BridgeVlanTunnel[] {
  const out: BridgeVlanTunnel[] = [];
  let begin: { vid: number; id: number } | undefined;
  for (const t of infos) {
    if (t.vid === undefined || t.id === undefined) continue;
    const flags = t.flags ?? 0;
    if (flags & BRIDGE_VLAN_INFO.RANGE_BEGIN) begin = { vid: t.vid, id: t.id };
    else if (flags & BRIDGE_VLAN_INFO.RANGE_END && begin) {
      for (let v = begin.vid; v <= t.vid; v++) out.push({ vid: v, tunnelId: begin.id + (v - begin.vid) });
      begin = undefined;
    } else out.push({ vid: t.vid, tunnelId: t.id });
  }
  return out;
}
