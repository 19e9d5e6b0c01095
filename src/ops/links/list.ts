/**
 * Reading links: one by name or ifindex (getLink), all of a namespace
 * (listLinks), or streamed one at a time (iterateLinks), with kernel-side
 * filters where the kernel has them.
 */
import { ValidationError } from '../../netlink/errors.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import { type OperationOptions, openSocket, withSocket } from '../options.js';
import { RTM } from '../../rtnetlink/constants.js';
import {
  type KnownLinkKind,
  type Link,
  type LinkAttrs,
  type OtherLinkKind,
  RTEXT_FILTER,
  linkAttrs,
  linkMessage,
  readLinkAt,
  rejectUnknownKeys,
  validateBoolean,
  validateLinkRef,
  validateU32,
} from '../../rtnetlink/link/index.js';
import { type LinkRef, lookupLink } from './lookup.js';
import { NO_HEADER, OPERATION_KEYS } from './request.js';
import { formatValue } from '../../netlink/format-value.js';

/** Options of getLink: whether to read the counters, and which namespace to read from. */
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
  /**
   * Read from the namespace with this id, as the call's namespace numbers
   * its peers (IFLA_TARGET_NETNSID; `listNsids` lists them): the kernel
   * answers for that namespace over this socket, no second socket opened.
   * The links' indexes are that namespace's.
   */
  targetNetnsId?: number;
}

const GET_KEYS = [...OPERATION_KEYS, 'stats', 'targetNetnsId'] as const;

function validateNsid(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new ValidationError('targetNetnsId', `expected a namespace id 0..2147483647, got ${formatValue(v)}`);
  return v;
}

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
    const targetNetnsId = opts.targetNetnsId === undefined ? undefined : validateNsid(opts.targetNetnsId);
    if (opts.socket !== undefined && opts.netns === undefined) return Promise.resolve(lookupLink(opts.socket, ref, 'getLink', { field, stats, targetNetnsId }));
    return withSocket(opts, (sock) => lookupLink(sock, ref, 'getLink', { field, stats, targetNetnsId }));
  } catch (e) {
    return Promise.reject(e as Error);
  }
}

/** Options of listLinks and iterateLinks: getLink's, plus filters by kind, master and group. */
export interface ListLinksOptions extends GetLinkOptions {
  /** Only links of this kind ("veth", "bridge" …). */
  /** A modelled kind, or another one through anyLinkKind('ipoib'): a misspelt kind does not compile. */
  kind?: KnownLinkKind | OtherLinkKind;
  /** Only ports of this master (name or ifindex). */
  master?: LinkRef;
  /** Only links of this group. */
  group?: number;
}

function validateListOptions(opts: ListLinksOptions): void {
  rejectUnknownKeys(opts, [...GET_KEYS, 'kind', 'master', 'group'], '');
  if (opts.stats !== undefined) validateBoolean(opts.stats, 'stats');
  if (opts.kind !== undefined && (typeof opts.kind !== 'string' || opts.kind === '')) throw new ValidationError('kind', `expected a link kind such as "veth", got ${formatValue(opts.kind)}`);
  if (opts.master !== undefined) validateLinkRef(opts.master, 'master');
  if (opts.group !== undefined) validateU32(opts.group, 'group', 'a group number');
  if (opts.targetNetnsId !== undefined) validateNsid(opts.targetNetnsId);
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
    const d = linkDump(socket, opts, 'iterateLinks');
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
function linkDump(sock: RtnlSocket, opts: ListLinksOptions, operation: 'listLinks' | 'iterateLinks') {
  const filter: LinkAttrs = {};
  let master: number | undefined;
  if (opts.master !== undefined) {
    master = lookupLink(sock, opts.master, operation, { field: 'master', stats: false, targetNetnsId: opts.targetNetnsId }).index;
    filter.master = master;
  }
  if (opts.kind !== undefined) filter.linkinfo = { kind: opts.kind };
  if (opts.stats === false) filter.extMask = RTEXT_FILTER.SKIP_STATS;
  if (opts.targetNetnsId !== undefined) filter.targetNetnsid = opts.targetNetnsId;
  const msg = { header: NO_HEADER, attrs: filter };
  return {
    body: (w: Parameters<typeof linkMessage.encode>[0]) => linkMessage.encode(w, msg),
    options: { operation, attrs: linkAttrs },
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
    const d = linkDump(sock, opts, 'listLinks');
    const out: Link[] = [];
    // Each link keeps its dump chunk (one copy per datagram) for its lazy parts.
    await sock.dumpRead(RTM.GETLINK, 0, d.body, d.options, (buf, view, off, h, datagram) => {
      const link = h.type === RTM.NEWLINK ? d.pick(readLinkAt(buf, view, off, h.len, datagram(), opts.stats !== false)) : undefined;
      if (link) out.push(link);
    });
    return out;
  });
}
