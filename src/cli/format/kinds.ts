/**
 * `ip -d` details of the link kinds this package creates: bridge, bridge
 * port (`bridge_slave`), tun/tap, vxlan; veth has none (ip prints just
 * `veth`: the driver reports no IFLA_INFO_DATA). Attribute numbers are the
 * kernel's (IFLA_BR_*, IFLA_BRPORT_*, IFLA_TUN_*, IFLA_VXLAN_* in
 * <linux/if_link.h>; the newest from the kernel's rt-link YNL spec, since
 * this machine's UAPI headers are older than its kernel); keys, labels and
 * order are iproute2's (ip/iplink_bridge.c, iplink_bridge_slave.c,
 * iptuntap.c, iplink_vxlan.c).
 */
import { formatIp } from '../../wire.js';
import type { Out } from '../out.js';
import { type RawAttrs, rd } from '../raw.js';
import { type Row, hex0x, printRow, printRows } from './fields.js';

export interface KindContext {
  /** ifindex → name in the namespace being listed (backup_port, vxlan dev). */
  names: Map<number, string>;
  /** uid/gid → name, as ip resolves tun owners through getpwuid/getgrgid. */
  userName(uid: number): string | undefined;
  groupName(gid: number): string | undefined;
}

// ---------------------------------------------------------------- bridge

const BR_HEAD: Row[] = [
  [1, 'forward_delay', 'forward_delay', 'u32'],
  [2, 'hello_time', 'hello_time', 'u32'],
  [3, 'max_age', 'max_age', 'u32'],
  [4, 'ageing_time', 'ageing_time', 'u32'],
  [5, 'stp_state', 'stp_state', 'u32'],
];
/** IFLA_BR_STP_MODE (newer than this kernel's spec): printed as a word. */
const BR_STP_MODE = 50;
const STP_MODES = ['auto', 'user', 'kernel'];
const BR_MID: Row[] = [
  [6, 'priority', 'priority', 'u16'],
  [7, 'vlan_filtering', 'vlan_filtering', 'u8'],
];
const BR_IDS: Row[] = [
  [11, 'bridge_id', 'bridge_id', 'brid'],
  [10, 'root_id', 'designated_root', 'brid'],
  [12, 'root_port', 'root_port', 'u16'],
  [13, 'root_path_cost', 'root_path_cost', 'u32'],
  [14, 'topology_change', 'topology_change', 'u8'],
  [15, 'topology_change_detected', 'topology_change_detected', 'u8'],
  [16, 'hello_timer', 'hello_timer', 'timer'],
  [17, 'tcn_timer', 'tcn_timer', 'timer'],
  [18, 'topology_change_timer', 'topology_change_timer', 'timer'],
  [19, 'gc_timer', 'gc_timer', 'timer'],
  [48, 'fdb_n_learned', 'fdb_n_learned', 'u32'],
  [49, 'fdb_max_learned', 'fdb_max_learned', 'u32'],
  [39, 'vlan_default_pvid', 'vlan_default_pvid', 'u16'],
  [41, 'vlan_stats_enabled', 'vlan_stats_enabled', 'u8'],
  [45, 'vlan_stats_per_port', 'vlan_stats_per_port', 'u8'],
  [9, 'group_fwd_mask', 'group_fwd_mask', 'xhex16'],
  [20, 'group_addr', 'group_address', 'mac'],
  [23, 'mcast_snooping', 'mcast_snooping', 'u8'],
];
/** BR_BOOLOPT_* bits of IFLA_BR_MULTI_BOOLOPT (struct br_boolopt_multi { u32 optval; u32 optmask }), in ip's order. */
const BOOLOPTS: [number, string][] = [
  [0, 'no_linklocal_learn'],
  [1, 'mcast_vlan_snooping'],
  [2, 'mst_enabled'],
  [3, 'mdb_offload_fail_notification'],
  [4, 'fdb_local_vlan_0'],
];
const BR_MCAST: Row[] = [
  [22, 'mcast_router', 'mcast_router', 'u8'],
  [24, 'mcast_query_use_ifaddr', 'mcast_query_use_ifaddr', 'u8'],
  [25, 'mcast_querier', 'mcast_querier', 'u8'],
  [26, 'mcast_hash_elasticity', 'mcast_hash_elasticity', 'u32'],
  [27, 'mcast_hash_max', 'mcast_hash_max', 'u32'],
  [28, 'mcast_last_member_cnt', 'mcast_last_member_count', 'u32'],
  [29, 'mcast_startup_query_cnt', 'mcast_startup_query_count', 'u32'],
  [30, 'mcast_last_member_intvl', 'mcast_last_member_interval', 'u64'],
  [31, 'mcast_membership_intvl', 'mcast_membership_interval', 'u64'],
  [32, 'mcast_querier_intvl', 'mcast_querier_interval', 'u64'],
  [33, 'mcast_query_intvl', 'mcast_query_interval', 'u64'],
  [34, 'mcast_query_response_intvl', 'mcast_query_response_interval', 'u64'],
  [35, 'mcast_startup_query_intvl', 'mcast_startup_query_interval', 'u64'],
  [42, 'mcast_stats_enabled', 'mcast_stats_enabled', 'u8'],
  [43, 'mcast_igmp_version', 'mcast_igmp_version', 'u8'],
  [44, 'mcast_mld_version', 'mcast_mld_version', 'u8'],
  [36, 'nf_call_iptables', 'nf_call_iptables', 'u8'],
  [37, 'nf_call_ip6tables', 'nf_call_ip6tables', 'u8'],
  [38, 'nf_call_arptables', 'nf_call_arptables', 'u8'],
];

/** ETH_P_8021Q / ETH_P_8021AD as ll_proto_n2a names them. */
function vlanProtocol(v: number): string {
  return v === 0x8100 ? '802.1Q' : v === 0x88a8 ? '802.1ad' : `0x${v.toString(16).padStart(4, '0')}`;
}

export function printBridge(o: Out, a: RawAttrs): void {
  printRows(o, a, BR_HEAD);
  const mode = rd.u32(a.get(BR_STP_MODE));
  if (mode !== undefined) {
    const m = STP_MODES[mode] ?? String(mode);
    o.field('stp_mode', m, `stp_mode ${m} `);
  }
  printRows(o, a, BR_MID);
  // IFLA_BR_VLAN_PROTOCOL is a big-endian u16 (an EtherType).
  const proto = rd.be16(a.get(8));
  if (proto !== undefined) o.field('vlan_protocol', vlanProtocol(proto), `vlan_protocol ${vlanProtocol(proto)} `);
  printRows(o, a, BR_IDS);
  const bo = a.get(46);
  if (bo && bo.length >= 8) {
    const val = rd.u32(bo) as number;
    const mask = rd.u32(bo.subarray(4)) as number;
    for (const [bit, key] of BOOLOPTS) {
      if (mask & (1 << bit)) {
        const v = val & (1 << bit) ? 1 : 0;
        o.field(key, v, `${key} ${v} `);
      }
    }
  }
  printRows(o, a, BR_MCAST);
}

// ---------------------------------------------------------------- bridge port

const PORT_STATES = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];

const BRPORT_A: Row[] = [
  [4, 'hairpin', 'hairpin', 'onoff'],
  [5, 'guard', 'guard', 'onoff'],
  [6, 'root_block', 'root_block', 'onoff'],
  [7, 'fastleave', 'fastleave', 'onoff'],
  [8, 'learning', 'learning', 'onoff'],
  [9, 'flood', 'flood', 'onoff'],
  [17, 'id', 'port_id', 'xhex16'],
  [18, 'no', 'port_no', 'xhex16'],
  [15, 'designated_port', 'designated_port', 'u16'],
  [16, 'designated_cost', 'designated_cost', 'u16'],
  [14, 'bridge_id', 'designated_bridge', 'brid'],
  [13, 'root_id', 'designated_root', 'brid'],
  [23, 'hold_timer', 'hold_timer', 'timer'],
  [21, 'message_age_timer', 'message_age_timer', 'timer'],
  [22, 'forward_delay_timer', 'forward_delay_timer', 'timer'],
  [19, 'topology_change_ack', 'topology_change_ack', 'u8'],
  [20, 'config_pending', 'config_pending', 'u8'],
  [10, 'proxy_arp', 'proxy_arp', 'onoff'],
  [12, 'proxy_arp_wifi', 'proxy_arp_wifi', 'onoff'],
  [25, 'multicast_router', 'mcast_router', 'u8'],
];
const BRPORT_B: Row[] = [
  [27, 'mcast_flood', 'mcast_flood', 'onoff'],
  [30, 'bcast_flood', 'bcast_flood', 'onoff'],
  [28, 'mcast_to_unicast', 'mcast_to_unicast', 'onoff'],
  [32, 'neigh_suppress', 'neigh_suppress', 'onoff'],
];
const BRPORT_C: Row[] = [
  [29, 'vlan_tunnel', 'vlan_tunnel', 'onoff'],
  [33, 'isolated', 'isolated', 'onoff'],
  [39, 'locked', 'locked', 'onoff'],
  [40, 'mab', 'mab', 'onoff'],
];
/** BR_GROUPFWD bits with names (802.1D reserved group addresses 01:80:c2:00:00:0X). */
const FWD_MASK_NAMES: Record<number, string> = { 0: 'stp', 2: 'lacp', 14: 'lldp' };

function fwdMaskString(mask: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i++) if (mask & (1 << i)) parts.push(FWD_MASK_NAMES[i] ?? `0x${(1 << i).toString(16)}`);
  return parts.length ? parts.join(',') : '0x0';
}

export function printBridgePort(o: Out, a: RawAttrs, k: KindContext): void {
  const state = rd.u8(a.get(1));
  if (state !== undefined) {
    if (state < PORT_STATES.length) o.field('state', PORT_STATES[state] as string, `state ${PORT_STATES[state]} `);
    else o.field('state_index', state, `state (${state}) `);
  }
  printRow(o, a, 2, 'priority', 'priority', 'u16');
  printRow(o, a, 3, 'cost', 'cost', 'u32');
  printRows(o, a, BRPORT_A);
  // ip prints fast leave twice in text (again as mcast_fast_leave), once in JSON.
  const fl = rd.u8(a.get(7));
  if (fl !== undefined) o.put(`mcast_fast_leave ${fl ? 'on' : 'off'} `);
  printRows(o, a, BRPORT_B);
  const nvs = a.get(43);
  if (nvs !== undefined) {
    const on = nvs.length === 0 || nvs[0] !== 0;
    o.field('neigh_vlan_suppress', on, `neigh_vlan_suppress ${on ? 'on' : 'off'} `);
  }
  printRow(o, a, 45, 'neigh_forward_grat', 'neigh_forward_grat', 'onoff');
  printRow(o, a, 31, 'group_fwd_mask', 'group_fwd_mask', 'xhex16');
  const mask = rd.u16(a.get(31));
  if (mask !== undefined) o.field('group_fwd_mask_str', fwdMaskString(mask), `group_fwd_mask_str ${fwdMaskString(mask)} `);
  printRows(o, a, BRPORT_C);
  const backup = rd.u32(a.get(34));
  if (backup !== undefined) {
    const name = k.names.get(backup) ?? `if${backup}`;
    o.field('backup_port', name, `backup_port ${name} `);
  }
  printRow(o, a, 44, 'backup_nhid', 'backup_nhid', 'u32');
}

// ---------------------------------------------------------------- tun / tap

/** IFF_TUN / IFF_TAP values of IFLA_TUN_TYPE (<linux/if_tun.h>). */
const IFF_TUN = 0x0001;
const IFF_TAP = 0x0002;

export function printTun(o: Out, a: RawAttrs, k: KindContext): void {
  const type = rd.u8(a.get(3));
  if (type !== undefined) {
    const t = type === IFF_TUN ? 'tun' : type === IFF_TAP ? 'tap' : `UNKNOWN:${type}`;
    o.field('type', t, `type ${t} `);
  }
  printRow(o, a, 4, 'pi', 'pi', 'onoff');
  printRow(o, a, 5, 'vnet_hdr', 'vnet_hdr', 'onoff');
  const mq = rd.u8(a.get(7));
  if (!mq) {
    o.json('multi_queue', false);
  } else {
    o.field('multi_queue', true, 'multi_queue ');
    printRow(o, a, 8, 'numqueues', 'numqueues', 'u32');
    printRow(o, a, 9, 'numdisabled', 'numdisabled', 'u32');
  }
  printRow(o, a, 6, 'persist', 'persist', 'onoff');
  const uid = rd.u32(a.get(1));
  if (uid !== undefined) {
    const n = k.userName(uid);
    o.field('user', n ?? uid, `user ${n ?? uid} `);
  }
  const gid = rd.u32(a.get(2));
  if (gid !== undefined) {
    const n = k.groupName(gid);
    o.field('group', n ?? gid, `group ${n ?? gid} `);
  }
}

// ---------------------------------------------------------------- vxlan

/** Boolean options ip prints from IFLA_VXLAN_* u8 attributes: [number, key, default]. */
const VXLAN_BOOLS: [number, string, boolean][] = [
  [25, 'external', false],
  [30, 'vnifilter', false],
  [7, 'learning', true],
  [11, 'proxy', false],
  [12, 'rsc', false],
  [13, 'l2miss', false],
  [14, 'l3miss', false],
  [18, 'udp_csum', true],
  [19, 'udp_zero_csum6_tx', false],
  [20, 'udp_zero_csum6_rx', false],
  [21, 'remcsum_tx', false],
  [22, 'remcsum_rx', false],
  [31, 'localbypass', true],
  [34, 'mcroute', false],
];
const VXLAN_DF = ['unset', 'set', 'inherit'];

export function printVxlan(o: Out, a: RawAttrs, k: KindContext, details: number): void {
  const id = rd.u32(a.get(1));
  if (id !== undefined) o.field('id', id, `id ${id} `);
  const g4 = a.get(2);
  const g6 = a.get(16);
  if (g4 && g4.length === 4 && rd.u32(g4)) {
    const s = formatIp(g4);
    // 224.0.0.0/4 is multicast: a group to join rather than one remote.
    const key = ((g4[0] as number) & 0xf0) === 0xe0 ? 'group' : 'remote';
    o.field(key, s, `${key} ${s} `);
  } else if (g6 && g6.length === 16 && g6.some((x) => x !== 0)) {
    const s = formatIp(g6);
    const mc = g6[0] === 0xff;
    o.field(mc ? 'group6' : 'remote6', s, `${mc ? 'group' : 'remote'} ${s} `);
  }
  const l4 = a.get(4);
  const l6 = a.get(17);
  if (l4 && l4.length === 4) {
    if (rd.u32(l4)) o.field('local', formatIp(l4), `local ${formatIp(l4)} `);
  } else if (l6 && l6.length === 16 && l6.some((x) => x !== 0)) {
    o.field('local6', formatIp(l6), `local ${formatIp(l6)} `);
  }
  const link = rd.u32(a.get(3));
  if (link) {
    const n = k.names.get(link) ?? `if${link}`;
    o.field('link', n, `dev ${n} `);
  }
  const range = a.get(10);
  if (range && range.length >= 4) {
    const low = rd.be16(range) as number;
    const high = rd.be16(range.subarray(2)) as number;
    o.nest('port_range').json('low', low).json('high', high);
    o.put(`srcport ${low} ${high} `);
  }
  const port = rd.be16(a.get(15));
  if (port !== undefined) o.field('port', port, `dstport ${port} `);
  const tos = rd.u8(a.get(6)) ?? 0;
  if (tos) o.field('tos', hex0x(tos), tos === 1 ? 'tos inherit ' : `tos ${hex0x(tos)} `);
  const ttlInherit = rd.u8(a.get(28));
  if (ttlInherit) o.put('ttl inherit ');
  else {
    const ttl = rd.u8(a.get(5));
    if (ttl !== undefined) o.field('ttl', ttl, ttl ? `ttl ${ttl} ` : 'ttl auto ');
  }
  const df = rd.u8(a.get(29));
  if (df !== undefined && df < VXLAN_DF.length) o.field('df', VXLAN_DF[df] as string, df ? `df ${VXLAN_DF[df]} ` : '');
  const label = rd.be32(a.get(26));
  if (label) o.field('label', hex0x(label), `flowlabel ${hex0x(label)} `);
  const age = rd.u32(a.get(8));
  if (age !== undefined) o.field('ageing', age, age === 0 ? 'ageing none ' : `ageing ${age} `);
  const limit = rd.u32(a.get(9));
  if (limit) o.field('limit', limit, `maxaddr ${limit} `);
  const reserved = a.get(33);
  if (reserved && reserved.length >= 8) {
    const v = new DataView(reserved.buffer, reserved.byteOffset, 8).getBigUint64(0, false);
    o.field('reserved_bits', hex0x(v), `reserved_bits ${hex0x(v)} `);
  }
  if (a.has(23)) o.field('gbp', null, 'gbp ');
  if (a.has(27)) o.field('gpe', null, 'gpe ');
  for (const [type, key, dflt] of VXLAN_BOOLS) {
    const v = a.get(type);
    if (v === undefined) continue;
    // IFLA_VXLAN_COLLECT_METADATA, _VNIFILTER … are u8; _LOCALBYPASS and _MC_ROUTE too.
    const on = (rd.u8(v) ?? 1) !== 0;
    o.field(key, on, on !== dflt || details > 1 ? `${on ? '' : 'no'}${key} ` : '');
  }
}
