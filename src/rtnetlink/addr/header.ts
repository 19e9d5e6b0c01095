/**
 * struct ifaddrmsg (8 bytes), the family header of address messages:
 *
 *   0        1           2       3       4          8
 *   | family | prefixlen | flags | scope | index    |
 *
 * `flags` holds only the low 8 IFA_F_* bits; the full set travels in
 * IFA_FLAGS (u32), which the kernel sends on every address.
 */
import { struct } from '../../netlink/codecs.js';

/** Size of struct ifaddrmsg in bytes. */
export const IFADDRMSG_SIZE = 8;

/** Codec of struct ifaddrmsg: ifa_family, ifa_prefixlen, ifa_flags (low 8 IFA_F_* bits), ifa_scope, ifa_index. */
export const ifaddrmsg = struct('ifaddrmsg', {
  family: 'u8',
  prefixLength: 'u8',
  flags: 'u8',
  scope: 'u8',
  index: 'u32',
});

/** A decoded struct ifaddrmsg. */
export type IfAddrMsg = { family: number; prefixLength: number; flags: number; scope: number; index: number };

/** Address flags (IFA_F_*). Source: <linux/if_addr.h>. Names as `ip -j addr` prints them. */
export const IFA_F = {
  secondary: 0x01,
  nodad: 0x02,
  optimistic: 0x04,
  dadfailed: 0x08,
  home: 0x10,
  deprecated: 0x20,
  tentative: 0x40,
  permanent: 0x80,
  mngtmpaddr: 0x100,
  noprefixroute: 0x200,
  autojoin: 0x400,
  'stable-privacy': 0x800,
} as const;

/** An IFA_F_* flag by the name `ip -j addr` prints (`permanent`, `noprefixroute` …). */
export type AddressFlagName = keyof typeof IFA_F;

/** The lifetime value meaning "forever" (INFINITY_LIFE_TIME). */
export const INFINITY_LIFE_TIME = 0xffffffff;
