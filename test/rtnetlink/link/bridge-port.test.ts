import { describe, expect, it } from 'vitest';
import { decode, encode, hex } from './_golden.js';
import { bridgePortAttrs, bridgePortInfo } from '../../../src/rtnetlink/link/index.js';

/**
 * IFLA_INFO_SLAVE_DATA (IFLA_INFO_SLAVE_KIND "bridge") of a veth enslaved to
 * the bridge of bridge.test.ts, captured from a 6.18 kernel after
 *   ip link set gv0 master gbr
 *   ip link set gv0 type bridge_slave cost 7 priority 9 learning off
 * `ip -d -j` showed: state "disabled", priority 9, cost 7, learning false,
 * flood true, id "0x2401", no "0x1", designated_port 9217,
 * bridge_id "1000.2:0:0:0:0:b0", multicast_router 1. The port flags are u8
 * 0/1 on the wire, although the YNL spec calls them flags.
 */
const BYTES = hex(
      // IFLA_BRPORT_STATE (1), u8: 0
      '05 00 01 00 | 00 | 00 00 00',
      // IFLA_BRPORT_PRIORITY (2), u16: 9
      '06 00 02 00 | 09 00 | 00 00',
      // IFLA_BRPORT_COST (3), u32: 7
      '08 00 03 00 | 07 00 00 00',
      // IFLA_BRPORT_MODE (4), u8: 0
      '05 00 04 00 | 00 | 00 00 00',
      // IFLA_BRPORT_GUARD (5), u8: 0
      '05 00 05 00 | 00 | 00 00 00',
      // IFLA_BRPORT_PROTECT (6), u8: 0
      '05 00 06 00 | 00 | 00 00 00',
      // IFLA_BRPORT_FAST_LEAVE (7), u8: 0
      '05 00 07 00 | 00 | 00 00 00',
      // IFLA_BRPORT_MCAST_TO_UCAST (28), u8: 0
      '05 00 1c 00 | 00 | 00 00 00',
      // IFLA_BRPORT_LEARNING (8), u8: 0
      '05 00 08 00 | 00 | 00 00 00',
      // IFLA_BRPORT_UNICAST_FLOOD (9), u8: 1
      '05 00 09 00 | 01 | 00 00 00',
      // IFLA_BRPORT_MCAST_FLOOD (27), u8: 1
      '05 00 1b 00 | 01 | 00 00 00',
      // IFLA_BRPORT_BCAST_FLOOD (30), u8: 1
      '05 00 1e 00 | 01 | 00 00 00',
      // IFLA_BRPORT_PROXYARP (10), u8: 0
      '05 00 0a 00 | 00 | 00 00 00',
      // IFLA_BRPORT_PROXYARP_WIFI (12), u8: 0
      '05 00 0c 00 | 00 | 00 00 00',
      // IFLA_BRPORT_ROOT_ID (13), ifla_bridge_id: "1000.02:00:00:00:00:b0"
      '0c 00 0d 00 | 10 00 02 00 00 00 00 b0',
      // IFLA_BRPORT_BRIDGE_ID (14), ifla_bridge_id: "1000.02:00:00:00:00:b0"
      '0c 00 0e 00 | 10 00 02 00 00 00 00 b0',
      // IFLA_BRPORT_DESIGNATED_PORT (15), u16: 9217
      '06 00 0f 00 | 01 24 | 00 00',
      // IFLA_BRPORT_DESIGNATED_COST (16), u16: 0
      '06 00 10 00 | 00 00 | 00 00',
      // IFLA_BRPORT_ID (17), u16: 9217
      '06 00 11 00 | 01 24 | 00 00',
      // IFLA_BRPORT_NO (18), u16: 1
      '06 00 12 00 | 01 00 | 00 00',
      // IFLA_BRPORT_TOPOLOGY_CHANGE_ACK (19), u8: 0
      '05 00 13 00 | 00 | 00 00 00',
      // IFLA_BRPORT_CONFIG_PENDING (20), u8: 0
      '05 00 14 00 | 00 | 00 00 00',
      // IFLA_BRPORT_VLAN_TUNNEL (29), u8: 0
      '05 00 1d 00 | 00 | 00 00 00',
      // IFLA_BRPORT_GROUP_FWD_MASK (31), u16: 0
      '06 00 1f 00 | 00 00 | 00 00',
      // IFLA_BRPORT_NEIGH_SUPPRESS (32), u8: 0
      '05 00 20 00 | 00 | 00 00 00',
      // IFLA_BRPORT_MRP_RING_OPEN (35), u8: 0
      '05 00 23 00 | 00 | 00 00 00',
      // IFLA_BRPORT_MRP_IN_OPEN (36), u8: 0
      '05 00 24 00 | 00 | 00 00 00',
      // IFLA_BRPORT_ISOLATED (33), u8: 0
      '05 00 21 00 | 00 | 00 00 00',
      // IFLA_BRPORT_LOCKED (39), u8: 0
      '05 00 27 00 | 00 | 00 00 00',
      // IFLA_BRPORT_MAB (40), u8: 0
      '05 00 28 00 | 00 | 00 00 00',
      // IFLA_BRPORT_NEIGH_VLAN_SUPPRESS (43), u8: 0
      '05 00 2b 00 | 00 | 00 00 00',
      // IFLA_BRPORT_MESSAGE_AGE_TIMER (21), u64: 0n
      '0c 00 15 00 | 00 00 00 00 00 00 00 00',
      // IFLA_BRPORT_FORWARD_DELAY_TIMER (22), u64: 0n
      '0c 00 16 00 | 00 00 00 00 00 00 00 00',
      // IFLA_BRPORT_HOLD_TIMER (23), u64: 0n
      '0c 00 17 00 | 00 00 00 00 00 00 00 00',
      // IFLA_BRPORT_MULTICAST_ROUTER (25), u8: 1
      '05 00 19 00 | 01 | 00 00 00',
      // IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT (37), u32: 512
      '08 00 25 00 | 00 02 00 00',
      // IFLA_BRPORT_MCAST_EHT_HOSTS_CNT (38), u32: 0
      '08 00 26 00 | 00 00 00 00',
      // IFLA_BRPORT_MCAST_NGROUPS (41), u32: 0
      '08 00 29 00 | 00 00 00 00',
      // IFLA_BRPORT_MCAST_MAX_GROUPS (42), u32: 0
      '08 00 2a 00 | 00 00 00 00',
);

const EXPECTED = {
    state: 0,
    priority: 9,
    cost: 7,
    mode: 0,
    guard: 0,
    protect: 0,
    fastLeave: 0,
    mcastToUcast: 0,
    learning: 0,
    unicastFlood: 1,
    mcastFlood: 1,
    bcastFlood: 1,
    proxyarp: 0,
    proxyarpWifi: 0,
    rootId: '1000.02:00:00:00:00:b0',
    bridgeId: '1000.02:00:00:00:00:b0',
    designatedPort: 9217,
    designatedCost: 0,
    id: 9217,
    no: 1,
    topologyChangeAck: 0,
    configPending: 0,
    vlanTunnel: 0,
    groupFwdMask: 0,
    neighSuppress: 0,
    mrpRingOpen: 0,
    mrpInOpen: 0,
    isolated: 0,
    locked: 0,
    mab: 0,
    neighVlanSuppress: 0,
    messageAgeTimer: 0n,
    forwardDelayTimer: 0n,
    holdTimer: 0n,
    multicastRouter: 1,
    mcastEhtHostsLimit: 512,
    mcastEhtHostsCnt: 0,
    mcastNGroups: 0,
    mcastMaxGroups: 0
  };

describe('bridge port data (IFLA_BRPORT_*) golden bytes', () => {
  it('decodes the kernel bytes to the expected attributes', () => {
    expect(decode(bridgePortAttrs, BYTES)).toEqual(EXPECTED);
  });

  it('encodes the expected attributes to the same bytes', () => {
    expect(encode(bridgePortAttrs, EXPECTED)).toEqual(BYTES);
  });

  it('gives the friendly view', () => {
    expect(bridgePortInfo(decode(bridgePortAttrs, BYTES))).toMatchObject({
      state: 'disabled',
      priority: 9,
      cost: 7,
      learning: false,
      flood: true,
      hairpin: false,
      id: 0x2401,
      no: 1,
      designatedPort: 9217,
      bridgeId: '1000.02:00:00:00:00:b0',
      multicastRouter: 1,
      mcastEhtHostsLimit: 512,
    });
  });
});
