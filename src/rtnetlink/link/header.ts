/**
 * struct ifinfomsg (16 bytes), the family header of link messages:
 *
 *   0        1       2        4          8          12         16
 *   | family | pad   | type   | index    | flags    | change   |
 *
 * `type` is the ARPHRD_* hardware type, `flags` the IFF_* flags, `change`
 * the mask of flags a SETLINK/NEWLINK changes.
 */
import type { Codec } from '../../netlink/schema.js';
import { decodeError } from '../../netlink/schema.js';

/** struct ifinfomsg decoded: family, ARPHRD_* type, ifindex, IFF_* flags and change mask. */
export interface IfInfoMsg {
  family: number;
  /** The pad byte, kept so a round trip reproduces it. */
  pad?: number;
  type: number;
  index: number;
  flags: number;
  change: number;
}

/** sizeof(struct ifinfomsg): 16 bytes. */
export const IFINFOMSG_SIZE = 16;

/** The struct ifinfomsg codec; a non-zero pad byte is kept so a round trip reproduces it. */
export const ifinfomsg: Codec<IfInfoMsg> = {
  kind: 'ifinfomsg',
  decode(ctx, off, len) {
    if (len < IFINFOMSG_SIZE) throw decodeError(ctx, `ifinfomsg wants 16 bytes, got ${len}`);
    const v = ctx.view;
    const h: IfInfoMsg = {
      family: v.getUint8(off),
      type: v.getUint16(off + 2, true),
      index: v.getInt32(off + 4, true),
      flags: v.getUint32(off + 8, true),
      change: v.getUint32(off + 12, true),
    };
    const pad = v.getUint8(off + 1);
    if (pad !== 0) h.pad = pad;
    return h;
  },
  encode(w, h) {
    w.u8(h.family);
    w.u8(h.pad ?? 0);
    w.u16(h.type);
    w.s32(h.index);
    w.u32(h.flags >>> 0);
    w.u32(h.change >>> 0);
  },
};

/** Interface flags (IFF_*). Source: <linux/if.h>. */
export const IFF = {
  UP: 0x1,
  BROADCAST: 0x2,
  DEBUG: 0x4,
  LOOPBACK: 0x8,
  POINTOPOINT: 0x10,
  NOTRAILERS: 0x20,
  RUNNING: 0x40,
  NOARP: 0x80,
  PROMISC: 0x100,
  ALLMULTI: 0x200,
  MASTER: 0x400,
  SLAVE: 0x800,
  MULTICAST: 0x1000,
  PORTSEL: 0x2000,
  AUTOMEDIA: 0x4000,
  DYNAMIC: 0x8000,
  LOWER_UP: 0x10000,
  DORMANT: 0x20000,
  ECHO: 0x40000,
} as const;

const FLAG_LIST = Object.entries(IFF) as [string, number][];

/** Flag names, lowest bit first (ip prints its own order: see flags-text.ts). */
export function flagNames(flags: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < FLAG_LIST.length; i++) {
    const f = FLAG_LIST[i] as [string, number];
    if (flags & f[1]) out.push(f[0]);
  }
  return out;
}

/** RFC 2863 operational states (IF_OPER_* in <linux/if.h>), named as `ip` prints them. */
export const OPER_STATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'] as const;
/** An IF_OPER_* operational state (IFLA_OPERSTATE), by name. */
export type OperState = (typeof OPER_STATES)[number];

/** IF_LINK_MODE_* in <linux/if.h>. */
export const LINK_MODES = ['DEFAULT', 'DORMANT', 'TESTING'] as const;
/** An IF_LINK_MODE_* link mode (IFLA_LINKMODE), by name. */
export type LinkMode = (typeof LINK_MODES)[number];

/** Common ARPHRD_* hardware types (<linux/if_arp.h>), named as `ip` prints them (`link_type`). */
export const ARPHRD_NAMES: Readonly<Record<number, string>> = {
  1: 'ether',
  24: 'ieee1394',
  32: 'infiniband',
  280: 'can',
  512: 'ppp',
  768: 'ipip',
  769: 'tunnel6',
  772: 'loopback',
  776: 'sit',
  778: 'gre',
  823: 'ip6gre',
  0xfffe: 'none',
  0xffff: 'void',
};

/** ARPHRD_ETHER (<linux/if_arp.h>): the hardware type of Ethernet devices. */
export const ARPHRD_ETHER = 1;
