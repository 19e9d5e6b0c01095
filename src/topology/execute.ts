/**
 * Carrying out one change, and undoing it, through rtnl's public calls.
 * Undoing is idempotent — what is already gone counts as undone — because
 * `recover` undoes the changes a killed process may or may not have made
 * (a journal entry is written before its request is sent).
 */
import { isNetlinkError, isRtnlError } from '../netlink/errors.js';
import type { NetnsRef } from '../netlink/netns.js';
import { addAddress, addAddresses, deleteAddress } from '../ops/addresses/index.js';
import { createLink, createNetkitPair, createVethPair, deleteLink, getLink, setLink, type SetLinkOptions } from '../ops/links/index.js';
import { addNeighbour, deleteNeighbour } from '../ops/neighbours/index.js';
import { createNetns, deleteNetns } from '../ops/netns/index.js';
import { addRoute, addRoutes, deleteRoute, type AddRouteOptions, type RouteSpec } from '../ops/routes/index.js';
import { createTap } from '../ops/tap/index.js';
import { addRule, deleteRule } from '../ops/rules/index.js';
import { addBridge, addPort, deleteBridge, deletePort } from '../ovs/index.js';
import type { LinkSettings, RouteFields, TopologyChange } from './changes.js';
import type { NsKey } from './model.js';

/** Where the changes act: the namespace of '' (undefined: the caller's own). */
export interface Target {
  base: NetnsRef | undefined;
}

const nsOpt = (t: Target, ns: NsKey): { netns?: NetnsRef } => {
  const ref = ns === '' ? t.base : ns;
  return ref === undefined ? {} : { netns: ref };
};

/** A reference that names the namespace from anywhere: the caller's own namespace as its /proc file. */
const absolute = (t: Target, ns: NsKey): NetnsRef => (ns === '' ? (t.base ?? '/proc/self/ns/net') : ns);

function settings(s: LinkSettings): Omit<SetLinkOptions, 'netns' | 'socket' | 'timeout'> {
  const o: Record<string, unknown> = {};
  if (s.master !== undefined) o.master = s.master;
  if (s.mtu !== undefined) o.mtu = s.mtu;
  if (s.address !== undefined) o.address = s.address;
  if (s.info !== undefined) o.info = s.info;
  if (s.up !== undefined) o.up = s.up;
  return o;
}

function routeOptions(t: Target, ns: NsKey, r: RouteFields): AddRouteOptions {
  const o: AddRouteOptions = { ...nsOpt(t, ns), dst: r.dst, family: r.family, table: r.table, metric: r.metric };
  if (r.gateway !== undefined) o.gateway = r.gateway;
  if (r.dev !== undefined) o.dev = r.dev;
  if (r.scope !== undefined) o.scope = r.scope;
  if (r.type !== undefined) o.type = r.type;
  if (r.src !== undefined) o.src = r.src;
  if (r.onlink !== undefined) o.onlink = r.onlink;
  return o;
}

const ovsOpt = (o: { socket?: string; wait: boolean }): { socket?: string; wait: boolean } => (o.socket === undefined ? { wait: o.wait } : { socket: o.socket, wait: o.wait });

/** Makes one change. */
export async function execute(t: Target, c: TopologyChange): Promise<void> {
  switch (c.object) {
    case 'netns':
      if (c.action === 'create') await createNetns(c.netns);
      else await deleteNetns(c.netns);
      return;
    case 'link': {
      const where = nsOpt(t, c.netns);
      if (c.action === 'create') return createOneLink(t, c);
      if (c.action === 'set') {
        await setLink(c.name, { ...where, ...settings(c.to) });
        return;
      }
      if (c.action === 'move') {
        await setLink(c.name, { ...where, moveToNetns: absolute(t, c.to) });
        return;
      }
      return deleteLink(c.name, where);
    }
    case 'address':
      if (c.action === 'create') return addAddress(c.dev, c.address, nsOpt(t, c.netns));
      return deleteAddress(c.dev, c.address, nsOpt(t, c.netns));
    case 'route':
      if (c.action === 'delete') return deleteRoute(routeOptions(t, c.netns, c.route));
      return addRoute({ ...routeOptions(t, c.netns, c.route), ...(c.action === 'replace' ? { replace: true } : {}) });
    case 'ovs-bridge': {
      const o = ovsOpt(c.ovs);
      if (c.action === 'create') await addBridge(c.bridge, { ...o, ...(c.datapathType ? { datapathType: c.datapathType } : {}) });
      else await deleteBridge(c.bridge, { ...o, ifExists: true });
      return;
    }
    case 'ovs-port': {
      const o = ovsOpt(c.ovs);
      if (c.action === 'create') await addPort(c.bridge, c.port, { ...o, type: c.type });
      else await deletePort(c.bridge, c.port, { ...o, ifExists: true });
      return;
    }
    case 'rule':
      if (c.action === 'create') return addRule({ ...nsOpt(t, c.netns), ...c.rule });
      return deleteRule({ ...nsOpt(t, c.netns), ...c.rule });
    case 'neighbour':
      if (c.action === 'delete') return deleteNeighbour({ ...nsOpt(t, c.netns), link: c.dev, address: c.address });
      return addNeighbour({ ...nsOpt(t, c.netns), link: c.dev, address: c.address, lladdr: c.lladdr, state: 'permanent', ...(c.action === 'replace' ? { replace: true } : {}) });
  }
}

type AddressCreate = Extract<TopologyChange, { object: 'address' }>;
type RouteCreate = Extract<TopologyChange, { object: 'route' }>;

/** Changes that may go together in one pipelined call: new addresses, or new routes, of one namespace. */
export function batchable(a: TopologyChange, b: TopologyChange): boolean {
  if (a.action !== 'create' || b.action !== 'create') return false;
  if (a.object === 'address' && b.object === 'address') return a.netns === b.netns;
  return a.object === 'route' && b.object === 'route' && a.netns === b.netns;
}

/** Makes a run of batchable changes with one pipelined call (addAddresses, addRoutes): one result per change, in order. */
export async function executeMany(t: Target, cs: readonly TopologyChange[]): Promise<PromiseSettledResult<void>[]> {
  const first = cs[0] as AddressCreate | RouteCreate;
  const where = nsOpt(t, first.netns);
  if (first.object === 'address') return addAddresses((cs as AddressCreate[]).map((c) => ({ link: c.dev, address: c.address })), where);
  return addRoutes(
    (cs as RouteCreate[]).map((c) => {
      const { netns: _n, ...route } = routeOptions(t, first.netns, c.route);
      return route as RouteSpec;
    }),
    where,
  );
}

async function createOneLink(t: Target, c: Extract<TopologyChange, { action: 'create'; object: 'link' }>): Promise<void> {
  const s = c.spec;
  const common: Record<string, unknown> = { name: c.name };
  if (s.mtu !== undefined) common.mtu = s.mtu;
  if (s.address !== undefined) common.address = s.address;
  if (s.kind === 'veth' || s.kind === 'netkit') {
    const peer = s.peer!;
    const p: Record<string, unknown> = { name: peer.name };
    if (peer.netns !== c.netns) p.netns = absolute(t, peer.netns);
    if (peer.mtu !== undefined) p.mtu = peer.mtu;
    if (peer.address !== undefined) p.address = peer.address;
    const opts = { ...nsOpt(t, c.netns), ...common, ...s.options, peer: p } as unknown as Parameters<typeof createVethPair>[0];
    await (s.kind === 'veth' ? createVethPair(opts) : createNetkitPair(opts as Parameters<typeof createNetkitPair>[0]));
    return;
  }
  if (s.kind === 'tap') {
    await createTap(c.name, { ...nsOpt(t, c.netns), ...(s.mtu !== undefined ? { mtu: s.mtu } : {}), ...(s.address !== undefined ? { address: s.address } : {}), ...s.options });
    return;
  }
  // A lower device elsewhere: the call acts where the lower device is and the link is born in its own namespace (IFLA_NET_NS_FD).
  if (s.lower && s.lower.netns !== c.netns) {
    await createLink(s.kind, { ...nsOpt(t, s.lower.netns), ...common, ...s.options, link: s.lower.name, targetNetns: absolute(t, c.netns) } as Parameters<typeof createLink>[1]);
    return;
  }
  await createLink(s.kind, { ...nsOpt(t, c.netns), ...common, ...s.options, ...(s.lower ? { link: s.lower.name } : {}) } as Parameters<typeof createLink>[1]);
}

/** Already undone: the object is gone (or, for a re-add, already there). */
function gone(e: unknown): boolean {
  if (isNetlinkError(e, 'ENODEV') || isNetlinkError(e, 'ESRCH') || isNetlinkError(e, 'ENOENT') || isNetlinkError(e, 'EADDRNOTAVAIL')) return true;
  // A namespace that is no longer there (SystemError ENOENT from the namespace file).
  return isRtnlError(e) && e.name === 'SystemError' && e.code === 'ENOENT';
}

async function tolerant(p: Promise<unknown>, exists = false): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (gone(e) || (exists && isNetlinkError(e, 'EEXIST'))) return;
    throw e;
  }
}

/** Undoes one change (made, or perhaps made: a killed process's last). */
export async function undo(t: Target, c: TopologyChange): Promise<void> {
  switch (c.object) {
    case 'netns':
      if (c.action === 'delete') throw new Error(`namespace ${c.netns} was deleted and cannot be re-created as it was`);
      return tolerant(deleteNetns(c.netns));
    case 'link': {
      const where = nsOpt(t, c.netns);
      if (c.action === 'create') return tolerant(deleteLink(c.name, where));
      if (c.action === 'set') {
        // A set of a link this apply made has nothing to put back: the link goes with its create.
        if (c.from) await tolerant(setLink(c.name, { ...where, ...settings(c.from) }));
        return;
      }
      if (c.action === 'move') return tolerant(setLink(c.name, { ...nsOpt(t, c.to), moveToNetns: absolute(t, c.netns) }));
      // Not deleted after all (the process died before sending the request): nothing to put back.
      if (await exists(t, c.netns, c.name)) return;
      throw new Error(`link ${c.name}${c.netns ? ` in ${c.netns}` : ''} was deleted by prune and cannot be re-created from what the topology knows of it${c.kind ? ` (a ${c.kind})` : ''}`);
    }
    case 'address':
      if (c.action === 'create') return tolerant(deleteAddress(c.dev, c.address, nsOpt(t, c.netns)));
      return tolerant(addAddress(c.dev, c.address, nsOpt(t, c.netns)), true);
    case 'route':
      if (c.action === 'create') return tolerant(deleteRoute(routeOptions(t, c.netns, c.route)));
      if (c.action === 'replace') return tolerant(addRoute({ ...routeOptions(t, c.netns, c.from!), replace: true }));
      return tolerant(addRoute(routeOptions(t, c.netns, c.route)), true);
    case 'ovs-bridge':
      if (c.action === 'delete') throw new Error(`OVS bridge ${c.bridge} was deleted and cannot be re-created with its ports`);
      await deleteBridge(c.bridge, { ...ovsOpt(c.ovs), ifExists: true });
      return;
    case 'ovs-port':
      if (c.action === 'create') await deletePort(c.bridge, c.port, { ...ovsOpt(c.ovs), ifExists: true });
      else await addPort(c.bridge, c.port, { ...ovsOpt(c.ovs), type: c.type, mayExist: true });
      return;
    case 'rule':
      // rule_find answers ENOENT for a rule that is not there: already undone.
      if (c.action === 'create') return tolerant(deleteRule({ ...nsOpt(t, c.netns), ...c.rule }));
      return tolerant(addRule({ ...nsOpt(t, c.netns), ...c.rule }), true);
    case 'neighbour':
      if (c.action === 'create') return tolerant(deleteNeighbour({ ...nsOpt(t, c.netns), link: c.dev, address: c.address }));
      return tolerant(addNeighbour({ ...nsOpt(t, c.netns), link: c.dev, address: c.address, lladdr: c.action === 'replace' ? c.from!.lladdr : c.lladdr, state: 'permanent', replace: true }));
  }
}

async function exists(t: Target, ns: NsKey, name: string): Promise<boolean> {
  try {
    await getLink(name, nsOpt(t, ns));
    return true;
  } catch (e) {
    if (gone(e)) return false;
    throw e;
  }
}
