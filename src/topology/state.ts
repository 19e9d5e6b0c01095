/**
 * The kernel's state in the namespaces a topology covers: the namespace the
 * call acts in ('') and every namespace of the topology that exists. Read
 * with the same dumps `ip -j link/addr/route/neigh show` make, once per
 * plan; nothing is changed.
 */
import { isRtnlError } from '../netlink/errors.js';
import type { NetnsRef } from '../netlink/netns.js';
import { type Address, listAddresses } from '../ops/addresses/index.js';
import { type Link, listLinks } from '../ops/links/index.js';
import { type Neighbour, listNeighbours } from '../ops/neighbours/index.js';
import { type Route, listRoutes } from '../ops/routes/index.js';
import type { Model, NsKey } from './model.js';

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
}

/** The state by namespace key; a topology namespace that does not exist has no entry. */
export type State = Map<NsKey, NamespaceState>;

/** Where a namespace key is: the call's namespace for '', else the topology namespace's name. */
export function nsRef(ns: NsKey, base: NetnsRef | undefined): NetnsRef | undefined {
  return ns === '' ? base : ns;
}

/** Reads one namespace; undefined when a topology namespace does not exist. */
export async function readNamespace(ns: NsKey, base: NetnsRef | undefined): Promise<NamespaceState | undefined> {
  const netns = nsRef(ns, base);
  let links: Link[];
  try {
    links = await listLinks(netns === undefined ? {} : { netns });
  } catch (e) {
    // A missing namespace file is SystemError ENOENT (namespaceStateError): the namespace is to be made.
    if (ns !== '' && isRtnlError(e) && e.name === 'SystemError' && e.code === 'ENOENT') return undefined;
    throw e;
  }
  const o = netns === undefined ? {} : { netns };
  const [addrs, routes4, routes6, neighbours] = await Promise.all([
    listAddresses(o),
    listRoutes({ ...o, table: 'all', family: 'inet' }),
    listRoutes({ ...o, table: 'all', family: 'inet6' }),
    listNeighbours(o),
  ]);
  const state: NamespaceState = { links: new Map(), byIndex: new Map(), addresses: new Map(), routes: [...routes4, ...routes6], neighbours };
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
}

/** Reads every namespace the model covers. */
export async function readState(model: Model, base: NetnsRef | undefined): Promise<State> {
  const state: State = new Map();
  for (const ns of ['', ...model.namespaces]) {
    const s = await readNamespace(ns, base);
    if (s) state.set(ns, s);
  }
  return state;
}
