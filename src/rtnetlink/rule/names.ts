/**
 * Numbers ↔ names of rules: actions, and the IP protocols of FRA_IP_PROTO
 * spelled as iproute2 prints them. ip asks getprotobynumber(), i.e. the
 * system's protocols file; the names below are that file's first names as
 * IANA's protocol-numbers registry (and every distribution's netbase) give
 * them, and a number without a name prints as `ipproto-N`, as ip does.
 */
import { FR_ACT } from './header.js';

/** IP protocol numbers (IPPROTO_*) by the names `ip rule … ipproto NAME` takes and prints. */
export const IP_PROTO = {
  ip: 0,
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ggp: 3,
  ipencap: 4,
  st: 5,
  tcp: 6,
  egp: 8,
  igp: 9,
  pup: 12,
  udp: 17,
  hmp: 20,
  'xns-idp': 22,
  rdp: 27,
  'iso-tp4': 29,
  dccp: 33,
  xtp: 36,
  ddp: 37,
  'idpr-cmtp': 38,
  ipv6: 41,
  'ipv6-route': 43,
  'ipv6-frag': 44,
  idrp: 45,
  rsvp: 46,
  gre: 47,
  esp: 50,
  ah: 51,
  skip: 57,
  'ipv6-icmp': 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  rspf: 73,
  vmtp: 81,
  eigrp: 88,
  ospf: 89,
  'ax.25': 93,
  ipip: 94,
  etherip: 97,
  encap: 98,
  pim: 103,
  ipcomp: 108,
  vrrp: 112,
  l2tp: 115,
  isis: 124,
  sctp: 132,
  fc: 133,
  'mobility-header': 135,
  udplite: 136,
  'mpls-in-ip': 137,
  manet: 138,
  hip: 139,
  shim6: 140,
  wesp: 141,
  rohc: 142,
  ethernet: 143,
} as const;

/** An IP protocol by name (`tcp`, `udp`, `icmp`, `ipv6-icmp` …). */
export type IpProtoName = keyof typeof IP_PROTO;

const protoNames = new Map<number, string>();
// The first name of a number wins (0 is `ip`, as getprotobynumber answers).
for (const [k, v] of Object.entries(IP_PROTO)) if (!protoNames.has(v)) protoNames.set(v, k);

/** The name ip prints for IP protocol `n` (`tcp`), or `ipproto-N` when it has none. */
export const ipProtoName = (n: number): string => protoNames.get(n) ?? `ipproto-${n}`;

const actionNames = new Map<number, string>(Object.entries(FR_ACT).map(([k, v]) => [v, k]));

/** The name of rule action `n` (`to_tbl`, `goto`, `blackhole` …), or `n` in decimal when it has none. */
export const ruleActionName = (n: number): string => actionNames.get(n) ?? String(n);
