/**
 * What varies between two recordings of the same operation on the same
 * kernel, and where it sits in the messages. Each rule names the kernel fact
 * behind it; the fixture header lists the rules that fired, so a reviewer
 * sees exactly which bytes are not the kernel's.
 */
import type { FamilyName } from './families.js';

export interface VolatileRule {
  family: FamilyName;
  /** Attribute path in type numbers (see tlv.ts). */
  path: string;
  /** The decoded name, for the header and the docs. */
  name: string;
  /** Byte ranges of the payload to zero; the whole payload when absent. */
  ranges?: readonly (readonly [number, number])[];
  why: string;
}

/**
 * Fields zeroed in replies. Counters and timestamps change with time and
 * traffic the test does not control (IPv6 router solicitations, MLD
 * reports, STP hellos), so two recordings would never agree on them.
 */
export const VOLATILE: readonly VolatileRule[] = [
  { family: 'link', path: '7', name: 'link.stats', why: 'IFLA_STATS: traffic counters' },
  { family: 'link', path: '23', name: 'link.stats64', why: 'IFLA_STATS64: traffic counters' },
  { family: 'link', path: '26.10.3', name: 'link.afSpec.inet6.stats', why: 'IFLA_INET6_STATS: IPv6 counters' },
  { family: 'link', path: '26.10.6', name: 'link.afSpec.inet6.icmp6stats', why: 'IFLA_INET6_ICMP6STATS: ICMPv6 counters' },
  {
    family: 'link',
    path: '26.10.5',
    name: 'link.afSpec.inet6.cacheinfo.tstamp,reachableTime',
    ranges: [[4, 12]],
    why: 'struct ifla_cacheinfo: tstamp is jiffies since boot, reachable_time is randomised per device (neigh_rand_reach_time)',
  },
  // Bridge timers: time left on running kernel timers (u64 centiseconds).
  { family: 'link', path: '18.2@bridge.16', name: 'link.linkinfo.data(bridge).helloTimer', why: 'IFLA_BR_HELLO_TIMER: time left on a running timer' },
  { family: 'link', path: '18.2@bridge.17', name: 'link.linkinfo.data(bridge).tcnTimer', why: 'IFLA_BR_TCN_TIMER: time left on a running timer' },
  { family: 'link', path: '18.2@bridge.18', name: 'link.linkinfo.data(bridge).topologyChangeTimer', why: 'IFLA_BR_TOPOLOGY_CHANGE_TIMER: time left on a running timer' },
  { family: 'link', path: '18.2@bridge.19', name: 'link.linkinfo.data(bridge).gcTimer', why: 'IFLA_BR_GC_TIMER: time left on a running timer' },
  { family: 'link', path: '18.5@bridge.21', name: 'link.linkinfo.slaveData(bridge).messageAgeTimer', why: 'IFLA_BRPORT_MESSAGE_AGE_TIMER: time left on a running timer' },
  { family: 'link', path: '18.5@bridge.22', name: 'link.linkinfo.slaveData(bridge).forwardDelayTimer', why: 'IFLA_BRPORT_FORWARD_DELAY_TIMER: time left on a running timer' },
  { family: 'link', path: '18.5@bridge.23', name: 'link.linkinfo.slaveData(bridge).holdTimer', why: 'IFLA_BRPORT_HOLD_TIMER: time left on a running timer' },
  {
    family: 'addr',
    path: '6',
    name: 'addr.cacheinfo.cstamp,tstamp',
    ranges: [[8, 16]],
    why: 'struct ifa_cacheinfo: creation and update stamps in centiseconds since boot',
  },
  {
    family: 'route',
    path: '12',
    name: 'route.cacheinfo.lastuse,expires,used',
    ranges: [
      [4, 12],
      [16, 20],
    ],
    why: 'struct rta_cacheinfo: last use and expiry in jiffies, use counter',
  },
  { family: 'route', path: '23', name: 'route.expires', why: 'RTA_EXPIRES: seconds left, shrinks while recording' },
  {
    family: 'neigh',
    path: '3',
    name: 'neigh.cacheinfo.confirmed,used,updated',
    ranges: [[0, 12]],
    why: 'struct nda_cacheinfo: ages in jiffies',
  },
];

/**
 * Request attributes holding a file descriptor of the calling process:
 * their values are renumbered like every other fd of the recording, so the
 * replay (which hands out the recorded numbers) sends the same bytes.
 */
export const FD_ATTRS: readonly { family: FamilyName; path: string; name: string }[] = [
  { family: 'link', path: '28', name: 'IFLA_NET_NS_FD' },
  // VETH_INFO_PEER = ifinfomsg + the peer's IFLA_* attributes (<linux/veth.h>).
  { family: 'link', path: '18.2@veth.1+16.28', name: 'veth peer IFLA_NET_NS_FD' },
  // IFLA_NETKIT_PEER_INFO, the same shape (drivers/net/netkit.c).
  { family: 'link', path: '18.2@netkit.1+16.28', name: 'netkit peer IFLA_NET_NS_FD' },
  { family: 'nsid', path: '3', name: 'NETNSA_FD' },
];

/**
 * Where hardware addresses sit. The kernel gives veth, bridge and tap
 * devices a random, locally administered MAC (eth_hw_addr_random), which
 * then shows up in neighbour entries, bridge ids and EUI-64 IPv6 addresses.
 */
export const MAC_ATTRS: readonly { family: FamilyName; path: string }[] = [
  { family: 'link', path: '1' }, // IFLA_ADDRESS
  { family: 'link', path: '54' }, // IFLA_PERM_ADDRESS
  { family: 'link', path: '18.2@veth.1+16.1' }, // a veth peer's IFLA_ADDRESS in a request
  { family: 'link', path: '18.2@netkit.1+16.1' }, // a netkit peer's
  { family: 'neigh', path: '2' }, // NDA_LLADDR
];

/** Canonical replacement for the n-th random MAC (1-based): 02:72:74:6e:HH:LL (0x72 0x74 0x6e = "rtn"), locally administered, unicast. */
export function canonicalMac(n: number): Uint8Array {
  return new Uint8Array([0x02, 0x72, 0x74, 0x6e, (n >> 8) & 0xff, n & 0xff]);
}
