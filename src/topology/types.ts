/**
 * A topology: namespaces, links, addresses, routes and neighbours as plain
 * data (the same shape in TypeScript and in a JSON file). `plan` compares it
 * with the kernel's state, `apply` makes the kernel's state so, `destroy`
 * removes it. Names are the identities: a link is its name in its
 * namespace, an address its CIDR on its link, a route its table,
 * destination and metric, a neighbour its IP address on its link, a rule
 * every field it gives.
 */
import type { RuleSpec } from '../ops/rules/index.js';

/** One end of a link: where it lives and the settings a topology holds it to. */
export interface TopologyLinkEnd {
  /** The interface name (1–15 bytes, as the kernel takes it). */
  name: string;
  /**
   * A namespace of `namespaces`; absent: the namespace the call acts in (its
   * `netns` option, else the caller's own).
   */
  netns?: string;
  /** Administratively up. Default true: a topology describes a working network. */
  up?: boolean;
  /** The MTU; absent: the kind's default (or whatever the link has). */
  mtu?: number;
  /** MAC address (`aa:bb:cc:dd:ee:ff`); absent: whatever the kernel chose. */
  address?: string;
  /** The master (a bridge, bond or VRF of the topology, in the same namespace); absent: no master. */
  master?: string;
  /** Addresses in CIDR form (`10.0.0.1/24`, `fd00::1/64`). */
  addresses?: string[];
}

/** A link of the topology: its kind and, for veth, its peer end. */
export interface TopologyLink extends TopologyLinkEnd {
  /**
   * A kind rtnl creates: `veth` and `netkit` (with `peer`), `tap`,
   * `bridge`, `dummy`, `vlan`, `macvlan`, `ipvlan`, `vrf`, `bond`, `ifb`,
   * `geneve`, `gre` … (every kind createLink takes).
   */
  kind: string;
  /** veth: the other end, possibly in another namespace. */
  peer?: TopologyLinkEnd;
  /** The lower device (vlan, macvlan, ipvlan …): a link of the topology, by name; `{ name, netns }` when it lives in another namespace. */
  link?: string | { name: string; netns?: string };
  /**
   * The kind's own options, as the kind's create call takes them (vlan
   * `{ id: 10 }`, vrf `{ table: 10 }`, bridge `{ stp: false }`, tap
   * `{ owner: 1000 }`). Compared with what the kernel reports in
   * `Link.info`, field by field.
   */
  options?: Record<string, unknown>;
}

/** A route of the topology (addRoute's fields, with `dev` a link of the topology in the route's namespace). */
export interface TopologyRoute {
  /** One of `namespaces`; absent: the namespace the call acts in. */
  netns?: string;
  /** `default` or a prefix (`10.1.0.0/16`, `fd00:1::/64`); a bare address is a host route. */
  dst: string;
  /** The next hop. */
  gateway?: string;
  /** A link of the topology in the route's namespace. */
  dev?: string;
  /** `main` (default) or a table number. */
  table?: string | number;
  /** The route's priority; default 0 for IPv4, 1024 for IPv6 (the kernel's). Part of the route's identity. */
  metric?: number;
  /** Needed only for `dst: 'default'` without a gateway. */
  family?: 'inet' | 'inet6';
  /** As addRoute takes it (`link`, `global` …); compared only when given. */
  scope?: string;
  /** As addRoute takes it (`unicast` by default, `blackhole`, `unreachable` …). */
  type?: string;
  /** Preferred source address (RTA_PREFSRC). */
  src?: string;
  /** The gateway is on the link even if no prefix covers it. */
  onlink?: boolean;
}

/** A permanent IP neighbour (ARP / NDP) entry of the topology. */
export interface TopologyNeighbour {
  /** One of `namespaces`; absent: the namespace the call acts in. */
  netns?: string;
  /** A link of the topology in the entry's namespace. */
  dev: string;
  /** The neighbour's IP address. */
  address: string;
  /** Its link-layer address. */
  lladdr: string;
}

/**
 * A policy routing rule of the topology: addRule's fields (RuleSpec) in a
 * namespace. A rule is there when the namespace has one with every field
 * the document gives (the kernel's own rule identity: rule_find compares
 * what a request carries).
 */
export type TopologyRule = RuleSpec & {
  /** One of `namespaces`; absent: the namespace the call acts in. */
  netns?: string;
};

/** A port of an Open vSwitch bridge: an existing device (`system`, the default: a link of the topology), or one ovs-vswitchd makes. */
export interface TopologyOvsPort {
  name: string;
  type?: 'system' | 'internal' | 'tap';
}

/** An Open vSwitch bridge and its ports. */
export interface TopologyOvsBridge {
  name: string;
  /** `netdev` (userspace datapath) or `system` (the kernel module; ovs-vswitchd's default). */
  datapathType?: 'netdev' | 'system';
  /** Ports by name (a `system` port) or with their type. */
  ports?: (string | TopologyOvsPort)[];
}

/** Open vSwitch bridges configured through ovsdb-server, as ovs-vsctl would. */
export interface TopologyOvs {
  /** ovsdb-server's socket (default: OVS's own, $OVS_RUNDIR/db.sock or /var/run/openvswitch/db.sock). */
  socket?: string;
  /** The namespace ovs-vswitchd runs in, where its `system` ports must be: a topology namespace; absent: the call's. */
  netns?: string;
  /** Wait for ovs-vswitchd to apply each change (default true; false when it does not run). */
  wait?: boolean;
  bridges: TopologyOvsBridge[];
}

/** A whole topology. Every list is optional. */
export interface Topology {
  /**
   * Network namespaces the topology owns (names under /run/netns): `apply`
   * creates the missing ones, `destroy` deletes them, `prune` cleans inside
   * them. The namespace the call acts in is never pruned or deleted.
   */
  namespaces?: string[];
  /** The links, each with its peer, lower device, master and addresses. */
  links?: TopologyLink[];
  /** Routes, each identified by namespace, table, destination and metric. */
  routes?: TopologyRoute[];
  /** Permanent ARP / NDP entries. */
  neighbours?: TopologyNeighbour[];
  /** Policy routing rules (`ip rule`). */
  rules?: TopologyRule[];
  /** Open vSwitch bridges and ports (the database is the machine's, not a namespace's: prune leaves other bridges alone). */
  ovs?: TopologyOvs;
}
