/**
 * Bridge port data (IFLA_BRPORT_* in <linux/if_link.h>; 40–44 are newer
 * than the 6.1 UAPI headers and were checked against the kernel's rt-link
 * spec). The same attribute set travels in two places: as
 * IFLA_INFO_SLAVE_DATA when IFLA_INFO_SLAVE_KIND is "bridge", and as
 * IFLA_PROTINFO in AF_BRIDGE link messages.
 *
 * The spec calls mode/guard/protect/… "flag", but the kernel's policy and
 * br_port_fill_attrs() use u8 0/1 both ways, so they are u8 here.
 * Timers are clock_t (1/100 s) in u64.
 */
import { attr, attrSet, type Decoded, type OptionsOf, type ViewOf } from '../../../netlink/schema.js';
import { bytes, u16, u32, u64, u8 } from '../../../netlink/codecs.js';
import { bridgeId } from '../codecs.js';
import { readView } from '../../../netlink/fields.js';

/** STP port states (BR_STATE_* in <linux/if_bridge.h>), named as `ip -d` prints them. */
export const BR_STATE = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'] as const;
/** An STP port state (IFLA_BRPORT_STATE, BR_STATE_*), by name. */
export type BridgePortState = (typeof BR_STATE)[number];

/**
 * IFLA_BRPORT_*: number and codec, the friendly field of `Link.portInfo`
 * and of `setLink(…, { bridgePort })` (`.view`), and iproute2's spelling
 * in `ip -d link show` (`.spelled`). Switches are u8 0/1 on the wire.
 */
export const bridgePortAttrs = attrSet('brport', {
  state: attr(1, u8).view('state', BR_STATE, { writable: true }).spelled('state', { shape: 'port-state', names: BR_STATE }),
  priority: attr(2, u16).view('priority', 'num', { writable: true }).spelled('priority'),
  cost: attr(3, u32).view('cost', 'num', { writable: true }).spelled('cost'),
  /** Hairpin mode. */
  mode: attr(4, u8).view('hairpin', 'bool', { writable: true }).spelled('hairpin', { shape: 'onoff' }),
  /** BPDU guard. */
  guard: attr(5, u8).view('guard', 'bool', { writable: true }).spelled('guard', { shape: 'onoff' }),
  /** Root port protection (`root_block`). */
  protect: attr(6, u8).view('rootBlock', 'bool', { writable: true }).spelled('root_block', { shape: 'onoff' }),
  fastLeave: attr(7, u8).view('fastLeave', 'bool', { writable: true }).spelled('fastleave', { shape: 'fast-leave' }),
  learning: attr(8, u8).view('learning', 'bool', { writable: true }).spelled('learning', { shape: 'onoff' }),
  /** Unicast flooding. */
  unicastFlood: attr(9, u8).view('flood', 'bool', { writable: true }).spelled('flood', { shape: 'onoff' }),
  proxyarp: attr(10, u8).view('proxyArp', 'bool', { writable: true }).spelled('proxy_arp', { shape: 'onoff' }),
  learningSync: attr(11, u8).view('learningSync', 'bool'),
  proxyarpWifi: attr(12, u8).view('proxyArpWifi', 'bool', { writable: true }).spelled('proxy_arp_wifi', { shape: 'onoff' }),
  rootId: attr(13, bridgeId).view('rootId', 'same').spelled('root_id', { label: 'designated_root', shape: 'brid' }),
  bridgeId: attr(14, bridgeId).view('bridgeId', 'same').spelled('bridge_id', { label: 'designated_bridge', shape: 'brid' }),
  designatedPort: attr(15, u16).view('designatedPort', 'num').spelled('designated_port'),
  designatedCost: attr(16, u16).view('designatedCost', 'num').spelled('designated_cost'),
  id: attr(17, u16).view('id', 'num').spelled('id', { label: 'port_id', shape: 'xhex' }),
  no: attr(18, u16).view('no', 'num').spelled('no', { label: 'port_no', shape: 'xhex' }),
  topologyChangeAck: attr(19, u8).view('topologyChangeAck', 'bool').spelled('topology_change_ack'),
  configPending: attr(20, u8).view('configPending', 'bool').spelled('config_pending'),
  messageAgeTimer: attr(21, u64).view('messageAgeTimer', 'seconds').spelled('message_age_timer', { shape: 'timer' }),
  forwardDelayTimer: attr(22, u64).view('forwardDelayTimer', 'seconds').spelled('forward_delay_timer', { shape: 'timer' }),
  holdTimer: attr(23, u64).view('holdTimer', 'seconds').spelled('hold_timer', { shape: 'timer' }),
  /** Write-only: flushes the port's forwarding entries. */
  flush: attr(24, bytes),
  multicastRouter: attr(25, u8).view('multicastRouter', 'num', { writable: true }).spelled('multicast_router', { label: 'mcast_router' }),
  pad: attr(26, bytes),
  mcastFlood: attr(27, u8).view('mcastFlood', 'bool', { writable: true }).spelled('mcast_flood', { shape: 'onoff' }),
  mcastToUcast: attr(28, u8).view('mcastToUnicast', 'bool', { writable: true }).spelled('mcast_to_unicast', { shape: 'onoff' }),
  vlanTunnel: attr(29, u8).view('vlanTunnel', 'bool', { writable: true }).spelled('vlan_tunnel', { shape: 'onoff' }),
  bcastFlood: attr(30, u8).view('bcastFlood', 'bool', { writable: true }).spelled('bcast_flood', { shape: 'onoff' }),
  groupFwdMask: attr(31, u16).view('groupFwdMask', 'num', { writable: true }).spelled('group_fwd_mask', { shape: 'group-fwd-mask' }),
  neighSuppress: attr(32, u8).view('neighSuppress', 'bool', { writable: true }).spelled('neigh_suppress', { shape: 'onoff' }),
  isolated: attr(33, u8).view('isolated', 'bool', { writable: true }).spelled('isolated', { shape: 'onoff' }),
  /** ifindex of the backup port (ip takes and prints its name). */
  backupPort: attr(34, u32).view('backupPort', 'num', { writable: true }).spelled('backup_port', { shape: 'ifname', option: false }),
  mrpRingOpen: attr(35, u8).view('mrpRingOpen', 'bool'),
  mrpInOpen: attr(36, u8).view('mrpInOpen', 'bool'),
  mcastEhtHostsLimit: attr(37, u32).view('mcastEhtHostsLimit', 'num', { writable: true }),
  mcastEhtHostsCnt: attr(38, u32).view('mcastEhtHostsCount', 'num'),
  locked: attr(39, u8).view('locked', 'bool', { writable: true }).spelled('locked', { shape: 'onoff' }),
  mab: attr(40, u8).view('mab', 'bool', { writable: true }).spelled('mab', { shape: 'onoff' }),
  mcastNGroups: attr(41, u32).view('mcastGroups', 'num'),
  mcastMaxGroups: attr(42, u32).view('mcastMaxGroups', 'num', { writable: true }),
  neighVlanSuppress: attr(43, u8).view('neighVlanSuppress', 'bool', { writable: true }).spelled('neigh_vlan_suppress', { shape: 'onoff' }),
  backupNhid: attr(44, u32).view('backupNhid', 'num').spelled('backup_nhid'),
  /** IFLA_BRPORT_NEIGH_FORWARD_GRAT: in the net-next spec, not yet in 6.18; read when a kernel sends it. */
  neighForwardGrat: attr(45, u8).view('neighForwardGrat', 'bool').spelled('neigh_forward_grat', { shape: 'onoff' }),
});

/** IFLA_BRPORT_* as decoded: a bridge port's IFLA_INFO_SLAVE_DATA, or IFLA_PROTINFO of an AF_BRIDGE message. */
export type BridgePortAttrs = Decoded<typeof bridgePortAttrs>;

/** The friendly view of a bridge port (`Link.portInfo`): booleans, seconds, state names. */
export type BridgePortInfo = ViewOf<typeof bridgePortAttrs>;

/** Port options `setLink(…, { bridgePort })` accepts: the writable views of the table. */
export type BridgePortOptions = OptionsOf<typeof bridgePortAttrs>;

/** The friendly view of bridge port attributes. */
export function bridgePortInfo(data: BridgePortAttrs): BridgePortInfo {
  return readView(bridgePortAttrs, data) as BridgePortInfo;
}

/** The order `ip -d link show` prints these rows in (iproute2's iplink_bridge_slave.c bridge_slave_print_opt). */
export const BRIDGE_PORT_IP_ORDER: readonly (keyof typeof bridgePortAttrs.specs)[] = [
  'state', 'priority', 'cost', 'mode', 'guard', 'protect', 'fastLeave', 'learning', 'unicastFlood', 'id', 'no',
  'designatedPort', 'designatedCost', 'bridgeId', 'rootId', 'holdTimer', 'messageAgeTimer', 'forwardDelayTimer',
  'topologyChangeAck', 'configPending', 'proxyarp', 'proxyarpWifi', 'multicastRouter', 'mcastFlood', 'bcastFlood',
  'mcastToUcast', 'neighSuppress', 'neighVlanSuppress', 'neighForwardGrat', 'groupFwdMask', 'vlanTunnel', 'isolated',
  'locked', 'mab', 'backupPort', 'backupNhid',
];
