/**
 * TUN/TAP link data (IFLA_TUN_* in <linux/if_link.h>). Read-only: the
 * kernel fills it in for devices made through /dev/net/tun but refuses to
 * create tun/tap over rtnetlink. Owner and group are only sent when set.
 */
import { attr, attrSet, type Decoded } from '../../../netlink/schema.js';
import { u32, u8 } from '../../../netlink/codecs.js';
import { TUN_FLAG } from './tun-device.js';

export const tunAttrs = attrSet('tun', {
  owner: attr(1, u32),
  group: attr(2, u32),
  /** IFF_TUN (1) or IFF_TAP (2), from <linux/if_tun.h>. */
  type: attr(3, u8),
  pi: attr(4, u8),
  vnetHdr: attr(5, u8),
  persist: attr(6, u8),
  multiQueue: attr(7, u8),
  numQueues: attr(8, u32),
  numDisabledQueues: attr(9, u32),
});

export type TunAttrs = Decoded<typeof tunAttrs>;

/** IFLA_TUN_TYPE values: the TUNSETIFF flags IFF_TUN and IFF_TAP. */
export const IFF_TUN = TUN_FLAG.TUN;
export const IFF_TAP = TUN_FLAG.TAP;

/** The friendly view of a tun/tap device (`Link.info` when kind is "tun"). */
export interface TunInfo {
  kind: 'tun';
  /** "tun" (layer 3, IFF_TUN) or "tap" (Ethernet, IFF_TAP). */
  type?: 'tun' | 'tap';
  /** Packet information header (no IFF_NO_PI). */
  pi?: boolean;
  vnetHdr?: boolean;
  persist?: boolean;
  multiQueue?: boolean;
  /** Owning uid, when set (TUNSETOWNER). */
  owner?: number;
  /** Owning gid, when set (TUNSETGROUP). */
  group?: number;
  numQueues?: number;
  numDisabledQueues?: number;
}

export function tunInfo(data: TunAttrs): TunInfo {
  const out: TunInfo = { kind: 'tun' };
  if (data.type === IFF_TUN) out.type = 'tun';
  else if (data.type === IFF_TAP) out.type = 'tap';
  if (data.pi !== undefined) out.pi = data.pi !== 0;
  if (data.vnetHdr !== undefined) out.vnetHdr = data.vnetHdr !== 0;
  if (data.persist !== undefined) out.persist = data.persist !== 0;
  if (data.multiQueue !== undefined) out.multiQueue = data.multiQueue !== 0;
  if (data.owner !== undefined) out.owner = data.owner;
  if (data.group !== undefined) out.group = data.group;
  if (data.numQueues !== undefined) out.numQueues = data.numQueues;
  if (data.numDisabledQueues !== undefined) out.numDisabledQueues = data.numDisabledQueues;
  return out;
}
