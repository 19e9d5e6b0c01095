/**
 * struct rtmsg (12 bytes), the family header of route messages:
 *
 *   0        1         2         3     4       5          6       7      8       12
 *   | family | dst_len | src_len | tos | table | protocol | scope | type | flags |
 *
 * `table` is only eight bits: tables above 255 travel in RTA_TABLE, with
 * the header saying RT_TABLE_COMPAT (252).
 */
import { struct } from '../../netlink/codecs.js';

/** Size of struct rtmsg in bytes. */
export const RTMSG_SIZE = 12;

/**
 * Codec of struct rtmsg: rtm_family, rtm_dst_len, rtm_src_len, rtm_tos,
 * rtm_table, rtm_protocol, rtm_scope, rtm_type, rtm_flags.
 */
export const rtmsg = struct('rtmsg', {
  family: 'u8',
  dstLength: 'u8',
  srcLength: 'u8',
  tos: 'u8',
  table: 'u8',
  protocol: 'u8',
  scope: 'u8',
  type: 'u8',
  flags: 'u32',
});

/** A decoded struct rtmsg. */
export type RtMsg = {
  family: number;
  dstLength: number;
  srcLength: number;
  tos: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  flags: number;
};

/** rtm_flags (RTM_F_*). Source: <linux/rtnetlink.h>. */
export const RTM_F = {
  NOTIFY: 0x100,
  CLONED: 0x200,
  EQUALIZE: 0x400,
  PREFIX: 0x800,
  /** GETROUTE: report the table the FIB lookup matched in rtm_table. */
  LOOKUP_TABLE: 0x1000,
  /** GETROUTE: return the matching FIB entry rather than the resolved dst. */
  FIB_MATCH: 0x2000,
  OFFLOAD: 0x4000,
  TRAP: 0x8000,
  OFFLOAD_FAILED: 0x20000000,
} as const;

/** Next-hop flags (RTNH_F_*), which also appear in rtm_flags. */
export const RTNH_F = {
  dead: 1,
  pervasive: 2,
  onlink: 4,
  offload: 8,
  linkdown: 16,
  unresolved: 32,
  trap: 64,
} as const;
