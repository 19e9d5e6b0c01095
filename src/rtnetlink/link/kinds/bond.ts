/**
 * Bonding devices and their ports (IFLA_BOND_*, IFLA_BOND_AD_INFO_* and
 * IFLA_BOND_SLAVE_* in <linux/if_link.h>, BOND_* in <linux/if_bonding.h>;
 * the kernel's bond_netlink.c). Numbers and wire types were checked against
 * the header and the kernel's rt-link spec (linkinfo-bond-attrs,
 * bond-ad-info-attrs, bond-slave-attrs).
 *
 * Wire facts from bond_fill_info(): switches (use_carrier, all_slaves_active,
 * tlb_dynamic_lb, ad_lacp_active, coupled_control) are u8 0/1; ARP targets
 * are an indexed array of be32 IPv4 addresses (target i is attribute i) and
 * NS targets one of 16-byte IPv6 addresses; ACTIVE_SLAVE and PRIMARY are
 * ifindexes, sent only when set; AD_INFO is sent in 802.3ad mode once an
 * aggregator exists; the AD actor attributes only to CAP_NET_ADMIN readers.
 */
import { attr, attrSet, nest, type Decoded, type OptionsOf, type ViewOf } from '../../../netlink/schema.js';
import { hwaddr, indexed, ipaddr, s32, u16, u32, u8 } from '../../../netlink/codecs.js';
import { readView } from '../../../netlink/fields.js';
import { ValidationError } from '../../../netlink/errors.js';
import { formatValue } from '../../../netlink/format-value.js';
import { parseIp } from '../../../netlink/inet.js';
import { enumWords } from './convs.js';

/** BOND_MODE_*, named as iproute2 names them. */
export const BOND_MODE = { 'balance-rr': 0, 'active-backup': 1, 'balance-xor': 2, broadcast: 3, '802.3ad': 4, 'balance-tlb': 5, 'balance-alb': 6 } as const;
/** A bonding mode (IFLA_BOND_MODE, BOND_MODE_*), by iproute2's name. */
export type BondMode = keyof typeof BOND_MODE;
/** BOND_ARP_VALIDATE_* (bonding.h), iproute2's names. */
export const BOND_ARP_VALIDATE = { none: 0, active: 1, backup: 2, all: 3, filter: 4, filter_active: 5, filter_backup: 6 } as const;
/** IFLA_BOND_ARP_ALL_TARGETS values, iproute2's names: whether any or all ARP targets must answer for a port to count as up. */
export const BOND_ARP_ALL_TARGETS = { any: 0, all: 1 } as const;
/** IFLA_BOND_PRIMARY_RESELECT values, iproute2's names: when the primary port becomes the active one again. */
export const BOND_PRIMARY_RESELECT = { always: 0, better: 1, failure: 2 } as const;
/** IFLA_BOND_FAIL_OVER_MAC values, iproute2's names: how active-backup handles port MAC addresses on failover. */
export const BOND_FAIL_OVER_MAC = { none: 0, active: 1, follow: 2 } as const;
/** BOND_XMIT_POLICY_* (<linux/if_bonding.h>). */
export const BOND_XMIT_HASH_POLICY = { layer2: 0, 'layer3+4': 1, 'layer2+3': 2, 'encap2+3': 3, 'encap3+4': 4, 'vlan+srcmac': 5 } as const;
/** IFLA_BOND_AD_LACP_RATE values: the rate at which 802.3ad asks the partner for LACPDUs. */
export const BOND_LACP_RATE = { slow: 0, fast: 1 } as const;
/** IFLA_BOND_AD_SELECT values, iproute2's names: the 802.3ad aggregator selection logic. */
export const BOND_AD_SELECT = { stable: 0, bandwidth: 1, count: 2 } as const;
/** BOND_STATE_* and BOND_LINK_* of a port, as ip prints them. */
export const BOND_SLAVE_STATE = { ACTIVE: 0, BACKUP: 1 } as const;
/** IFLA_BOND_SLAVE_MII_STATUS values (BOND_LINK_* in <linux/if_bonding.h>), as ip prints them. */
export const BOND_SLAVE_MII_STATUS = { UP: 0, GOING_DOWN: 1, DOWN: 2, GOING_BACK: 3 } as const;

const mode = enumWords(BOND_MODE);
const arpValidate = enumWords(BOND_ARP_VALIDATE);
const arpAllTargets = enumWords(BOND_ARP_ALL_TARGETS);
const primaryReselect = enumWords(BOND_PRIMARY_RESELECT);
const failOverMac = enumWords(BOND_FAIL_OVER_MAC);
const xmitHashPolicy = enumWords(BOND_XMIT_HASH_POLICY);
const lacpRate = enumWords(BOND_LACP_RATE);
const adSelect = enumWords(BOND_AD_SELECT);
const slaveState = enumWords(BOND_SLAVE_STATE);
const miiStatus = enumWords(BOND_SLAVE_MII_STATUS);

/** A list of addresses of one family (ARP targets IPv4, NS targets IPv6), validated on write. */
const addressList = (family: 4 | 6, max: number) => ({
  read: (v: string[]): string[] => [...v],
  write(v: unknown, field: string): string[] {
    if (!Array.isArray(v)) throw new ValidationError(field, `expected an array of IPv${family} addresses, got ${formatValue(v)}`);
    // BOND_MAX_ARP_TARGETS and BOND_MAX_NS_TARGETS are 16 (bonding.h): the kernel ignores the rest.
    if (v.length > max) throw new ValidationError(field, `at most ${max} targets, got ${v.length}`);
    return v.map((a: unknown, i) => {
      const b = typeof a === 'string' ? parseIp(a) : undefined;
      if (!b || b.length !== (family === 4 ? 4 : 16)) throw new ValidationError(`${field}[${i}]`, `expected an IPv${family} address, got ${formatValue(a)}`);
      return a as string;
    });
  },
});

/** IFLA_BOND_AD_INFO_*: the active 802.3ad aggregator. */
export const bondAdInfoAttrs = attrSet('bond-ad-info', {
  aggregator: attr(1, u16).spelled('aggregator', { label: 'ad_aggregator' }),
  numPorts: attr(2, u16).spelled('num_ports', { label: 'ad_num_ports' }),
  actorKey: attr(3, u16).spelled('actor_key', { label: 'ad_actor_key' }),
  partnerKey: attr(4, u16).spelled('partner_key', { label: 'ad_partner_key' }),
  partnerMac: attr(5, hwaddr).spelled('partner_mac', { label: 'ad_partner_mac' }),
});

/** IFLA_BOND_*: number and codec, the friendly field of `Link.info` and of createBond's options, iproute2's spelling. */
export const bondAttrs = attrSet('bond', {
  mode: attr(1, u8).view('mode', mode.conv, { writable: true }).spelled('mode', { shape: 'words', names: mode.words }),
  /** The active port (active-backup, tlb, alb), by ifindex. */
  activeSlave: attr(2, u32).view('activePort', 'num', { writable: true }).spelled('active_slave', { shape: 'nonzero-ifname', option: false }),
  /** MII link monitoring interval, ms. */
  miimon: attr(3, u32).view('miimon', 'num', { writable: true }).spelled('miimon'),
  updelay: attr(4, u32).view('updelay', 'num', { writable: true }).spelled('updelay'),
  downdelay: attr(5, u32).view('downdelay', 'num', { writable: true }).spelled('downdelay'),
  useCarrier: attr(6, u8).view('useCarrier', 'bool', { writable: true }).spelled('use_carrier'),
  /** ARP monitoring interval, ms. */
  arpInterval: attr(7, u32).view('arpInterval', 'num', { writable: true }).spelled('arp_interval'),
  arpIpTarget: attr(8, indexed(ipaddr)).view('arpIpTargets', addressList(4, 16), { writable: true }).spelled('arp_ip_target', { shape: 'address-list', option: false }),
  arpValidate: attr(9, u32).view('arpValidate', arpValidate.conv, { writable: true }).spelled('arp_validate', { shape: 'words-null0', names: arpValidate.words }),
  arpAllTargets: attr(10, u32).view('arpAllTargets', arpAllTargets.conv, { writable: true }).spelled('arp_all_targets', { shape: 'words', names: arpAllTargets.words }),
  /** The preferred port, by ifindex. */
  primary: attr(11, u32).view('primary', 'num', { writable: true }).spelled('primary', { shape: 'nonzero-ifname', option: false }),
  primaryReselect: attr(12, u8).view('primaryReselect', primaryReselect.conv, { writable: true }).spelled('primary_reselect', { shape: 'words', names: primaryReselect.words }),
  failOverMac: attr(13, u8).view('failOverMac', failOverMac.conv, { writable: true }).spelled('fail_over_mac', { shape: 'words', names: failOverMac.words }),
  xmitHashPolicy: attr(14, u8).view('xmitHashPolicy', xmitHashPolicy.conv, { writable: true }).spelled('xmit_hash_policy', { shape: 'words', names: xmitHashPolicy.words }),
  resendIgmp: attr(15, u32).view('resendIgmp', 'num', { writable: true }).spelled('resend_igmp'),
  /** Gratuitous ARPs / unsolicited NAs after a failover (ip's num_grat_arp). */
  numPeerNotif: attr(16, u8).view('numPeerNotif', 'num', { writable: true }).spelled('num_peer_notif', { label: 'num_grat_arp' }),
  allSlavesActive: attr(17, u8).view('allPortsActive', 'bool', { writable: true }).spelled('all_slaves_active'),
  minLinks: attr(18, u32).view('minLinks', 'num', { writable: true }).spelled('min_links'),
  lpInterval: attr(19, u32).view('lpInterval', 'num', { writable: true }).spelled('lp_interval'),
  packetsPerSlave: attr(20, u32).view('packetsPerPort', 'num', { writable: true }).spelled('packets_per_slave'),
  adLacpRate: attr(21, u8).view('lacpRate', lacpRate.conv, { writable: true }).spelled('ad_lacp_rate', { label: 'lacp_rate', shape: 'words', names: lacpRate.words }),
  adSelect: attr(22, u8).view('adSelect', adSelect.conv, { writable: true }).spelled('ad_select', { shape: 'words', names: adSelect.words }),
  adInfo: attr(23, nest(bondAdInfoAttrs)).view('adInfo', 'same').spelled('ad_info', { shape: 'object' }),
  adActorSysPrio: attr(24, u16).view('adActorSysPrio', 'num', { writable: true }).spelled('ad_actor_sys_prio'),
  adUserPortKey: attr(25, u16).view('adUserPortKey', 'num', { writable: true }).spelled('ad_user_port_key'),
  adActorSystem: attr(26, hwaddr).view('adActorSystem', 'same', { writable: true }).spelled('ad_actor_system'),
  tlbDynamicLb: attr(27, u8).view('tlbDynamicLb', 'bool', { writable: true }).spelled('tlb_dynamic_lb'),
  peerNotifDelay: attr(28, u32).view('peerNotifDelay', 'num', { writable: true }).spelled('peer_notify_delay'),
  adLacpActive: attr(29, u8).view('lacpActive', 'bool', { writable: true }).spelled('ad_lacp_active', { label: 'lacp_active', shape: 'words', names: ['off', 'on'] }),
  /** ARP monitor: missed probes before a port is down. */
  missedMax: attr(30, u8).view('arpMissedMax', 'num', { writable: true }).spelled('arp_missed_max'),
  nsIp6Target: attr(31, indexed(ipaddr)).view('nsIp6Targets', addressList(6, 16), { writable: true }).spelled('ns_ip6_target', { shape: 'address-list', option: false }),
  /** 802.3ad: couple collecting and distributing (6.12+; iproute2 6.1 does not print it, so the command does not). */
  coupledControl: attr(32, u8).view('coupledControl', 'bool', { writable: true }),
});

/** IFLA_BOND_SLAVE_*: a bond port's IFLA_INFO_SLAVE_DATA. */
export const bondPortAttrs = attrSet('bond-slave', {
  state: attr(1, u8).view('state', slaveState.conv).spelled('state', { shape: 'word-or-index', names: slaveState.words }),
  miiStatus: attr(2, u8).view('miiStatus', miiStatus.conv).spelled('mii_status', { shape: 'word-or-index', names: miiStatus.words }),
  linkFailureCount: attr(3, u32).view('linkFailureCount', 'num').spelled('link_failure_count'),
  permHwaddr: attr(4, hwaddr).view('permAddress', 'same').spelled('perm_hwaddr'),
  queueId: attr(5, u16).view('queueId', 'num', { writable: true }).spelled('queue_id'),
  adAggregatorId: attr(6, u16).view('adAggregatorId', 'num').spelled('ad_aggregator_id'),
  adActorOperPortState: attr(7, u8).view('adActorOperPortState', 'num').spelled('ad_actor_oper_port_state', { shape: 'lacp-state' }),
  adPartnerOperPortState: attr(8, u16).view('adPartnerOperPortState', 'num').spelled('ad_partner_oper_port_state', { shape: 'lacp-state' }),
  /** Port priority for active-backup reselection (6.0+). */
  prio: attr(9, s32).view('prio', 'num', { writable: true }).spelled('prio'),
  /** 802.3ad actor port priority (6.13+). */
  actorPortPrio: attr(10, u16).view('actorPortPrio', 'num'),
  adChurnActorState: attr(11, u8).view('adChurnActorState', 'num'),
  adChurnPartnerState: attr(12, u8).view('adChurnPartnerState', 'num'),
});

/** IFLA_BOND_* as decoded: a bond's IFLA_INFO_DATA. */
export type BondAttrs = Decoded<typeof bondAttrs>;
/** The friendly view of a bond (`Link.info` when kind is "bond"); a field is absent when the kernel did not send it. */
export type BondInfo = { kind: 'bond' } & ViewOf<typeof bondAttrs>;
/** createBond's bond options. */
export type BondOptions = OptionsOf<typeof bondAttrs>;
/** The friendly view of a bond port's IFLA_INFO_SLAVE_DATA (IFLA_BOND_SLAVE_*). */
export type BondPortInfo = ViewOf<typeof bondPortAttrs>;

/** The friendly view of bond link data. */
export function bondInfo(data: BondAttrs): BondInfo {
  return { kind: 'bond', ...readView(bondAttrs, data) } as BondInfo;
}

/** The order `ip -d link show` prints these rows in (iproute2's iplink_bond.c bond_print_opt). */
export const BOND_IP_ORDER: readonly (keyof typeof bondAttrs.specs)[] = [
  'mode', 'activeSlave', 'miimon', 'updelay', 'downdelay', 'peerNotifDelay', 'useCarrier', 'arpInterval', 'missedMax',
  'arpIpTarget', 'nsIp6Target', 'arpValidate', 'arpAllTargets', 'primary', 'primaryReselect', 'failOverMac', 'xmitHashPolicy',
  'resendIgmp', 'numPeerNotif', 'allSlavesActive', 'minLinks', 'lpInterval', 'packetsPerSlave', 'adLacpActive', 'adLacpRate',
  'adSelect', 'adInfo', 'adActorSysPrio', 'adUserPortKey', 'adActorSystem', 'tlbDynamicLb',
];
/** iplink_bond_slave.c bond_slave_print_opt's order. */
export const BOND_PORT_IP_ORDER: readonly (keyof typeof bondPortAttrs.specs)[] = [
  'state', 'miiStatus', 'linkFailureCount', 'permHwaddr', 'queueId', 'prio', 'adAggregatorId', 'adActorOperPortState', 'adPartnerOperPortState',
];
