/**
 * The normalised form of a topology that plan, apply and destroy work on:
 * every link end with its namespace key, canonical addresses and resolved
 * references, and the routes and neighbours with canonical addresses. Built
 * by validate.ts; nothing here reads the kernel.
 */
import type { RouteFields } from './changes.js';
import type { RuleSpec } from '../ops/rules/index.js';
import type { BuiltRule } from '../ops/rules/build.js';

/** The namespace a topology object lives in: a name of `namespaces`, or '' for the namespace the call acts in. */
export type NsKey = string;

/** One link end as the topology wants it. */
export interface EndModel {
  ns: NsKey;
  name: string;
  up: boolean;
  mtu?: number;
  address?: string;
  master?: string;
  /** Canonical `ip/len`, in the document's order. */
  addresses: string[];
  /** Where it is in the document (`links[2]`, `links[2].peer`), for errors. */
  path: string;
  /** The link it belongs to (a veth's peer belongs to the veth's entry). */
  link: LinkModel;
}

/** One link of the topology: its kind, its ends and what it hangs on. */
export interface LinkModel {
  kind: string;
  end: EndModel;
  peer?: EndModel;
  lower?: { ns: NsKey; name: string };
  /** The kind's options, as given. */
  options: Record<string, unknown>;
  path: string;
}

/** A route of the topology: the fields a change carries (changes.ts), in the namespace and at the path it came from. */
export interface RouteModel extends RouteFields {
  ns: NsKey;
  path: string;
}

export interface NeighbourModel {
  ns: NsKey;
  dev: string;
  address: string;
  lladdr: string;
  path: string;
}

export interface OvsBridgeModel {
  name: string;
  datapathType?: 'netdev' | 'system';
  ports: { name: string; type: 'system' | 'internal' | 'tap' }[];
  path: string;
}

/** The OVS part: where ovsdb-server listens, where ovs-vswitchd runs, and the bridges. */
export interface OvsModel {
  socket?: string;
  ns: NsKey;
  wait: boolean;
  bridges: OvsBridgeModel[];
}

/** A rule of the topology: its fields as addRule takes them, and the request they make (for comparing with the kernel's rules). */
export interface RuleModel {
  ns: NsKey;
  spec: RuleSpec;
  built: BuiltRule;
  path: string;
}

export interface Model {
  namespaces: string[];
  links: LinkModel[];
  /** Every end by `endKey`. */
  ends: Map<string, EndModel>;
  routes: RouteModel[];
  neighbours: NeighbourModel[];
  rules: RuleModel[];
  ovs?: OvsModel;
}

/** The identity of a link end: its namespace and name. */
export const endKey = (ns: NsKey, name: string): string => `${ns}/${name}`;

/** The identity of a route: namespace, table, destination and metric (what the kernel keys a FIB entry on, with tos 0). */
export const routeKey = (r: { ns: NsKey; table: number; dst: string; metric: number; family: string }): string => `${r.ns}/${r.family}/${r.table}/${r.dst}/${r.metric}`;

/** How a namespace key reads in messages: its name, or "the current namespace". */
export const nsLabel = (ns: NsKey): string => (ns === '' ? 'the current namespace' : `namespace ${ns}`);

/** Route tables by name, as routes take them (rt_names: main 254, local 255, default 253). */
export const TABLES: Readonly<Record<string, number>> = { main: 254, local: 255, default: 253 };

/** Kinds that may be a master, and what their ports are called. */
export const MASTER_KINDS: ReadonlySet<string> = new Set(['bridge', 'bond', 'vrf']);

/** Kinds that hang on a lower device (IFLA_LINK is required). */
export const LOWER_KINDS: ReadonlySet<string> = new Set(['vlan', 'macvlan', 'macvtap', 'ipvlan', 'ipvtap']);

/** Kinds made in pairs: the peer is part of the one request. */
export const PAIR_KINDS: ReadonlySet<string> = new Set(['veth', 'netkit']);
