/**
 * RTM_NEWVLAN / DELVLAN / GETVLAN (Linux 5.8+): the bridge VLAN database,
 * per port and VLAN, with the per-VLAN options the AF_BRIDGE link dump
 * does not carry (STP state, multicast router, neighbour suppression,
 * counters), and the bridge's global per-VLAN options (multicast snooping
 * and querier settings, MST instance). Family header struct br_vlan_msg;
 * attributes BRIDGE_VLANDB_* in <linux/if_bridge.h>, implemented in the
 * kernel's net/bridge/br_vlan.c and br_vlan_options.c.
 *
 * Wire facts:
 * - A dump request (RTM_GETVLAN, NLM_F_DUMP, family AF_BRIDGE, ifindex 0
 *   or one device) carries BRIDGE_VLANDB_DUMP_FLAGS (u32) — attribute 1 of
 *   another enum than the replies' BRIDGE_VLANDB_ENTRY (1), hence two
 *   tables. DUMPF_STATS adds ENTRY_STATS; DUMPF_GLOBAL asks for the global
 *   options of bridges instead of the port entries.
 * - A reply is one message per device with one BRIDGE_VLANDB_ENTRY (or
 *   GLOBAL_OPTIONS) nest per run of consecutive VLANs whose flags and
 *   options are equal: INFO (struct bridge_vlan_info, the first vid) and
 *   RANGE (u16, the last) when the run is longer than one.
 * - RTM_NEWVLAN with an ENTRY whose INFO has BRIDGE_VLAN_INFO_ONLY_OPTS
 *   changes options of existing VLANs; with GLOBAL_OPTIONS (GOPTS_ID and
 *   RANGE) it changes a bridge's global options. The kernel parses both
 *   strictly (NLA_F_NESTED required, unknown attributes refused).
 * - Times are clock_t (USER_HZ, centiseconds) in u64: seconds in the views,
 *   as for the bridge's own timers.
 */
import { attr, attrSet, nest, type Decoded } from '../../netlink/schema.js';
import { bytes, struct, u8, u16, u32, u64 } from '../../netlink/codecs.js';
import { bridgeVlanInfo } from '../link/af-bridge.js';
import { BR_STATE } from '../link/kinds/bridge-port.js';
import { bridgeQuerierAttrs } from '../link/kinds/bridge.js';
import { family } from '../family.js';

/** struct br_vlan_msg { __u8 family; __u8 reserved1; __u16 reserved2; __u32 ifindex; }. */
export const brVlanMsg = struct('br_vlan_msg', { family: 'u8', reserved1: 'u8', reserved2: 'u16', ifindex: 'u32' });
/** A decoded struct br_vlan_msg. */
export type BrVlanMsg = { family: number; reserved1: number; reserved2: number; ifindex: number };
/** Size of struct br_vlan_msg in bytes. */
export const BR_VLAN_MSG_SIZE = 8;

/** BRIDGE_VLANDB_DUMPF_* of BRIDGE_VLANDB_DUMP_FLAGS. */
export const BRIDGE_VLANDB_DUMPF = { STATS: 1 << 0, GLOBAL: 1 << 1 } as const;

/** BRIDGE_VLANDB_TINFO_*: a VLAN's tunnel id (vxlan VNI) on a port with vlan_tunnel on. */
export const vlanDbTunnelAttrs = attrSet('bridge-vlandb-tinfo', {
  id: attr(1, u32),
  /** RTM_SETLINK / DELLINK, in requests: add or remove the mapping. */
  cmd: attr(2, u32),
});

/** BRIDGE_VLANDB_STATS_*: per-VLAN counters (BRIDGE_VLANDB_DUMPF_STATS). */
export const vlanDbStatsAttrs = attrSet('bridge-vlandb-stats', {
  rxBytes: attr(1, u64),
  rxPackets: attr(2, u64),
  txBytes: attr(3, u64),
  txPackets: attr(4, u64),
  pad: attr(5, bytes),
});

/** BRIDGE_VLANDB_ENTRY_*: one run of VLANs of a port (or of the bridge itself). */
export const vlanDbEntryAttrs = attrSet('bridge-vlandb-entry', {
  info: attr(1, bridgeVlanInfo),
  /** The last vid of the run (absent: the run is INFO's vid alone). */
  range: attr(2, u16),
  /** The VLAN's STP state on this port (BR_STATE_*: per-VLAN STP, MST). */
  state: attr(3, u8).view('state', BR_STATE, { writable: true }),
  tunnelInfo: attr(4, nest(vlanDbTunnelAttrs)),
  stats: attr(5, nest(vlanDbStatsAttrs)),
  /** The port's multicast router mode in this VLAN (MDB_RTR_TYPE_*: 0 disabled, 1 temp query, 2 permanent, 3 temp). Needs mcast_vlan_snooping. */
  mcastRouter: attr(6, u8).view('mcastRouter', 'num', { writable: true }),
  /** 6.3+: multicast groups joined in this VLAN on this port, and the limit (0: none). */
  mcastNGroups: attr(7, u32).view('mcastNGroups', 'num'),
  mcastMaxGroups: attr(8, u32).view('mcastMaxGroups', 'num', { writable: true }),
  /** 6.8+: neighbour suppression per VLAN (with the port's neigh_vlan_suppress on). */
  neighSuppress: attr(9, u8).view('neighSuppress', 'bool', { writable: true }),
});

/**
 * MDBA_ROUTER_PORT (<linux/if_bridge.h>): a multicast router port — a u32
 * ifindex, then MDBA_ROUTER_PATTR_* timers (br_rports_fill_info), kept as
 * the struct's tail bytes.
 */
export const mdbRouterPort = struct('mdba_router_port', { ifindex: 'u32' });
/** MDBA_ROUTER's entries (MDBA_ROUTER_PORT = 1), and the GOPTS_MCAST_ROUTER_PORTS nest that holds an MDBA_ROUTER (2, after MDBA_MDB). */
export const mdbRouterAttrs = attrSet('mdba-router', { port: attr(1, mdbRouterPort, { multi: true }) });
/** The BRIDGE_VLANDB_GOPTS_MCAST_ROUTER_PORTS nest: one MDBA_ROUTER (attribute 2) of router ports. */
export const vlanDbRouterPortsAttrs = attrSet('bridge-vlandb-router-ports', { router: attr(2, nest(mdbRouterAttrs)) });

/** BRIDGE_VLANDB_GOPTS_*: a bridge's global options of one run of VLANs. */
export const vlanDbGlobalAttrs = attrSet('bridge-vlandb-gopts', {
  id: attr(1, u16),
  range: attr(2, u16),
  mcastSnooping: attr(3, u8).view('mcastSnooping', 'bool', { writable: true }),
  mcastIgmpVersion: attr(4, u8).view('mcastIgmpVersion', 'num', { writable: true }),
  mcastMldVersion: attr(5, u8).view('mcastMldVersion', 'num', { writable: true }),
  mcastLastMemberCnt: attr(6, u32).view('mcastLastMemberCount', 'num', { writable: true }),
  mcastStartupQueryCnt: attr(7, u32).view('mcastStartupQueryCount', 'num', { writable: true }),
  mcastLastMemberIntvl: attr(8, u64).view('mcastLastMemberInterval', 'seconds', { writable: true }),
  pad: attr(9, bytes),
  mcastMembershipIntvl: attr(10, u64).view('mcastMembershipInterval', 'seconds', { writable: true }),
  mcastQuerierIntvl: attr(11, u64).view('mcastQuerierInterval', 'seconds', { writable: true }),
  mcastQueryIntvl: attr(12, u64).view('mcastQueryInterval', 'seconds', { writable: true }),
  mcastQueryResponseIntvl: attr(13, u64).view('mcastQueryResponseInterval', 'seconds', { writable: true }),
  mcastStartupQueryIntvl: attr(14, u64).view('mcastStartupQueryInterval', 'seconds', { writable: true }),
  mcastQuerier: attr(15, u8).view('mcastQuerier', 'bool', { writable: true }),
  /** The multicast router ports of the VLAN: an MDBA_ROUTER nest of MDBA_ROUTER_PORT entries. */
  mcastRouterPorts: attr(16, nest(vlanDbRouterPortsAttrs)),
  mcastQuerierState: attr(17, nest(bridgeQuerierAttrs)),
  /** 6.0+: the MST instance the VLAN belongs to (with mst_enabled on the bridge). */
  msti: attr(18, u16).view('msti', 'num', { writable: true }),
});

/** The attributes of RTM_NEWVLAN / DELVLAN messages (replies, events, changes). */
export const vlanDbAttrs = attrSet('bridge-vlandb', {
  entry: attr(1, nest(vlanDbEntryAttrs), { multi: true }),
  globalOptions: attr(2, nest(vlanDbGlobalAttrs), { multi: true }),
});

/** The attributes of an RTM_GETVLAN dump request (BRIDGE_VLANDB_DUMP_*). */
export const vlanDbDumpAttrs = attrSet('bridge-vlandb-dump', {
  flags: attr(1, u32),
});

/** The decoded BRIDGE_VLANDB_ENTRY_* attributes of one run of VLANs of a port. */
export type VlanDbEntry = Decoded<typeof vlanDbEntryAttrs>;
/** The decoded BRIDGE_VLANDB_GOPTS_* attributes: a bridge's global options of one run of VLANs. */
export type VlanDbGlobal = Decoded<typeof vlanDbGlobalAttrs>;

/** Descriptor of RTM_NEWVLAN / DELVLAN messages: br_vlan_msg, then BRIDGE_VLANDB_* attributes. */
export const vlanDbMessage = family('br_vlan_msg', BR_VLAN_MSG_SIZE, brVlanMsg, vlanDbAttrs);
/** Descriptor of an RTM_GETVLAN dump request: br_vlan_msg, then BRIDGE_VLANDB_DUMP_FLAGS. */
export const vlanDbDumpRequest = family('br_vlan_msg', BR_VLAN_MSG_SIZE, brVlanMsg, vlanDbDumpAttrs);
