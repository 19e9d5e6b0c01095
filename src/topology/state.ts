/**
 * The kernel's state in the namespaces a topology covers: the namespace the
 * call acts in ('') and every namespace of the topology that exists. Read
 * with the same dumps `ip -j link/addr/route/neigh show` make, once per
 * plan; nothing is changed.
 */
import { isRtnlError } from '../netlink/errors.js';
import type { NetnsRef } from '../netlink/netns.js';
import { RtnlSocket } from '../netlink/socket.js';
import { type Address, listAddresses } from '../ops/addresses/index.js';
import { type Link, listLinks } from '../ops/links/index.js';
import { type Neighbour, listNeighbours } from '../ops/neighbours/index.js';
import { type Route, listRoutes } from '../ops/routes/index.js';
import { type Rule, listRules } from '../ops/rules/index.js';
import type { Model, NsKey } from './model.js';
import { listBridges, listPorts } from '../ovs/index.js';

/** One namespace as read. */
export interface NamespaceState {
  links: Map<string, Link>;
  byIndex: Map<number, Link>;
  /** Addresses by link name. */
  addresses: Map<string, Address[]>;
  /** Every route of every table, both families. */
  routes: Route[];
  /** IP neighbours (not the bridge FDB). */
  neighbours: Neighbour[];
  /** Policy routing rules, both families. */
  rules: Rule[];
}

/** Open vSwitch as read: each bridge's datapath type and ports (name → interface type), and which bridge holds each port. */
export interface OvsState {
  bridges: Map<string, { datapathType: string; ports: Map<string, string> }>;
  portBridge: Map<string, string>;
}

/** The state by namespace key (a topology namespace that does not exist has no entry), and OVS when the topology has an `ovs` part. */
export type State = Map<NsKey, NamespaceState> & { ovs?: OvsState };

/** Where a namespace key is: the call's namespace for '', else the topology namespace's name. */
export function nsRef(ns: NsKey, base: NetnsRef | undefined): NetnsRef | undefined {
  return ns === '' ? base : ns;
}

/** Reads one namespace, on one socket opened there; undefined when a topology namespace does not exist. */
export async function readNamespace(ns: NsKey, base: NetnsRef | undefined): Promise<NamespaceState | undefined> {
  const netns = nsRef(ns, base);
  let socket: RtnlSocket;
  try {
    socket = RtnlSocket.open(netns === undefined ? {} : { netns });
  } catch (e) {
    // A missing namespace file is SystemError ENOENT (namespaceStateError): the namespace is to be made.
    if (ns !== '' && isRtnlError(e) && e.name === 'SystemError' && e.code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    // One request at a time on the socket: each list call dumps the links too, to name indexes.
    const links = await listLinks({ socket });
    const addrs = await listAddresses({ socket });
    const routes = await listRoutes({ socket, table: 'all' });
    const neighbours = await listNeighbours({ socket });
    const rules = await listRules({ socket });
    const state: NamespaceState = { links: new Map(), byIndex: new Map(), addresses: new Map(), routes, neighbours, rules };
    for (const l of links) {
      state.links.set(l.name, l);
      state.byIndex.set(l.index, l);
    }
    for (const a of addrs) {
      const name = state.byIndex.get(a.index)?.name;
      if (name === undefined) continue;
      const list = state.addresses.get(name) ?? [];
      list.push(a);
      state.addresses.set(name, list);
    }
    return state;
  } finally {
    socket.close();
  }
}

/** Reads every namespace the model covers. */
export async function readState(model: Model, base: NetnsRef | undefined): Promise<State> {
  const state: State = new Map();
  for (const ns of ['', ...model.namespaces]) {
    const s = await readNamespace(ns, base);
    if (s) state.set(ns, s);
  }
  if (model.ovs) state.ovs = await readOvs(model.ovs.socket, model.ovs.bridges.map((b) => b.name));
  return state;
}

/** The OVS database's bridges, with port types for the bridges the topology names (one more read each). */
export async function readOvs(socket: string | undefined, described: string[]): Promise<OvsState> {
  const o = socket === undefined ? {} : { socket };
  const state: OvsState = { bridges: new Map(), portBridge: new Map() };
  for (const b of await listBridges(o)) {
    const ports = new Map<string, string>();
    if (described.includes(b.name)) for (const p of await listPorts(b.name, o)) ports.set(p.name, p.interfaces[0]?.type ?? 'system');
    else for (const p of b.ports) ports.set(p, 'system');
    state.bridges.set(b.name, { datapathType: b.datapathType, ports });
    for (const p of ports.keys()) state.portBridge.set(p, b.name);
  }
  return state;
}
