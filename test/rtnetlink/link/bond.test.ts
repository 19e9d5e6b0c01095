import { describe, expect, it } from 'vitest';
import { decode, encode, hex } from './_golden.js';
import { writeView } from '../../../src/netlink/fields.js';
import { bondAttrs, bondInfo, bondPortAttrs } from '../../../src/rtnetlink/link/index.js';

/**
 * IFLA_INFO_DATA of two bonds and IFLA_INFO_SLAVE_DATA of a port, captured
 * from Debian's 6.1 kernel (the full-kernel lane) with
 * test/rtnetlink/link/capture-kinds.mjs after
 *   ip link add gb0 type bond mode active-backup arp_interval 200 arp_validate active
 *      arp_ip_target 10.0.0.1,10.0.0.2 ns_ip6_target 2001:db8::1 primary_reselect better num_grat_arp 3
 *   ip link add ga0 type bond mode 802.3ad lacp_rate fast xmit_hash_policy layer3+4 ad_select count
 *      ad_actor_sys_prio 100 ad_user_port_key 5 ad_actor_system 02:00:00:00:00:aa   (two dummy ports, up)
 *   ip link set gq0 type bond_slave queue_id 3 prio 7
 * Facts the bytes show: the ARP target nest is sent without NLA_F_NESTED and
 * the NS target nest with it; Debian's 6.1 backports IFLA_BOND_COUPLED_CONTROL
 * (32), which iproute2 6.1 does not print; AD_INFO comes last.
 */
const ACTIVE_BACKUP = hex(
  '05 00 01 00 | 01 | 00 00 00', // MODE active-backup
  '08 00 03 00 | 00 00 00 00', // MIIMON
  '08 00 04 00 | 00 00 00 00', // UPDELAY
  '08 00 05 00 | 00 00 00 00', // DOWNDELAY
  '08 00 1c 00 | 00 00 00 00', // PEER_NOTIF_DELAY (28)
  '05 00 06 00 | 01 | 00 00 00', // USE_CARRIER
  '08 00 07 00 | c8 00 00 00', // ARP_INTERVAL 200
  // ARP_IP_TARGET (8): entries 0 and 1, be32
  '14 00 08 00 | 08 00 00 00 0a 00 00 01 08 00 01 00 0a 00 00 02',
  '08 00 09 00 | 01 00 00 00', // ARP_VALIDATE active
  '08 00 0a 00 | 00 00 00 00', // ARP_ALL_TARGETS any
  // NS_IP6_TARGET (31) with NLA_F_NESTED: entry 0
  '18 00 1f 80 | 14 00 00 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01',
  '05 00 0c 00 | 01 | 00 00 00', // PRIMARY_RESELECT better
  '05 00 0d 00 | 00 | 00 00 00', // FAIL_OVER_MAC none
  '05 00 0e 00 | 00 | 00 00 00', // XMIT_HASH_POLICY layer2
  '08 00 0f 00 | 01 00 00 00', // RESEND_IGMP
  '05 00 10 00 | 03 | 00 00 00', // NUM_PEER_NOTIF 3
  '05 00 11 00 | 00 | 00 00 00', // ALL_SLAVES_ACTIVE
  '08 00 12 00 | 00 00 00 00', // MIN_LINKS
  '08 00 13 00 | 01 00 00 00', // LP_INTERVAL
  '08 00 14 00 | 01 00 00 00', // PACKETS_PER_SLAVE
  '05 00 1d 00 | 01 | 00 00 00', // AD_LACP_ACTIVE on
  '05 00 15 00 | 00 | 00 00 00', // AD_LACP_RATE slow
  '05 00 16 00 | 00 | 00 00 00', // AD_SELECT stable
  '05 00 1b 00 | 01 | 00 00 00', // TLB_DYNAMIC_LB
  '05 00 1e 00 | 02 | 00 00 00', // MISSED_MAX 2
  '05 00 20 00 | 01 | 00 00 00', // COUPLED_CONTROL (32)
);

/** The 802.3ad bond's actor attributes and aggregator info (the rest as above, with its own values). */
const LACP_TAIL = hex(
  '06 00 18 00 | 64 00 | 00 00', // AD_ACTOR_SYS_PRIO 100
  '06 00 19 00 | 05 00 | 00 00', // AD_USER_PORT_KEY 5
  '0a 00 1a 00 | 02 00 00 00 00 aa | 00 00', // AD_ACTOR_SYSTEM
  // AD_INFO (23): aggregator 1, num_ports 1, actor_key 320, partner_key 1, partner_mac 00:…
  '30 00 17 00 | 06 00 01 00 01 00 00 00 06 00 02 00 01 00 00 00 06 00 03 00 40 01 00 00 06 00 04 00 01 00 00 00 0a 00 05 00 00 00 00 00 00 00 00 00',
);

const PORT = hex(
  '05 00 01 00 | 00 | 00 00 00', // STATE active
  '05 00 02 00 | 00 | 00 00 00', // MII_STATUS up
  '08 00 03 00 | 00 00 00 00', // LINK_FAILURE_COUNT
  '0a 00 04 00 | 46 57 76 45 b0 77 | 00 00', // PERM_HWADDR
  '06 00 05 00 | 03 00 | 00 00', // QUEUE_ID 3
  '08 00 09 00 | 07 00 00 00', // PRIO 7 (s32)
);

describe('bond golden bytes', () => {
  it('decodes an active-backup bond with ARP and NS targets, and the friendly view', () => {
    const d = decode(bondAttrs, ACTIVE_BACKUP);
    expect(d).toMatchObject({ mode: 1, arpInterval: 200, arpIpTarget: ['10.0.0.1', '10.0.0.2'], nsIp6Target: ['2001:db8::1'], arpValidate: 1, numPeerNotif: 3, coupledControl: 1 });
    expect(bondInfo(d)).toMatchObject({
      kind: 'bond',
      mode: 'active-backup',
      miimon: 0,
      useCarrier: true,
      arpIpTargets: ['10.0.0.1', '10.0.0.2'],
      nsIp6Targets: ['2001:db8::1'],
      arpValidate: 'active',
      arpAllTargets: 'any',
      primaryReselect: 'better',
      failOverMac: 'none',
      xmitHashPolicy: 'layer2',
      lacpRate: 'slow',
      lacpActive: true,
      adSelect: 'stable',
      arpMissedMax: 2,
      coupledControl: true,
    });
  });

  it('decodes the 802.3ad actor settings and the aggregator', () => {
    const d = decode(bondAttrs, LACP_TAIL);
    expect(bondInfo(d)).toEqual({
      kind: 'bond',
      adActorSysPrio: 100,
      adUserPortKey: 5,
      adActorSystem: '02:00:00:00:00:aa',
      adInfo: { aggregator: 1, numPorts: 1, actorKey: 320, partnerKey: 1, partnerMac: '00:00:00:00:00:00' },
    });
  });

  it('decodes a port', () => {
    const d = decode(bondPortAttrs, PORT);
    expect(d).toEqual({ state: 0, miiStatus: 0, linkFailureCount: 0, permHwaddr: '46:57:76:45:b0:77', queueId: 3, prio: 7 });
  });

  it('re-encodes the kernel messages byte for byte (the NESTED flag of each target nest as it came)', () => {
    for (const [set, bytes] of [[bondAttrs, ACTIVE_BACKUP], [bondAttrs, LACP_TAIL], [bondPortAttrs, PORT]] as const) {
      expect(encode(set, decode(set, bytes))).toEqual(bytes);
    }
  });

  it('keeps an ARP target nest whose entries are not numbered 0..n-1 as it came', () => {
    const odd = hex('14 00 08 00 | 08 00 01 00 0a 00 00 01 08 00 00 00 0a 00 00 02');
    expect(encode(bondAttrs, decode(bondAttrs, odd))).toEqual(odd);
  });

  it('encodes createBond options by name; refuses bad ones before any system call', () => {
    const wire = writeView(bondAttrs, { mode: '802.3ad', miimon: 100, lacpRate: 'fast', xmitHashPolicy: 'layer3+4', arpIpTargets: ['10.0.0.1'], useCarrier: true }, '');
    expect(wire).toEqual({ mode: 4, miimon: 100, adLacpRate: 1, xmitHashPolicy: 1, arpIpTarget: ['10.0.0.1'], useCarrier: 1 });
    expect(encode(bondAttrs, { arpIpTarget: ['10.0.0.1', '10.0.0.2'] })).toEqual(hex('14 00 08 00 | 08 00 00 00 0a 00 00 01 08 00 01 00 0a 00 00 02'));
    expect(() => writeView(bondAttrs, { mode: 'round-robin' }, '')).toThrow(/mode: expected one of "balance-rr"/);
    expect(() => writeView(bondAttrs, { arpIpTargets: ['2001:db8::1'] }, '')).toThrow(/arpIpTargets\[0\]: expected an IPv4 address/);
    expect(() => writeView(bondAttrs, { nsIp6Targets: ['10.0.0.1'] }, '')).toThrow(/nsIp6Targets\[0\]: expected an IPv6 address/);
    expect(() => writeView(bondAttrs, { adInfo: {} }, '')).toThrow(/adInfo: is read-only/);
  });
});
