/**
 * The rtnetlink change a new TAP device gets: MTU, address, master and up
 * state in one RTM_SETLINK. Look-ups go through ../links/lookup.ts and the
 * rollback delete through the link API's deleteLink; this one request stays
 * here because createTap's all-or-nothing model differs from setLink's: on
 * failure the whole device is removed, so there is nothing to read first
 * and nothing to put back setting by setting.
 */
import type { RtnlSocket } from '../../netlink/socket.js';
import { AF, RTM } from '../../rtnetlink/constants.js';
import { IFF, linkMessage, type LinkAttrs } from '../../rtnetlink/link/index.js';
import { explainMaster } from '../links/request.js';

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
  const attrs: LinkAttrs = {};
  if (changes.mtu !== undefined) attrs.mtu = changes.mtu;
  if (changes.address !== undefined) attrs.address = changes.address;
  if (changes.master !== undefined) attrs.master = changes.master;
  const flags = changes.up ? IFF.UP : 0;
  const change = changes.up === undefined ? 0 : IFF.UP;
  if (Object.keys(attrs).length === 0 && change === 0) return;
  const header = { family: AF.UNSPEC, type: 0, index, flags, change };
  await socket.request(RTM.SETLINK, 0, (w) => linkMessage.encode(w, { header, attrs }), { operation, attrs: linkMessage.attrs }).catch((e: unknown) => {
    throw changes.master !== undefined ? explainMaster(e) : e;
  });
}
