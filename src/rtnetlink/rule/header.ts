/**
 * struct fib_rule_hdr (12 bytes, <linux/fib_rules.h>), the family header
 * of policy routing rule messages (RTM_NEWRULE / DELRULE / GETRULE):
 *
 *   0        1         2         3     4       5      6      7        8       12
 *   | family | dst_len | src_len | tos | table | res1 | res2 | action | flags |
 *
 * `table` is eight bits, as in rtmsg: the kernel always sends the full id in
 * FRA_TABLE too (fib_nl_fill_rule), and writes RT_TABLE_COMPAT (252) here
 * for tables above 255. `action` is an FR_ACT_* value; its numbers 6–8
 * coincide with RTN_BLACKHOLE/UNREACHABLE/PROHIBIT, which is why iproute2
 * prints it with its route-type names.
 */
import type { Codec } from '../../netlink/schema.js';
import { decodeError } from '../../netlink/schema.js';

/** A decoded struct fib_rule_hdr. */
export interface FibRuleHdr {
  /** AF_INET or AF_INET6 (RTNL_FAMILY_IPMR 128 / IP6MR 129 for multicast routing rules). */
  family: number;
  dstLength: number;
  srcLength: number;
  /** The TOS/DSCP byte the rule matches (0: any). */
  tos: number;
  /** The table for tables 1–255; 0 or RT_TABLE_COMPAT when FRA_TABLE says more. */
  table: number;
  /** FR_ACT_*. */
  action: number;
  /** FIB_RULE_* flags. */
  flags: number;
  /** The reserved bytes (res1, res2), kept only when not zero so that a message round-trips. */
  res1?: number;
  res2?: number;
}

/** Size of struct fib_rule_hdr in bytes. */
export const FIB_RULE_HDR_SIZE = 12;

/** Codec of struct fib_rule_hdr; non-zero reserved bytes are kept. */
export const fibRuleHdr: Codec<FibRuleHdr> = {
  kind: 'fib_rule_hdr',
  decode(ctx, off, len) {
    if (len < FIB_RULE_HDR_SIZE) throw decodeError(ctx, `fib_rule_hdr wants ${FIB_RULE_HDR_SIZE} bytes, got ${len}`);
    const v = ctx.view;
    const h: FibRuleHdr = {
      family: v.getUint8(off),
      dstLength: v.getUint8(off + 1),
      srcLength: v.getUint8(off + 2),
      tos: v.getUint8(off + 3),
      table: v.getUint8(off + 4),
      action: v.getUint8(off + 7),
      flags: v.getUint32(off + 8, true),
    };
    const res1 = v.getUint8(off + 5);
    const res2 = v.getUint8(off + 6);
    if (res1 !== 0) h.res1 = res1;
    if (res2 !== 0) h.res2 = res2;
    return h;
  },
  encode(w, h) {
    w.u8(h.family);
    w.u8(h.dstLength);
    w.u8(h.srcLength);
    w.u8(h.tos);
    w.u8(h.table);
    w.u8(h.res1 ?? 0);
    w.u8(h.res2 ?? 0);
    w.u8(h.action);
    w.u32(h.flags);
  },
};

/** Rule actions (FR_ACT_*, fib_rule_hdr.action). Source: <linux/fib_rules.h>. */
export const FR_ACT = {
  unspec: 0,
  /** Look the packet up in the rule's table (`ip rule … lookup TABLE`). */
  to_tbl: 1,
  /** Continue at the rule whose priority is FRA_GOTO. */
  goto: 2,
  /** Do nothing, go on with the next rule. */
  nop: 3,
  res3: 4,
  res4: 5,
  /** Drop silently. */
  blackhole: 6,
  /** Drop, the sender sees ENETUNREACH. */
  unreachable: 7,
  /** Drop, the sender sees EACCES. */
  prohibit: 8,
} as const;

/** A rule action by name (`to_tbl`, `goto`, `nop`, `blackhole`, `unreachable`, `prohibit`). */
export type RuleActionName = keyof typeof FR_ACT;

/** fib_rule_hdr.flags (FIB_RULE_*). Source: <linux/fib_rules.h>. */
export const FIB_RULE = {
  /** The rule cannot be deleted (the kernel's own rules of some families). */
  PERMANENT: 0x01,
  /** `not`: the rule applies to packets its selectors do NOT match. */
  INVERT: 0x02,
  /** A goto rule whose target priority has no rule (set by the kernel in dumps). */
  UNRESOLVED: 0x04,
  /** The rule's iif names no device that exists now (set by the kernel in dumps). */
  IIF_DETACHED: 0x08,
  /** The rule's oif names no device that exists now (set by the kernel in dumps). */
  OIF_DETACHED: 0x10,
  /** Try to find a source address in the looked-up table (IPv6). */
  FIND_SADDR: 0x10000,
} as const;
