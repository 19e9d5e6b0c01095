/**
 * Bridge link data: IFLA_INFO_DATA when IFLA_INFO_KIND is "bridge"
 * (IFLA_BR_* in <linux/if_link.h>; 47–49 are newer than the 6.1 UAPI
 * headers and were checked against the kernel's rt-link spec and the bytes
 * a 6.18 kernel sends; 50 is in the net-next spec only).
 *
 * Units, as the kernel's br_netlink.c uses them: forward delay, hello time,
 * max age and ageing time are clock_t (USER_HZ = 1/100 s) in u32; the
 * *_timer and mcast_*_intvl values are clock_t in u64. `ip -d` prints the
 * first group raw (forward_delay 1500) and the timers in seconds.
 */
import { attr, attrSet, nest, type Decoded, type OptionsOf, type ViewOf } from '../../../netlink/schema.js';
import { be16, bytes, hwaddr, ipaddr, struct, u16, u32, u64, u8 } from '../../../netlink/codecs.js';
import { readView } from '../../../netlink/fields.js';
import { bridgeId } from '../codecs.js';
import { vlanProtocol } from './convs.js';

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
export const BR_BOOLOPT = { NO_LL_LEARN: 0, MCAST_VLAN_SNOOPING: 1, MST_ENABLE: 2, MDB_OFFLOAD_FAIL_NOTIFICATION: 3, FDB_LOCAL_VLAN_0: 4 } as const;
/** The same bits as ip prints them, by bit number. */
const BOOLOPT_WORDS = ['no_linklocal_learn', 'mcast_vlan_snooping', 'mst_enabled', 'mdb_offload_fail_notification', 'fdb_local_vlan_0'];

/** One BR_BOOLOPT bit of IFLA_BR_MULTI_BOOLOPT, when the kernel's mask says it reported it. */
const boolopt = (bit: number) => ({
  read: (b: { optval: number; optmask: number }) => (((b.optmask >>> bit) & 1) === 1 ? ((b.optval >>> bit) & 1) === 1 : undefined),
});

/** enum br_stp_mode (IFLA_BR_STP_MODE, net-next), as the spec and ip name the values. */
const STP_MODES = ['auto', 'user', 'kernel'] as const;

/**
 * IFLA_BR_*: one row per attribute — number and codec (the wire), the
 * friendly field(s) of `Link.info` and createBridge's options with their
 * unit (`.view`), and iproute2's spelling for the `rtnl` command
 * (`.spelled`). Times: clock_t on the wire, seconds in the view; the
 * kernel checks ranges (forward delay 2–30 s while STP is on …) and answers
 * ERANGE with a message otherwise.
 */
export const bridgeAttrs = attrSet('bridge', {
  forwardDelay: attr(1, u32).view('forwardDelay', 'seconds', { writable: true }).spelled('forward_delay'),
  helloTime: attr(2, u32).view('helloTime', 'seconds', { writable: true }).spelled('hello_time'),
  maxAge: attr(3, u32).view('maxAge', 'seconds', { writable: true }).spelled('max_age'),
  ageingTime: attr(4, u32).view('ageingTime', 'seconds', { writable: true }).spelled('ageing_time'),
  /** 0 off, 1 kernel STP, 2 user-space STP; `stp` is the same as on/off. */
  stpState: attr(5, u32).view('stpState', 'num', { writable: true }).view('stp', 'bool', { writable: true }).spelled('stp_state'),
  priority: attr(6, u16).view('priority', 'num', { writable: true }).spelled('priority'),
  /** Needs a kernel with CONFIG_BRIDGE_VLAN_FILTERING (EOPNOTSUPP otherwise). */
  vlanFiltering: attr(7, u8).view('vlanFiltering', 'bool', { writable: true }).spelled('vlan_filtering'),
  /** An ethertype in network byte order (nla_put_be16): 0x8100 or 0x88a8. */
  vlanProtocol: attr(8, be16).view('vlanProtocol', vlanProtocol, { writable: true }).spelled('vlan_protocol', { shape: 'ethertype' }),
  groupFwdMask: attr(9, u16).view('groupFwdMask', 'num', { writable: true }).spelled('group_fwd_mask', { shape: 'xhex' }),
  rootId: attr(10, bridgeId).view('rootId', 'same').spelled('root_id', { label: 'designated_root', shape: 'brid' }),
  bridgeId: attr(11, bridgeId).view('bridgeId', 'same').spelled('bridge_id', { shape: 'brid' }),
  rootPort: attr(12, u16).view('rootPort', 'num').spelled('root_port'),
  rootPathCost: attr(13, u32).view('rootPathCost', 'num').spelled('root_path_cost'),
  topologyChange: attr(14, u8).view('topologyChange', 'bool').spelled('topology_change'),
  topologyChangeDetected: attr(15, u8).view('topologyChangeDetected', 'bool').spelled('topology_change_detected'),
  helloTimer: attr(16, u64).view('helloTimer', 'seconds').spelled('hello_timer', { shape: 'timer' }),
  tcnTimer: attr(17, u64).view('tcnTimer', 'seconds').spelled('tcn_timer', { shape: 'timer' }),
  topologyChangeTimer: attr(18, u64).view('topologyChangeTimer', 'seconds').spelled('topology_change_timer', { shape: 'timer' }),
  gcTimer: attr(19, u64).view('gcTimer', 'seconds').spelled('gc_timer', { shape: 'timer' }),
  groupAddr: attr(20, hwaddr).view('groupAddress', 'same', { writable: true }).spelled('group_addr', { label: 'group_address', shape: 'mac' }),
  /** Write-only: present in a request, flushes the forwarding database. */
  fdbFlush: attr(21, bytes),
  mcastRouter: attr(22, u8).view('multicastRouter', 'num', { writable: true }).spelled('mcast_router'),
  mcastSnooping: attr(23, u8).view('multicastSnooping', 'bool', { writable: true }).spelled('mcast_snooping'),
  mcastQueryUseIfaddr: attr(24, u8).view('multicastQueryUseIfaddr', 'bool', { writable: true }).spelled('mcast_query_use_ifaddr'),
  mcastQuerier: attr(25, u8).view('multicastQuerier', 'bool', { writable: true }).spelled('mcast_querier'),
  /** Read-only: the kernel ignores a value given to it since 5.x. */
  mcastHashElasticity: attr(26, u32).view('multicastHashElasticity', 'num').spelled('mcast_hash_elasticity', { option: false }),
  mcastHashMax: attr(27, u32).view('multicastHashMax', 'num', { writable: true }).spelled('mcast_hash_max'),
  mcastLastMemberCnt: attr(28, u32).view('multicastLastMemberCount', 'num', { writable: true }).spelled('mcast_last_member_cnt', { label: 'mcast_last_member_count' }),
  mcastStartupQueryCnt: attr(29, u32).view('multicastStartupQueryCount', 'num', { writable: true }).spelled('mcast_startup_query_cnt', { label: 'mcast_startup_query_count' }),
  mcastLastMemberIntvl: attr(30, u64).view('multicastLastMemberInterval', 'seconds', { writable: true }).spelled('mcast_last_member_intvl', { label: 'mcast_last_member_interval' }),
  mcastMembershipIntvl: attr(31, u64).view('multicastMembershipInterval', 'seconds', { writable: true }).spelled('mcast_membership_intvl', { label: 'mcast_membership_interval' }),
  mcastQuerierIntvl: attr(32, u64).view('multicastQuerierInterval', 'seconds', { writable: true }).spelled('mcast_querier_intvl', { label: 'mcast_querier_interval' }),
  mcastQueryIntvl: attr(33, u64).view('multicastQueryInterval', 'seconds', { writable: true }).spelled('mcast_query_intvl', { label: 'mcast_query_interval' }),
  mcastQueryResponseIntvl: attr(34, u64).view('multicastQueryResponseInterval', 'seconds', { writable: true }).spelled('mcast_query_response_intvl', { label: 'mcast_query_response_interval' }),
  mcastStartupQueryIntvl: attr(35, u64).view('multicastStartupQueryInterval', 'seconds', { writable: true }).spelled('mcast_startup_query_intvl', { label: 'mcast_startup_query_interval' }),
  nfCallIptables: attr(36, u8).view('nfCallIptables', 'bool', { writable: true }).spelled('nf_call_iptables'),
  nfCallIp6tables: attr(37, u8).view('nfCallIp6tables', 'bool', { writable: true }).spelled('nf_call_ip6tables'),
  nfCallArptables: attr(38, u8).view('nfCallArptables', 'bool', { writable: true }).spelled('nf_call_arptables'),
  /** Default PVID for new ports (VLAN filtering). */
  vlanDefaultPvid: attr(39, u16).view('defaultPvid', 'num', { writable: true }).spelled('vlan_default_pvid'),
  pad: attr(40, bytes),
  vlanStatsEnabled: attr(41, u8).view('vlanStatsEnabled', 'bool', { writable: true }).spelled('vlan_stats_enabled'),
  mcastStatsEnabled: attr(42, u8).view('multicastStatsEnabled', 'bool', { writable: true }).spelled('mcast_stats_enabled'),
  mcastIgmpVersion: attr(43, u8).view('multicastIgmpVersion', 'num', { writable: true }).spelled('mcast_igmp_version'),
  mcastMldVersion: attr(44, u8).view('multicastMldVersion', 'num', { writable: true }).spelled('mcast_mld_version'),
  vlanStatsPerPort: attr(45, u8).view('vlanStatsPerPort', 'bool', { writable: true }).spelled('vlan_stats_per_port'),
  multiBoolopt: attr(46, brBooloptMulti)
    .view('noLinklocalLearn', boolopt(BR_BOOLOPT.NO_LL_LEARN))
    .view('multicastVlanSnooping', boolopt(BR_BOOLOPT.MCAST_VLAN_SNOOPING))
    .view('mstEnabled', boolopt(BR_BOOLOPT.MST_ENABLE))
    .spelled('multi_boolopt', { shape: 'bits', names: BOOLOPT_WORDS, option: false }),
  mcastQuerierState: attr(47, nest(bridgeQuerierAttrs)),
  fdbNLearned: attr(48, u32).view('fdbLearned', 'num').spelled('fdb_n_learned'),
  fdbMaxLearned: attr(49, u32).view('fdbMaxLearned', 'num', { writable: true }).spelled('fdb_max_learned'),
  /** IFLA_BR_STP_MODE: in the net-next spec, not yet in 6.18; read when a kernel sends it. */
  stpMode: attr(50, u32).view('stpMode', STP_MODES).spelled('stp_mode', { shape: 'words', names: STP_MODES, option: false }),
});

/** IFLA_BR_* as decoded: a bridge's IFLA_INFO_DATA. */
export type BridgeAttrs = Decoded<typeof bridgeAttrs>;

/**
 * The friendly view of a bridge (`Link.info` when kind is "bridge"), one
 * field per view of the table: times and timers in seconds, switches as
 * booleans. Every field is absent when the kernel did not send it.
 */
export type BridgeInfo = { kind: 'bridge' } & ViewOf<typeof bridgeAttrs>;

/** What createBridge accepts about the bridge itself: the writable views of the table. */
export type BridgeOptions = OptionsOf<typeof bridgeAttrs>;

/** The friendly view of bridge link data. */
export function bridgeInfo(data: BridgeAttrs): BridgeInfo {
  return { kind: 'bridge', ...readView(bridgeAttrs, data) } as BridgeInfo;
}

/** The order `ip -d link show` prints these rows in (iproute2's iplink_bridge.c bridge_print_opt). */
export const BRIDGE_IP_ORDER: readonly (keyof typeof bridgeAttrs.specs)[] = [
  'forwardDelay', 'helloTime', 'maxAge', 'ageingTime', 'stpState', 'stpMode', 'priority', 'vlanFiltering', 'vlanProtocol',
  'bridgeId', 'rootId', 'rootPort', 'rootPathCost', 'topologyChange', 'topologyChangeDetected',
  'helloTimer', 'tcnTimer', 'topologyChangeTimer', 'gcTimer', 'fdbNLearned', 'fdbMaxLearned',
  'vlanDefaultPvid', 'vlanStatsEnabled', 'vlanStatsPerPort', 'groupFwdMask', 'groupAddr', 'mcastSnooping', 'multiBoolopt',
  'mcastRouter', 'mcastQueryUseIfaddr', 'mcastQuerier', 'mcastHashElasticity', 'mcastHashMax', 'mcastLastMemberCnt',
  'mcastStartupQueryCnt', 'mcastLastMemberIntvl', 'mcastMembershipIntvl', 'mcastQuerierIntvl', 'mcastQueryIntvl',
  'mcastQueryResponseIntvl', 'mcastStartupQueryIntvl', 'mcastStatsEnabled', 'mcastIgmpVersion', 'mcastMldVersion',
  'nfCallIptables', 'nfCallIp6tables', 'nfCallArptables',
];
