/**
 * Finding a link on an operation's own socket (private: not exported from
 * the package). Addresses, routes and neighbours name their device by
 * ifindex on the wire, while users name it by `eth0`; TAP devices are
 * looked up by name after TUNSETIFF made them. Every look-up is one
 * RTM_GETLINK on the operation's socket, so it happens in the namespace the
 * operation acts in.
 *
 * The reference type (`LinkRef`) and its shape check (`validateLinkRef`)
 * are the link API's own (src/ops/links/, src/rtnetlink/link/validate.ts), so a
 * link is named the same way everywhere.
 */
import type { LinkRef } from './index.js';
import { ValidationError, isNetlinkError } from '../../netlink/errors.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import { AF, RTM } from '../../rtnetlink/constants.js';
import { type IfInfoMsg, type Link, type LinkAttrs, RTEXT_FILTER, linkMessage, readLinkAt, validateLinkRef } from '../../rtnetlink/link/index.js';

type Body = (w: Parameters<typeof linkMessage.encode>[0]) => void;

/**
 * An RTM_GETLINK body: one link by ifindex (in ifi_index) or by name
 * (IFLA_IFNAME), or every link (neither); without counters if `skipStats`.
 */
function getLinkBody(ref: LinkRef | undefined, skipStats: boolean): Body {
  const header: IfInfoMsg = { family: AF.UNSPEC, type: 0, index: typeof ref === 'number' ? ref : 0, flags: 0, change: 0 };
  const attrs: LinkAttrs = typeof ref === 'string' ? { ifname: ref } : {};
  // A name ↔ index look-up needs no counters.
  if (skipStats) attrs.extMask = RTEXT_FILTER.SKIP_STATS;
  return (w) => linkMessage.encode(w, { header, attrs });
}

/**
 * One link by name or ifindex (see read.ts for what is decoded when). A
 * missing link is the kernel's NetlinkError ENODEV. No NLM_F_ACK: a
 * GETLINK is answered by the link or by an error.
 */
function requestLink(socket: RtnlSocket, ref: LinkRef, operation: string, skipStats: boolean): Link {
  let link: Link | undefined;
  socket.requestRead(RTM.GETLINK, 0, getLinkBody(ref, skipStats), { operation, attrs: linkMessage.attrs, ack: false }, (buf, view, off, h) => {
    if (h.type === RTM.NEWLINK) link ??= readLinkAt(buf, view, off, h.len, undefined, !skipStats);
  });
  if (!link) throw new Error(`${operation}: the kernel answered RTM_GETLINK without a link`);
  return link;
}

/** One link by name or ifindex, as a Link. A missing link is the kernel's NetlinkError ENODEV. */
export async function fetchLink(socket: RtnlSocket, ref: LinkRef, operation: string): Promise<Link> {
  return requestLink(socket, ref, operation, false);
}

/**
 * The ifindex of `link` in the socket's namespace. An index is taken as
 * given (the kernel rejects unknown ones with ENODEV); a name that does not
 * exist becomes a ValidationError naming it.
 */
export async function resolveLinkIndex(socket: RtnlSocket, link: LinkRef, field = 'link', operation = 'resolve link'): Promise<number> {
  validateLinkRef(link, field);
  if (typeof link === 'number') return link;
  try {
    return requestLink(socket, link, operation, true).index;
  } catch (e) {
    if (isNetlinkError(e, 'ENODEV')) throw new ValidationError(field, `no link named ${JSON.stringify(link)} in this network namespace`);
    throw e;
  }
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
