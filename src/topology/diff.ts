/**
 * The plan: the changes that make the kernel's state what a topology
 * describes, in the order they can be made — namespaces, links (lower
 * devices first), link settings (masters before their ports come up),
 * addresses, routes, neighbours, and last, with `prune`, what the
 * topology's own namespaces hold that it does not describe. Nothing more:
 * an object that already is as described yields no change.
 */
import { ValidationError } from '../netlink/errors.js';
import type { Link } from '../ops/links/index.js';
import type { Route } from '../ops/routes/index.js';
import type { BuiltRule } from '../ops/rules/build.js';
import type { LinkSettings, RouteFields, TopologyChange } from './changes.js';
import { type EndModel, type LinkModel, type Model, type NsKey, type RouteModel, endKey, nsLabel, routeKey } from './model.js';
import type { NamespaceState, State } from './state.js';
import { canonicalIp } from './validate.js';

/** Devices every namespace has, or that loading a tunnel module puts in every namespace: never pruned. */
const FALLBACK_DEVICES = new Set(['lo', 'gre0', 'gretap0', 'erspan0', 'ip_vti0', 'ip6_vti0', 'sit0', 'ip6tnl0', 'ip6gre0', 'tunl0']);

/**
 * Kinds whose devices cannot leave their namespace (NETIF_F_NETNS_LOCAL /
 * netns_local: br_dev_setup, bond_setup, vrf_setup): one found elsewhere is
 * not moved — the kernel would refuse with "The interface netns is
 * immutable" — but made anew where described.
 */
const NETNS_LOCAL_KINDS = new Set(['bridge', 'bond', 'vrf']);

/** Route protocols a user's routes carry (ip route add: boot; others: static): the ones prune may delete. */
const USER_PROTOCOLS = new Set(['boot', 'static']);

/** The kind as the topology names it: a TAP is a tun device of type tap. */
function kindOf(l: Link): string | undefined {
  if (l.kind === 'tun') return (l.info as { type?: string } | undefined)?.type === 'tap' ? 'tap' : 'tun';
  return l.kind;
}

/** Equal scalars: strings without case (MAC addresses, names the kernel may print in another case), bigints by value. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === 'bigint' || typeof b === 'bigint') return String(a) === String(b);
  return a === b;
}

/**
 * Whether what the kernel reports holds what the topology asks: objects by
 * the keys asked (a masked flag set such as vlan's `flags: { reorderHdr }`
 * names only the flags it sets), arrays element by element, the rest equal.
 */
function holds(want: unknown, have: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && want.length === have.length && want.every((w, i) => holds(w, have[i]));
  if (typeof want === 'object' && want !== null) {
    // A flag set the kernel leaves out when no flag is on (vlan_fill_info puts IFLA_VLAN_FLAGS only
    // when vlan->flags is non-zero): absent holds a set of flags that are all off.
    if (have === undefined) return Object.values(want).every((w) => w === undefined || w === false);
    return typeof have === 'object' && have !== null && Object.entries(want).every(([k, w]) => w === undefined || holds(w, (have as Record<string, unknown>)[k]));
  }
  return sameValue(want, have);
}

/** The kind options whose value the kernel reports differently from the topology. */
function optionDiff(link: LinkModel, actual: Link): Record<string, unknown> | undefined {
  const info = (actual.info ?? {}) as Record<string, unknown>;
  const changed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(link.options)) if (v !== undefined && !holds(v, info[k])) changed[k] = v;
  return Object.keys(changed).length ? changed : undefined;
}

/** What differs between an end as described and as it is (the desired values, and in `from` the current ones). */
function settingsDiff(end: EndModel, actual: Link | undefined, st: NamespaceState | undefined, made: boolean): { to: LinkSettings; from: LinkSettings } {
  const to: LinkSettings = {};
  const from: LinkSettings = {};
  const masterName = actual?.master === undefined ? null : (st?.byIndex.get(actual.master)?.name ?? null);
  const want = end.master ?? null;
  if (made ? want !== null : want !== masterName) {
    to.master = want;
    from.master = masterName;
  }
  if (!made && actual) {
    if (end.mtu !== undefined && end.mtu !== actual.mtu) {
      to.mtu = end.mtu;
      from.mtu = actual.mtu;
    }
    if (end.address !== undefined && end.address !== actual.address?.toLowerCase()) {
      to.address = end.address;
      if (actual.address !== undefined) from.address = actual.address;
    }
    if (end === end.link.end && end.link.kind === 'tap') {
      // TUNSETOWNER and friends act on an attached fd, not through rtnetlink: a TAP of other settings is not changed.
      const opts = optionDiff(end.link, actual);
      if (opts) throw new ValidationError(`${end.link.path}.options`, `TAP ${end.name} in ${nsLabel(end.ns)} exists with other settings (${Object.keys(opts).join(', ')}): delete it first`);
    } else if (end === end.link.end) {
      const opts = optionDiff(end.link, actual);
      if (opts) {
        to.info = { kind: end.link.kind, ...opts };
        const info = (actual.info ?? {}) as Record<string, unknown>;
        from.info = { kind: end.link.kind, ...Object.fromEntries(Object.keys(opts).map((k) => [k, info[k]])) };
      }
    }
  }
  // A made link starts down; an existing one is compared.
  if (made ? end.up : end.up !== actual?.up) {
    to.up = end.up;
    from.up = made ? false : (actual?.up ?? false);
  }
  return { to, from };
}

/** Links in the order they can be created: a lower device before what hangs on it. */
function creationOrder(model: Model): LinkModel[] {
  const out: LinkModel[] = [];
  const done = new Set<LinkModel>();
  const visit = (l: LinkModel, depth: number): void => {
    if (done.has(l) || depth > model.links.length) return;
    if (l.lower) {
      const lower = model.ends.get(endKey(l.lower.ns, l.lower.name));
      if (lower) visit(lower.link, depth + 1);
    }
    done.add(l);
    out.push(l);
  };
  for (const l of model.links) visit(l, 0);
  return out;
}

/** Masters before their ports, so that a port is enslaved to a master that is already configured. */
function masterDepth(end: EndModel, model: Model): number {
  let d = 0;
  for (let m = end.master ? model.ends.get(endKey(end.ns, end.master)) : undefined; m && d <= model.ends.size; m = m.master ? model.ends.get(endKey(m.ns, m.master)) : undefined) d++;
  return d;
}

/** A route as read, in the topology's terms. */
export function routeFields(r: Route): RouteFields {
  const dst = r.dst === 'default' ? 'default' : `${canonicalIp(r.dst.split('/')[0]) ?? r.dst}/${r.dstLength}`;
  const family = r.family === 'inet6' ? 'inet6' : 'inet';
  const f: RouteFields = { dst, family, table: r.tableId, metric: r.metric ?? 0, protocol: r.protocol };
  if (r.gateway !== undefined) f.gateway = canonicalIp(r.gateway) ?? r.gateway;
  if (r.dev !== undefined) f.dev = r.dev;
  if (r.type !== 'unicast') f.type = r.type;
  if (r.prefsrc !== undefined) f.src = canonicalIp(r.prefsrc) ?? r.prefsrc;
  f.scope = r.scope;
  if (r.flags.includes('onlink')) f.onlink = true;
  return f;
}

function routeOf(m: RouteModel): RouteFields {
  const { ns: _ns, path: _path, ...f } = m;
  return f;
}

/** Does the route as read do what the model says (its next hop, device, type, source)? */
function routeMatches(m: RouteModel, r: RouteFields): boolean {
  return (
    (m.gateway ?? undefined) === r.gateway &&
    (m.dev === undefined || m.dev === r.dev) &&
    (m.type ?? 'unicast') === (r.type ?? 'unicast') &&
    (m.src === undefined || m.src === r.src) &&
    (m.scope === undefined || m.scope === r.scope) &&
    (m.onlink === undefined || m.onlink === (r.onlink ?? false))
  );
}

/**
 * Whether a rule as dumped is the one a request would make: the header's
 * fields, and every attribute the request carries with the same value —
 * what the kernel's rule_find compares (it ignores what the request
 * leaves out, such as a priority the kernel chose).
 */
function ruleHolds(want: BuiltRule, have: { header: object; attrs: object }): boolean {
  const h = have.header as Record<string, unknown>;
  for (const k of ['family', 'dstLength', 'srcLength', 'tos', 'action', 'flags'] as const) {
    const w = (want.header as unknown as Record<string, unknown>)[k];
    if (w !== undefined && w !== h[k]) return false;
  }
  const table = (a: { header: object; attrs: object }) => (a.attrs as { table?: number }).table ?? (a.header as { table?: number }).table;
  if (table(want) && table(want) !== table(have)) return false;
  const attrs = have.attrs as Record<string, unknown>;
  return Object.entries(want.attrs).every(([k, v]) => k === 'table' || v === undefined || JSON.stringify(v, big) === JSON.stringify(attrs[k], big));
}

const big = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

/** An IPv6 link-local address the kernel gave a link itself (addrconf): not the topology's to manage. */
const isKernelLinkLocal = (cidr: string): boolean => /^fe80:/i.test(cidr) && cidr.endsWith('/64');

/** Options of `plan`. */
export interface PlanOptions {
  /** Also delete, in the topology's own namespaces, what the topology does not describe. */
  prune?: boolean;
}

/**
 * Computes the changes from `state` to `model`. Throws a ValidationError
 * naming the document path when the state conflicts in a way no change may
 * repair without destroying what the topology does not own (a link of
 * another kind under a described name).
 */
export function computePlan(model: Model, state: State, opts: PlanOptions = {}): TopologyChange[] {
  const creates: TopologyChange[] = [];
  const sets: TopologyChange[] = [];
  const addrs: TopologyChange[] = [];
  const routes: TopologyChange[] = [];
  const neighs: TopologyChange[] = [];
  const prunes: TopologyChange[] = [];
  const out: TopologyChange[] = [];
  for (const ns of model.namespaces) if (!state.has(ns)) out.push({ action: 'create', object: 'netns', netns: ns });

  /** Ends this plan creates: they start with no addresses, down, without a master. */
  const fresh = new Set<EndModel>();
  /** Ends this plan moves, as they will arrive: their settings, down, no master (and no addresses). */
  const moved = new Map<EndModel, Link>();
  const actualOf = (e: EndModel): Link | undefined => moved.get(e) ?? state.get(e.ns)?.links.get(e.name);
  /** Described names, per namespace: a link found under one of them elsewhere is not moved away from there. */
  const described = (ns: NsKey, name: string): boolean => model.ends.has(endKey(ns, name));

  for (const link of creationOrder(model)) {
    const ends = [link.end, ...(link.peer ? [link.peer] : [])];
    const found = ends.map(actualOf);
    for (const [i, e] of ends.entries()) {
      const a = found[i];
      if (a && kindOf(a) !== link.kind) throw new ValidationError(`${e.path}.name`, `${e.name} in ${nsLabel(e.ns)} exists as a ${kindOf(a) ?? 'device without a kind'}, not a ${link.kind}: delete or rename it first`);
    }
    if (found.every((a) => a === undefined)) {
      // Not where described: maybe elsewhere among the topology's namespaces (a link moved by hand, or a previous document).
      const elsewhere = !link.peer && !NETNS_LOCAL_KINDS.has(link.kind) ? findElsewhere(link.end, state, described) : undefined;
      if (elsewhere !== undefined) {
        creates.push({ action: 'move', object: 'link', netns: elsewhere, name: link.end.name, to: link.end.ns, kind: link.kind });
        // Moved, a link keeps its MTU, address and kind settings, but arrives down, without a master or addresses
        // (dev_change_net_namespace closes it and unlinks it from its upper device).
        const was = state.get(elsewhere)!.links.get(link.end.name)!;
        moved.set(link.end, { ...was, up: false, master: undefined } as unknown as Link);
        continue;
      }
      const spec: Extract<TopologyChange, { action: 'create'; object: 'link' }>['spec'] = { kind: link.kind, options: link.options };
      if (link.end.mtu !== undefined && link.kind !== 'bridge') spec.mtu = link.end.mtu;
      if (link.end.address !== undefined) spec.address = link.end.address;
      if (link.peer) {
        spec.peer = { name: link.peer.name, netns: link.peer.ns };
        if (link.peer.mtu !== undefined) spec.peer.mtu = link.peer.mtu;
        if (link.peer.address !== undefined) spec.peer.address = link.peer.address;
      }
      if (link.lower) spec.lower = { name: link.lower.name, netns: link.lower.ns };
      creates.push({ action: 'create', object: 'link', netns: link.end.ns, name: link.end.name, spec });
      for (const e of ends) fresh.add(e);
    } else if (link.peer && found[0] && found[1] && link.end.ns === link.peer.ns && found[0].link !== found[1].index) {
      // Both names are veths of this namespace, but not of one pair: no change makes them one.
      throw new ValidationError(`${link.peer.path}.name`, `${link.end.name} and ${link.peer.name} in ${nsLabel(link.end.ns)} are ${link.kind} ends of different pairs: delete them first`);
    } else if (found.some((a) => a === undefined)) {
      const missing = ends[found.indexOf(undefined)] as EndModel;
      const present = ends[found.findIndex((a) => a !== undefined)] as EndModel;
      throw new ValidationError(`${missing.path}.name`, `${present.name} in ${nsLabel(present.ns)} exists but its peer ${missing.name} is not in ${nsLabel(missing.ns)}: delete ${present.name} first`);
    }
  }

  const allEnds = [...model.ends.values()].sort((a, b) => masterDepth(a, model) - masterDepth(b, model));
  /** Bridge MTUs, set once the ports are in (see below). */
  const late: TopologyChange[] = [];
  for (const e of allEnds) {
    const made = fresh.has(e);
    const st = state.get(e.ns);
    const { to, from } = settingsDiff(e, made ? undefined : actualOf(e), st, made);
    if (e.link.kind === 'bridge' && e.mtu !== undefined && (made || to.mtu !== undefined)) {
      // A bridge follows its ports' smallest MTU (br_mtu_auto_adjust) unless the MTU was set by
      // ndo_change_mtu (BROPT_MTU_SET_BY_USER), which IFLA_MTU in the creating request is not:
      // the MTU is set after every port is enslaved, in a request of its own.
      delete to.mtu;
      const f: LinkSettings = made ? {} : { mtu: actualOf(e)!.mtu };
      delete from.mtu;
      late.push(made ? { action: 'set', object: 'link', netns: e.ns, name: e.name, to: { mtu: e.mtu } } : { action: 'set', object: 'link', netns: e.ns, name: e.name, to: { mtu: e.mtu }, from: f });
    }
    const set = (t: LinkSettings, f: LinkSettings): TopologyChange => (made ? { action: 'set', object: 'link', netns: e.ns, name: e.name, to: t } : { action: 'set', object: 'link', netns: e.ns, name: e.name, to: t, from: f });
    const masterKind = typeof to.master === 'string' ? model.ends.get(endKey(e.ns, to.master))?.link.kind : undefined;
    if (masterKind === 'bond' && to.up) {
      // bond_enslave refuses a port that is up ("Device can not be enslaved while up"), and do_setlink
      // applies the flags before IFLA_MASTER: enslave down in one request, bring up in the next.
      const { up: _up, ...rest } = to;
      sets.push(set({ ...rest, ...(made ? {} : { up: false }) }, from), set({ up: true }, { up: false }));
    } else if (Object.keys(to).length) sets.push(set(to, from));
    const have = made || moved.has(e) ? [] : (st?.addresses.get(e.name) ?? []).map((a) => `${canonicalIp(a.address) ?? a.address}/${a.prefixLength}`);
    for (const cidr of e.addresses) if (!have.includes(cidr)) addrs.push({ action: 'create', object: 'address', netns: e.ns, dev: e.name, address: cidr });
    if (opts.prune && e.ns !== '') {
      for (const cidr of have) if (!e.addresses.includes(cidr) && !isKernelLinkLocal(cidr)) prunes.push({ action: 'delete', object: 'address', netns: e.ns, dev: e.name, address: cidr });
    }
  }

  const ovs = model.ovs ? ovsChanges(model.ovs, state, opts.prune === true) : { creates: [], prunes: [] };

  const wanted = new Set<string>();
  for (const m of model.routes) {
    const key = routeKey(m);
    wanted.add(key);
    const st = state.get(m.ns);
    const current = st?.routes.map(routeFields).find((r) => routeKey({ ns: m.ns, ...r }) === key);
    if (!current) routes.push({ action: 'create', object: 'route', netns: m.ns, route: routeOf(m) });
    else if (!routeMatches(m, current)) {
      const { protocol: _p, ...from } = current;
      routes.push({ action: 'replace', object: 'route', netns: m.ns, route: routeOf(m), from });
    }
  }

  const rules: TopologyChange[] = [];
  for (const m of model.rules) {
    if (!state.get(m.ns)?.rules.some((r) => ruleHolds(m.built, r.raw))) rules.push({ action: 'create', object: 'rule', netns: m.ns, rule: m.spec });
  }

  const wantedNeigh = new Set(model.neighbours.map((n) => `${n.ns}/${n.dev}/${n.address}`));
  for (const n of model.neighbours) {
    const st = state.get(n.ns);
    const fresher = model.ends.get(endKey(n.ns, n.dev));
    const current = fresher && fresh.has(fresher) ? undefined : st?.neighbours.find((x) => x.link === n.dev && x.address !== undefined && canonicalIp(x.address) === n.address);
    if (!current) neighs.push({ action: 'create', object: 'neighbour', netns: n.ns, dev: n.dev, address: n.address, lladdr: n.lladdr });
    else if (current.lladdr?.toLowerCase() !== n.lladdr || !current.state.includes('PERMANENT')) {
      neighs.push({ action: 'replace', object: 'neighbour', netns: n.ns, dev: n.dev, address: n.address, lladdr: n.lladdr, from: { lladdr: current.lladdr ?? '' } });
    }
  }

  if (opts.prune) {
    for (const ns of model.namespaces) {
      const st = state.get(ns);
      if (!st) continue;
      for (const n of st.neighbours) {
        if (!n.state.includes('PERMANENT') || n.address === undefined || n.link === undefined) continue;
        const address = canonicalIp(n.address) ?? n.address;
        if (!wantedNeigh.has(`${ns}/${n.link}/${address}`) && model.ends.has(endKey(ns, n.link))) prunes.unshift({ action: 'delete', object: 'neighbour', netns: ns, dev: n.link, address, lladdr: n.lladdr ?? '' });
      }
      for (const r of st.routes) {
        const f = routeFields(r);
        if (!USER_PROTOCOLS.has(f.protocol ?? '') || wanted.has(routeKey({ ns, ...f }))) continue;
        const { protocol: _p, ...route } = f;
        prunes.unshift({ action: 'delete', object: 'route', netns: ns, route });
      }
      // Ports before masters, uppers before lowers: a link that is someone's master or lower goes last.
      const extra = [...st.links.values()].filter((l) => !FALLBACK_DEVICES.has(l.name) && !described(ns, l.name) && !movedAway(creates, ns, l.name));
      const isParent = (l: Link) => extra.some((x) => x.master === l.index || (x.link === l.index && x.linkNetnsId === undefined && kindOf(x) !== 'veth'));
      const vethPeersDone = new Set<number>();
      for (const l of [...extra.filter((l) => !isParent(l)), ...extra.filter(isParent)]) {
        // Deleting one veth end deletes the other; a pair inside one namespace is one change.
        if (kindOf(l) === 'veth' && vethPeersDone.has(l.index)) continue;
        if (kindOf(l) === 'veth' && l.link !== undefined && l.linkNetnsId === undefined) vethPeersDone.add(l.link);
        // A veth whose peer the topology describes would take the peer with it: leave it.
        const peer = l.link !== undefined && l.linkNetnsId === undefined ? st.byIndex.get(l.link) : undefined;
        if (kindOf(l) === 'veth' && peer && described(ns, peer.name)) continue;
        const kind = kindOf(l);
        prunes.push(kind === undefined ? { action: 'delete', object: 'link', netns: ns, name: l.name } : { action: 'delete', object: 'link', netns: ns, name: l.name, kind });
      }
    }
  }
  return [...out, ...creates, ...sets, ...late, ...ovs.creates, ...addrs, ...rules, ...routes, ...neighs, ...ovs.prunes, ...prunes];
}

/** OVS bridges and ports to add (and, with prune, ports of the described bridges to remove): OVS keys them by name, database-wide. */
function ovsChanges(m: NonNullable<Model['ovs']>, state: State, prune: boolean): { creates: TopologyChange[]; prunes: TopologyChange[] } {
  const target = m.socket === undefined ? { wait: m.wait } : { socket: m.socket, wait: m.wait };
  const creates: TopologyChange[] = [];
  const prunes: TopologyChange[] = [];
  const ovs = state.ovs;
  for (const b of m.bridges) {
    const cur = ovs?.bridges.get(b.name);
    if (cur && b.datapathType !== undefined && (cur.datapathType || 'system') !== b.datapathType) {
      throw new ValidationError(`${b.path}.datapathType`, `OVS bridge ${b.name} exists with datapath ${cur.datapathType || 'system'}, not ${b.datapathType}: delete it first`);
    }
    if (!cur) creates.push(b.datapathType ? { action: 'create', object: 'ovs-bridge', bridge: b.name, datapathType: b.datapathType, ovs: target } : { action: 'create', object: 'ovs-bridge', bridge: b.name, ovs: target });
    for (const [j, p] of b.ports.entries()) {
      const owner = ovs?.portBridge.get(p.name);
      if (owner !== undefined && owner !== b.name) throw new ValidationError(`${b.path}.ports[${j}]`, `${p.name} is a port of OVS bridge ${owner}, not ${b.name}: remove it there first`);
      const type = cur?.ports.get(p.name);
      if (type === undefined) creates.push({ action: 'create', object: 'ovs-port', bridge: b.name, port: p.name, type: p.type, ovs: target });
      else if ((type || 'system') !== p.type) throw new ValidationError(`${b.path}.ports[${j}]`, `OVS port ${p.name} exists as type ${type || 'system'}, not ${p.type}: delete it first`);
    }
    if (prune && cur) {
      for (const [name, type] of cur.ports) {
        if (name !== b.name && !b.ports.some((p) => p.name === name)) prunes.push({ action: 'delete', object: 'ovs-port', bridge: b.name, port: name, type: (type || 'system') as 'system', ovs: target });
      }
    }
  }
  return { creates, prunes };
}

function movedAway(creates: TopologyChange[], ns: NsKey, name: string): boolean {
  return creates.some((c) => c.action === 'move' && c.netns === ns && c.name === name);
}

/** The topology namespace (or '') where a link missing from its own place is, when it is not described there. */
function findElsewhere(end: EndModel, state: State, described: (ns: NsKey, name: string) => boolean): NsKey | undefined {
  for (const [ns, st] of state) {
    // Never from the namespace the call acts in: what is there and undescribed is not the topology's.
    if (ns === '' || ns === end.ns || described(ns, end.name)) continue;
    const l = st.links.get(end.name);
    if (l && kindOf(l) === end.link.kind) return ns;
  }
  return undefined;
}
