import { describe, expect, it } from 'vitest';
import { decode, encode, hex } from './_golden.js';
import { bridgeAttrs, bridgeInfo } from '../../../src/rtnetlink/link/index.js';

/**
 * IFLA_INFO_DATA of a bridge, captured from a 6.18 kernel after
 *   ip link add gbr address 02:00:00:00:00:b0 type bridge forward_delay 400 \
 *     hello_time 300 max_age 1200 ageing_time 10000 priority 4096 \
 *     mcast_snooping 0 group_fwd_mask 8
 * (the bridge down, so its timers are still; gc_timer is set anyway).
 * `ip -d -j` showed: forward_delay 400, hello_time 300, max_age 1200,
 * ageing_time 10000, priority 4096, bridge_id "1000.2:0:0:0:0:b0",
 * group_fwd_mask "0x8", mcast_snooping 0, mcast_hash_max 4096,
 * mcast_startup_query_intvl 3124, gc_timer 99.90.
 */
const BYTES = hex(
      // IFLA_BR_HELLO_TIMER (16), u64: 0n
      '0c 00 10 00 | 00 00 00 00 00 00 00 00',
      // IFLA_BR_TCN_TIMER (17), u64: 0n
      '0c 00 11 00 | 00 00 00 00 00 00 00 00',
      // IFLA_BR_TOPOLOGY_CHANGE_TIMER (18), u64: 0n
      '0c 00 12 00 | 00 00 00 00 00 00 00 00',
      // IFLA_BR_GC_TIMER (19), u64: 9990n
      '0c 00 13 00 | 06 27 00 00 00 00 00 00',
      // IFLA_BR_FORWARD_DELAY (1), u32: 400
      '08 00 01 00 | 90 01 00 00',
      // IFLA_BR_HELLO_TIME (2), u32: 300
      '08 00 02 00 | 2c 01 00 00',
      // IFLA_BR_MAX_AGE (3), u32: 1200
      '08 00 03 00 | b0 04 00 00',
      // IFLA_BR_AGEING_TIME (4), u32: 10000
      '08 00 04 00 | 10 27 00 00',
      // IFLA_BR_STP_STATE (5), u32: 0
      '08 00 05 00 | 00 00 00 00',
      // IFLA_BR_PRIORITY (6), u16: 4096
      '06 00 06 00 | 00 10 | 00 00',
      // IFLA_BR_VLAN_FILTERING (7), u8: 0
      '05 00 07 00 | 00 | 00 00 00',
      // IFLA_BR_GROUP_FWD_MASK (9), u16: 8
      '06 00 09 00 | 08 00 | 00 00',
      // IFLA_BR_BRIDGE_ID (11), ifla_bridge_id: "1000.02:00:00:00:00:b0"
      '0c 00 0b 00 | 10 00 02 00 00 00 00 b0',
      // IFLA_BR_ROOT_ID (10), ifla_bridge_id: "1000.02:00:00:00:00:b0"
      '0c 00 0a 00 | 10 00 02 00 00 00 00 b0',
      // IFLA_BR_ROOT_PORT (12), u16: 0
      '06 00 0c 00 | 00 00 | 00 00',
      // IFLA_BR_ROOT_PATH_COST (13), u32: 0
      '08 00 0d 00 | 00 00 00 00',
      // IFLA_BR_TOPOLOGY_CHANGE (14), u8: 0
      '05 00 0e 00 | 00 | 00 00 00',
      // IFLA_BR_TOPOLOGY_CHANGE_DETECTED (15), u8: 0
      '05 00 0f 00 | 00 | 00 00 00',
      // IFLA_BR_GROUP_ADDR (20), hwaddr: "01:80:c2:00:00:00"
      '0a 00 14 00 | 01 80 c2 00 00 00 | 00 00',
      // IFLA_BR_MULTI_BOOLOPT (46), br_boolopt_multi: {"optval":0,"optmask":31}
      '0c 00 2e 00 | 00 00 00 00 1f 00 00 00',
      // IFLA_BR_FDB_NLEARNED (48), u32: 0
      '08 00 30 00 | 00 00 00 00',
      // IFLA_BR_FDB_MAX_LEARNED (49), u32: 0
      '08 00 31 00 | 00 00 00 00',
      // IFLA_BR_MCAST_ROUTER (22), u8: 1
      '05 00 16 00 | 01 | 00 00 00',
      // IFLA_BR_MCAST_SNOOPING (23), u8: 0
      '05 00 17 00 | 00 | 00 00 00',
      // IFLA_BR_MCAST_QUERY_USE_IFADDR (24), u8: 0
      '05 00 18 00 | 00 | 00 00 00',
      // IFLA_BR_MCAST_QUERIER (25), u8: 0
      '05 00 19 00 | 00 | 00 00 00',
      // IFLA_BR_MCAST_STATS_ENABLED (42), u8: 0
      '05 00 2a 00 | 00 | 00 00 00',
      // IFLA_BR_MCAST_HASH_ELASTICITY (26), u32: 16
      '08 00 1a 00 | 10 00 00 00',
      // IFLA_BR_MCAST_HASH_MAX (27), u32: 4096
      '08 00 1b 00 | 00 10 00 00',
      // IFLA_BR_MCAST_LAST_MEMBER_CNT (28), u32: 2
      '08 00 1c 00 | 02 00 00 00',
      // IFLA_BR_MCAST_STARTUP_QUERY_CNT (29), u32: 2
      '08 00 1d 00 | 02 00 00 00',
      // IFLA_BR_MCAST_IGMP_VERSION (43), u8: 2
      '05 00 2b 00 | 02 | 00 00 00',
      // IFLA_BR_MCAST_MLD_VERSION (44), u8: 1
      '05 00 2c 00 | 01 | 00 00 00',
      // IFLA_BR_MCAST_LAST_MEMBER_INTVL (30), u64: 100n
      '0c 00 1e 00 | 64 00 00 00 00 00 00 00',
      // IFLA_BR_MCAST_MEMBERSHIP_INTVL (31), u64: 26000n
      '0c 00 1f 00 | 90 65 00 00 00 00 00 00',
      // IFLA_BR_MCAST_QUERIER_INTVL (32), u64: 25500n
      '0c 00 20 00 | 9c 63 00 00 00 00 00 00',
      // IFLA_BR_MCAST_QUERY_INTVL (33), u64: 12500n
      '0c 00 21 00 | d4 30 00 00 00 00 00 00',
      // IFLA_BR_MCAST_QUERY_RESPONSE_INTVL (34), u64: 1000n
      '0c 00 22 00 | e8 03 00 00 00 00 00 00',
      // IFLA_BR_MCAST_STARTUP_QUERY_INTVL (35), u64: 3124n
      '0c 00 23 00 | 34 0c 00 00 00 00 00 00',
      // IFLA_BR_NF_CALL_IPTABLES (36), u8: 0
      '05 00 24 00 | 00 | 00 00 00',
      // IFLA_BR_NF_CALL_IP6TABLES (37), u8: 0
      '05 00 25 00 | 00 | 00 00 00',
      // IFLA_BR_NF_CALL_ARPTABLES (38), u8: 0
      '05 00 26 00 | 00 | 00 00 00',
);

/** The same, decoded: kernel units (clock_t = 1/100 s), kernel order. */
const EXPECTED = {
    helloTimer: 0n,
    tcnTimer: 0n,
    topologyChangeTimer: 0n,
    gcTimer: 9990n,
    forwardDelay: 400,
    helloTime: 300,
    maxAge: 1200,
    ageingTime: 10000,
    stpState: 0,
    priority: 4096,
    vlanFiltering: 0,
    groupFwdMask: 8,
    bridgeId: '1000.02:00:00:00:00:b0',
    rootId: '1000.02:00:00:00:00:b0',
    rootPort: 0,
    rootPathCost: 0,
    topologyChange: 0,
    topologyChangeDetected: 0,
    groupAddr: '01:80:c2:00:00:00',
    multiBoolopt: {
      optval: 0,
      optmask: 31
    },
    fdbNLearned: 0,
    fdbMaxLearned: 0,
    mcastRouter: 1,
    mcastSnooping: 0,
    mcastQueryUseIfaddr: 0,
    mcastQuerier: 0,
    mcastStatsEnabled: 0,
    mcastHashElasticity: 16,
    mcastHashMax: 4096,
    mcastLastMemberCnt: 2,
    mcastStartupQueryCnt: 2,
    mcastIgmpVersion: 2,
    mcastMldVersion: 1,
    mcastLastMemberIntvl: 100n,
    mcastMembershipIntvl: 26000n,
    mcastQuerierIntvl: 25500n,
    mcastQueryIntvl: 12500n,
    mcastQueryResponseIntvl: 1000n,
    mcastStartupQueryIntvl: 3124n,
    nfCallIptables: 0,
    nfCallIp6tables: 0,
    nfCallArptables: 0
  };

describe('bridge link data (IFLA_BR_*) golden bytes', () => {
  it('decodes the kernel bytes to the expected attributes', () => {
    expect(decode(bridgeAttrs, BYTES)).toEqual(EXPECTED);
  });

  it('encodes the expected attributes to the same bytes', () => {
    expect(encode(bridgeAttrs, EXPECTED)).toEqual(BYTES);
  });

  it('gives the friendly view in seconds and booleans', () => {
    expect(bridgeInfo(decode(bridgeAttrs, BYTES))).toMatchObject({
      kind: 'bridge',
      forwardDelay: 4,
      helloTime: 3,
      maxAge: 12,
      ageingTime: 100,
      stp: false,
      priority: 4096,
      vlanFiltering: false,
      groupFwdMask: 8,
      bridgeId: '1000.02:00:00:00:00:b0',
      gcTimer: 99.9,
      multicastSnooping: false,
      multicastStartupQueryInterval: 31.24,
      noLinklocalLearn: false,
      multicastVlanSnooping: false,
      mstEnabled: false,
    });
  });
});
