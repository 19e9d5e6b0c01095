/**
 * The changes a plan is made of, as plain data: what `apply` sends, what its
 * journal records and what `revert` and `recover` undo. A change carries
 * what undoing it needs (`from`: the settings it replaces), so a journal
 * alone is enough to put things back after a crash.
 */
import type { NsKey } from './model.js';
import type { RuleSpec } from '../ops/rules/index.js';

/** Link settings a `set` change writes (and, in `from`, the values they replace). */
export interface LinkSettings {
  up?: boolean;
  mtu?: number;
  address?: string;
  /** The master's name; null: no master. */
  master?: string | null;
  /** The kind's settings (`{ kind, …fields }`), as setLink's `info`. */
  info?: Record<string, unknown>;
}

/** A route as addRoute takes it, with names for devices. */
export interface RouteFields {
  /** Canonical: `default` or `network/len`. */
  dst: string;
  family: 'inet' | 'inet6';
  table: number;
  /** The kernel's metric for the route: given, or the family's default (IPv4 0, IPv6 1024). */
  metric: number;
  gateway?: string;
  dev?: string;
  scope?: string;
  type?: string;
  src?: string;
  onlink?: boolean;
  protocol?: string;
}

/** A link to create: its kind, its end's settings, its peer end, its lower device, the kind's options. */
export interface CreateLinkSpec {
  kind: string;
  mtu?: number;
  address?: string;
  peer?: { name: string; netns: NsKey; mtu?: number; address?: string };
  lower?: { name: string; netns: NsKey };
  options: Record<string, unknown>;
}

/** Where an OVS change goes: ovsdb-server's socket (absent: OVS's default) and whether to wait for ovs-vswitchd. */
export interface OvsTarget {
  socket?: string;
  wait: boolean;
}

/** One change of a plan. `netns` is a topology namespace's name, or '' for the namespace the call acts in. */
export type TopologyChange =
  | { action: 'create' | 'delete'; object: 'netns'; netns: string }
  | { action: 'create'; object: 'link'; netns: NsKey; name: string; spec: CreateLinkSpec }
  | { action: 'set'; object: 'link'; netns: NsKey; name: string; to: LinkSettings; from?: LinkSettings }
  | { action: 'move'; object: 'link'; netns: NsKey; name: string; to: NsKey; kind?: string }
  | { action: 'delete'; object: 'link'; netns: NsKey; name: string; kind?: string }
  | { action: 'create' | 'delete'; object: 'address'; netns: NsKey; dev: string; address: string }
  | { action: 'create' | 'replace' | 'delete'; object: 'route'; netns: NsKey; route: RouteFields; from?: RouteFields }
  | { action: 'create' | 'delete'; object: 'ovs-bridge'; bridge: string; datapathType?: 'netdev' | 'system'; ovs: OvsTarget }
  | { action: 'create' | 'delete'; object: 'ovs-port'; bridge: string; port: string; type: 'system' | 'internal' | 'tap'; ovs: OvsTarget }
  | { action: 'create' | 'delete'; object: 'rule'; netns: NsKey; rule: RuleSpec }
  | { action: 'create' | 'replace' | 'delete'; object: 'neighbour'; netns: NsKey; dev: string; address: string; lladdr: string; from?: { lladdr: string } };

const where = (ns: NsKey): string => (ns === '' ? '' : ` in ${ns}`);

function settingsText(s: LinkSettings): string {
  const parts: string[] = [];
  if (s.master !== undefined) parts.push(s.master === null ? 'nomaster' : `master ${s.master}`);
  if (s.mtu !== undefined) parts.push(`mtu ${s.mtu}`);
  if (s.address !== undefined) parts.push(`address ${s.address}`);
  if (s.info !== undefined) parts.push(`${String(s.info.kind)} ${Object.entries(s.info).filter(([k]) => k !== 'kind').map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(' ')}`);
  if (s.up !== undefined) parts.push(s.up ? 'up' : 'down');
  return parts.join(' ');
}

function routeText(r: RouteFields): string {
  const parts = [r.type && r.type !== 'unicast' ? `${r.type} ${r.dst}` : r.dst];
  if (r.gateway) parts.push(`via ${r.gateway}`);
  if (r.dev) parts.push(`dev ${r.dev}`);
  if (r.table !== 254) parts.push(`table ${r.table}`);
  if (r.metric !== 0 && !(r.family === 'inet6' && r.metric === 1024)) parts.push(`metric ${r.metric}`);
  if (r.src) parts.push(`src ${r.src}`);
  return parts.join(' ');
}

/** A rule in `ip rule`'s words: its selectors, then `pref`, `lookup` and the action. */
function ruleText(r: RuleSpec): string {
  const port = (p: RuleSpec['sport']) => (typeof p === 'number' ? String(p) : p ? `${p.start}${p.end !== undefined && p.end !== p.start ? `-${p.end}` : ''}` : '');
  const parts: string[] = [];
  if (r.invert) parts.push('not');
  if (r.from !== undefined) parts.push(`from ${r.from}`);
  if (r.to !== undefined) parts.push(`to ${r.to}`);
  if (r.iif !== undefined) parts.push(`iif ${r.iif}`);
  if (r.oif !== undefined) parts.push(`oif ${r.oif}`);
  if (r.fwmark !== undefined) parts.push(`fwmark 0x${r.fwmark.toString(16)}${r.fwmask !== undefined ? `/0x${r.fwmask.toString(16)}` : ''}`);
  if (r.ipProto !== undefined) parts.push(`ipproto ${r.ipProto}`);
  if (r.sport !== undefined) parts.push(`sport ${port(r.sport)}`);
  if (r.dport !== undefined) parts.push(`dport ${port(r.dport)}`);
  if (r.uidRange !== undefined) parts.push(`uidrange ${r.uidRange.start}-${r.uidRange.end}`);
  if (r.l3mdev) parts.push('l3mdev');
  if (r.priority !== undefined) parts.push(`pref ${r.priority}`);
  if (r.table !== undefined) parts.push(`lookup ${r.table}`);
  if (r.action !== undefined && r.action !== 'to_tbl') parts.push(r.action);
  return parts.join(' ') || 'all';
}

/** One line for a change, in ip's words: `create link veth0 type veth peer eth0 in a`. */
export function describeChange(c: TopologyChange): string {
  switch (c.object) {
    case 'netns':
      return `${c.action} netns ${c.netns}`;
    case 'link':
      if (c.action === 'create') {
        const s = c.spec;
        const extra = [
          s.peer ? `peer ${s.peer.name}${where(s.peer.netns)}` : '',
          s.lower ? `link ${s.lower.name}${s.lower.netns === c.netns ? '' : where(s.lower.netns)}` : '',
          ...Object.entries(s.options).map(([k, v]) => `${k} ${JSON.stringify(v)}`),
          s.mtu !== undefined ? `mtu ${s.mtu}` : '',
          s.address !== undefined ? `address ${s.address}` : '',
        ].filter(Boolean);
        return `create link ${c.name}${where(c.netns)} type ${s.kind}${extra.length ? ` ${extra.join(' ')}` : ''}`;
      }
      if (c.action === 'set') return `set link ${c.name}${where(c.netns)} ${settingsText(c.to)}${c.from ? ` (was ${settingsText(c.from)})` : ''}`;
      if (c.action === 'move') return `move link ${c.name}${where(c.netns)} to ${c.to === '' ? 'the current namespace' : c.to}`;
      return `delete link ${c.name}${where(c.netns)}${c.kind ? ` (${c.kind})` : ''}`;
    case 'address':
      return `${c.action} address ${c.address} dev ${c.dev}${where(c.netns)}`;
    case 'route':
      return `${c.action} route ${routeText(c.route)}${where(c.netns)}${c.from ? ` (was ${routeText(c.from)})` : ''}`;
    case 'ovs-bridge':
      return `${c.action} ovs bridge ${c.bridge}${c.datapathType ? ` datapath_type ${c.datapathType}` : ''}`;
    case 'ovs-port':
      return `${c.action} ovs port ${c.port} on ${c.bridge}${c.type === 'system' ? '' : ` type ${c.type}`}`;
    case 'rule':
      return `${c.action} rule ${ruleText(c.rule)}${where(c.netns)}`;
    case 'neighbour':
      return `${c.action} neighbour ${c.address} lladdr ${c.lladdr} dev ${c.dev}${where(c.netns)}${c.from ? ` (was ${c.from.lladdr})` : ''}`;
  }
}

