/**
 * IFLA_AF_SPEC of AF_BRIDGE link messages (IFLA_BRIDGE_* in
 * <linux/if_bridge.h>; its enum starts at 0): what `bridge vlan` reads and
 * writes. In a GETLINK dump with IFLA_EXT_MASK RTEXT_FILTER_BRVLAN the
 * kernel lists every VLAN of a port (or of the bridge itself) as one
 * IFLA_BRIDGE_VLAN_INFO each; with RTEXT_FILTER_BRVLAN_COMPRESSED,
 * consecutive VLANs with the same flags come as RANGE_BEGIN / RANGE_END
 * pairs; VLAN-to-tunnel-id mappings of a port with vlan_tunnel on come as
 * IFLA_BRIDGE_VLAN_TUNNEL_INFO nests. A SETLINK / DELLINK with AF_BRIDGE
 * adds or removes the VLANs it lists; IFLA_BRIDGE_FLAGS SELF makes it apply
 * to the bridge device itself (the bridge's own VLANs), MASTER to the port
 * (the default).
 */
import { attr, attrSet, nest, type Decoded } from '../../netlink/schema.js';
import { bytes, struct, u16, u32 } from '../../netlink/codecs.js';

/** struct bridge_vlan_info { __u16 flags; __u16 vid; }. */
export const bridgeVlanInfo = struct('bridge_vlan_info', { flags: 'u16', vid: 'u16' });

/** BRIDGE_VLAN_INFO_* flags. */
export const BRIDGE_VLAN_INFO = { MASTER: 1 << 0, PVID: 1 << 1, UNTAGGED: 1 << 2, RANGE_BEGIN: 1 << 3, RANGE_END: 1 << 4, BRENTRY: 1 << 5, ONLY_OPTS: 1 << 6 } as const;
/** BRIDGE_FLAGS_* of IFLA_BRIDGE_FLAGS. */
export const BRIDGE_FLAGS = { MASTER: 1, SELF: 2 } as const;

/** IFLA_BRIDGE_VLAN_TUNNEL_* (a VLAN ↔ tunnel id mapping). */
export const bridgeVlanTunnelAttrs = attrSet('bridge-vlan-tunnel', {
  id: attr(1, u32),
  vid: attr(2, u16),
  /** BRIDGE_VLAN_INFO_RANGE_BEGIN / _END for ranges. */
  flags: attr(3, u16),
});

/** IFLA_BRIDGE_* (<linux/if_bridge.h>): the IFLA_AF_SPEC nest of AF_BRIDGE link messages. */
export const bridgeAfSpecAttrs = attrSet('bridge-af-spec', {
  /** BRIDGE_FLAGS_MASTER / _SELF: whom a request is for. */
  flags: attr(0, u16),
  /** BRIDGE_MODE_VEB (0) / VEPA (1) of a device with its own FDB (self). */
  mode: attr(1, u16),
  vlanInfo: attr(2, bridgeVlanInfo, { multi: true }),
  vlanTunnelInfo: attr(3, nest(bridgeVlanTunnelAttrs), { multi: true }),
  /** Media Redundancy Protocol objects: kept raw. */
  mrp: attr(4, bytes),
  /** Connectivity Fault Management objects: kept raw. */
  cfm: attr(5, bytes),
  /** Multiple Spanning Trees: kept raw. */
  mst: attr(6, bytes),
});

/** A decoded AF_BRIDGE IFLA_AF_SPEC: flags, mode, the VLANs and VLAN-to-tunnel mappings. */
export type BridgeAfSpec = Decoded<typeof bridgeAfSpecAttrs>;
