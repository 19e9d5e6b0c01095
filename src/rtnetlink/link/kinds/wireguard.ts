/**
 * WireGuard devices: kind "wireguard". The link carries no IFLA_INFO_DATA
 * (wireguard's rtnl_link_ops have no policy or fill_info): keys, peers and
 * the listen port are configured over the generic-netlink family
 * "wireguard" (WG_CMD_SET_DEVICE), not rtnetlink. The empty set gives any
 * bytes a future kernel sends a lossless home.
 */
import { attrSet, type Decoded } from '../../../netlink/schema.js';

/** The wireguard kind's IFLA_INFO_DATA table: empty, its configuration goes over generic netlink. */
export const wireguardAttrs = attrSet('wireguard', {});

/** A WireGuard link's IFLA_INFO_DATA as decoded (no known attributes). */
export type WireguardAttrs = Decoded<typeof wireguardAttrs>;

/** The friendly view of a WireGuard link (rtnetlink knows nothing beyond its kind). */
export interface WireguardInfo {
  kind: 'wireguard';
}
