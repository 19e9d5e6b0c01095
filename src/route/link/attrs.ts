/**
 * IFLA_* link attributes (enum in <linux/if_link.h>). Minimal core table;
 * the per-kind link-info tables live in kinds/.
 */
import { attr, attrSet, nest } from '../../netlink/schema.js';
import { bytes, hwaddr, s32, string, u32, u8 } from '../../netlink/codecs.js';

export const linkInfoAttrs = attrSet('linkinfo', {
  kind: attr(1, string),
  data: attr(2, bytes),
  xstats: attr(3, bytes),
  slaveKind: attr(4, string),
  slaveData: attr(5, bytes),
});

export const linkAttrs = attrSet('link', {
  address: attr(1, hwaddr),
  broadcast: attr(2, hwaddr),
  ifname: attr(3, string),
  mtu: attr(4, u32),
  link: attr(5, u32),
  qdisc: attr(6, string),
  master: attr(10, u32),
  txqlen: attr(13, u32),
  operstate: attr(16, u8),
  linkmode: attr(17, u8),
  linkinfo: attr(18, nest(linkInfoAttrs)),
  netNsPid: attr(19, u32),
  ifalias: attr(20, string),
  group: attr(27, u32),
  netNsFd: attr(28, u32),
  extMask: attr(29, u32),
  linkNetnsid: attr(37, s32),
  targetNetnsid: attr(46, s32),
});
