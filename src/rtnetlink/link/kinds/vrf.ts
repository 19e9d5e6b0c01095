/**
 * VRF devices and their ports (IFLA_VRF_* and IFLA_VRF_PORT_* in
 * <linux/if_link.h>; the kernel's drivers/net/vrf.c). A vrf is an L3
 * master: the links enslaved to it route through its routing table.
 *
 * Wire facts from vrf_fillinfo() / vrf_fill_slave_info(): the table is a
 * u32, required on creation (vrf_newlink: "Routing table not specified",
 * EINVAL) and fixed afterwards; a port reports the same table as
 * IFLA_VRF_PORT_TABLE in IFLA_INFO_SLAVE_DATA.
 */
import { attr, attrSet, type Decoded, type OptionsOf, type ViewOf } from '../../../netlink/schema.js';
import { u32 } from '../../../netlink/codecs.js';
import { readView } from '../../../netlink/fields.js';

export const vrfAttrs = attrSet('vrf', {
  /** The routing table (RT_TABLE_*: 1–2^32-1 besides the reserved 253–255 local/main/default ones). */
  table: attr(1, u32).view('table', 'num', { writable: true }).spelled('table'),
});

/** IFLA_INFO_SLAVE_DATA of a vrf's port. */
export const vrfPortAttrs = attrSet('vrf-port', {
  table: attr(1, u32).view('table', 'num').spelled('table'),
});

export type VrfAttrs = Decoded<typeof vrfAttrs>;
export type VrfInfo = { kind: 'vrf' } & ViewOf<typeof vrfAttrs>;
export type VrfOptions = OptionsOf<typeof vrfAttrs>;

export function vrfInfo(data: VrfAttrs): VrfInfo {
  return { kind: 'vrf', ...readView(vrfAttrs, data) } as VrfInfo;
}

/** iproute2's iplink_vrf.c prints only the table, for the vrf and for its ports. */
export const VRF_IP_ORDER: readonly (keyof typeof vrfAttrs.specs)[] = ['table'];
export const VRF_PORT_IP_ORDER: readonly (keyof typeof vrfPortAttrs.specs)[] = ['table'];
