/**
 * TUN/TAP link data (IFLA_TUN_* in <linux/if_link.h>). Read-only: the
 * kernel fills it in for devices made through /dev/net/tun but refuses to
 * create tun/tap over rtnetlink. Owner and group are only sent when set.
 */
import { attr, attrSet, type Decoded, type ViewOf } from '../../../netlink/schema.js';
import { readView } from '../../../netlink/fields.js';
import { u32, u8 } from '../../../netlink/codecs.js';
import { TUN_FLAG } from './tun-device.js';

/** IFLA_TUN_TYPE values: the TUNSETIFF flags IFF_TUN and IFF_TAP. */
export const IFF_TUN = TUN_FLAG.TUN;
/** IFF_TAP (2): a TAP device, Ethernet frames (see {@link IFF_TUN}). */
export const IFF_TAP = TUN_FLAG.TAP;
const tunType = { read: (v: number) => (v === IFF_TUN ? ('tun' as const) : v === IFF_TAP ? ('tap' as const) : undefined) };

/** IFLA_TUN_*: number and codec, the friendly field of `Link.info` (`.view`), iproute2's spelling (`.spelled`). */
export const tunAttrs = attrSet('tun', {
  /** Owning uid, when set (TUNSETOWNER). */
  owner: attr(1, u32).view('owner', 'num').spelled('user', { shape: 'user' }),
  /** Owning gid, when set (TUNSETGROUP). */
  group: attr(2, u32).view('group', 'num').spelled('group', { shape: 'group' }),
  /** IFF_TUN (1): "tun", layer 3; IFF_TAP (2): "tap", Ethernet. */
  type: attr(3, u8).view('type', tunType).spelled('type', { shape: 'tun-type' }),
  /** Packet information header (no IFF_NO_PI). */
  pi: attr(4, u8).view('pi', 'bool').spelled('pi', { shape: 'onoff' }),
  vnetHdr: attr(5, u8).view('vnetHdr', 'bool').spelled('vnet_hdr', { shape: 'onoff' }),
  persist: attr(6, u8).view('persist', 'bool').spelled('persist', { shape: 'onoff' }),
  multiQueue: attr(7, u8).view('multiQueue', 'bool').spelled('multi_queue', { shape: 'tun-multi-queue' }),
  numQueues: attr(8, u32).view('numQueues', 'num').spelled('numqueues', { shape: 'tun-queues' }),
  numDisabledQueues: attr(9, u32).view('numDisabledQueues', 'num').spelled('numdisabled', { shape: 'tun-queues' }),
});

/** IFLA_TUN_* as decoded: a tun/tap device's IFLA_INFO_DATA. */
export type TunAttrs = Decoded<typeof tunAttrs>;

/** The friendly view of a tun/tap device (`Link.info` when kind is "tun"). Read-only: TAPs are made through /dev/net/tun. */
export type TunInfo = { kind: 'tun' } & ViewOf<typeof tunAttrs>;

/** The friendly view of tun/tap link data. */
export function tunInfo(data: TunAttrs): TunInfo {
  return { kind: 'tun', ...readView(tunAttrs, data) } as TunInfo;
}

/** The order `ip -d link show` prints these rows in (iproute2's iptuntap.c tun_print_opt). */
export const TUN_IP_ORDER: readonly (keyof typeof tunAttrs.specs)[] = ['type', 'pi', 'vnetHdr', 'multiQueue', 'numQueues', 'numDisabledQueues', 'persist', 'owner', 'group'];
