/**
 * A topology validated as a whole before anything is touched: every field's
 * type, every reference (masters, lower devices, route and neighbour
 * devices, namespaces) resolved inside the document, name collisions, and
 * the combinations the kernel would refuse half-way (a master that cannot
 * be one, a peer on a kind without one). Every problem is collected; the
 * error names the first by its path in the document and lists them all in
 * `problems`.
 */
import { ValidationError } from '../netlink/errors.js';
import { formatValue } from '../netlink/format-value.js';
import { formatIp, parseCidr, parseIp } from '../netlink/inet.js';
import { writeView } from '../netlink/fields.js';
import { validateNetnsName } from '../netlink/netns.js';
import { kindDef, validateIfname, validateMtu, validateUnicastMac } from '../rtnetlink/link/index.js';
import type { Topology, TopologyLink, TopologyLinkEnd } from './types.js';
import type { RuleSpec } from '../ops/rules/index.js';
import { buildRule } from '../ops/rules/build.js';
import { checkedAt } from '../ops/options.js';
import { type EndModel, type LinkModel, type Model, type NsKey, type OvsBridgeModel, LOWER_KINDS, MASTER_KINDS, PAIR_KINDS, TABLES, endKey, nsLabel, routeKey } from './model.js';

/** One thing wrong with a topology: where (`links[2].master`) and what. */
export interface TopologyProblem {
  /** Where in the document (`links[2].master`). */
  path: string;
  /** What is wrong there. */
  message: string;
}

const TOP_KEYS = ['namespaces', 'links', 'routes', 'neighbours', 'rules', 'ovs'];
const OVS_KEYS = ['socket', 'netns', 'wait', 'bridges'];
const OVS_PORT_TYPES = ['system', 'internal', 'tap'];
const END_KEYS = ['name', 'netns', 'up', 'mtu', 'address', 'master', 'addresses'];
const LINK_KEYS = [...END_KEYS, 'kind', 'peer', 'link', 'options'];
const ROUTE_KEYS = ['netns', 'dst', 'gateway', 'dev', 'table', 'metric', 'family', 'scope', 'type', 'src', 'onlink'];
const NEIGH_KEYS = ['netns', 'dev', 'address', 'lladdr'];
/** createTap's options that a topology may give a TAP (the device itself; its fd is not part of a topology). */
const TAP_OPTIONS = ['owner', 'group', 'multiQueue', 'vnetHdr'];

/** Kinds rtnl reads but a topology cannot make, and why. */
const NOT_CREATED: Readonly<Record<string, string>> = {
  // tun_newlink answers EOPNOTSUPP ("tun/tap creation via rtnetlink is not supported"): TUNSETIFF makes them.
  tun: 'a tun device is made through /dev/net/tun, not rtnetlink: use kind "tap" (a TUN-mode device is not modelled)',
  // vxlan_newlink needs IFLA_VXLAN_ID, and rtnl's vxlan table is read-only so far.
  vxlan: 'rtnl reads vxlan links but cannot make them yet (its options are read-only, and the kernel needs an id)',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Canonical text of an IP address (`fd00:0::1` → `fd00::1`), or undefined when it is not one. */
export function canonicalIp(s: unknown): string | undefined {
  const b = parseIp(s);
  return b ? formatIp(b) : undefined;
}

/** Canonical `ip/len` of a CIDR (the address kept, not masked: an interface address). */
export function canonicalCidr(s: unknown): string | undefined {
  if (typeof s !== 'string' || !s.includes('/')) return undefined;
  const c = parseCidr(s);
  if (!c) return undefined;
  return `${canonicalIp(s.slice(0, s.indexOf('/')))}/${c.prefixLength}`;
}

/** Canonical route destination: `default`, or `network/len` with host bits cleared (a bare address is /32 or /128). */
function canonicalDst(s: unknown): { dst: string; family: 'inet' | 'inet6' } | undefined {
  if (s === 'default') return { dst: 'default', family: 'inet' };
  if (typeof s !== 'string') return undefined;
  const text = s.includes('/') ? s : `${s}/${s.includes(':') ? 128 : 32}`;
  const c = parseCidr(text);
  if (!c) return undefined;
  const bytes = parseIp(text.slice(0, text.indexOf('/'))) as Uint8Array;
  for (let bit = c.prefixLength; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  const family = bytes.length === 4 ? 'inet' : 'inet6';
  // The kernel prints (and ip -j shows) host routes without the length; the topology keeps the length.
  return { dst: `${formatIp(bytes)}/${c.prefixLength}`, family };
}

class Problems {
  readonly list: TopologyProblem[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
  /** Runs a validator that throws ValidationError; records its message instead. */
  check<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ValidationError) this.add(e.field, e.message.slice(e.field.length + 2));
      else throw e;
      return undefined;
    }
  }
  keys(v: Record<string, unknown>, known: readonly string[], path: string): void {
    for (const k of Object.keys(v)) if (!known.includes(k)) this.add(`${path}.${k}`, `unknown field (known: ${known.join(', ')})`);
  }
}

/**
 * Validates `topology` as a whole and returns its normalised model; throws a
 * ValidationError naming the first problem's path, with every problem in
 * its `problems` property.
 */
export function validateTopology(topology: unknown): Model {
  const p = new Problems();
  const model: Model = { namespaces: [], links: [], ends: new Map(), routes: [], neighbours: [], rules: [] };
  if (!isObject(topology)) {
    p.add('topology', `expected an object, got ${formatValue(topology)}`);
    throw toError(p);
  }
  const t = topology as Topology & Record<string, unknown>;
  p.keys(t, TOP_KEYS, 'topology');
  for (const key of ['namespaces', 'links', 'routes', 'neighbours', 'rules'] as const) {
    if (t[key] !== undefined && !Array.isArray(t[key])) p.add(key, `expected an array, got ${formatValue(t[key])}`);
  }
  const namespaces = Array.isArray(t.namespaces) ? t.namespaces : [];
  namespaces.forEach((n, i) => {
    const name = p.check(() => validateNetnsName(n, `namespaces[${i}]`));
    if (name === undefined) return;
    if (model.namespaces.includes(name)) p.add(`namespaces[${i}]`, `namespace ${name} is listed twice`);
    else model.namespaces.push(name);
  });
  const nsOf = (v: unknown, path: string): NsKey | undefined => {
    if (v === undefined) return '';
    if (typeof v !== 'string' || !model.namespaces.includes(v)) {
      p.add(path, `${formatValue(v)} is not one of the topology's namespaces (${model.namespaces.join(', ') || 'none listed'})`);
      return undefined;
    }
    return v;
  };

  // Links: every end first, so that references may point forward.
  const links = Array.isArray(t.links) ? t.links : [];
  links.forEach((l, i) => {
    const path = `links[${i}]`;
    if (!isObject(l)) return p.add(path, `expected a link object, got ${formatValue(l)}`);
    const spec = l as unknown as TopologyLink;
    p.keys(l, LINK_KEYS, path);
    const kind = typeof spec.kind === 'string' && (spec.kind === 'tap' || (kindDef(spec.kind) && !(spec.kind in NOT_CREATED))) ? spec.kind : undefined;
    if (kind === undefined) p.add(`${path}.kind`, typeof spec.kind === 'string' && spec.kind in NOT_CREATED ? NOT_CREATED[spec.kind]! : `${formatValue(spec.kind)} is not a link kind rtnl creates`);
    const link: LinkModel = { kind: kind ?? String(spec.kind), end: undefined as unknown as EndModel, options: {}, path };
    const end = endOf(p, spec, path, link, nsOf);
    if (!end) return;
    link.end = end;
    if (spec.peer !== undefined) {
      if (kind !== undefined && !PAIR_KINDS.has(kind)) p.add(`${path}.peer`, `a ${kind} link has no peer (only ${[...PAIR_KINDS].join(' and ')} do)`);
      if (!isObject(spec.peer)) p.add(`${path}.peer`, `expected a link end, got ${formatValue(spec.peer)}`);
      else {
        p.keys(spec.peer, END_KEYS, `${path}.peer`);
        const peer = endOf(p, spec.peer, `${path}.peer`, link, nsOf);
        if (peer) link.peer = peer;
      }
    } else if (kind !== undefined && PAIR_KINDS.has(kind)) p.add(`${path}.peer`, `a ${kind} link needs its peer end ({ name, netns? })`);
    if (spec.options !== undefined) {
      if (!isObject(spec.options)) p.add(`${path}.options`, `expected an object, got ${formatValue(spec.options)}`);
      else {
        link.options = spec.options;
        if (kind === 'tap') p.keys(spec.options, TAP_OPTIONS, `${path}.options`);
        else if (kind !== undefined) p.check(() => writeView(kindDef(kind)!.data, spec.options!, `${path}.options`));
      }
    }
    if (spec.link !== undefined) {
      const ref = typeof spec.link === 'string' ? { name: spec.link, netns: spec.netns } : isObject(spec.link) ? spec.link : undefined;
      if (!ref || typeof ref.name !== 'string') p.add(`${path}.link`, `expected a link name or { name, netns }, got ${formatValue(spec.link)}`);
      else {
        const ns = nsOf(ref.netns, `${path}.link.netns`);
        if (ns !== undefined) link.lower = { ns, name: ref.name };
      }
      if (kind !== undefined && !LOWER_KINDS.has(kind)) p.add(`${path}.link`, `a ${kind} link has no lower device`);
    } else if (kind !== undefined && LOWER_KINDS.has(kind)) p.add(`${path}.link`, `a ${kind} link needs its lower device (link)`);
    for (const e of [link.end, link.peer]) {
      if (!e) continue;
      const key = endKey(e.ns, e.name);
      const other = model.ends.get(key);
      if (other) p.add(`${e.path}.name`, `${e.name} in ${nsLabel(e.ns)} is also ${other.path}`);
      else model.ends.set(key, e);
    }
    model.links.push(link);
  });

  // References between links, once every end is known.
  for (const link of model.links) {
    for (const e of [link.end, link.peer]) {
      if (!e?.master) continue;
      const m = model.ends.get(endKey(e.ns, e.master));
      if (!m) p.add(`${e.path}.master`, `no link ${e.master} in ${nsLabel(e.ns)} in the topology`);
      else if (m === e) p.add(`${e.path}.master`, 'a link cannot be its own master');
      else if (!MASTER_KINDS.has(m.link.kind) || m.link.peer) p.add(`${e.path}.master`, `${e.master} is a ${m.link.kind}, which cannot be a master (${[...MASTER_KINDS].join(', ')} can)`);
    }
    if (link.lower) {
      const lower = model.ends.get(endKey(link.lower.ns, link.lower.name));
      if (!lower) p.add(`${link.path}.link`, `no link ${link.lower.name} in ${nsLabel(link.lower.ns)} in the topology`);
      else if (lower === link.end) p.add(`${link.path}.link`, 'a link cannot be its own lower device');
    }
  }
  // Master chains must end: br0 → bond0 → br0 would make apply loop.
  for (const e of model.ends.values()) {
    const seen = new Set<EndModel>([e]);
    for (let m = e.master ? model.ends.get(endKey(e.ns, e.master)) : undefined; m; m = m.master ? model.ends.get(endKey(m.ns, m.master)) : undefined) {
      if (seen.has(m)) {
        p.add(`${e.path}.master`, 'masters form a cycle');
        break;
      }
      seen.add(m);
    }
  }

  const routes = Array.isArray(t.routes) ? t.routes : [];
  const routeKeys = new Map<string, string>();
  routes.forEach((r, i) => {
    const path = `routes[${i}]`;
    if (!isObject(r)) return p.add(path, `expected a route object, got ${formatValue(r)}`);
    p.keys(r, ROUTE_KEYS, path);
    const ns = nsOf(r.netns, `${path}.netns`);
    const dst = canonicalDst(r.dst);
    if (!dst) return p.add(`${path}.dst`, `expected default, a prefix or an address, got ${formatValue(r.dst)}`);
    let family = dst.family;
    const gateway = r.gateway === undefined ? undefined : canonicalIp(r.gateway);
    if (r.gateway !== undefined && gateway === undefined) p.add(`${path}.gateway`, `expected an IP address, got ${formatValue(r.gateway)}`);
    if (dst.dst === 'default') family = r.family === 'inet6' || gateway?.includes(':') ? 'inet6' : 'inet';
    else if (r.family !== undefined && r.family !== family) p.add(`${path}.family`, `${r.dst} is an ${family} prefix`);
    if (r.family !== undefined && r.family !== 'inet' && r.family !== 'inet6') p.add(`${path}.family`, `expected inet or inet6, got ${formatValue(r.family)}`);
    if (gateway !== undefined && gateway.includes(':') !== (family === 'inet6')) p.add(`${path}.gateway`, `an ${family} route needs an ${family} gateway`);
    if (r.dev === undefined && gateway === undefined && (r.type ?? 'unicast') === 'unicast') p.add(path, 'a unicast route needs a dev or a gateway');
    if (r.dev !== undefined && ns !== undefined && !model.ends.has(endKey(ns, String(r.dev)))) p.add(`${path}.dev`, `no link ${formatValue(r.dev)} in ${nsLabel(ns)} in the topology`);
    let table = 254;
    if (r.table !== undefined) {
      const id = typeof r.table === 'string' ? TABLES[r.table] : r.table;
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 0xffffffff) p.add(`${path}.table`, `expected main, local, default or a table id 1…4294967295, got ${formatValue(r.table)}`);
      else table = id;
    }
    if (r.metric !== undefined && (typeof r.metric !== 'number' || !Number.isInteger(r.metric) || r.metric < 0 || r.metric > 0xffffffff)) p.add(`${path}.metric`, `expected an integer 0…4294967295, got ${formatValue(r.metric)}`);
    for (const k of ['scope', 'type', 'src'] as const) if (r[k] !== undefined && typeof r[k] !== 'string') p.add(`${path}.${k}`, `expected a string, got ${formatValue(r[k])}`);
    if (r.src !== undefined && canonicalIp(r.src) === undefined) p.add(`${path}.src`, `expected an IP address, got ${formatValue(r.src)}`);
    if (r.onlink !== undefined && typeof r.onlink !== 'boolean') p.add(`${path}.onlink`, `expected a boolean, got ${formatValue(r.onlink)}`);
    if (ns === undefined) return;
    // IPv6 routes without a metric get 1024 (IP6_RT_PRIO_USER); IPv4 ones 0.
    const metric = typeof r.metric === 'number' ? r.metric : family === 'inet6' ? 1024 : 0;
    const route = { ns, dst: dst.dst, family, table, metric, path } as Model['routes'][number];
    if (gateway !== undefined) route.gateway = gateway;
    if (r.dev !== undefined) route.dev = String(r.dev);
    if (typeof r.scope === 'string') route.scope = r.scope;
    if (typeof r.type === 'string') route.type = r.type;
    if (typeof r.src === 'string') route.src = canonicalIp(r.src)!;
    if (r.onlink !== undefined) route.onlink = r.onlink as boolean;
    const key = routeKey(route);
    const other = routeKeys.get(key);
    if (other) p.add(path, `the same route (table, destination, metric) as ${other}`);
    routeKeys.set(key, path);
    model.routes.push(route);
  });

  const neighbours = Array.isArray(t.neighbours) ? t.neighbours : [];
  const neighKeys = new Map<string, string>();
  neighbours.forEach((n, i) => {
    const path = `neighbours[${i}]`;
    if (!isObject(n)) return p.add(path, `expected a neighbour object, got ${formatValue(n)}`);
    p.keys(n, NEIGH_KEYS, path);
    const ns = nsOf(n.netns, `${path}.netns`);
    const address = canonicalIp(n.address);
    if (address === undefined) p.add(`${path}.address`, `expected an IP address, got ${formatValue(n.address)}`);
    const lladdr = p.check(() => validateUnicastMac(n.lladdr, `${path}.lladdr`));
    if (ns === undefined || address === undefined || lladdr === undefined) return;
    if (!model.ends.has(endKey(ns, String(n.dev)))) return p.add(`${path}.dev`, `no link ${formatValue(n.dev)} in ${nsLabel(ns)} in the topology`);
    const key = `${ns}/${String(n.dev)}/${address}`;
    if (neighKeys.has(key)) p.add(path, `the same neighbour as ${neighKeys.get(key)}`);
    neighKeys.set(key, path);
    model.neighbours.push({ ns, dev: String(n.dev), address, lladdr: lladdr.toLowerCase(), path });
  });

  const rules = Array.isArray(t.rules) ? t.rules : [];
  rules.forEach((r, i) => {
    const path = `rules[${i}]`;
    if (!isObject(r)) return p.add(path, `expected a rule object, got ${formatValue(r)}`);
    const { netns, ...spec } = r as Record<string, unknown>;
    const ns = nsOf(netns, `${path}.netns`);
    // addRule's own checks, by the rule's place in the document.
    const built = p.check(() => checkedAt(path, () => buildRule(spec as RuleSpec, false)));
    if (ns === undefined || built === undefined) return;
    model.rules.push({ ns, spec: spec as RuleSpec, built, path });
  });

  if (t.ovs !== undefined) ovsOf(p, t.ovs, model, nsOf);
  if (p.list.length) throw toError(p);
  return model;
}

function endOf(p: Problems, e: TopologyLinkEnd, path: string, link: LinkModel, nsOf: (v: unknown, path: string) => NsKey | undefined): EndModel | undefined {
  const name = p.check(() => validateIfname(e.name, `${path}.name`));
  const ns = nsOf(e.netns, `${path}.netns`);
  if (name === undefined || ns === undefined) return undefined;
  const end: EndModel = { ns, name, up: true, addresses: [], path, link };
  if (e.up !== undefined) {
    if (typeof e.up !== 'boolean') p.add(`${path}.up`, `expected a boolean, got ${formatValue(e.up)}`);
    else end.up = e.up;
  }
  if (e.mtu !== undefined) {
    const mtu = p.check(() => validateMtu(e.mtu, `${path}.mtu`));
    if (mtu !== undefined) end.mtu = mtu;
  }
  if (e.address !== undefined) {
    const mac = p.check(() => validateUnicastMac(e.address, `${path}.address`));
    if (mac !== undefined) end.address = mac.toLowerCase();
  }
  if (e.master !== undefined) {
    if (typeof e.master !== 'string') p.add(`${path}.master`, `expected a link name, got ${formatValue(e.master)}`);
    else end.master = e.master;
  }
  if (e.addresses !== undefined) {
    if (!Array.isArray(e.addresses)) p.add(`${path}.addresses`, `expected an array of CIDR addresses, got ${formatValue(e.addresses)}`);
    else
      e.addresses.forEach((a, i) => {
        const cidr = canonicalCidr(a);
        if (cidr === undefined) p.add(`${path}.addresses[${i}]`, `expected an address in CIDR form (10.0.0.1/24, fd00::1/64), got ${formatValue(a)}`);
        else if (end.addresses.includes(cidr)) p.add(`${path}.addresses[${i}]`, `${cidr} is listed twice`);
        else end.addresses.push(cidr);
      });
  }
  return end;
}

function ovsOf(p: Problems, o: unknown, model: Model, nsOf: (v: unknown, path: string) => NsKey | undefined): void {
  if (!isObject(o)) return p.add('ovs', `expected an object, got ${formatValue(o)}`);
  p.keys(o, OVS_KEYS, 'ovs');
  const ns = nsOf(o.netns, 'ovs.netns');
  if (o.socket !== undefined && typeof o.socket !== 'string') p.add('ovs.socket', `expected a socket path, got ${formatValue(o.socket)}`);
  if (o.wait !== undefined && typeof o.wait !== 'boolean') p.add('ovs.wait', `expected a boolean, got ${formatValue(o.wait)}`);
  if (!Array.isArray(o.bridges)) return p.add('ovs.bridges', `expected an array, got ${formatValue(o.bridges)}`);
  if (ns === undefined) return;
  const ovs: NonNullable<Model['ovs']> = { ns, wait: o.wait !== false, bridges: [] };
  if (typeof o.socket === 'string') ovs.socket = o.socket;
  const seen = new Map<string, string>();
  const claim = (name: string, path: string): void => {
    const other = seen.get(name);
    if (other) p.add(path, `${name} is also ${other}`);
    seen.set(name, path);
  };
  o.bridges.forEach((b: unknown, i: number) => {
    const path = `ovs.bridges[${i}]`;
    if (!isObject(b)) return p.add(path, `expected a bridge object, got ${formatValue(b)}`);
    p.keys(b, ['name', 'datapathType', 'ports'], path);
    // A bridge has a local port, a device of its name in ovs-vswitchd's namespace.
    const name = p.check(() => validateIfname(b.name, `${path}.name`));
    if (b.datapathType !== undefined && b.datapathType !== 'netdev' && b.datapathType !== 'system') p.add(`${path}.datapathType`, `expected netdev or system, got ${formatValue(b.datapathType)}`);
    if (b.ports !== undefined && !Array.isArray(b.ports)) p.add(`${path}.ports`, `expected an array, got ${formatValue(b.ports)}`);
    if (name === undefined) return;
    claim(name, `${path}.name`);
    if (model.ends.has(endKey(ns, name))) p.add(`${path}.name`, `${name} is also a link in ${nsLabel(ns)}: the bridge's local port is a device of that name`);
    const bridge: OvsBridgeModel = { name, ports: [], path };
    if (b.datapathType === 'netdev' || b.datapathType === 'system') bridge.datapathType = b.datapathType;
    (Array.isArray(b.ports) ? b.ports : []).forEach((port: unknown, j: number) => {
      const ppath = `${path}.ports[${j}]`;
      const spec = typeof port === 'string' ? { name: port } : isObject(port) ? port : undefined;
      if (!spec) return p.add(ppath, `expected a port name or { name, type }, got ${formatValue(port)}`);
      if (isObject(port)) p.keys(port, ['name', 'type'], ppath);
      const pname = p.check(() => validateIfname(spec.name, `${ppath}.name`));
      const type = spec.type ?? 'system';
      if (typeof type !== 'string' || !OVS_PORT_TYPES.includes(type)) return p.add(`${ppath}.type`, `expected ${OVS_PORT_TYPES.join(', ')}, got ${formatValue(type)}`);
      if (pname === undefined) return;
      claim(pname, ppath);
      const end = model.ends.get(endKey(ns, pname));
      if (type === 'system' && !end) p.add(ppath, `a system port is an existing device: no link ${pname} in ${nsLabel(ns)} (where ovs-vswitchd runs) in the topology`);
      if (type !== 'system' && end) p.add(ppath, `an ${type} port is a device ovs-vswitchd makes, but ${pname} is also ${end.path}`);
      if (end?.master) p.add(ppath, `${pname} already has a master (${end.master}): a device is a port of one switch`);
      bridge.ports.push({ name: pname, type: type as 'system' | 'internal' | 'tap' });
    });
    ovs.bridges.push(bridge);
  });
  model.ovs = ovs;
}

function toError(p: Problems): ValidationError {
  const [first, ...rest] = p.list as [TopologyProblem, ...TopologyProblem[]];
  const more = rest.length ? ` (and ${rest.length} more: ${rest.map((r) => `${r.path}: ${r.message}`).join('; ')})` : '';
  const error = new ValidationError(first.path, `${first.message}${more}`);
  Object.defineProperty(error, 'problems', { value: p.list, enumerable: true });
  return error;
}
