/**
 * FRA_* rule attributes (enum in <linux/fib_rules.h>) and the two structs
 * they carry, struct fib_rule_uid_range and struct fib_rule_port_range.
 *
 * 1–24 are 6.1's UAPI header. 25–30 (dscp, flowlabel, flowlabel_mask,
 * sport_mask, dport_mask, dscp_mask) are newer than the 6.1 headers; the
 * kernel's YNL spec rt-rule lists them, and a 6.18 kernel takes and dumps
 * them. FRA_UNUSED2–5 (5, 7, 8, 9) are not modelled: a message holding one
 * keeps it as raw bytes and re-encodes it unchanged, like any attribute the
 * table does not know.
 */
import { attr, attrSet, type Decoded } from '../../netlink/schema.js';
import { be32, be64, bytes, ipaddr, string, struct, u16, u32, u8 } from '../../netlink/codecs.js';

/**
 * struct fib_rule_uid_range (FRA_UID_RANGE): the socket owners a rule
 * matches, inclusive, in the rule's user namespace. The kernel refuses
 * start > end and the whole range 0 … 2³²−1 (uid_range_set() reads that as
 * "no range").
 */
export const fibRuleUidRange = struct('fib_rule_uid_range', { start: 'u32', end: 'u32' });

/**
 * struct fib_rule_port_range (FRA_SPORT_RANGE, FRA_DPORT_RANGE): host byte
 * order, inclusive. fib_rule_port_range_valid() wants 1 ≤ start ≤ end <
 * 65535; a single port is start = end.
 */
export const fibRulePortRange = struct('fib_rule_port_range', { start: 'u16', end: 'u16' });

/** The FRA_* attribute table of rule messages (RTM_NEWRULE …). */
export const ruleAttrs = attrSet('rule', {
  /** Destination prefix (its length is fib_rule_hdr.dst_len): 4 or 16 bytes by family. */
  dst: attr(1, ipaddr),
  /** Source prefix (its length is fib_rule_hdr.src_len). */
  src: attr(2, ipaddr),
  /** Input device name (`iif`); the rule may name a device that does not exist yet. */
  iifname: attr(3, string),
  /** FR_ACT_GOTO: the priority of the rule to continue at (only forward jumps). */
  goto: attr(4, u32),
  /** The rule's priority (`pref`): rules are tried in ascending order. */
  priority: attr(6, u32),
  /** Firewall mark to match, compared under FRA_FWMASK. */
  fwmark: attr(10, u32),
  /** Routing realms (`realms FROM/TO`): TO in the low 16 bits, FROM in the high 16. */
  flow: attr(11, u32),
  /** Tunnel id of the packet's metadata (`tun_id`), __be64. */
  tunId: attr(12, be64),
  /** Ignore the table's answer when the output device is in this group; 0xffffffff (-1) is "not set". */
  suppressIfgroup: attr(13, u32),
  /** Ignore the table's answer when its prefix is this long or shorter; 0xffffffff (-1) is "not set". */
  suppressPrefixlen: attr(14, u32),
  /** The full table id (the header's eight bits are not enough above 255). */
  table: attr(15, u32),
  /** Mask for FRA_FWMARK (the kernel uses 0xffffffff when a mark comes without one). */
  fwmask: attr(16, u32),
  /** Output device name (`oif`), for locally generated traffic bound to a device. */
  oifname: attr(17, string),
  /** Alignment padding before FRA_TUN_ID on architectures that need it (nla_put_be64). */
  pad: attr(18, bytes),
  /** 1: look up the table of the iif's or oif's L3 master device (VRF) (`l3mdev`). */
  l3mdev: attr(19, u8),
  uidRange: attr(20, fibRuleUidRange),
  /** Who installed the rule (RTPROT_*: `kernel`, `boot`, `static` …). */
  protocol: attr(21, u8),
  /** IP protocol to match (IPPROTO_*: 6 tcp, 17 udp …). */
  ipProto: attr(22, u8),
  sportRange: attr(23, fibRulePortRange),
  dportRange: attr(24, fibRulePortRange),
  /** DSCP to match (0–63), instead of the header's tos byte. Newer than 6.1. */
  dscp: attr(25, u8),
  /** IPv6 flow label to match, under FRA_FLOWLABEL_MASK (__be32). Newer than 6.1. */
  flowlabel: attr(26, be32),
  /** Mask of FRA_FLOWLABEL (__be32). Newer than 6.1. */
  flowlabelMask: attr(27, be32),
  /** Mask of a single source port (FRA_SPORT_RANGE with start = end). Newer than 6.1. */
  sportMask: attr(28, u16),
  /** Mask of a single destination port. Newer than 6.1. */
  dportMask: attr(29, u16),
  /** Mask of FRA_DSCP (0x3f when absent). Newer than 6.1. */
  dscpMask: attr(30, u8),
});

/** The decoded FRA_* attributes of a rule message. */
export type RuleAttrs = Decoded<typeof ruleAttrs>;
