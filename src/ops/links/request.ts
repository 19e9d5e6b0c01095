/**
 * The pieces every link request is made of: the ifinfomsg header, where a
 * request names its link (ifindex or IFLA_IFNAME), the attributes common to
 * creation, and a namespace as IFLA_NET_NS_FD / IFLA_NET_NS_PID.
 */
import { type NetnsHandle, type NetnsRef, netnsPath, openNetns } from '../../netlink/netns.js';
import type { Message, RtnlSocket } from '../../netlink/socket.js';
import { AF } from '../../rtnetlink/constants.js';
import {
  IFF,
  type IfInfoMsg,
  type LinkAttrs,
  linkAttrs,
  linkMessage,
  validateIfname,
  validateMtu,
  validateU32,
  validateUnicastMac,
} from '../../rtnetlink/link/index.js';
import { type LinkRef } from './lookup.js';

export const NO_HEADER: IfInfoMsg = { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 };
export const OPERATION_KEYS = ['netns', 'socket', 'timeout'] as const;

export function header(index = 0, up?: boolean): IfInfoMsg {
  if (up === undefined) return { family: AF.UNSPEC, type: 0, index, flags: 0, change: 0 };
  return { family: AF.UNSPEC, type: 0, index, flags: up ? IFF.UP : 0, change: IFF.UP };
}

/** Where a request addresses a link: the ifindex in the header, or IFLA_IFNAME. */
export function target(ref: LinkRef): { index: number; attrs: LinkAttrs } {
  return typeof ref === 'number' ? { index: ref, attrs: {} } : { index: 0, attrs: { ifname: ref } };
}

/** One link request, answered with an ACK (or the echo the flags ask for). */
export async function sendLink(sock: RtnlSocket, type: number, flags: number, hdr: IfInfoMsg, attrs: LinkAttrs, operation: string): Promise<Message[]> {
  return sock.request(type, flags, (w) => linkMessage.encode(w, { header: hdr, attrs }), { operation, attrs: linkAttrs });
}


/** IFLA_NET_NS_FD or IFLA_NET_NS_PID for a namespace reference; the handle must be closed after the request. */
export function netnsAttr(sock: RtnlSocket, ref: NetnsRef, field: string): { attrs: LinkAttrs; handle?: NetnsHandle } {
  if (typeof ref === 'object' && ref !== null && 'pid' in ref) {
    netnsPath(ref, field);
    return { attrs: { netNsPid: ref.pid } };
  }
  const handle = openNetns(sock.shim, ref, field);
  return { attrs: { netNsFd: handle.fd }, handle };
}

/** Link attributes common to creation requests, validated. */
export function endAttrs(o: { name: string; mtu?: number; address?: string; group?: number; txQueueLen?: number }, prefix: string): LinkAttrs {
  const attrs: LinkAttrs = { ifname: validateIfname(o.name, `${prefix}name`) };
  if (o.mtu !== undefined) attrs.mtu = validateMtu(o.mtu, `${prefix}mtu`);
  if (o.address !== undefined) attrs.address = validateUnicastMac(o.address, `${prefix}address`);
  if (o.group !== undefined) attrs.group = validateU32(o.group, `${prefix}group`, 'a group number');
  if (o.txQueueLen !== undefined) attrs.txqlen = validateU32(o.txQueueLen, `${prefix}txQueueLen`, 'a queue length');
  return attrs;
}


export function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
