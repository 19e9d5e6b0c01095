/**
 * The friendly view of a link message: plain data with names, booleans and
 * units a newcomer expects, while `attrs` keeps every decoded attribute
 * (unknown ones included, so nothing the kernel said is lost).
 */
import { AF } from '../constants.js';
import { withToJSON } from '../../netlink/json-safe.js';
import { KIND_DEFS, type LinkAttrs } from './attrs.js';
import { ARPHRD_NAMES, type IfInfoMsg, IFF, LINK_MODES, type LinkMode, OPER_STATES, type OperState, flagNames } from './header.js';
import type { LinkStats64 } from './stats.js';
import { type BridgePortAttrs, type BridgePortInfo, bridgePortInfo } from './kinds/bridge-port.js';
import type { LinkInfo, LinkKindDef, LinkKindInfo } from './kinds/index.js';

/** A network device as `getLink` and `listLinks` return it: the friendly view of one RTM_NEWLINK message. */
export interface Link {
  /** ifindex, unique inside the link's namespace. */
  index: number;
  name: string;
  /** IFLA_INFO_KIND ("veth", "bridge", "tun" …); absent for devices without one (lo, most hardware). */
  kind?: string;
  /** The master's kind when the link is enslaved ("bridge" for a bridge port). */
  slaveKind?: string;
  /** Interface flags by name (IFF_*), e.g. ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"]. */
  flags: string[];
  /** IFF_UP: administratively up. */
  up: boolean;
  mtu: number;
  minMtu?: number;
  maxMtu?: number;
  /** Hardware address, `aa:bb:cc:dd:ee:ff`. */
  address?: string;
  broadcast?: string;
  permAddress?: string;
  /** ARPHRD_* hardware type and its name (`ether`, `loopback`, `none` …). */
  type: number;
  linkType: string;
  /** ifindex of the master (bridge) device. */
  master?: number;
  /** IFLA_LINK: the parent, or a veth's peer (in `linkNetnsId`'s namespace when that is set). */
  link?: number;
  /** Namespace id of the namespace `link` lives in, when it is another one. */
  linkNetnsId?: number;
  /**
   * The id of the namespace the link was read from, as the asking
   * namespace numbers it: on links read with `targetNetnsId` (the kernel
   * echoes IFLA_TARGET_NETNSID). Absent for links of the caller's namespace.
   */
  netnsId?: number;
  operState: OperState;
  linkMode?: LinkMode;
  group: number;
  txQueueLen?: number;
  qdisc?: string;
  alias?: string;
  altNames: string[];
  carrier?: boolean;
  carrierChanges?: number;
  promiscuity?: number;
  allmulti?: number;
  numTxQueues?: number;
  numRxQueues?: number;
  /** IFLA_STATS64 counters (bigint). */
  stats?: LinkStats64;
  /** Kind-specific data for veth, bridge, tun, vxlan, ifb. Other kinds: see `attrs.linkinfo`. */
  info?: LinkKindInfo;
  /** Bridge port options and state, when the link is a bridge port. */
  portInfo?: BridgePortInfo;
  /** The ifinfomsg header as received. */
  header: IfInfoMsg;
  /** Every attribute as decoded, unknown ones included. */
  attrs: LinkAttrs;
}

/** The registry's definition of `kind`, if it models it. */
export function kindDef(kind: string | undefined): LinkKindDef | undefined {
  return kind !== undefined && Object.hasOwn(KIND_DEFS, kind) ? KIND_DEFS[kind] : undefined;
}

/** `Link.info` from a link's decoded attributes (exported for the lazy view in read.ts). */
export function kindInfo(index: number, attrs: LinkAttrs, li: LinkInfo | undefined): LinkKindInfo | undefined {
  const def = kindDef(li?.kind);
  if (!def) return undefined;
  const data = li?.data instanceof Uint8Array ? undefined : li?.data;
  return def.info(data, { index, link: attrs.link, linkNetnsid: attrs.linkNetnsid }) as LinkKindInfo;
}

/** Builds the friendly `Link` from a decoded link message. */
export function toLink(msg: { header: IfInfoMsg; attrs: LinkAttrs }): Link {
  const { header, attrs } = msg;
  const li = attrs.linkinfo;
  const link: Link = {
    index: header.index,
    name: attrs.ifname ?? '',
    flags: flagNames(header.flags),
    up: (header.flags & IFF.UP) !== 0,
    mtu: attrs.mtu ?? 0,
    type: header.type,
    linkType: ARPHRD_NAMES[header.type] ?? `[${header.type}]`,
    operState: OPER_STATES[attrs.operstate ?? 0] ?? 'UNKNOWN',
    group: attrs.group ?? 0,
    altNames: attrs.propList?.altIfname ?? [],
    header,
    attrs,
  };
  if (li?.kind !== undefined) link.kind = li.kind;
  if (li?.slaveKind !== undefined) link.slaveKind = li.slaveKind;
  if (attrs.minMtu !== undefined) link.minMtu = attrs.minMtu;
  if (attrs.maxMtu !== undefined) link.maxMtu = attrs.maxMtu;
  if (attrs.address !== undefined) link.address = attrs.address;
  if (attrs.broadcast !== undefined) link.broadcast = attrs.broadcast;
  if (attrs.permAddress !== undefined) link.permAddress = attrs.permAddress;
  if (attrs.master !== undefined && attrs.master !== 0) link.master = attrs.master;
  if (attrs.link !== undefined) link.link = attrs.link;
  if (attrs.linkNetnsid !== undefined) link.linkNetnsId = attrs.linkNetnsid;
  if (attrs.targetNetnsid !== undefined) link.netnsId = attrs.targetNetnsid;
  if (attrs.linkmode !== undefined) link.linkMode = LINK_MODES[attrs.linkmode] ?? 'DEFAULT';
  if (attrs.txqlen !== undefined) link.txQueueLen = attrs.txqlen;
  if (attrs.qdisc !== undefined) link.qdisc = attrs.qdisc;
  if (attrs.ifalias !== undefined) link.alias = attrs.ifalias;
  if (attrs.carrier !== undefined) link.carrier = attrs.carrier !== 0;
  if (attrs.carrierChanges !== undefined) link.carrierChanges = attrs.carrierChanges;
  if (attrs.promiscuity !== undefined) link.promiscuity = attrs.promiscuity;
  if (attrs.allmulti !== undefined) link.allmulti = attrs.allmulti;
  if (attrs.numTxQueues !== undefined) link.numTxQueues = attrs.numTxQueues;
  if (attrs.numRxQueues !== undefined) link.numRxQueues = attrs.numRxQueues;
  if (attrs.stats64 !== undefined) link.stats = attrs.stats64;
  const info = kindInfo(header.index, attrs, li);
  if (info) link.info = info;
  const port = portInfo(header.family, attrs);
  if (port) link.portInfo = port;
  return withToJSON(link);
}

/** `Link.portInfo` from a link's decoded attributes, when the link is a bridge port. */
export function portInfo(family: number, attrs: LinkAttrs): BridgePortInfo | undefined {
  // A bridge port's options come as linkinfo slave data in AF_UNSPEC
  // messages and as IFLA_PROTINFO in AF_BRIDGE ones.
  const li = attrs.linkinfo;
  const sd = li?.slaveKind === 'bridge' && !(li.slaveData instanceof Uint8Array) ? li.slaveData : undefined;
  const pi = family === AF.BRIDGE && attrs.protinfo && !(attrs.protinfo instanceof Uint8Array) ? (attrs.protinfo as BridgePortAttrs) : undefined;
  const data = sd ?? pi;
  return data ? bridgePortInfo(data as BridgePortAttrs) : undefined;
}
