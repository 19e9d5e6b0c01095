/**
 * Finding a link: the one RTM_GETLINK by reference every operation uses —
 * getLink itself, the master of a new veth, the device of an address,
 * route or neighbour, the TAP that TUNSETIFF just made. Every look-up is
 * one request on the operation's own socket, so it happens in the
 * namespace the operation acts in, and a link that is not there is always
 * the same error: a NetlinkError ENODEV whose attribute path is the option
 * that named it and whose message names the link asked for.
 */
import { errnoValue } from '../../shim/errors.js';
import { NetlinkError, isNetlinkError } from '../../netlink/errors.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import { AF, RTM } from '../../rtnetlink/constants.js';
import { type IfInfoMsg, type Link, type LinkAttrs, RTEXT_FILTER, linkMessage, readLinkAt, validateLinkRef } from '../../rtnetlink/link/index.js';

const ENODEV = errnoValue('ENODEV') as number;

/** A link, by name or by ifindex. */
export type LinkRef = string | number;

/** How a look-up names the link in errors: its index or its name. */
export const describeLink = (ref: LinkRef): string => (typeof ref === 'number' ? `ifindex ${ref}` : JSON.stringify(ref));
/** The attribute a reference travels in: ifi_index or IFLA_IFNAME. */
const fieldOf = (ref: LinkRef): string => (typeof ref === 'number' ? 'index' : 'ifname');

/** The ENODEV of a link that is not there; `cause` is the kernel's own answer when it gave one. */
export function linkNotFound(ref: LinkRef, operation: string, field: string, cause?: NetlinkError): NetlinkError {
  if (cause) {
    const seq = cause.seq === undefined ? {} : { seq: cause.seq };
    return new NetlinkError({ errno: cause.errno, code: cause.code, operation: cause.operation, extack: cause.extack, ...seq, attrPath: cause.attrPath ?? field, detail: `no link ${describeLink(ref)}`, missingLink: ref, cause });
  }
  return new NetlinkError({ errno: ENODEV, code: 'ENODEV', operation, attrPath: field, missingLink: ref, detail: `no link ${describeLink(ref)}: the kernel answered without one` });
}

/**
 * An RTM_GETLINK body: one link by ifindex (in ifi_index) or by name
 * (IFLA_IFNAME), or every link (neither); without counters if `skipStats`.
 */
export function getLinkBody(ref: LinkRef | undefined, skipStats: boolean, targetNetnsId?: number) {
  const header: IfInfoMsg = { family: AF.UNSPEC, type: 0, index: typeof ref === 'number' ? ref : 0, flags: 0, change: 0 };
  const attrs: LinkAttrs = typeof ref === 'string' ? { ifname: ref } : {};
  // A name ↔ index look-up needs no counters.
  if (skipStats) attrs.extMask = RTEXT_FILTER.SKIP_STATS;
  if (targetNetnsId !== undefined) attrs.targetNetnsid = targetNetnsId;
  return (w: Parameters<typeof linkMessage.encode>[0]) => linkMessage.encode(w, { header, attrs });
}

/**
 * One link by name or ifindex, read in place (see read.ts for what is
 * decoded when). Sent without NLM_F_ACK: the kernel answers a GETLINK with
 * the link or with an error, so an ACK would only cost a second datagram.
 * Synchronous underneath (a request is answered within sendmsg).
 * `stats: false` asks the kernel to leave counters out (GetLinkOptions).
 */
export interface LookupOptions {
  /** The option that named the link, for the error's attribute path (default: index or ifname). */
  field?: string;
  /** false: no counters (IFLA_EXT_MASK with RTEXT_FILTER_SKIP_STATS). Default true. */
  stats?: boolean;
  /** Look in the namespace with this id (IFLA_TARGET_NETNSID), as the socket's namespace numbers its peers. */
  targetNetnsId?: number | undefined;
}

export function lookupLink(sock: RtnlSocket, ref: LinkRef, operation: string, { field = fieldOf(ref), stats = true, targetNetnsId }: LookupOptions = {}): Link {
  let link: Link | undefined;
  try {
    sock.requestRead(RTM.GETLINK, 0, getLinkBody(ref, !stats, targetNetnsId), { operation, attrs: linkMessage.attrs, ack: false }, (buf, view, off, h) => {
      if (h.type === RTM.NEWLINK) link ??= readLinkAt(buf, view, off, h.len, undefined, stats);
    });
  } catch (e) {
    if (isNetlinkError(e, 'ENODEV')) throw linkNotFound(ref, operation, field, e);
    throw e;
  }
  if (!link) throw linkNotFound(ref, operation, field);
  return link;
}

/** lookupLink, as a promise. */
export async function fetchLink(sock: RtnlSocket, ref: LinkRef, operation: string, opts: LookupOptions = {}): Promise<Link> {
  return lookupLink(sock, ref, operation, opts);
}

/** The ifindex of `ref` in the socket's namespace (looked up even when given as an index: it must exist). */
export async function resolveIndex(sock: RtnlSocket, ref: LinkRef, operation: string, field: string): Promise<number> {
  return lookupLink(sock, ref, operation, { field, stats: false }).index;
}

/**
 * The ifindex of `link` for requests that name their device by index
 * (addresses, routes, neighbours): an index is taken as given (the kernel
 * answers ENODEV for an unknown one, on the request itself); a name is
 * looked up.
 */
export async function resolveLinkIndex(socket: RtnlSocket, link: LinkRef, field = 'link', operation = 'resolve link'): Promise<number> {
  validateLinkRef(link, field);
  if (typeof link === 'number') return link;
  return resolveIndex(socket, link, operation, field);
}

/** Every link's name by ifindex, from one RTM_GETLINK dump. */
export async function linkNames(socket: RtnlSocket, operation = 'list links'): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  await socket.dumpRead(RTM.GETLINK, 0, getLinkBody(undefined, true), { operation }, (buf, view, off, h, datagram) => {
    if (h.type !== RTM.NEWLINK) return;
    const link = readLinkAt(buf, view, off, h.len, datagram());
    if (link.name !== '') out.set(link.index, link.name);
  });
  return out;
}
