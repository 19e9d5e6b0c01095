/**
 * Bridge link data: IFLA_INFO_DATA when IFLA_INFO_KIND is "bridge"
 * (IFLA_BR_* in <linux/if_link.h>; 47–49 are newer than the 6.1 UAPI
 * headers and were checked against the kernel's rt-link spec and the bytes
 * a 6.18 kernel sends).
 *
 * Units, as the kernel's br_netlink.c uses them: forward delay, hello time,
 * max age and ageing time are clock_t (USER_HZ = 1/100 s) in u32; the
 * *_timer and mcast_*_intvl values are clock_t in u64. `ip -d` prints the
 * first group raw (forward_delay 1500) and the timers in seconds.
 */
import { attr, attrSet, nest, type Decoded } from '../../../netlink/schema.js';
import { be16, bytes, hwaddr, ipaddr, struct, u16, u32, u64, u8 } from '../../../netlink/codecs.js';
import { bridgeId } from '../codecs.js';
import { type FieldTable, readFields } from '../../../netlink/fields.js';

/** Nested in IFLA_BR_MCAST_QUERIER_STATE (BRIDGE_QUERIER_* in <linux/if_bridge.h>). */
export const bridgeQuerierAttrs = attrSet('bridge-querier', {
  ipAddress: attr(1, ipaddr),
  ipPort: attr(2, u32),
  ipOtherTimer: attr(3, u64),
  pad: attr(4, bytes),
  ipv6Address: attr(5, ipaddr),
  ipv6Port: attr(6, u32),
  ipv6OtherTimer: attr(7, u64),
});

/** struct br_boolopt_multi: a bit per enum br_boolopt_id (0 no_ll_learn, 1 mcast_vlan_snooping, 2 mst_enable …). */
export const brBooloptMulti = struct('br_boolopt_multi', { optval: 'u32', optmask: 'u32' });

/** BR_BOOLOPT_* bit numbers (enum br_boolopt_id). */
export const BR_BOOLOPT = { NO_LL_LEARN: 0, MCAST_VLAN_SNOOPING: 1, MST_ENABLE: 2 } as const;

export const bridgeAttrs = attrSet('bridge', {
  forwardDelay: attr(1, u32),
  helloTime: attr(2, u32),
  maxAge: attr(3, u32),
  ageingTime: attr(4, u32),
  stpState: attr(5, u32),
  priority: attr(6, u16),
  vlanFiltering: attr(7, u8),
  /** An ethertype in network byte order (nla_put_be16): 0x8100 or 0x88a8. */
  vlanProtocol: attr(8, be16),
  groupFwdMask: attr(9, u16),
  rootId: attr(10, bridgeId),
  bridgeId: attr(11, bridgeId),
  rootPort: attr(12, u16),
  rootPathCost: attr(13, u32),
  topologyChange: attr(14, u8),
  topologyChangeDetected: attr(15, u8),
  helloTimer: attr(16, u64),
  tcnTimer: attr(17, u64),
  topologyChangeTimer: attr(18, u64),
  gcTimer: attr(19, u64),
  groupAddr: attr(20, hwaddr),
  /** Write-only: present in a request, flushes the forwarding database. */
  fdbFlush: attr(21, bytes),
  mcastRouter: attr(22, u8),
  mcastSnooping: attr(23, u8),
  mcastQueryUseIfaddr: attr(24, u8),
  mcastQuerier: attr(25, u8),
  mcastHashElasticity: attr(26, u32),
  mcastHashMax: attr(27, u32),
  mcastLastMemberCnt: attr(28, u32),
  mcastStartupQueryCnt: attr(29, u32),
  mcastLastMemberIntvl: attr(30, u64),
  mcastMembershipIntvl: attr(31, u64),
  mcastQuerierIntvl: attr(32, u64),
  mcastQueryIntvl: attr(33, u64),
  mcastQueryResponseIntvl: attr(34, u64),
  mcastStartupQueryIntvl: attr(35, u64),
  nfCallIptables: attr(36, u8),
  nfCallIp6tables: attr(37, u8),
  nfCallArptables: attr(38, u8),
  vlanDefaultPvid: attr(39, u16),
  pad: attr(40, bytes),
  vlanStatsEnabled: attr(41, u8),
  mcastStatsEnabled: attr(42, u8),
  mcastIgmpVersion: attr(43, u8),
  mcastMldVersion: attr(44, u8),
  vlanStatsPerPort: attr(45, u8),
  multiBoolopt: attr(46, brBooloptMulti),
  mcastQuerierState: attr(47, nest(bridgeQuerierAttrs)),
  fdbNLearned: attr(48, u32),
  fdbMaxLearned: attr(49, u32),
});

export type BridgeAttrs = Decoded<typeof bridgeAttrs>;

/** Ethertypes of IFLA_BR_VLAN_PROTOCOL, named as `ip -d` prints them. */
const VLAN_PROTOCOLS: Record<number, string> = { 0x8100: '802.1Q', 0x88a8: '802.1ad' };

/**
 * The friendly view of a bridge (`Link.info` when kind is "bridge"). Times
 * and timers are in seconds; switches are booleans. Every field is absent
 * when the kernel did not send it.
 */
export interface BridgeInfo {
  kind: 'bridge';
  forwardDelay?: number;
  helloTime?: number;
  maxAge?: number;
  ageingTime?: number;
  /** STP on (stp_state ≠ 0). */
  stp?: boolean;
  /** 0 off, 1 kernel STP, 2 user-space STP. */
  stpState?: number;
  priority?: number;
  vlanFiltering?: boolean;
  vlanProtocol?: string;
  groupFwdMask?: number;
  rootId?: string;
  bridgeId?: string;
  rootPort?: number;
  rootPathCost?: number;
  topologyChange?: boolean;
  topologyChangeDetected?: boolean;
  helloTimer?: number;
  tcnTimer?: number;
  topologyChangeTimer?: number;
  gcTimer?: number;
  groupAddress?: string;
  multicastRouter?: number;
  multicastSnooping?: boolean;
  multicastQueryUseIfaddr?: boolean;
  multicastQuerier?: boolean;
  multicastHashElasticity?: number;
  multicastHashMax?: number;
  multicastLastMemberCount?: number;
  multicastStartupQueryCount?: number;
  multicastLastMemberInterval?: number;
  multicastMembershipInterval?: number;
  multicastQuerierInterval?: number;
  multicastQueryInterval?: number;
  multicastQueryResponseInterval?: number;
  multicastStartupQueryInterval?: number;
  nfCallIptables?: boolean;
  nfCallIp6tables?: boolean;
  nfCallArptables?: boolean;
  defaultPvid?: number;
  vlanStatsEnabled?: boolean;
  vlanStatsPerPort?: boolean;
  multicastStatsEnabled?: boolean;
  multicastIgmpVersion?: number;
  multicastMldVersion?: number;
  /** BR_BOOLOPT_NO_LL_LEARN. */
  noLinklocalLearn?: boolean;
  /** BR_BOOLOPT_MCAST_VLAN_SNOOPING. */
  multicastVlanSnooping?: boolean;
  /** BR_BOOLOPT_MST_ENABLE. */
  mstEnabled?: boolean;
  fdbLearned?: number;
  fdbMaxLearned?: number;
}

/**
 * Friendly field ↔ IFLA_BR_* attribute. `writable` rows are the options
 * createBridge accepts; the kernel checks their ranges (e.g. forward delay
 * 2–30 s while STP is on) and answers ERANGE with a message otherwise.
 */
export const BRIDGE_FIELDS: FieldTable = {
  forwardDelay: { attr: 'forwardDelay', conv: 'cs32', writable: true },
  helloTime: { attr: 'helloTime', conv: 'cs32', writable: true },
  maxAge: { attr: 'maxAge', conv: 'cs32', writable: true },
  ageingTime: { attr: 'ageingTime', conv: 'cs32', writable: true },
  stpState: { attr: 'stpState', conv: 'u32', writable: true },
  priority: { attr: 'priority', conv: 'u16', writable: true },
  vlanFiltering: { attr: 'vlanFiltering', conv: 'bool', writable: true },
  groupFwdMask: { attr: 'groupFwdMask', conv: 'u16', writable: true },
  rootId: { attr: 'rootId', conv: 'same' },
  bridgeId: { attr: 'bridgeId', conv: 'same' },
  rootPort: { attr: 'rootPort', conv: 'u16' },
  rootPathCost: { attr: 'rootPathCost', conv: 'u32' },
  topologyChange: { attr: 'topologyChange', conv: 'bool' },
  topologyChangeDetected: { attr: 'topologyChangeDetected', conv: 'bool' },
  helloTimer: { attr: 'helloTimer', conv: 'cs64' },
  tcnTimer: { attr: 'tcnTimer', conv: 'cs64' },
  topologyChangeTimer: { attr: 'topologyChangeTimer', conv: 'cs64' },
  gcTimer: { attr: 'gcTimer', conv: 'cs64' },
  groupAddress: { attr: 'groupAddr', conv: 'same', writable: true },
  multicastRouter: { attr: 'mcastRouter', conv: 'u8', writable: true },
  multicastSnooping: { attr: 'mcastSnooping', conv: 'bool', writable: true },
  multicastQueryUseIfaddr: { attr: 'mcastQueryUseIfaddr', conv: 'bool', writable: true },
  multicastQuerier: { attr: 'mcastQuerier', conv: 'bool', writable: true },
  multicastHashElasticity: { attr: 'mcastHashElasticity', conv: 'u32' },
  multicastHashMax: { attr: 'mcastHashMax', conv: 'u32', writable: true },
  multicastLastMemberCount: { attr: 'mcastLastMemberCnt', conv: 'u32', writable: true },
  multicastStartupQueryCount: { attr: 'mcastStartupQueryCnt', conv: 'u32', writable: true },
  multicastLastMemberInterval: { attr: 'mcastLastMemberIntvl', conv: 'cs64', writable: true },
  multicastMembershipInterval: { attr: 'mcastMembershipIntvl', conv: 'cs64', writable: true },
  multicastQuerierInterval: { attr: 'mcastQuerierIntvl', conv: 'cs64', writable: true },
  multicastQueryInterval: { attr: 'mcastQueryIntvl', conv: 'cs64', writable: true },
  multicastQueryResponseInterval: { attr: 'mcastQueryResponseIntvl', conv: 'cs64', writable: true },
  multicastStartupQueryInterval: { attr: 'mcastStartupQueryIntvl', conv: 'cs64', writable: true },
  nfCallIptables: { attr: 'nfCallIptables', conv: 'bool', writable: true },
  nfCallIp6tables: { attr: 'nfCallIp6tables', conv: 'bool', writable: true },
  nfCallArptables: { attr: 'nfCallArptables', conv: 'bool', writable: true },
  defaultPvid: { attr: 'vlanDefaultPvid', conv: 'u16', writable: true },
  vlanStatsEnabled: { attr: 'vlanStatsEnabled', conv: 'bool', writable: true },
  vlanStatsPerPort: { attr: 'vlanStatsPerPort', conv: 'bool', writable: true },
  multicastStatsEnabled: { attr: 'mcastStatsEnabled', conv: 'bool', writable: true },
  multicastIgmpVersion: { attr: 'mcastIgmpVersion', conv: 'u8', writable: true },
  multicastMldVersion: { attr: 'mcastMldVersion', conv: 'u8', writable: true },
  fdbLearned: { attr: 'fdbNLearned', conv: 'u32' },
  fdbMaxLearned: { attr: 'fdbMaxLearned', conv: 'u32', writable: true },
};

/** The friendly view of bridge link data. */
export function bridgeInfo(data: BridgeAttrs): BridgeInfo {
  const out = { kind: 'bridge', ...readFields(data, BRIDGE_FIELDS) } as BridgeInfo;
  if (data.stpState !== undefined) out.stp = data.stpState !== 0;
  if (data.vlanProtocol !== undefined) out.vlanProtocol = VLAN_PROTOCOLS[data.vlanProtocol] ?? `0x${data.vlanProtocol.toString(16).padStart(4, '0')}`;
  const b = data.multiBoolopt;
  if (b) {
    const bit = (n: number) => ((b.optval >>> n) & 1) === 1;
    if ((b.optmask >>> BR_BOOLOPT.NO_LL_LEARN) & 1) out.noLinklocalLearn = bit(BR_BOOLOPT.NO_LL_LEARN);
    if ((b.optmask >>> BR_BOOLOPT.MCAST_VLAN_SNOOPING) & 1) out.multicastVlanSnooping = bit(BR_BOOLOPT.MCAST_VLAN_SNOOPING);
    if ((b.optmask >>> BR_BOOLOPT.MST_ENABLE) & 1) out.mstEnabled = bit(BR_BOOLOPT.MST_ENABLE);
  }
  return out;
}
