/**
 * ipvlan and ipvtap devices (IFLA_IPVLAN_* and IPVLAN_MODE_* / IPVLAN_F_*
 * in <linux/if_link.h>; the kernel's ipvlan_main.c). Both kinds share the
 * table: an ipvtap is an ipvlan with a character device. An ipvlan shares
 * its lower device's MAC address and tells its traffic apart by IP address
 * (l3, l3s) or by the lower device's switching (l2).
 *
 * Wire facts from ipvlan_nl_fillinfo(): MODE and FLAGS are u16 and always
 * sent. FLAGS holds IPVLAN_F_PRIVATE (1) or IPVLAN_F_VEPA (2); neither is
 * "bridge" mode, both together are refused (ipvlan_nl_validate: EINVAL).
 * The kernel's default mode is l3 (ipvlan_link_new).
 */
import { attr, attrSet, type Decoded, type OptionsOf, type ViewOf } from '../../../netlink/schema.js';
import { u16 } from '../../../netlink/codecs.js';
import { readView } from '../../../netlink/fields.js';
import { enumWords } from './convs.js';

/** enum ipvlan_mode. */
export const IPVLAN_MODE = { l2: 0, l3: 1, l3s: 2 } as const;
/** An ipvlan mode (IFLA_IPVLAN_MODE, enum ipvlan_mode): l2 switches by MAC like the lower device, l3 and l3s tell traffic apart by IP address; l3 is the kernel's default. */
export type IpvlanMode = keyof typeof IPVLAN_MODE;
/** IFLA_IPVLAN_FLAGS as the one choice it is: bridge (0), IPVLAN_F_PRIVATE, IPVLAN_F_VEPA. */
export const IPVLAN_ISOLATION = { bridge: 0, private: 1, vepa: 2 } as const;
/** How ipvlans of one lower device reach each other (IFLA_IPVLAN_FLAGS): directly (bridge), not at all (private), or only through the outside switch (vepa). */
export type IpvlanIsolation = keyof typeof IPVLAN_ISOLATION;

const mode = enumWords(IPVLAN_MODE);
const isolation = enumWords(IPVLAN_ISOLATION);

/** IFLA_IPVLAN_*: number and codec, the friendly field of `Link.info` and of createIpvlan's options, iproute2's spelling. */
export const ipvlanAttrs = attrSet('ipvlan', {
  mode: attr(1, u16).view('mode', mode.conv, { writable: true }).spelled('mode', { shape: 'words', names: mode.words }),
  /** Whether slaves of one lower device talk to each other directly (bridge), not at all (private) or only through the outside switch (vepa). */
  flags: attr(2, u16).view('isolation', isolation.conv, { writable: true }).spelled('flags', {
    shape: 'ipvlan-isolation',
    option: false,
    bareWords: { bridge: 'bridge', private: 'private', vepa: 'vepa' },
  }),
});

/** IFLA_IPVLAN_* as decoded: the IFLA_INFO_DATA of an ipvlan or ipvtap device. */
export type IpvlanAttrs = Decoded<typeof ipvlanAttrs>;

/** The friendly view of an ipvlan or ipvtap (`Link.info` when kind is one of them). */
export type IpvlanInfo = { kind: 'ipvlan' | 'ipvtap' } & ViewOf<typeof ipvlanAttrs>;
/** createIpvlan's / createIpvtap's options. */
export type IpvlanOptions = OptionsOf<typeof ipvlanAttrs>;

/** The friendly view of ipvlan or ipvtap link data. */
export function ipvlanInfo(kind: 'ipvlan' | 'ipvtap', data: IpvlanAttrs): IpvlanInfo {
  return { kind, ...readView(ipvlanAttrs, data) } as IpvlanInfo;
}

/** The order `ip -d link show` prints these rows in (iproute2's iplink_ipvlan.c ipvlan_print_opt). */
export const IPVLAN_IP_ORDER: readonly (keyof typeof ipvlanAttrs.specs)[] = ['mode', 'flags'];
