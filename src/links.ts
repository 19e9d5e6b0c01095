/**
 * Links: create veth pairs and bridges, read, list, change and delete
 * links. Every call takes OperationOptions: `netns` is always the namespace
 * the call acts in (where the link is, or is created); moving a link
 * elsewhere is `setLink(…, { moveToNetns })`, so the two never mean the
 * same option.
 */
import { NLM_F } from './netlink/constants.js';
import { NetlinkError, ValidationError, isNetlinkError } from './netlink/errors.js';
import { type NetnsHandle, type NetnsRef, netnsPath, openNetns } from './netlink/netns.js';
import type { Message, RtnlSocket } from './netlink/socket.js';
import { type OperationOptions, withSocket, withSocketIter } from './options.js';
import { AF, RTM } from './route/constants.js';
import {
  BRIDGE_FIELDS,
  BRIDGE_PORT_FIELDS,
  type BridgePortOptions,
  IFF,
  type IfInfoMsg,
  type Link,
  type LinkAttrs,
  type LinkInfo,
  linkAttrs,
  linkMessage,
  rejectUnknownKeys,
  toLink,
  validateAlias,
  validateBoolean,
  validateIfname,
  validateLinkRef,
  validateMtu,
  validateU32,
  validateUnicastMac,
  writeFields,
} from './route/link/index.js';

export type {
  Link,
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
} from './route/link/index.js';
export { toLink } from './route/link/index.js';

/** A link, by name or by ifindex. */
export type LinkRef = string | number;

const NO_HEADER: IfInfoMsg = { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 };
const OPERATION_KEYS = ['netns', 'socket', 'timeout'] as const;

// ---------------------------------------------------------------- helpers

function header(index = 0, up?: boolean): IfInfoMsg {
  if (up === undefined) return { ...NO_HEADER, index };
  return { ...NO_HEADER, index, flags: up ? IFF.UP : 0, change: IFF.UP };
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

function decodeOne(replies: Message[], operation: string): Link {
  const m = replies.find((r) => r.type === RTM.NEWLINK);
  if (!m) throw new NetlinkError({ errno: 0, code: 'ENOMSG', operation, extack: { message: 'the kernel sent no link message' } });
  return toLink(linkMessage.decode(m.bytes));
}

async function fetchLink(sock: RtnlSocket, ref: LinkRef, operation: string, field: string): Promise<Link> {
  const t = target(ref);
  try {
    const replies = await sock.request(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: header(t.index), attrs: t.attrs }), {
      operation,
      attrs: linkAttrs,
    });
    return decodeOne(replies, operation);
  } catch (e) {
    if (isNetlinkError(e, 'ENODEV')) throw explain(e, field, `no link ${describe(ref)}`);
    throw e;
  }
}

async function resolveIndex(sock: RtnlSocket, ref: LinkRef, operation: string, field: string): Promise<number> {
  return (await fetchLink(sock, ref, operation, field)).index;
}

async function sendLink(sock: RtnlSocket, type: number, flags: number, hdr: IfInfoMsg, attrs: LinkAttrs, operation: string): Promise<Message[]> {
  return sock.request(type, flags, (w) => linkMessage.encode(w, { header: hdr, attrs }), { operation, attrs: linkAttrs });
}

/** Deletes what a failed operation created; the original error is what the caller sees. */
async function undoCreate(sock: RtnlSocket, index: number, operation: string): Promise<void> {
  try {
    await sendLink(sock, RTM.DELLINK, 0, header(index), {}, `${operation} (rollback)`);
  } catch {
    // Already gone (or unreachable): nothing more we can do; the original error wins.
  }
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

/** Reads one link by name or ifindex. A missing link is a NetlinkError with code ENODEV. */
export async function getLink(ref: LinkRef, opts: OperationOptions = {}): Promise<Link> {
  validateLinkRef(ref, 'link');
  rejectUnknownKeys(opts, OPERATION_KEYS, '');
  return withSocket(opts, (sock) => fetchLink(sock, ref, 'getLink', typeof ref === 'number' ? 'index' : 'ifname'));
}

export interface ListLinksOptions extends OperationOptions {
  /** Only links of this kind ("veth", "bridge" …). */
  kind?: string;
  /** Only ports of this master (name or ifindex). */
  master?: LinkRef;
  /** Only links of this group. */
  group?: number;
}

function validateListOptions(opts: ListLinksOptions): void {
  rejectUnknownKeys(opts, [...OPERATION_KEYS, 'kind', 'master', 'group'], '');
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
  yield* withSocketIter(opts, (sock) => dumpLinks(sock, opts));
}

async function* dumpLinks(sock: RtnlSocket, opts: ListLinksOptions): AsyncGenerator<Link, void, undefined> {
  const filter: LinkAttrs = {};
  let master: number | undefined;
  if (opts.master !== undefined) {
    master = await resolveIndex(sock, opts.master, 'listLinks', 'master');
    filter.master = master;
  }
  if (opts.kind !== undefined) filter.linkinfo = { kind: opts.kind };
  const body = (w: Parameters<typeof linkMessage.encode>[0]) => linkMessage.encode(w, { header: NO_HEADER, attrs: filter });
  for await (const m of sock.dump(RTM.GETLINK, 0, body, { operation: 'listLinks', attrs: linkAttrs })) {
    if (m.type !== RTM.NEWLINK) continue;
    const link = toLink(linkMessage.decode(m.bytes));
    if (opts.kind !== undefined && link.kind !== opts.kind) continue;
    if (master !== undefined && link.master !== master) continue;
    if (opts.group !== undefined && link.group !== opts.group) continue;
    yield link;
  }
}

/** Lists the links of a namespace, optionally filtered by kind, master and group. */
export async function listLinks(opts: ListLinksOptions = {}): Promise<Link[]> {
  const out: Link[] = [];
  for await (const l of iterateLinks(opts)) out.push(l);
  return out;
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
    if (opts.master !== undefined) attrs.master = await resolveIndex(sock, opts.master, operation, 'master');
    let peerNs: NetnsHandle | undefined;
    if (opts.peer.netns !== undefined) {
      const ns = netnsAttr(sock, opts.peer.netns, 'peer.netns');
      Object.assign(peerAttrs, ns.attrs);
      peerNs = ns.handle;
    }
    attrs.linkinfo = { kind: 'veth', data: { peer: { header: NO_HEADER, attrs: peerAttrs } } };
    let replies: Message[];
    try {
      // NLM_F_ECHO: the kernel sends the new link back (6.x honours ECHO on
      // newlink), which tells us its ifindex and, in IFLA_LINK, the peer's.
      replies = await sendLink(sock, RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL | NLM_F.ECHO, header(0, up), attrs, operation);
    } catch (e) {
      if (isNetlinkError(e, 'EEXIST')) throw await explainExists(sock, e, opts);
      throw e;
    } finally {
      peerNs?.close();
    }
    const echoed = replies.find((m) => m.type === RTM.NEWLINK);
    const first = echoed ? toLink(linkMessage.decode(echoed.bytes)) : await fetchLink(sock, attrs.ifname as string, operation, 'ifname');
    try {
      return await inPeerNetns(sock, opts, async (peerSock) => {
        let peer = await fetchPeer(peerSock, first.link ?? opts.peer.name, opts.peer.name, operation);
        if (peerUp !== undefined) {
          await sendLink(peerSock, RTM.NEWLINK, 0, header(peer.index, peerUp), {}, operation);
          peer = await fetchLink(peerSock, peer.index, operation, 'peer');
        }
        const link = await fetchLink(sock, first.index, operation, 'ifname');
        return { link, peer };
      });
    } catch (e) {
      await undoCreate(sock, first.index, operation);
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
async function fetchPeer(sock: RtnlSocket, ref: LinkRef, name: string, operation: string): Promise<Link> {
  if (typeof ref === 'number') {
    const byIndex = await fetchLink(sock, ref, operation, 'peer').catch((e: unknown) => {
      if (isNetlinkError(e, 'ENODEV')) return undefined;
      throw e;
    });
    if (byIndex && byIndex.name === name) return byIndex;
  }
  return fetchLink(sock, name, operation, 'peer');
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

export interface BridgeOptions {
  /** Spanning tree on/off (IFLA_BR_STP_STATE 1/0). */
  stp?: boolean;
  /** Seconds (the kernel takes 1/100 s). With STP on the kernel wants 2–30 s. */
  forwardDelay?: number;
  /** Seconds; with STP on 1–10 s. */
  helloTime?: number;
  /** Seconds; with STP on 6–40 s. */
  maxAge?: number;
  /** FDB entry lifetime, seconds. */
  ageingTime?: number;
  /** Bridge priority 0–65535 (the high part of the bridge id). */
  priority?: number;
  /** 802.1Q VLAN filtering; needs a kernel with CONFIG_BRIDGE_VLAN_FILTERING (EOPNOTSUPP otherwise). */
  vlanFiltering?: boolean;
  /** Default PVID for new ports (VLAN filtering). */
  defaultPvid?: number;
  multicastSnooping?: boolean;
  groupFwdMask?: number;
  groupAddress?: string;
  multicastRouter?: number;
  multicastQuerier?: boolean;
  multicastQueryUseIfaddr?: boolean;
  multicastHashMax?: number;
  multicastLastMemberCount?: number;
  multicastStartupQueryCount?: number;
  multicastLastMemberInterval?: number;
  multicastMembershipInterval?: number;
  multicastQuerierInterval?: number;
  multicastQueryInterval?: number;
  multicastQueryResponseInterval?: number;
  multicastStartupQueryInterval?: number;
  multicastStatsEnabled?: boolean;
  multicastIgmpVersion?: number;
  multicastMldVersion?: number;
  nfCallIptables?: boolean;
  nfCallIp6tables?: boolean;
  nfCallArptables?: boolean;
  vlanStatsEnabled?: boolean;
  vlanStatsPerPort?: boolean;
  fdbMaxLearned?: number;
}

export interface CreateBridgeOptions extends BridgeOptions, OperationOptions {
  mtu?: number;
  address?: string;
  up?: boolean;
  group?: number;
  txQueueLen?: number;
}

const BRIDGE_LINK_KEYS = [...OPERATION_KEYS, 'mtu', 'address', 'up', 'group', 'txQueueLen', 'stp'] as const;

/** Bridge options → IFLA_BR_* attributes (seconds → clock_t), validated. */
function bridgeData(opts: CreateBridgeOptions): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) if (!(BRIDGE_LINK_KEYS as readonly string[]).includes(k)) rest[k] = v;
  const data = writeFields(rest, BRIDGE_FIELDS, '');
  if (opts.stp !== undefined) {
    if ('stpState' in rest) throw new ValidationError('stp', 'pass either stp or stpState');
    data.stpState = validateBoolean(opts.stp, 'stp') ? 1 : 0;
  }
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
      throw e;
    }
    const echoed = replies.find((m) => m.type === RTM.NEWLINK);
    const index = echoed ? toLink(linkMessage.decode(echoed.bytes)).index : undefined;
    if (index === undefined) return fetchLink(sock, name, operation, 'ifname');
    try {
      return await fetchLink(sock, index, operation, 'ifname');
    } catch (e) {
      await undoCreate(sock, index, operation);
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
    p.port = writeFields(opts.bridgePort as Record<string, unknown>, BRIDGE_PORT_FIELDS, 'bridgePort');
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
  const operation = 'setLink';
  return withSocket(opts, async (sock) => {
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
      // Step C: the move, with the rename and up state applied in the new namespace.
      if (p.move !== undefined) {
        const ns = netnsAttr(sock, p.move, 'moveToNetns');
        try {
          const c: LinkAttrs = { ...ns.attrs };
          if (p.name !== undefined) c.ifname = p.name;
          await sendLink(sock, RTM.NEWLINK, 0, header(before.index, p.up), c, operation).catch((e: unknown) => {
            if (isNetlinkError(e, 'EEXIST')) {
              throw explain(e, c.ifname !== undefined ? 'ifname' : 'netNsFd', `a link named ${JSON.stringify(c.ifname ?? before.name)} already exists in the target namespace`);
            }
            throw e;
          });
        } finally {
          ns.handle?.close();
        }
      }
    } catch (e) {
      await restore(sock, before, p, operation);
      throw e;
    }
    if (p.move !== undefined) {
      const o: OperationOptions = { netns: p.move };
      if (opts.timeout !== undefined) o.timeout = opts.timeout;
      return withSocket(o, (s) => fetchLink(s, p.name ?? before.name, operation, 'ifname'));
    }
    return fetchLink(sock, before.index, operation, 'ifname');
  });
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

