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

/** IFLA_VRF_*: number and codec, the friendly field of `Link.info` and of createVrf's options, iproute2's spelling. */
export const vrfAttrs = attrSet('vrf', {
  /** The routing table (RT_TABLE_*: 1–2^32-1 besides the reserved 253–255 local/main/default ones). */
  table: attr(1, u32).view('table', 'num', { writable: true }).spelled('table'),
});

/** IFLA_INFO_SLAVE_DATA of a vrf's port. */
export const vrfPortAttrs = attrSet('vrf-port', {
  table: attr(1, u32).view('table', 'num').spelled('table'),
});

/** IFLA_VRF_* as decoded: a vrf's IFLA_INFO_DATA. */
export type VrfAttrs = Decoded<typeof vrfAttrs>;
/** The friendly view of a vrf (`Link.info` when kind is "vrf"): its routing table. */
export type VrfInfo = { kind: 'vrf' } & ViewOf<typeof vrfAttrs>;
/** createVrf's vrf options: the routing table, required on creation and fixed afterwards. */
export type VrfOptions = OptionsOf<typeof vrfAttrs>;

/** The friendly view of vrf link data. */
export function vrfInfo(data: VrfAttrs): VrfInfo {
  return { kind: 'vrf', ...readView(vrfAttrs, data) } as VrfInfo;
}

/** iproute2's iplink_vrf.c prints only the table, for the vrf and for its ports. */
export const VRF_IP_ORDER: readonly (keyof typeof vrfAttrs.specs)[] = ['table'];
/** The order `ip -d link show` prints a vrf port's rows in: the table only. */
export const VRF_PORT_IP_ORDER: readonly (keyof typeof vrfPortAttrs.specs)[] = ['table'];
