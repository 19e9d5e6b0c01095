// Netlink protocol constants (family-agnostic). Source: <linux/netlink.h>.

/** The rtnetlink protocol number for socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE). */
export const NETLINK_ROUTE = 0;

/** Size of struct nlmsghdr, 4-byte aligned (NLMSG_HDRLEN). */
export const NLMSG_HDRLEN = 16;
/** Size of struct nlattr, 4-byte aligned (NLA_HDRLEN). */
export const NLA_HDRLEN = 4;
/** Alignment of netlink messages and attributes, in bytes (NLMSG_ALIGNTO). */
export const NLMSG_ALIGNTO = 4;

/** Control message types. */
export const NLMSG = {
  NOOP: 1,
  ERROR: 2,
  DONE: 3,
  OVERRUN: 4,
} as const;

/** nlmsghdr.nlmsg_flags. */
export const NLM_F = {
  REQUEST: 0x01,
  MULTI: 0x02,
  ACK: 0x04,
  ECHO: 0x08,
  DUMP_INTR: 0x10,
  DUMP_FILTERED: 0x20,
  // GET requests
  ROOT: 0x100,
  MATCH: 0x200,
  ATOMIC: 0x400,
  DUMP: 0x300,
  // NEW requests
  REPLACE: 0x100,
  EXCL: 0x200,
  CREATE: 0x400,
  APPEND: 0x800,
  // DELETE requests
  NONREC: 0x100,
  BULK: 0x200,
  // ACK flags
  CAPPED: 0x100,
  ACK_TLVS: 0x200,
} as const;

/** Attribute type flag bits. */
export const NLA_F_NESTED = 1 << 15;
/** nla_type bit: the payload is in network byte order. */
export const NLA_F_NET_BYTEORDER = 1 << 14;
/** Mask that strips NLA_F_NESTED and NLA_F_NET_BYTEORDER from nla_type. */
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

/** Socket options at SOL_NETLINK. */
export const SOL_NETLINK = 270;
/** Socket option names at SOL_NETLINK (NETLINK_ADD_MEMBERSHIP …). */
export const NETLINK_OPT = {
  ADD_MEMBERSHIP: 1,
  DROP_MEMBERSHIP: 2,
  PKTINFO: 3,
  BROADCAST_ERROR: 4,
  NO_ENOBUFS: 5,
  LISTEN_ALL_NSID: 8,
  CAP_ACK: 10,
  EXT_ACK: 11,
  GET_STRICT_CHK: 12,
} as const;

/** Extended ACK TLVs after struct nlmsgerr (enum nlmsgerr_attrs). */
export const NLMSGERR_ATTR = {
  MSG: 1,
  OFFS: 2,
  COOKIE: 3,
  POLICY: 4,
  MISS_TYPE: 5,
  MISS_NEST: 6,
} as const;

/** Rounds `n` up to a multiple of 4 (NLMSG_ALIGN / NLA_ALIGN). */
export const align4 = (n: number): number => (n + 3) & ~3;
