/**
 * Links: create veth pairs and bridges, read, list, change and delete
 * links. Every call takes OperationOptions: `netns` is always the namespace
 * the call acts in (where the link is, or is created); moving a link
 * elsewhere is `setLink(…, { moveToNetns })`, so the two never mean the
 * same option.
 */
import { NLM_F } from '../../netlink/constants.js';
import { writeView } from '../../netlink/fields.js';
import { NetlinkError, TimeoutError, ValidationError, isNetlinkError } from '../../netlink/errors.js';
import { type NetnsHandle, type NetnsRef, netnsPath, openNetns } from '../../netlink/netns.js';
import type { Message, RtnlSocket } from '../../netlink/socket.js';
import { type OperationOptions, openSocket, withSocket } from '../options.js';
import { AF, RTM } from '../../rtnetlink/constants.js';
import {
  type BridgeOptions,
  bridgeAttrs,
  bridgePortAttrs,
  type BridgePortOptions,
  IFF,
  type IfInfoMsg,
  type Link,
  type LinkAttrs,
  type LinkInfo,
  RTEXT_FILTER,
  linkAttrs,
  linkMessage,
  readLink,
  readLinkAt,
  rejectUnknownKeys,
  validateAlias,
  validateBoolean,
  validateIfname,
  validateLinkRef,
  validateMtu,
  validateU32,
  validateUnicastMac,
} from '../../rtnetlink/link/index.js';

export type {
  Link,
  BridgeOptions,
  LinkKindInfo,
  BridgeInfo,
  BridgePortInfo,
  BridgePortOptions,
  BridgePortState,
  TunInfo,
  VxlanInfo,
  VethInfo,
  IfbInfo,
  OperState,
  LinkMode,
  LinkAttrs,
  LinkStats64,
} from '../../rtnetlink/link/index.js';
export { toLink } from '../../rtnetlink/link/index.js';

/** A link, by name or by ifindex. */
export type LinkRef = string | number;

const NO_HEADER: IfInfoMsg = { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 };
const OPERATION_KEYS = ['netns', 'socket', 'timeout'] as const;

// ---------------------------------------------------------------- helpers

function header(index = 0, up?: boolean): IfInfoMsg {
  if (up === undefined) return { family: AF.UNSPEC, type: 0, index, flags: 0, change: 0 };
  return { family: AF.UNSPEC, type: 0, index, flags: up ? IFF.UP : 0, change: IFF.UP };
}

/** Where a request addresses a link: the ifindex in the header, or IFLA_IFNAME. */
function target(ref: LinkRef): { index: number; attrs: LinkAttrs } {
  return typeof ref === 'number' ? { index: ref, attrs: {} } : { index: 0, attrs: { ifname: ref } };
}

function describe(ref: LinkRef): string {
  return typeof ref === 'number' ? `ifindex ${ref}` : JSON.stringify(ref);
}

/**
 * The same kernel error, with the attribute path and an explanation that
 * the kernel did not give (most link errors come without extended ACK).
 * `kernelMessage` stays what the kernel sent.
 */
function explain(e: unknown, attrPath: string | undefined, text: string): unknown {
  if (!isNetlinkError(e)) return e;
  const init: ConstructorParameters<typeof NetlinkError>[0] = { errno: e.errno, code: e.code, operation: e.operation, extack: e.extack };
  if (e.seq !== undefined) init.seq = e.seq;
  const path = e.attrPath ?? attrPath;
  if (path !== undefined) init.attrPath = path;
  if (e.missingAttr !== undefined) init.missingAttr = e.missingAttr;
  const out = new NetlinkError(init);
  out.message = `${out.message}: ${text}`;
  return out;
}

/**
 * One RTM_GETLINK by name or ifindex. Sent without NLM_F_ACK: the kernel
 * answers a GETLINK with the link or with an error, so an ACK would only
 * cost a second datagram. `stats: false`: see GetLinkOptions.
 */
function fetchLinkSync(sock: RtnlSocket, ref: LinkRef, operation: string, field: string, stats = true): Link {
  const attrs: LinkAttrs = typeof ref === 'number' ? {} : { ifname: ref };
  if (!stats) attrs.extMask = RTEXT_FILTER.SKIP_STATS;
  const msg = { header: header(typeof ref === 'number' ? ref : 0), attrs };
  let link: Link | undefined;
  try {
    sock.requestRead(RTM.GETLINK, 0, (w) => linkMessage.encode(w, msg), { operation, attrs: linkAttrs, ack: false }, (buf, view, off, h) => {
      if (h.type === RTM.NEWLINK) link ??= readLinkAt(buf, view, off, h.len, undefined, stats);
    });
  } catch (e) {
    if (isNetlinkError(e, 'ENODEV')) throw explain(e, field, `no link ${describe(ref)}`);
    throw e;
  }
  if (!link) throw noLink(operation);
  return link;
}

function noLink(operation: string): NetlinkError {
  return new NetlinkError({ errno: 0, code: 'ENOMSG', operation, extack: { message: 'the kernel sent no link message' } });
}

async function fetchLink(sock: RtnlSocket, ref: LinkRef, operation: string, field: string, stats = true): Promise<Link> {
  return fetchLinkSync(sock, ref, operation, field, stats);
}

async function resolveIndex(sock: RtnlSocket, ref: LinkRef, operation: string, field: string): Promise<number> {
  return fetchLinkSync(sock, ref, operation, field, false).index;
}

async function sendLink(sock: RtnlSocket, type: number, flags: number, hdr: IfInfoMsg, attrs: LinkAttrs, operation: string): Promise<Message[]> {
  return sock.request(type, flags, (w) => linkMessage.encode(w, { header: hdr, attrs }), { operation, attrs: linkAttrs });
}

/** Deletes what a failed operation created; the original error is what the caller sees. */
async function undoCreate(sock: RtnlSocket, ref: LinkRef, operation: string): Promise<void> {
  const t = target(ref);
  try {
    await sendLink(sock, RTM.DELLINK, 0, header(t.index), t.attrs, `${operation} (rollback)`);
  } catch {
    // Already gone (or unreachable): nothing more we can do; the original error wins.
  }
}

/**
 * After a creating request timed out: the kernel may have made the link and
 * only its answer was lost. The name was ours to give and the kernel
 * refuses a taken one (EEXIST), so a link of that name and kind is taken
 * to be the one this call made, and deleted. Costs requests only on this
 * failure path.
 */
async function undoLostCreate(sock: RtnlSocket, name: string, kind: string, operation: string): Promise<void> {
  let made: Link;
  try {
    made = fetchLinkSync(sock, name, `${operation} (rollback)`, 'ifname', false);
  } catch {
    return; // not there (the request never ran) or unreachable: nothing to undo
  }
  if (made.kind === kind) await undoCreate(sock, made.index, operation);
}

/** IFLA_NET_NS_FD or IFLA_NET_NS_PID for a namespace reference; the handle must be closed after the request. */
function netnsAttr(sock: RtnlSocket, ref: NetnsRef, field: string): { attrs: LinkAttrs; handle?: NetnsHandle } {
  if (typeof ref === 'object' && ref !== null && 'pid' in ref) {
    netnsPath(ref, field);
    return { attrs: { netNsPid: ref.pid } };
  }
  const handle = openNetns(sock.shim, ref, field);
  return { attrs: { netNsFd: handle.fd }, handle };
}

// ---------------------------------------------------------------- getLink / listLinks

export interface GetLinkOptions extends OperationOptions {
  /**
   * `false`: no `stats` on the Link, and the request carries IFLA_EXT_MASK
   * with RTEXT_FILTER_SKIP_STATS, so the kernel leaves out the counters it
   * can: the IPv6 and ICMPv6 ones in IFLA_AF_SPEC (and a VF's). It still
   * sends IFLA_STATS and IFLA_STATS64 (rtnl_fill_ifinfo fills them
   * regardless), which stay in `attrs`. For look-ups that need no counters.
   * Default true.
   */
  stats?: boolean;
}

const GET_KEYS = [...OPERATION_KEYS, 'stats'] as const;

/**
 * Reads one link by name or ifindex. A missing link is a NetlinkError with
 * code ENODEV. The request and its reply happen inside this call (a
 * netlink request is answered within sendmsg), so it is not an async
 * function: that saves the event-loop turns of one for every look-up.
 */
export function getLink(ref: LinkRef, opts: GetLinkOptions = {}): Promise<Link> {
  try {
    validateLinkRef(ref, 'link');
    rejectUnknownKeys(opts, GET_KEYS, '');
    const stats = opts.stats === undefined ? true : validateBoolean(opts.stats, 'stats');
    const field = typeof ref === 'number' ? 'index' : 'ifname';
    if (opts.socket !== undefined && opts.netns === undefined) return Promise.resolve(fetchLinkSync(opts.socket, ref, 'getLink', field, stats));
    return withSocket(opts, (sock) => fetchLinkSync(sock, ref, 'getLink', field, stats));
  } catch (e) {
    return Promise.reject(e as Error);
  }
}

export interface ListLinksOptions extends GetLinkOptions {
  /** Only links of this kind ("veth", "bridge" …). */
  kind?: string;
  /** Only ports of this master (name or ifindex). */
  master?: LinkRef;
  /** Only links of this group. */
  group?: number;
}

function validateListOptions(opts: ListLinksOptions): void {
  rejectUnknownKeys(opts, [...GET_KEYS, 'kind', 'master', 'group'], '');
  if (opts.stats !== undefined) validateBoolean(opts.stats, 'stats');
  if (opts.kind !== undefined && (typeof opts.kind !== 'string' || opts.kind === '')) throw new ValidationError('kind', `expected a link kind such as "veth", got ${JSON.stringify(opts.kind)}`);
  if (opts.master !== undefined) validateLinkRef(opts.master, 'master');
  if (opts.group !== undefined) validateU32(opts.group, 'group', 'a group number');
}

/**
 * Streams the links of a namespace, one decoded Link at a time (memory stays
 * bounded however many links there are). `kind` and `master` are also sent
 * to the kernel as dump filters (it filters with strict checking on, and
 * ignores a kind it has no driver for); every filter is checked again here,
 * and `group` only here, since the kernel has no group filter for dumps.
 */
export async function* iterateLinks(opts: ListLinksOptions = {}): AsyncGenerator<Link, void, undefined> {
  validateListOptions(opts);
  const { socket, owned } = openSocket(opts);
  try {
    const d = linkDump(socket, opts);
    for await (const m of socket.dump(RTM.GETLINK, 0, d.body, d.options)) {
      const link = m.type === RTM.NEWLINK ? d.pick(readLinkAt(m.bytes, new DataView(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength), 0, m.bytes.length, m.bytes, opts.stats !== false)) : undefined;
      if (link) yield link;
    }
  } finally {
    if (owned) socket.close();
  }
}

/**
 * The dump request behind listLinks / iterateLinks (with the master's index
 * resolved first) and the filter its replies go through.
 */
function linkDump(sock: RtnlSocket, opts: ListLinksOptions) {
  const filter: LinkAttrs = {};
  let master: number | undefined;
  if (opts.master !== undefined) {
    master = fetchLinkSync(sock, opts.master, 'listLinks', 'master', false).index;
    filter.master = master;
  }
  if (opts.kind !== undefined) filter.linkinfo = { kind: opts.kind };
  if (opts.stats === false) filter.extMask = RTEXT_FILTER.SKIP_STATS;
  const msg = { header: NO_HEADER, attrs: filter };
  return {
    body: (w: Parameters<typeof linkMessage.encode>[0]) => linkMessage.encode(w, msg),
    options: { operation: 'listLinks', attrs: linkAttrs },
    /** The link of a reply that passes the filters (the kernel ignores a kind it has no driver for). */
    pick(link: Link): Link | undefined {
      if (opts.kind !== undefined && link.kind !== opts.kind) return undefined;
      if (master !== undefined && link.master !== master) return undefined;
      if (opts.group !== undefined && link.group !== opts.group) return undefined;
      return link;
    },
  };
}

/** Lists the links of a namespace, optionally filtered by kind, master and group. */
export async function listLinks(opts: ListLinksOptions = {}): Promise<Link[]> {
  validateListOptions(opts);
  return withSocket(opts, async (sock) => {
    const d = linkDump(sock, opts);
    const out: Link[] = [];
    // Each link keeps its dump chunk (one copy per datagram) for its lazy parts.
    await sock.dumpRead(RTM.GETLINK, 0, d.body, d.options, (buf, view, off, h, datagram) => {
      const link = h.type === RTM.NEWLINK ? d.pick(readLinkAt(buf, view, off, h.len, datagram(), opts.stats !== false)) : undefined;
      if (link) out.push(link);
    });
    return out;
  });
}

// ---------------------------------------------------------------- createVethPair

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

export interface CreateVethPairOptions extends OperationOptions {
  name: string;
  peer: VethPeerOptions;
  mtu?: number;
  address?: string;
  /** Enslave the new link to this bridge (name or ifindex), in the same request. */
  master?: LinkRef;
  up?: boolean;
  group?: number;
  txQueueLen?: number;
}

const VETH_KEYS = [...OPERATION_KEYS, 'name', 'peer', 'mtu', 'address', 'master', 'up', 'group', 'txQueueLen'] as const;
const PEER_KEYS = ['name', 'netns', 'address', 'mtu', 'up', 'group', 'txQueueLen'] as const;

/** Link attributes common to creation requests, validated. */
function endAttrs(o: { name: string; mtu?: number; address?: string; group?: number; txQueueLen?: number }, prefix: string): LinkAttrs {
  const attrs: LinkAttrs = { ifname: validateIfname(o.name, `${prefix}name`) };
  if (o.mtu !== undefined) attrs.mtu = validateMtu(o.mtu, `${prefix}mtu`);
  if (o.address !== undefined) attrs.address = validateUnicastMac(o.address, `${prefix}address`);
  if (o.group !== undefined) attrs.group = validateU32(o.group, `${prefix}group`, 'a group number');
  if (o.txQueueLen !== undefined) attrs.txqlen = validateU32(o.txQueueLen, `${prefix}txQueueLen`, 'a queue length');
  return attrs;
}

/**
 * Creates a veth pair with ONE RTM_NEWLINK: both ends, the peer possibly
 * inside another namespace, the master and the up state of the first end
 * included. Returns both ends as the kernel reports them afterwards (the
 * peer read from its own namespace: veth never reports its peer's details).
 * If a later step fails (bringing the peer up, reading the ends back) the
 * pair is deleted and the original error is thrown.
 */
export async function createVethPair(opts: CreateVethPairOptions): Promise<{ link: Link; peer: Link }> {
  if (!opts || typeof opts !== 'object') throw new ValidationError('options', 'expected an options object');
  rejectUnknownKeys(opts, VETH_KEYS, '');
  if (!opts.peer || typeof opts.peer !== 'object') throw new ValidationError('peer', 'expected { name, netns?, address?, mtu? }');
  rejectUnknownKeys(opts.peer, PEER_KEYS, 'peer');
  const attrs = endAttrs(opts, '');
  const peerAttrs = endAttrs(opts.peer, 'peer.');
  if (opts.peer.netns !== undefined) netnsPath(opts.peer.netns, 'peer.netns');
  if (opts.peer.netns === undefined && attrs.ifname === peerAttrs.ifname) {
    throw new ValidationError('peer.name', `both ends would be called ${JSON.stringify(attrs.ifname)} in the same namespace`);
  }
  if (opts.master !== undefined) validateLinkRef(opts.master, 'master');
  const up = opts.up === undefined ? undefined : validateBoolean(opts.up, 'up');
  const peerUp = opts.peer.up === undefined ? undefined : validateBoolean(opts.peer.up, 'peer.up');
  const operation = 'createVethPair';

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
      attrs.linkinfo = { kind: 'veth', data: { peer: { header: NO_HEADER, attrs: peerAttrs } } };
      const msg = { header: header(0, up), attrs };
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
        if (isNetlinkError(e, 'EEXIST')) throw await explainExists(sock, e, opts);
        // Deleting the first end deletes its peer too, wherever it is.
        if (e instanceof TimeoutError) await undoLostCreate(sock, attrs.ifname as string, 'veth', operation);
        throw e;
      }
    } finally {
      peerNs?.close();
    }
    let first = echoed;
    try {
      first ??= fetchLinkSync(sock, attrs.ifname as string, operation, 'ifname');
      const firstLink = first;
      return await inPeerNetns(sock, opts, async (peerSock) => {
        let peer = fetchPeer(peerSock, firstLink.link ?? opts.peer.name, opts.peer.name, operation);
        if (peerUp !== undefined) {
          await sendLink(peerSock, RTM.NEWLINK, 0, header(peer.index, peerUp), {}, operation);
          peer = fetchLinkSync(peerSock, peer.index, operation, 'peer');
        }
        // The echo is the new link as rtnl_configure_link() announced it
        // (its header's ifi_change is ~0: everything is new). Read it again
        // when something changes it after the echo: rtnl_newlink_create()
        // applies IFLA_MASTER later, and an end brought up gets its carrier
        // and operational state from linkwatch, asynchronously (the echo of
        // an up link says RUNNING and UNKNOWN for a moment).
        const stale = (echoed !== undefined && opts.master !== undefined) || up === true || peerUp !== undefined;
        const link = stale ? fetchLinkSync(sock, firstLink.index, operation, 'ifname') : firstLink;
        return { link, peer };
      });
    } catch (e) {
      await undoCreate(sock, first?.index ?? (attrs.ifname as string), operation);
      throw e;
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
 * (an index read across namespaces could name another link); by name if
 * the index does not lead to it.
 */
function fetchPeer(sock: RtnlSocket, ref: LinkRef, name: string, operation: string): Link {
  if (typeof ref === 'number') {
    let byIndex: Link | undefined;
    try {
      byIndex = fetchLinkSync(sock, ref, operation, 'peer');
    } catch (e) {
      if (!isNetlinkError(e, 'ENODEV')) throw e;
    }
    if (byIndex && byIndex.name === name) return byIndex;
  }
  return fetchLinkSync(sock, name, operation, 'peer');
}

/**
 * The kernel answers EEXIST for either name without saying which; look both
 * up and name the one that exists.
 */
async function explainExists(sock: RtnlSocket, e: NetlinkError, opts: CreateVethPairOptions): Promise<unknown> {
  const exists = async (s: RtnlSocket, name: string) => fetchLink(s, name, 'createVethPair', 'ifname').then(() => true, () => false);
  if (await exists(sock, opts.name)) return explain(e, 'ifname', `a link named ${JSON.stringify(opts.name)} already exists`);
  let peerExists = false;
  try {
    peerExists = await inPeerNetns(sock, opts, (s) => exists(s, opts.peer.name));
  } catch {
    // cannot look: leave the error as the kernel gave it
  }
  if (peerExists) {
    const where = opts.peer.netns === undefined ? '' : ` in the peer's namespace ${typeof opts.peer.netns === 'string' ? JSON.stringify(opts.peer.netns) : ''}`.trimEnd();
    return explain(e, 'linkinfo.data.peer.ifname', `a link named ${JSON.stringify(opts.peer.name)} already exists${where} (peer.name)`);
  }
  return e;
}

// ---------------------------------------------------------------- createBridge

export interface CreateBridgeOptions extends BridgeOptions, OperationOptions {
  mtu?: number;
  address?: string;
  up?: boolean;
  group?: number;
  txQueueLen?: number;
}

const BRIDGE_LINK_KEYS = [...OPERATION_KEYS, 'mtu', 'address', 'up', 'group', 'txQueueLen'] as const;

/** Bridge options → IFLA_BR_* attributes (seconds → clock_t), validated. */
function bridgeData(opts: CreateBridgeOptions): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) if (!(BRIDGE_LINK_KEYS as readonly string[]).includes(k) && k !== 'stp') rest[k] = v;
  // `stp` goes last, as IFLA_BR_STP_STATE always has: requests stay byte for byte what they were.
  if (opts.stp !== undefined) rest['stp'] = opts.stp;
  const data = writeView(bridgeAttrs, rest, '');
  if (data.groupAddr !== undefined) data.groupAddr = validateGroupAddress(data.groupAddr);
  // BR_GROUPFWD_RESTRICTED: the kernel never forwards STP (bit 0), MAC pause (1) and LACP (2) frames, and answers a bare EINVAL.
  if (typeof data.groupFwdMask === 'number' && data.groupFwdMask & 0x7) {
    throw new ValidationError('groupFwdMask', `bits 0–2 (STP, pause, LACP: mask 0x7) cannot be forwarded, got 0x${data.groupFwdMask.toString(16)}`);
  }
  return data;
}

function validateGroupAddress(v: unknown): string {
  // The kernel wants a link-local group address 01:80:c2:00:00:0X and checks it (EINVAL otherwise).
  if (typeof v !== 'string' || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(v)) throw new ValidationError('groupAddress', `expected a MAC address, got ${JSON.stringify(v)}`);
  return v.toLowerCase();
}

/** Creates a bridge with its options in one RTM_NEWLINK request. */
export async function createBridge(name: string, opts: CreateBridgeOptions = {}): Promise<Link> {
  const attrs = endAttrs({ ...pick(opts, ['mtu', 'address', 'group', 'txQueueLen']), name }, '');
  const up = opts.up === undefined ? undefined : validateBoolean(opts.up, 'up');
  const data = bridgeData(opts);
  attrs.linkinfo = { kind: 'bridge', data } as LinkInfo;
  const operation = 'createBridge';
  return withSocket(opts, async (sock) => {
    let replies: Message[];
    try {
      replies = await sendLink(sock, RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL | NLM_F.ECHO, header(0, up), attrs, operation);
    } catch (e) {
      if (isNetlinkError(e, 'EEXIST')) throw explain(e, 'ifname', `a link named ${JSON.stringify(name)} already exists`);
      if (isNetlinkError(e) && e.errno === 95 && data.vlanFiltering !== undefined) {
        throw explain(e, 'linkinfo.data.vlanFiltering', 'this kernel has no bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING)');
      }
      if (e instanceof TimeoutError) await undoLostCreate(sock, name, 'bridge', operation);
      throw e;
    }
    const echoed = replies.find((m) => m.type === RTM.NEWLINK);
    const index = echoed ? readLink(echoed.bytes).index : undefined;
    try {
      return await fetchLink(sock, index ?? name, operation, 'ifname');
    } catch (e) {
      await undoCreate(sock, index ?? name, operation);
      throw e;
    }
  });
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

// ---------------------------------------------------------------- setLink

export interface SetLinkOptions extends OperationOptions {
  up?: boolean;
  mtu?: number;
  address?: string;
  /** Rename. */
  name?: string;
  /** Enslave to this master (name or ifindex); `null` releases the link from its master. */
  master?: LinkRef | null;
  /**
   * Move the link into this namespace (name, path, fd or { pid }). Not
   * `netns`: that option says where the link is now.
   */
  moveToNetns?: NetnsRef;
  txQueueLen?: number;
  group?: number;
  /** Interface alias (IFLA_IFALIAS); '' clears it. */
  alias?: string;
  /** Bridge port options; the link must be (or become, through `master`) a bridge port. */
  bridgePort?: BridgePortOptions;
}

const SET_KEYS = [...OPERATION_KEYS, 'up', 'mtu', 'address', 'name', 'master', 'moveToNetns', 'txQueueLen', 'group', 'alias', 'bridgePort'] as const;

interface SetPlan {
  up?: boolean;
  mtu?: number;
  address?: string;
  name?: string;
  master?: LinkRef | null;
  txqlen?: number;
  group?: number;
  alias?: string;
  port?: Record<string, unknown>;
  move?: NetnsRef;
}

function planSet(opts: SetLinkOptions): SetPlan {
  rejectUnknownKeys(opts, SET_KEYS, '');
  const p: SetPlan = {};
  if (opts.up !== undefined) p.up = validateBoolean(opts.up, 'up');
  // The device's own range is checked once it is known; this is the outer bound.
  if (opts.mtu !== undefined) p.mtu = validateMtu(opts.mtu, 'mtu', 68, 0x7fffffff);
  if (opts.address !== undefined) p.address = validateUnicastMac(opts.address, 'address');
  if (opts.name !== undefined) p.name = validateIfname(opts.name, 'name');
  if (opts.master !== undefined) p.master = opts.master === null ? null : validateLinkRef(opts.master, 'master');
  if (opts.txQueueLen !== undefined) p.txqlen = validateU32(opts.txQueueLen, 'txQueueLen', 'a queue length');
  if (opts.group !== undefined) p.group = validateU32(opts.group, 'group', 'a group number');
  if (opts.alias !== undefined) p.alias = validateAlias(opts.alias, 'alias');
  if (opts.bridgePort !== undefined) {
    if (!opts.bridgePort || typeof opts.bridgePort !== 'object') throw new ValidationError('bridgePort', 'expected an object of port options');
    p.port = writeView(bridgePortAttrs, opts.bridgePort as Record<string, unknown>, 'bridgePort');
    if (opts.master === null) throw new ValidationError('bridgePort', 'conflicts with master: null (a link without a master has no port options)');
  }
  if (opts.moveToNetns !== undefined) {
    netnsPath(opts.moveToNetns, 'moveToNetns');
    if (opts.master !== undefined && opts.master !== null) {
      throw new ValidationError('moveToNetns', 'conflicts with master: a link leaves its master when it changes namespace, and the master is looked up in the old one');
    }
    if (p.port) throw new ValidationError('moveToNetns', 'conflicts with bridgePort: the link stops being a port when it changes namespace');
    p.move = opts.moveToNetns;
  }
  if (Object.keys(p).length === 0) throw new ValidationError('options', 'nothing to change (pass up, mtu, address, name, master, moveToNetns, txQueueLen, group, alias or bridgePort)');
  return p;
}

/**
 * Changes a link: state, MTU, address, name, master, alias, group, queue
 * length, bridge port options, namespace. As few requests as the kernel
 * allows (one for most changes), applied in this order: the link's own
 * settings and master; bridge port options (a separate request when the
 * master changes in the same call, since the kernel reads port options
 * with the master the link had before); the namespace move last (with the
 * rename and up state, which must happen in the new namespace). If any
 * step fails, every setting the call touched is put back to what it was
 * and the original error is thrown. Returns the link as it is afterwards
 * (read from its new namespace after a move).
 */
export async function setLink(ref: LinkRef, opts: SetLinkOptions): Promise<Link> {
  validateLinkRef(ref, 'link');
  if (!opts || typeof opts !== 'object') throw new ValidationError('options', 'expected an options object');
  const p = planSet(opts);
  return withSocket(opts, async (sock) => {
    // The target namespace is opened before any request, so a missing one
    // is a ValidationError that no request precedes.
    const ns = p.move === undefined ? undefined : netnsAttr(sock, p.move, 'moveToNetns');
    try {
      return await changeLink(sock, ref, p, opts, ns);
    } finally {
      ns?.handle?.close();
    }
  });
}

/** Where a move goes: the request's attribute, and the open namespace (none for `{ pid }`). */
type MoveTarget = { attrs: LinkAttrs; handle?: NetnsHandle };

async function changeLink(sock: RtnlSocket, ref: LinkRef, p: SetPlan, opts: SetLinkOptions, ns: MoveTarget | undefined): Promise<Link> {
  const operation = 'setLink';
  const before = await fetchLink(sock, ref, operation, typeof ref === 'number' ? 'index' : 'ifname');
  if (p.mtu !== undefined && before.maxMtu) validateMtu(p.mtu, 'mtu', before.minMtu ?? 68, before.maxMtu);
  if (p.port && p.master === undefined && before.slaveKind !== 'bridge') {
    throw new ValidationError('bridgePort', `${before.name} is not a bridge port (pass master to enslave it in the same call)`);
  }
  let masterIndex: number | undefined;
  if (p.master !== undefined) masterIndex = p.master === null ? 0 : await resolveIndex(sock, p.master, operation, 'master');
  const masterChanges = masterIndex !== undefined && masterIndex !== (before.master ?? 0);

  // Step A: the link's own settings (and port options when the master stays).
  const a: LinkAttrs = {};
  if (p.mtu !== undefined) a.mtu = p.mtu;
  if (p.address !== undefined) a.address = p.address;
  if (p.txqlen !== undefined) a.txqlen = p.txqlen;
  if (p.group !== undefined) a.group = p.group;
  if (p.alias !== undefined) a.ifalias = p.alias;
  if (masterIndex !== undefined) a.master = masterIndex;
  if (p.name !== undefined && p.move === undefined) a.ifname = p.name;
  if (p.port && !masterChanges) a.linkinfo = { slaveKind: 'bridge', slaveData: p.port } as LinkInfo;
  const upInA = p.move === undefined ? p.up : undefined;
  // Whether the link may be in the target namespace: 'yes' once the kernel
  // acknowledged the move, 'maybe' when the answer to the move was lost.
  let moved: 'no' | 'maybe' | 'yes' = 'no';
  try {
    if (Object.keys(a).length || upInA !== undefined) {
      await sendLink(sock, RTM.NEWLINK, 0, header(before.index, upInA), a, operation).catch((e: unknown) => {
        if (isNetlinkError(e, 'EEXIST') && a.ifname !== undefined) throw explain(e, 'ifname', `a link named ${JSON.stringify(a.ifname)} already exists`);
        if (isNetlinkError(e) && e.errno === 95 && a.linkinfo) throw explain(e, 'linkinfo.slaveData', `${before.name} is not a bridge port`);
        throw e;
      });
    }
    // Step B: port options under the new master.
    if (p.port && masterChanges) {
      const b: LinkAttrs = { linkinfo: { slaveKind: 'bridge', slaveData: p.port } as LinkInfo };
      await sendLink(sock, RTM.NEWLINK, 0, header(before.index), b, operation).catch((e: unknown) => {
        if (isNetlinkError(e) && e.errno === 95) throw explain(e, 'linkinfo.slaveData', 'the new master is not a bridge, so bridgePort does not apply');
        throw e;
      });
    }
    if (p.move === undefined || ns === undefined) return await fetchLink(sock, before.index, operation, 'ifname');
    // Step C: the move, with the rename and up state applied in the new namespace.
    const c: LinkAttrs = { ...ns.attrs };
    if (p.name !== undefined) c.ifname = p.name;
    await sendLink(sock, RTM.NEWLINK, 0, header(before.index, p.up), c, operation).catch((e: unknown) => {
      if (e instanceof TimeoutError) moved = 'maybe';
      if (isNetlinkError(e, 'EEXIST')) {
        throw explain(e, c.ifname !== undefined ? 'ifname' : 'netNsFd', `a link named ${JSON.stringify(c.ifname ?? before.name)} already exists in the target namespace`);
      }
      throw e;
    });
    moved = 'yes';
    // The read-back is part of the change: if it fails, the move is undone too.
    return await withSocket(targetOptions(opts, ns, p.move), (s) => fetchLink(s, p.name ?? before.name, operation, 'ifname'));
  } catch (e) {
    if (moved !== 'no') await moveBack(sock, before, p, opts, ns as MoveTarget, moved, operation);
    await restore(sock, before, p, operation);
    throw e;
  }
}

/** Socket options for the move's target: its open descriptor when there is one (no second open). */
function targetOptions(opts: SetLinkOptions, ns: MoveTarget, ref: NetnsRef): OperationOptions {
  const o: OperationOptions = { netns: ns.handle ? ns.handle.fd : ref };
  if (opts.timeout !== undefined) o.timeout = opts.timeout;
  return o;
}

/** SIOCGSKNS (<linux/sockios.h>): a new fd for the network namespace a socket lives in. */
const SIOCGSKNS = 0x894c;

/**
 * Undoes a move that happened (or may have, when its answer was lost):
 * finds the link in the target namespace by the name it was given there,
 * and moves it back to the namespace of the call's socket (asked of the
 * kernel with SIOCGSKNS, so it is right for a caller's socket too), with
 * its old name and up state. restore() then puts back the rest. Best
 * effort: the original error is what the caller sees.
 */
async function moveBack(sock: RtnlSocket, before: Link, p: SetPlan, opts: SetLinkOptions, ns: MoveTarget, moved: 'maybe' | 'yes', operation: string): Promise<void> {
  const op = `${operation} (rollback)`;
  if (moved === 'maybe') {
    // Still at its index in the old namespace under its old name: the move never ran.
    try {
      if (fetchLinkSync(sock, before.index, op, 'index', false).name === before.name) return;
    } catch {
      // ENODEV: it left; look for it in the target.
    }
  }
  let home: number;
  try {
    home = sock.shim.ioctlInt(sock.fileDescriptor, SIOCGSKNS, 0);
  } catch {
    return;
  }
  try {
    await withSocket(targetOptions(opts, ns, p.move as NetnsRef), async (s) => {
      const there = fetchLinkSync(s, p.name ?? before.name, op, 'ifname', false);
      if (there.kind !== before.kind) return;
      // The kernel moves the link first, then renames it and applies the
      // flags in its old namespace (do_setlink), as for the move itself;
      // changing namespace closes the device, so up is set again.
      await sendLink(s, RTM.NEWLINK, 0, header(there.index, before.up), { netNsFd: home, ifname: before.name }, op);
    });
  } catch {
    // Best effort: the original error wins.
  } finally {
    sock.shim.close(home);
  }
}

/** Puts back every setting a failed setLink touched, from the state read before it. */
async function restore(sock: RtnlSocket, before: Link, p: SetPlan, operation: string): Promise<void> {
  const r: LinkAttrs = {};
  if (p.mtu !== undefined) r.mtu = before.mtu;
  if (p.address !== undefined && before.address !== undefined) r.address = before.address;
  if (p.txqlen !== undefined && before.txQueueLen !== undefined) r.txqlen = before.txQueueLen;
  if (p.group !== undefined) r.group = before.group;
  if (p.alias !== undefined) r.ifalias = before.alias ?? '';
  if (p.master !== undefined) r.master = before.master ?? 0;
  if (p.name !== undefined) r.ifname = before.name;
  const steps: LinkAttrs[] = [r];
  const oldPort = before.attrs.linkinfo?.slaveKind === 'bridge' ? before.attrs.linkinfo.slaveData : undefined;
  if (p.port && oldPort && !(oldPort instanceof Uint8Array)) {
    // Only the port options the call set, back to their old wire values.
    const back: Record<string, unknown> = {};
    for (const key of Object.keys(p.port)) {
      const v = (oldPort as Record<string, unknown>)[key];
      if (v !== undefined) back[key] = v;
    }
    if (Object.keys(back).length) steps.push({ linkinfo: { slaveKind: 'bridge', slaveData: back } as LinkInfo });
  }
  for (const [i, attrs] of steps.entries()) {
    const up = i === 0 && p.up !== undefined ? before.up : undefined;
    if (!Object.keys(attrs).length && up === undefined) continue;
    try {
      await sendLink(sock, RTM.NEWLINK, 0, header(before.index, up), attrs, `${operation} (rollback)`);
    } catch {
      // Best effort: the original error is what the caller needs to see.
    }
  }
}

// ---------------------------------------------------------------- delete

/**
 * Deletes a link. Deleting either end of a veth pair deletes both; deleting
 * a bridge releases its ports. A missing link is ENODEV.
 */
export async function deleteLink(ref: LinkRef, opts: OperationOptions = {}): Promise<void> {
  validateLinkRef(ref, 'link');
  rejectUnknownKeys(opts, OPERATION_KEYS, '');
  await withSocket(opts, async (sock) => {
    const t = target(ref);
    try {
      await sendLink(sock, RTM.DELLINK, 0, header(t.index), t.attrs, 'deleteLink');
    } catch (e) {
      if (isNetlinkError(e, 'ENODEV')) throw explain(e, typeof ref === 'number' ? 'index' : 'ifname', `no link ${describe(ref)}`);
      throw e;
    }
  });
}

/**
 * Deletes every link of a group with ONE RTM_DELLINK (ifindex 0 and
 * IFLA_GROUP): the kernel removes them together. An empty group is ENODEV,
 * as the kernel reports it; group 0 (the default group, which holds every
 * link not put elsewhere, lo included) is refused before any request.
 */
export async function deleteLinks(filter: { group: number }, opts: OperationOptions = {}): Promise<void> {
  if (!filter || typeof filter !== 'object') throw new ValidationError('filter', 'expected { group }');
  rejectUnknownKeys(filter, ['group'], '');
  const group = validateU32(filter.group, 'group', 'a group number');
  if (group === 0) throw new ValidationError('group', 'group 0 is the default group of every link; refusing to delete it');
  rejectUnknownKeys(opts, OPERATION_KEYS, '');
  await withSocket(opts, async (sock) => {
    try {
      await sendLink(sock, RTM.DELLINK, 0, header(0), { group }, 'deleteLinks');
    } catch (e) {
      if (isNetlinkError(e, 'ENODEV')) throw explain(e, 'group', `no link in group ${group}`);
      throw e;
    }
  });
}

