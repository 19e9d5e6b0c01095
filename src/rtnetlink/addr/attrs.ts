/**
 * IFA_* address attributes (enum in <linux/if_addr.h>).
 *
 * IFA_ADDRESS is the prefix address and IFA_LOCAL the interface's own
 * address; they differ only on point-to-point links, where IFA_ADDRESS is
 * the peer. IPv6 addresses carry only IFA_ADDRESS.
 */
import { attr, attrSet } from '../../netlink/schema.js';
import { ipaddr, s32, string, struct, u32, u8 } from '../../netlink/codecs.js';

/**
 * struct ifa_cacheinfo: remaining lifetimes in seconds (0xffffffff =
 * forever) and creation/update stamps in hundredths of a second since boot.
 */
export const ifaCacheinfo = struct('ifa_cacheinfo', {
  preferred: 'u32',
  valid: 'u32',
  cstamp: 'u32',
  tstamp: 'u32',
});

/** The IFA_* attribute table of address messages (RTM_NEWADDR …). */
export const addrAttrs = attrSet('addr', {
  address: attr(1, ipaddr),
  local: attr(2, ipaddr),
  label: attr(3, string),
  broadcast: attr(4, ipaddr),
  anycast: attr(5, ipaddr),
  cacheinfo: attr(6, ifaCacheinfo),
  multicast: attr(7, ipaddr),
  /** All IFA_F_* flags (the header's u8 holds only the low eight). */
  flags: attr(8, u32),
  /** Metric of the prefix route the kernel adds for this address. */
  rtPriority: attr(9, u32),
  targetNetnsid: attr(10, s32),
  /** IFA_PROTO: who added the address (IFAPROT_*). */
  proto: attr(11, u8),
});
