/**
 * struct ndmsg (12 bytes), the family header of neighbour and bridge FDB
 * messages:
 *
 *   0        1      2      4          8       10      11     12
 *   | family | pad1 | pad2 | ifindex  | state | flags | type |
 *
 * `state` is the NUD_* state, `flags` the low eight NTF_* flags (more in
 * NDA_FLAGS_EXT), `type` a route type (RTN_*). Family AF_BRIDGE means the
 * bridge forwarding database.
 */
import type { Codec } from '../../netlink/schema.js';
import { decodeError } from '../../netlink/schema.js';

/** A decoded struct ndmsg: ndm_family, ndm_ifindex, ndm_state (NUD_*), ndm_flags (NTF_*), ndm_type (RTN_*). */
export interface NdMsg {
  family: number;
  ifindex: number;
  state: number;
  flags: number;
  type: number;
  /** The pad bytes (pad1 | pad2 << 8), kept only when not zero. */
  pad?: number;
}

/** Size of struct ndmsg in bytes. */
export const NDMSG_SIZE = 12;

/** Codec of struct ndmsg; non-zero pad bytes are kept so the message round-trips. */
export const ndmsg: Codec<NdMsg> = {
  kind: 'ndmsg',
  decode(ctx, off, len) {
    if (len < NDMSG_SIZE) throw decodeError(ctx, `ndmsg wants ${NDMSG_SIZE} bytes, got ${len}`);
    const v = ctx.view;
    const h: NdMsg = {
      family: v.getUint8(off),
      ifindex: v.getInt32(off + 4, true),
      state: v.getUint16(off + 8, true),
      flags: v.getUint8(off + 10),
      type: v.getUint8(off + 11),
    };
    const pad = v.getUint8(off + 1) | (v.getUint16(off + 2, true) << 8);
    if (pad !== 0) h.pad = pad;
    return h;
  },
  encode(w, h) {
    const pad = h.pad ?? 0;
    w.u8(h.family);
    w.u8(pad & 0xff);
    w.u16((pad >>> 8) & 0xffff);
    w.s32(h.ifindex);
    w.u16(h.state);
    w.u8(h.flags);
    w.u8(h.type);
  },
};

/** Neighbour states (NUD_*). Source: <linux/neighbour.h>. Names as `ip -j neigh` prints them. */
export const NUD = {
  INCOMPLETE: 0x01,
  REACHABLE: 0x02,
  STALE: 0x04,
  DELAY: 0x08,
  PROBE: 0x10,
  FAILED: 0x20,
  NOARP: 0x40,
  PERMANENT: 0x80,
} as const;

/** A NUD_* state by the name `ip -j neigh` prints (`REACHABLE`, `PERMANENT` …). */
export type NeighbourStateName = keyof typeof NUD;

/** Neighbour flags (NTF_*), in ndm_flags. */
export const NTF = {
  use: 0x01,
  self: 0x02,
  master: 0x04,
  proxy: 0x08,
  extern_learn: 0x10,
  offload: 0x20,
  sticky: 0x40,
  router: 0x80,
} as const;

/** Extended neighbour flags (NTF_EXT_*), in NDA_FLAGS_EXT. */
export const NTF_EXT = {
  managed: 0x01,
  locked: 0x02,
  extern_valid: 0x04,
} as const;

/** An NTF_* or NTF_EXT_* flag by the name `ip -j neigh` prints (`router`, `extern_learn` …). */
export type NeighbourFlagName = keyof typeof NTF | keyof typeof NTF_EXT;

/** State names of a NUD_* value; NUD_NONE (0) is `NONE`, as iproute2 prints it. */
export function stateNames(state: number): NeighbourStateName[] | ['NONE'] {
  if (state === 0) return ['NONE'];
  const out: NeighbourStateName[] = [];
  for (const [name, bit] of Object.entries(NUD) as [NeighbourStateName, number][]) if (state & bit) out.push(name);
  return out;
}
