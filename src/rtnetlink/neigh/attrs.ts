/**
 * NDA_* neighbour attributes (enum in <linux/neighbour.h>).
 */
import { attr, attrSet, nest, type Decoded } from '../../netlink/schema.js';
import { be16, flag, hwaddr, ipaddr, s32, struct, u16, u32, u8 } from '../../netlink/codecs.js';

/**
 * struct nda_cacheinfo: ages in jiffies (USER_HZ scaled clock ticks) since
 * the entry was last confirmed, used and updated, and its reference count.
 */
export const ndaCacheinfo = struct('nda_cacheinfo', {
  confirmed: 'u32',
  used: 'u32',
  updated: 'u32',
  refcnt: 'u32',
});

/** NFEA_*: bridge FDB extension attributes inside NDA_FDB_EXT_ATTRS. */
export const fdbExtAttrs = attrSet('fdbExt', {
  activityNotify: attr(1, u8),
  dontRefresh: attr(2, flag),
});

/** The NDA_* attribute table of neighbour and bridge FDB messages (RTM_NEWNEIGH …). */
export const neighAttrs = attrSet('neigh', {
  dst: attr(1, ipaddr),
  lladdr: attr(2, hwaddr),
  cacheinfo: attr(3, ndaCacheinfo),
  probes: attr(4, u32),
  vlan: attr(5, u16),
  /** VXLAN destination UDP port (network byte order). */
  port: attr(6, be16),
  vni: attr(7, u32),
  ifindex: attr(8, u32),
  master: attr(9, u32),
  linkNetnsid: attr(10, s32),
  srcVni: attr(11, u32),
  protocol: attr(12, u8),
  nhId: attr(13, u32),
  fdbExtAttrs: attr(14, nest(fdbExtAttrs)),
  /** NTF_EXT_* flags. */
  flagsExt: attr(15, u32),
  ndmStateMask: attr(16, u16),
  ndmFlagsMask: attr(17, u8),
});

/** The decoded NDA_* attributes of a neighbour message. */
export type NeighAttrs = Decoded<typeof neighAttrs>;
