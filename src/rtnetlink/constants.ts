// rtnetlink message types and groups. Source: <linux/rtnetlink.h>.

/** rtnetlink message types (RTM_NEWLINK …), the nlmsg_type of requests and notifications. */
export const RTM = {
  NEWLINK: 16,
  DELLINK: 17,
  GETLINK: 18,
  SETLINK: 19,
  NEWADDR: 20,
  DELADDR: 21,
  GETADDR: 22,
  NEWROUTE: 24,
  DELROUTE: 25,
  GETROUTE: 26,
  NEWNEIGH: 28,
  DELNEIGH: 29,
  GETNEIGH: 30,
  NEWRULE: 32,
  DELRULE: 33,
  GETRULE: 34,
  NEWNSID: 88,
  DELNSID: 89,
  GETNSID: 90,
  NEWVLAN: 112,
  DELVLAN: 113,
  GETVLAN: 114,
} as const;

/** Address families. Source: <sys/socket.h>. */
export const AF = {
  UNSPEC: 0,
  INET: 2,
  BRIDGE: 7,
  INET6: 10,
  PACKET: 17,
} as const;

/** Multicast groups (enum rtnetlink_groups), numbered from 1 for NETLINK_ADD_MEMBERSHIP. */
export const RTNLGRP = {
  LINK: 1,
  NOTIFY: 2,
  NEIGH: 3,
  TC: 4,
  IPV4_IFADDR: 5,
  IPV4_MROUTE: 6,
  IPV4_ROUTE: 7,
  IPV4_RULE: 8,
  IPV6_IFADDR: 9,
  IPV6_MROUTE: 10,
  IPV6_ROUTE: 11,
  IPV6_IFINFO: 12,
  IPV6_PREFIX: 18,
  IPV6_RULE: 19,
  ND_USEROPT: 20,
  NSID: 28,
  BRVLAN: 33,
} as const;
