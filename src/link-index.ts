/**
 * Link name ↔ ifindex for the address, route and neighbour operations
 * (private: not exported from the package). Addresses, routes and
 * neighbours name their device by ifindex on the wire, while users name it
 * by `eth0`: a name is resolved with one RTM_GETLINK on the operation's own
 * socket, so it is looked up in the namespace the operation acts in.
 */
import { ValidationError, isNetlinkError } from './netlink/errors.js';
import type { RtnlSocket } from './netlink/socket.js';
import { AF, RTM } from './route/constants.js';
import { linkMessage } from './route/link/index.js';

/** A link: its name (`veth0`) or its ifindex. */
export type LinkRef = string | number;

/** RTEXT_FILTER_SKIP_STATS (<linux/rtnetlink.h>): we only need names and indexes. */
const SKIP_STATS = 1 << 3;

const utf8 = new TextEncoder();

const emptyHeader = { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 };

/**
 * Checks a link reference's shape before any system call: an interface name
 * as the kernel's dev_valid_name() accepts it (1–15 bytes, not `.`/`..`, no
 * `/`, `:` or whitespace) or a positive integer index.
 */
export function validateLinkRef(link: unknown, field = 'link'): LinkRef {
  if (typeof link === 'number') {
    if (!Number.isInteger(link) || link <= 0 || link > 0x7fffffff) throw new ValidationError(field, `invalid interface index ${link}`);
    return link;
  }
  if (typeof link !== 'string') throw new ValidationError(field, `expected an interface name or index, got ${typeof link}`);
  const bytes = utf8.encode(link).length;
  if (bytes < 1 || bytes > 15 || link === '.' || link === '..' || /[/:\s]/.test(link)) {
    throw new ValidationError(field, `invalid interface name ${JSON.stringify(link)}: 1–15 bytes, no "/", ":" or whitespace`);
  }
  return link;
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
    const [reply] = await socket.request(
      RTM.GETLINK,
      0,
      (w) => linkMessage.encode(w, { header: emptyHeader, attrs: { ifname: link, extMask: SKIP_STATS } }),
      { operation, attrs: linkMessage.attrs },
    );
    if (!reply) throw new Error(`${operation}: the kernel answered RTM_GETLINK without a link`);
    return linkMessage.decode(reply.bytes).header.index;
  } catch (e) {
    if (isNetlinkError(e, 'ENODEV')) throw new ValidationError(field, `no link named ${JSON.stringify(link)} in this network namespace`);
    throw e;
  }
}

/** Every link's name by ifindex, from one RTM_GETLINK dump. */
export async function linkNames(socket: RtnlSocket, operation = 'list links'): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for await (const m of socket.dump(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: emptyHeader, attrs: { extMask: SKIP_STATS } }), { operation })) {
    if (m.type !== RTM.NEWLINK) continue;
    const msg = linkMessage.decode(m.bytes);
    if (msg.attrs.ifname !== undefined) out.set(msg.header.index, msg.attrs.ifname);
  }
  return out;
}
