/**
 * The pieces every link request is made of: the ifinfomsg header, where a
 * request names its link (ifindex or IFLA_IFNAME), the attributes common to
 * creation, and a namespace as IFLA_NET_NS_FD (opened first, `{ pid }` too).
 */
import { type NetnsHandle, type NetnsRef, openNetns } from '../../netlink/netns.js';
import type { Message, RtnlSocket } from '../../netlink/socket.js';
import type { OperationOptions } from '../options.js';
import { AF, RTM } from '../../rtnetlink/constants.js';
import { ValidationError, explainError, isNetlinkError } from '../../netlink/errors.js';
import { writeView } from '../../netlink/fields.js';
import {
  type BridgePortOptions,
  IFF,
  type IfInfoMsg,
  type LinkInfo,
  bridgePortAttrs,
  type LinkAttrs,
  linkAttrs,
  linkMessage,
  validateIfname,
  validateMtu,
  validateBoolean,
  validateU32,
  validateUnicastMac,
} from '../../rtnetlink/link/index.js';
import { type LinkRef } from './lookup.js';

export const NO_HEADER: IfInfoMsg = { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 };
export const OPERATION_KEYS = ['netns', 'socket', 'timeout'] as const;

/** What every create call takes for the link it makes (createLink and the kind calls, createVethPair, createNetkitPair). */
export interface CreateEndOptions extends OperationOptions, LinkFlagOptions {
  name: string;
  mtu?: number;
  address?: string;
  /** Enslave to this master (name or ifindex, in the namespace the device is created in), in the creating request. */
  master?: LinkRef;
  /**
   * Bridge port options of the new link (`{ hairpin: true }`, `{ cost: 10 }`
   * …), with `master` a bridge: a second request, since the kernel applies
   * port data only to a link that already is a port (rtnl_newlink creates
   * the device, then enslaves it). A refusal deletes the link again.
   */
  bridgePort?: BridgePortOptions;
  up?: boolean;
  group?: number;
  txQueueLen?: number;
}

/** Flag bits a request sets (`set`) among the ones it changes (`mask`): ifi_flags / ifi_change. */
export interface FlagChange {
  set: number;
  mask: number;
}

export function header(index = 0, up?: boolean, more?: FlagChange): IfInfoMsg {
  let flags = more?.set ?? 0;
  let change = more?.mask ?? 0;
  if (up !== undefined) {
    flags |= up ? IFF.UP : 0;
    change |= IFF.UP;
  }
  return { family: AF.UNSPEC, type: 0, index, flags, change };
}

/**
 * The link flags a request may change besides up (ip's `promisc`,
 * `allmulticast`, `multicast`, `arp` on|off): IFF_* bits through
 * ifi_flags / ifi_change, which rtnl_dev_combine_flags() applies with
 * dev_change_flags() — on creation too (rtnl_configure_link). `arp: false`
 * is IFF_NOARP set.
 */
export const LINK_FLAG_KEYS = ['promisc', 'allmulticast', 'multicast', 'arp'] as const;
export type LinkFlagOptions = { [K in (typeof LINK_FLAG_KEYS)[number]]?: boolean };

/** The keys of CreateEndOptions. */
export const END_KEYS = [...OPERATION_KEYS, ...LINK_FLAG_KEYS, 'name', 'mtu', 'address', 'master', 'bridgePort', 'up', 'group', 'txQueueLen'] as const;

export function flagChange(o: LinkFlagOptions, prefix = ''): FlagChange | undefined {
  const bits: Record<(typeof LINK_FLAG_KEYS)[number], [number, boolean]> = {
    promisc: [IFF.PROMISC, false],
    allmulticast: [IFF.ALLMULTI, false],
    multicast: [IFF.MULTICAST, false],
    arp: [IFF.NOARP, true],
  };
  let set = 0;
  let mask = 0;
  for (const k of LINK_FLAG_KEYS) {
    const v = o[k];
    if (v === undefined) continue;
    const [bit, inverted] = bits[k];
    if (validateBoolean(v, `${prefix}${k}`) !== inverted) set |= bit;
    mask |= bit;
  }
  return mask ? { set, mask } : undefined;
}

/** Where a request addresses a link: the ifindex in the header, or IFLA_IFNAME. */
export function target(ref: LinkRef): { index: number; attrs: LinkAttrs } {
  return typeof ref === 'number' ? { index: ref, attrs: {} } : { index: 0, attrs: { ifname: ref } };
}

/** One link request, answered with an ACK (or the echo the flags ask for). */
export async function sendLink(sock: RtnlSocket, type: number, flags: number, hdr: IfInfoMsg, attrs: LinkAttrs, operation: string): Promise<Message[]> {
  return sock.request(type, flags, (w) => linkMessage.encode(w, { header: hdr, attrs }), { operation, attrs: linkAttrs });
}


/** IFLA_NET_NS_FD for a namespace reference, opened now; the handle must be closed after the request. */
export function netnsAttr(sock: RtnlSocket, ref: NetnsRef, field: string): { attrs: LinkAttrs; handle?: NetnsHandle } {
  // `{ pid }` too is opened (/proc/PID/ns/net) and sent as IFLA_NET_NS_FD,
  // not as IFLA_NET_NS_PID: a process that has exited is a ValidationError
  // before any request (the kernel would answer a bare ESRCH), and one that
  // exits meanwhile cannot take its namespace away from the request.
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

/** `bridgePort` options → their IFLA_BRPORT_* wire values (setLink's and the create calls'). */
export function bridgePortWire(v: unknown): Record<string, unknown> {
  if (!v || typeof v !== 'object') throw new ValidationError('bridgePort', 'expected an object of port options');
  return writeView(bridgePortAttrs, v as Record<string, unknown>, 'bridgePort');
}

/**
 * The bridge port options a create call was given, checked (bridgePort
 * wants a master to be a port of).
 */
export function bridgePortData(o: { bridgePort?: unknown; master?: unknown }): Record<string, unknown> | undefined {
  if (o.bridgePort === undefined) return undefined;
  const data = bridgePortWire(o.bridgePort);
  if (o.master === undefined) throw new ValidationError('bridgePort', 'needs master: the link becomes a bridge port by being enslaved to a bridge');
  if (!Object.keys(data).length) throw new ValidationError('bridgePort', 'no port option given');
  return data;
}

/** Port options of a link just made a bridge port: IFLA_INFO_SLAVE_DATA in a change request. */
export async function applyBridgePort(sock: RtnlSocket, index: number, data: Record<string, unknown>, operation: string): Promise<void> {
  await sendLink(sock, RTM.NEWLINK, 0, header(index), { linkinfo: { slaveKind: 'bridge', slaveData: data } as LinkInfo }, operation).catch((e: unknown) => {
    if (isNetlinkError(e, 'EOPNOTSUPP')) throw explainError(e, 'linkinfo.slaveData', 'the master is not a bridge, so bridge port options do not apply');
    throw e;
  });
}

/**
 * EOPNOTSUPP from enslaving: do_set_master() found no ndo_add_slave on the
 * master (lo, a veth, a tap are no masters) and says nothing more, so the
 * error is given the attribute and the reason.
 */
export function explainMaster(e: unknown): unknown {
  if (isNetlinkError(e, 'EOPNOTSUPP') && !e.kernelMessage) return explainError(e, 'master', 'the master cannot take ports: it is no bridge, bond, team or vrf');
  return e;
}
