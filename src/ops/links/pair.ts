/**
 * Paired devices — veth and netkit — created with ONE RTM_NEWLINK: both
 * ends, the peer possibly born inside another namespace. Both kinds carry
 * the peer as a whole ifinfomsg + link attributes inside their data
 * (VETH_INFO_PEER, IFLA_NETKIT_PEER_INFO) and name it afterwards through
 * IFLA_LINK / IFLA_LINK_NETNSID.
 */
import { NLM_F } from '../../netlink/constants.js';
import { NetlinkError, TimeoutError, ValidationError, explainError, isNetlinkError, withUndoFailures } from '../../netlink/errors.js';
import { type NetnsHandle, type NetnsRef, netnsPath } from '../../netlink/netns.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import { type OperationOptions, withSocket } from '../options.js';
import { RTM } from '../../rtnetlink/constants.js';
import {
  type LinkInfo,
  type LinkPeer,
  type Link,
  linkAttrs,
  linkMessage,
  readLinkAt,
  rejectUnknownKeys,
  validateBoolean,
  validateLinkRef,
} from '../../rtnetlink/link/index.js';
import { type LinkRef, fetchLink, lookupLink, resolveIndex } from './lookup.js';
import { type CreateEndOptions, END_KEYS, NO_HEADER, applyBridgePort, bridgePortData, explainMaster, endAttrs, flagChange, header, netnsAttr, sendLink } from './request.js';
import { undoCreate, undoLostCreate } from './rollback.js';

/** The peer end of a veth pair: its name, namespace and settings, sent inside VETH_INFO_PEER. */
export interface VethPeerOptions {
  name: string;
  /** Create the peer directly inside this namespace (IFLA_NET_NS_FD inside VETH_INFO_PEER). */
  netns?: NetnsRef;
  address?: string;
  mtu?: number;
  /**
   * Bring the peer up. A second request: in the creating request the kernel
   * would try to open the peer before the pair is linked, and veth_open()
   * answers ENOTCONN then.
   */
  up?: boolean;
  group?: number;
  txQueueLen?: number;
}

/** Options of createVethPair: the first end (as every create call takes it) and its `peer`. */
export interface CreateVethPairOptions extends CreateEndOptions {
  peer: VethPeerOptions;
}

const PAIR_KEYS = [...END_KEYS, 'peer'] as const;
const PEER_KEYS = ['name', 'netns', 'address', 'mtu', 'up', 'group', 'txQueueLen'] as const;

/** What makes one paired kind: its name, its extra option keys, and its IFLA_INFO_DATA around the peer message. */
export interface PairKind {
  kind: 'veth' | 'netkit';
  operation: string;
  /** The data row holding the peer message, for error paths (`linkinfo.data.<row>.ifname`). */
  peerRow: string;
  keys?: readonly string[];
  peerKeys?: readonly string[];
  /** IFLA_INFO_DATA with the peer message in it; validates the kind's own options (before any request). */
  data(peer: LinkPeer): Record<string, unknown>;
}

/**
 * Both ends of a pair as read back, and where each lives: `netns` and
 * `peerNetns` are the namespaces the call was given (undefined: the
 * caller's own), since a Link carries no namespace of its own.
 */
export interface CreatedPair {
  link: Link;
  peer: Link;
  netns?: NetnsRef;
  peerNetns?: NetnsRef;
}

/**
 * Creates a veth pair with ONE RTM_NEWLINK: both ends, the peer possibly
 * inside another namespace, the master and the up state of the first end
 * included. Returns both ends as the kernel reports them afterwards (the
 * peer read from its own namespace: veth never reports its peer's details).
 * If a later step fails (bringing the peer up, reading the ends back) the
 * pair is deleted and the original error is thrown.
 */
export function createVethPair(opts: CreateVethPairOptions): Promise<CreatedPair> {
  return createPair(opts, { kind: 'veth', operation: 'createVethPair', peerRow: 'peer', data: (peer) => ({ peer }) });
}

/** Both ends of a paired kind in one request, read back; rolled back when a later step fails. */
export async function createPair(opts: CreateVethPairOptions, pk: PairKind): Promise<CreatedPair> {
  if (!opts || typeof opts !== 'object') throw new ValidationError('options', 'expected an options object');
  rejectUnknownKeys(opts, [...PAIR_KEYS, ...(pk.keys ?? [])], '');
  if (!opts.peer || typeof opts.peer !== 'object') throw new ValidationError('peer', 'expected { name, netns?, address?, mtu? }');
  rejectUnknownKeys(opts.peer, [...PEER_KEYS, ...(pk.peerKeys ?? [])], 'peer');
  const attrs = endAttrs(opts, '');
  const peerAttrs = endAttrs(opts.peer, 'peer.');
  if (opts.peer.netns !== undefined) netnsPath(opts.peer.netns, 'peer.netns');
  // A name template (`veth%d`) on both ends is fine: the kernel numbers them apart.
  if (opts.peer.netns === undefined && attrs.ifname === peerAttrs.ifname && !String(attrs.ifname).includes('%')) {
    throw new ValidationError('peer.name', `both ends would be called ${JSON.stringify(attrs.ifname)} in the same namespace`);
  }
  if (opts.master !== undefined) validateLinkRef(opts.master, 'master');
  const up = opts.up === undefined ? undefined : validateBoolean(opts.up, 'up');
  const peerUp = opts.peer.up === undefined ? undefined : validateBoolean(opts.peer.up, 'peer.up');
  const { operation } = pk;
  const flags = flagChange(opts);
  const bridgePort = bridgePortData(opts);
  const peerMsg: LinkPeer = { header: NO_HEADER, attrs: peerAttrs };
  const linkinfo = { kind: pk.kind, data: pk.data(peerMsg) } as LinkInfo;

  return withSocket(opts, async (sock) => {
    // The peer's namespace is opened before any request, so a missing one
    // is a ValidationError that no request precedes.
    let peerNs: NetnsHandle | undefined;
    if (opts.peer.netns !== undefined) {
      const ns = netnsAttr(sock, opts.peer.netns, 'peer.netns');
      Object.assign(peerAttrs, ns.attrs);
      peerNs = ns.handle;
    }
    let echoed: Link | undefined;
    try {
      if (opts.master !== undefined) attrs.master = await resolveIndex(sock, opts.master, operation, 'master');
      attrs.linkinfo = linkinfo;
      const msg = { header: header(0, up, flags), attrs };
      try {
        // NLM_F_ECHO: the kernel sends the new link back (6.x honours ECHO on
        // newlink), which tells us its ifindex and, in IFLA_LINK, the peer's.
        sock.requestRead(RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL | NLM_F.ECHO, (w) => linkMessage.encode(w, msg), { operation, attrs: linkAttrs }, (buf, view, off, h) => {
          if (h.type !== RTM.NEWLINK || echoed) return;
          try {
            echoed = readLinkAt(buf, view, off, h.len);
          } catch {
            // An echo we cannot read: the link is read back below instead.
          }
        });
      } catch (e) {
        if (isNetlinkError(e, 'EEXIST')) throw await explainExists(sock, e, opts, pk);
        // Deleting the first end deletes its peer too, wherever it is.
        if (e instanceof TimeoutError) throw withUndoFailures(e, await undoLostCreate(sock, attrs.ifname as string, pk.kind, operation));
        if (opts.master !== undefined) throw explainMaster(e);
        throw e;
      }
    } finally {
      peerNs?.close();
    }
    let first = echoed;
    try {
      first ??= lookupLink(sock, attrs.ifname as string, operation, { field: 'ifname' });
      const firstLink = first;
      if (bridgePort) await applyBridgePort(sock, firstLink.index, bridgePort, operation);
      return await inPeerNetns(sock, opts, async (peerSock) => {
        let peer = fetchPeer(peerSock, firstLink.link ?? opts.peer.name, opts.peer.name, operation);
        if (peerUp !== undefined) {
          await sendLink(peerSock, RTM.NEWLINK, 0, header(peer.index, peerUp), {}, operation);
          peer = lookupLink(peerSock, peer.index, operation, { field: 'peer' });
        }
        // The echo is the new link as rtnl_configure_link() announced it
        // (its header's ifi_change is ~0: everything is new). Read it again
        // when something changes it after the echo: rtnl_newlink_create()
        // applies IFLA_MASTER later, and an end brought up gets its carrier
        // and operational state from linkwatch, asynchronously (the echo of
        // an up link says RUNNING and UNKNOWN for a moment).
        const stale = (echoed !== undefined && opts.master !== undefined) || up === true || peerUp !== undefined || bridgePort !== undefined;
        const link = stale ? lookupLink(sock, firstLink.index, operation, { field: 'ifname' }) : firstLink;
        const out: CreatedPair = { link, peer };
        if (opts.netns !== undefined) out.netns = opts.netns;
        const peerNetns = opts.peer.netns ?? opts.netns;
        if (peerNetns !== undefined) out.peerNetns = peerNetns;
        return out;
      });
    } catch (e) {
      throw withUndoFailures(e, await undoCreate(sock, first?.index ?? (attrs.ifname as string), operation));
    }
  });
}

/** Runs `fn` with a socket in the peer's namespace: the call's own socket when the peer stays beside the first end. */
function inPeerNetns<T>(sock: RtnlSocket, opts: CreateVethPairOptions, fn: (s: RtnlSocket) => Promise<T>): Promise<T> {
  if (opts.peer.netns === undefined) return fn(sock);
  const o: OperationOptions = { netns: opts.peer.netns };
  if (opts.timeout !== undefined) o.timeout = opts.timeout;
  return withSocket(o, fn);
}

/**
 * The peer by the index the echo gave, checked against the name we gave it
 * (an index read across namespaces could name another link) — or, for a
 * name template (`veth%d`, as `ip link add v0 type veth` leaves it to the
 * kernel), against the names the template makes; by name if the index does
 * not lead to it.
 */
function fetchPeer(sock: RtnlSocket, ref: LinkRef, name: string, operation: string): Link {
  if (typeof ref === 'number') {
    let byIndex: Link | undefined;
    try {
      byIndex = lookupLink(sock, ref, operation, { field: 'peer' });
    } catch (e) {
      if (!isNetlinkError(e, 'ENODEV')) throw e;
    }
    if (byIndex && namedAs(byIndex.name, name)) return byIndex;
  }
  if (name.includes('%')) throw new Error(`${operation}: the peer the kernel named from ${JSON.stringify(name)} was not found by its index`);
  return lookupLink(sock, name, operation, { field: 'peer' });
}

/** Whether a link's name is `name`, or one the kernel made from the template `name` (dev_alloc_name: one %d, a number). */
function namedAs(actual: string, name: string): boolean {
  if (!name.includes('%')) return actual === name;
  const [head, tail] = name.split('%d') as [string, string?];
  return tail !== undefined && actual.length > head.length + tail.length && actual.startsWith(head) && actual.endsWith(tail) && /^\d+$/.test(actual.slice(head.length, actual.length - tail.length));
}

/**
 * The kernel answers EEXIST for either name without saying which; look both
 * up and name the one that exists.
 */
async function explainExists(sock: RtnlSocket, e: NetlinkError, opts: CreateVethPairOptions, pk: PairKind): Promise<unknown> {
  // The peer can only be brought up by a second request (see
  // VethPeerOptions.up): a creator stopped between the two — killed, say —
  // leaves the pair with its peer down. Say so when that is what is there.
  const halfMade = async (first: Link): Promise<string> => {
    if (first.kind !== pk.kind || opts.peer.up !== true || typeof first.link !== 'number') return '';
    const peer = await inPeerNetns(sock, opts, (s) => find(s, opts.peer.name)).catch(() => undefined);
    if (!peer || peer.up || (opts.peer.netns === undefined && peer.index !== first.link)) return '';
    return ` as a ${pk.kind} pair with ${JSON.stringify(opts.peer.name)}, whose peer is down although this call asks for it up: what a ${pk.operation} stopped between its two requests (creating the pair, then bringing the peer up) leaves behind. Delete ${JSON.stringify(opts.name)} (its peer goes with it) and create the pair again`;
  };
  const find = (s: RtnlSocket, name: string) => fetchLink(s, name, pk.operation, { field: 'ifname' }).then((l) => l, () => undefined);
  const exists = async (s: RtnlSocket, name: string) => (await find(s, name)) !== undefined;
  const first = await find(sock, opts.name);
  if (first) return explainError(e, 'ifname', `a link named ${JSON.stringify(opts.name)} already exists${await halfMade(first)}`);
  let peerExists = false;
  try {
    peerExists = await inPeerNetns(sock, opts, (s) => exists(s, opts.peer.name));
  } catch {
    // cannot look: leave the error as the kernel gave it
  }
  if (peerExists) {
    const where = opts.peer.netns === undefined ? '' : ` in the peer's namespace ${typeof opts.peer.netns === 'string' ? JSON.stringify(opts.peer.netns) : ''}`.trimEnd();
    return explainError(e, `linkinfo.data.${pk.peerRow}.ifname`, `a link named ${JSON.stringify(opts.peer.name)} already exists${where} (peer.name)`);
  }
  return e;
}
