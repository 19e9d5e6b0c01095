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
import { attr, attrSet, type Decoded } from '../../../netlink/schema.js';
import { bytes, u16, u32, u64, u8 } from '../../../netlink/codecs.js';
import { bridgeId } from '../codecs.js';
import { type FieldTable, readFields } from '../../../netlink/fields.js';

export const bridgePortAttrs = attrSet('brport', {
  state: attr(1, u8),
  priority: attr(2, u16),
  cost: attr(3, u32),
  /** Hairpin mode. */
  mode: attr(4, u8),
  /** BPDU guard. */
  guard: attr(5, u8),
  /** Root port protection (`root_block`). */
  protect: attr(6, u8),
  fastLeave: attr(7, u8),
  learning: attr(8, u8),
  unicastFlood: attr(9, u8),
  proxyarp: attr(10, u8),
  learningSync: attr(11, u8),
  proxyarpWifi: attr(12, u8),
  rootId: attr(13, bridgeId),
  bridgeId: attr(14, bridgeId),
  designatedPort: attr(15, u16),
  designatedCost: attr(16, u16),
  id: attr(17, u16),
  no: attr(18, u16),
  topologyChangeAck: attr(19, u8),
  configPending: attr(20, u8),
  messageAgeTimer: attr(21, u64),
  forwardDelayTimer: attr(22, u64),
  holdTimer: attr(23, u64),
  /** Write-only: flushes the port's forwarding entries. */
  flush: attr(24, bytes),
  multicastRouter: attr(25, u8),
  pad: attr(26, bytes),
  mcastFlood: attr(27, u8),
  mcastToUcast: attr(28, u8),
  vlanTunnel: attr(29, u8),
  bcastFlood: attr(30, u8),
  groupFwdMask: attr(31, u16),
  neighSuppress: attr(32, u8),
  isolated: attr(33, u8),
  /** ifindex of the backup port. */
  backupPort: attr(34, u32),
  mrpRingOpen: attr(35, u8),
  mrpInOpen: attr(36, u8),
  mcastEhtHostsLimit: attr(37, u32),
  mcastEhtHostsCnt: attr(38, u32),
  locked: attr(39, u8),
  mab: attr(40, u8),
  mcastNGroups: attr(41, u32),
  mcastMaxGroups: attr(42, u32),
  neighVlanSuppress: attr(43, u8),
  backupNhid: attr(44, u32),
});

export type BridgePortAttrs = Decoded<typeof bridgePortAttrs>;

/** STP port states (BR_STATE_* in <linux/if_bridge.h>), named as `ip -d` prints them. */
export const BR_STATE = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'] as const;
export type BridgePortState = (typeof BR_STATE)[number];

/** The friendly view of a bridge port (`Link.portInfo`): booleans, seconds, state names. */
export interface BridgePortInfo {
  state?: BridgePortState;
  priority?: number;
  cost?: number;
  hairpin?: boolean;
  guard?: boolean;
  rootBlock?: boolean;
  fastLeave?: boolean;
  learning?: boolean;
  /** Unicast flooding. */
  flood?: boolean;
  proxyArp?: boolean;
  learningSync?: boolean;
  proxyArpWifi?: boolean;
  rootId?: string;
  bridgeId?: string;
  designatedPort?: number;
  designatedCost?: number;
  id?: number;
  no?: number;
  topologyChangeAck?: boolean;
  configPending?: boolean;
  messageAgeTimer?: number;
  forwardDelayTimer?: number;
  holdTimer?: number;
  multicastRouter?: number;
  mcastFlood?: boolean;
  mcastToUnicast?: boolean;
  vlanTunnel?: boolean;
  bcastFlood?: boolean;
  groupFwdMask?: number;
  neighSuppress?: boolean;
  isolated?: boolean;
  /** ifindex of the backup port. */
  backupPort?: number;
  mrpRingOpen?: boolean;
  mrpInOpen?: boolean;
  mcastEhtHostsLimit?: number;
  mcastEhtHostsCount?: number;
  locked?: boolean;
  mab?: boolean;
  mcastGroups?: number;
  mcastMaxGroups?: number;
  neighVlanSuppress?: boolean;
  backupNhid?: number;
}

/** Port options `setLink(…, { bridgePort })` accepts: the writable rows below. */
export type BridgePortOptions = Partial<
  Pick<
    BridgePortInfo,
    | 'state' | 'priority' | 'cost' | 'hairpin' | 'guard' | 'rootBlock' | 'fastLeave' | 'learning' | 'flood'
    | 'proxyArp' | 'proxyArpWifi' | 'multicastRouter' | 'mcastFlood' | 'mcastToUnicast' | 'vlanTunnel'
    | 'bcastFlood' | 'groupFwdMask' | 'neighSuppress' | 'isolated' | 'backupPort' | 'mcastEhtHostsLimit'
    | 'locked' | 'mab' | 'mcastMaxGroups' | 'neighVlanSuppress'
  >
>;

/** Friendly field ↔ IFLA_BRPORT_* attribute. */
export const BRIDGE_PORT_FIELDS: FieldTable = {
  state: { attr: 'state', conv: 'u8', writable: true, names: BR_STATE },
  priority: { attr: 'priority', conv: 'u16', writable: true },
  cost: { attr: 'cost', conv: 'u32', writable: true },
  hairpin: { attr: 'mode', conv: 'bool', writable: true },
  guard: { attr: 'guard', conv: 'bool', writable: true },
  rootBlock: { attr: 'protect', conv: 'bool', writable: true },
  fastLeave: { attr: 'fastLeave', conv: 'bool', writable: true },
  learning: { attr: 'learning', conv: 'bool', writable: true },
  flood: { attr: 'unicastFlood', conv: 'bool', writable: true },
  proxyArp: { attr: 'proxyarp', conv: 'bool', writable: true },
  learningSync: { attr: 'learningSync', conv: 'bool' },
  proxyArpWifi: { attr: 'proxyarpWifi', conv: 'bool', writable: true },
  rootId: { attr: 'rootId', conv: 'same' },
  bridgeId: { attr: 'bridgeId', conv: 'same' },
  designatedPort: { attr: 'designatedPort', conv: 'u16' },
  designatedCost: { attr: 'designatedCost', conv: 'u16' },
  id: { attr: 'id', conv: 'u16' },
  no: { attr: 'no', conv: 'u16' },
  topologyChangeAck: { attr: 'topologyChangeAck', conv: 'bool' },
  configPending: { attr: 'configPending', conv: 'bool' },
  messageAgeTimer: { attr: 'messageAgeTimer', conv: 'cs64' },
  forwardDelayTimer: { attr: 'forwardDelayTimer', conv: 'cs64' },
  holdTimer: { attr: 'holdTimer', conv: 'cs64' },
  multicastRouter: { attr: 'multicastRouter', conv: 'u8', writable: true },
  mcastFlood: { attr: 'mcastFlood', conv: 'bool', writable: true },
  mcastToUnicast: { attr: 'mcastToUcast', conv: 'bool', writable: true },
  vlanTunnel: { attr: 'vlanTunnel', conv: 'bool', writable: true },
  bcastFlood: { attr: 'bcastFlood', conv: 'bool', writable: true },
  groupFwdMask: { attr: 'groupFwdMask', conv: 'u16', writable: true },
  neighSuppress: { attr: 'neighSuppress', conv: 'bool', writable: true },
  isolated: { attr: 'isolated', conv: 'bool', writable: true },
  backupPort: { attr: 'backupPort', conv: 'u32', writable: true },
  mrpRingOpen: { attr: 'mrpRingOpen', conv: 'bool' },
  mrpInOpen: { attr: 'mrpInOpen', conv: 'bool' },
  mcastEhtHostsLimit: { attr: 'mcastEhtHostsLimit', conv: 'u32', writable: true },
  mcastEhtHostsCount: { attr: 'mcastEhtHostsCnt', conv: 'u32' },
  locked: { attr: 'locked', conv: 'bool', writable: true },
  mab: { attr: 'mab', conv: 'bool', writable: true },
  mcastGroups: { attr: 'mcastNGroups', conv: 'u32' },
  mcastMaxGroups: { attr: 'mcastMaxGroups', conv: 'u32', writable: true },
  neighVlanSuppress: { attr: 'neighVlanSuppress', conv: 'bool', writable: true },
  backupNhid: { attr: 'backupNhid', conv: 'u32' },
};

/** The friendly view of bridge port attributes. */
export function bridgePortInfo(data: BridgePortAttrs): BridgePortInfo {
  return readFields(data, BRIDGE_PORT_FIELDS) as BridgePortInfo;
}
