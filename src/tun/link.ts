/**
 * The rtnetlink side of TAP devices: look a link up, change its MTU,
 * address, master and up state, delete it. Everything is encoded through the
 * link family's attribute table, so a kernel error names the attribute.
 */
import type { RtnlSocket } from '../netlink/socket.js';
import { AF, RTM } from '../route/constants.js';
import { IFF, linkMessage, toLink, type IfInfoMsg, type Link } from '../route/link/index.js';

/** The attributes of a link request, as the link family's table types them. */
type LinkRequestAttrs = NonNullable<Parameters<typeof linkMessage.encode>[1]['attrs']>;

const header = (index: number, flags = 0, change = 0): IfInfoMsg => ({ family: AF.UNSPEC, type: 0, index, flags, change });

/** RTM_GETLINK for one link, by name or ifindex. Rejects with NetlinkError ENODEV when there is none. */
export async function fetchLink(socket: RtnlSocket, ref: string | number, operation: string): Promise<Link> {
  const attrs: LinkRequestAttrs = typeof ref === 'string' ? { ifname: ref } : {};
  const replies = await socket.request(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: header(typeof ref === 'number' ? ref : 0), attrs }), {
    operation,
    attrs: linkMessage.attrs,
  });
  const reply = replies.find((m) => m.type === RTM.NEWLINK);
  if (!reply) throw new Error(`${operation}: the kernel answered RTM_GETLINK without a link`);
  return toLink(linkMessage.decode(reply.bytes));
}

export interface LinkChanges {
  mtu?: number;
  address?: string;
  /** ifindex of the new master. */
  master?: number;
  up?: boolean;
}

/**
 * One RTM_SETLINK with every change: the kernel applies them in do_setlink()
 * in its own order and stops at the first failure, so a failure may leave
 * some applied — the caller rolls the whole device back.
 */
export async function changeLink(socket: RtnlSocket, index: number, changes: LinkChanges, operation: string): Promise<void> {
  const attrs: LinkRequestAttrs = {};
  if (changes.mtu !== undefined) attrs.mtu = changes.mtu;
  if (changes.address !== undefined) attrs.address = changes.address;
  if (changes.master !== undefined) attrs.master = changes.master;
  const flags = changes.up ? IFF.UP : 0;
  const change = changes.up === undefined ? 0 : IFF.UP;
  if (Object.keys(attrs).length === 0 && change === 0) return;
  await socket.request(RTM.SETLINK, 0, (w) => linkMessage.encode(w, { header: header(index, flags, change), attrs }), { operation, attrs: linkMessage.attrs });
}

/** RTM_DELLINK by ifindex. The tun driver gets the default dellink (unregister), which also detaches every open fd. */
export async function removeLink(socket: RtnlSocket, index: number, operation: string): Promise<void> {
  await socket.request(RTM.DELLINK, 0, (w) => linkMessage.encode(w, { header: header(index) }), { operation, attrs: linkMessage.attrs });
}
