/**
 * The link operations behind `rtnl link` and `rtnl tuntap`, translated
 * from ip's vocabulary (what the command line says) to the library's
 * options: `netns` on `link add` names where the device is born, ip's
 * bridge times are centiseconds while the API takes seconds, `nomaster`
 * is `master: null`, `link set … netns NS` is `moveToNetns`.
 */
import { createBridge, createVethPair, deleteLink, deleteLinks, listLinks, setLink, type CreateBridgeOptions, type CreateVethPairOptions, type SetLinkOptions } from '../index.js';
import type { NetnsRef } from '../wire.js';
import { type Context, ops } from './context.js';
import { UsageError } from './errors.js';
import type { LinkMsg } from './format/link.js';

/** Every link of the namespace as the decoded message the printers read (a `Link` carries header and attrs). */
export async function listLinkMessages(ctx: Context): Promise<LinkMsg[]> {
  return listLinks(ops(ctx));
}

/** Options that a link and a veth peer share. */
export interface LinkCommon {
  address?: string;
  mtu?: number;
  netns?: string;
  txqlen?: number;
}

export interface VethIntent extends LinkCommon {
  name: string;
  master?: string;
  up?: boolean;
  peer: LinkCommon & { name?: string };
}

export interface BridgeIntent extends LinkCommon {
  name: string;
  master?: string;
  up?: boolean;
  /** ip's option names and values (times in centiseconds). */
  options: Record<string, number | string>;
}

export interface SetIntent {
  dev: string;
  up?: boolean;
  /** null: `nomaster`. */
  master?: string | null;
  netns?: string;
  mtu?: number;
  name?: string;
  address?: string;
  txqlen?: number;
  alias?: string;
  group?: number;
}

/** The namespace the command acts in, as a reference usable from inside another one. */
function here(ctx: Context): NetnsRef {
  return ctx.netns ?? { pid: process.pid };
}

/**
 * `ip -n A link add v0 [netns B] type veth peer name v1 [netns C]`: v0 is
 * born in B (default A), v1 in C (default A — the namespace of the request,
 * which is where ip's kernel request puts a peer without IFLA_NET_NS_FD).
 */
export async function addVeth(ctx: Context, i: VethIntent): Promise<void> {
  const o: CreateVethPairOptions = {
    name: i.name,
    // The kernel numbers a peer name left to it: veth0, veth1 … (as ip).
    peer: { name: i.peer.name ?? 'veth%d' },
  };
  if (i.netns !== undefined) {
    o.netns = i.netns;
    o.peer.netns = i.peer.netns ?? here(ctx);
  } else {
    if (ctx.netns !== undefined) o.netns = ctx.netns;
    if (i.peer.netns !== undefined) o.peer.netns = i.peer.netns;
  }
  if (i.mtu !== undefined) o.mtu = i.mtu;
  if (i.address !== undefined) o.address = i.address;
  if (i.txqlen !== undefined) o.txQueueLen = i.txqlen;
  if (i.master !== undefined) o.master = i.master;
  if (i.up !== undefined) o.up = i.up;
  if (i.peer.mtu !== undefined) o.peer.mtu = i.peer.mtu;
  if (i.peer.address !== undefined) o.peer.address = i.peer.address;
  if (i.peer.txqlen !== undefined) o.peer.txQueueLen = i.peer.txqlen;
  await createVethPair(o);
}

type BridgeKey = keyof CreateBridgeOptions;
/** ip's bridge option → [API option, conversion]. `cs`: centiseconds → seconds; `bool`: 0/1 → boolean. */
const BRIDGE_MAP: Record<string, [BridgeKey, 'n' | 'cs' | 'bool' | 's']> = {
  forward_delay: ['forwardDelay', 'cs'],
  hello_time: ['helloTime', 'cs'],
  max_age: ['maxAge', 'cs'],
  ageing_time: ['ageingTime', 'cs'],
  stp_state: ['stp', 'bool'],
  priority: ['priority', 'n'],
  vlan_filtering: ['vlanFiltering', 'bool'],
  vlan_default_pvid: ['defaultPvid', 'n'],
  group_fwd_mask: ['groupFwdMask', 'n'],
  group_address: ['groupAddress', 's'],
  mcast_snooping: ['multicastSnooping', 'bool'],
  mcast_router: ['multicastRouter', 'n'],
  mcast_query_use_ifaddr: ['multicastQueryUseIfaddr', 'bool'],
  mcast_querier: ['multicastQuerier', 'bool'],
  mcast_hash_max: ['multicastHashMax', 'n'],
  mcast_last_member_count: ['multicastLastMemberCount', 'n'],
  mcast_startup_query_count: ['multicastStartupQueryCount', 'n'],
  mcast_last_member_interval: ['multicastLastMemberInterval', 'cs'],
  mcast_membership_interval: ['multicastMembershipInterval', 'cs'],
  mcast_querier_interval: ['multicastQuerierInterval', 'cs'],
  mcast_query_interval: ['multicastQueryInterval', 'cs'],
  mcast_query_response_interval: ['multicastQueryResponseInterval', 'cs'],
  mcast_startup_query_interval: ['multicastStartupQueryInterval', 'cs'],
  mcast_stats_enabled: ['multicastStatsEnabled', 'bool'],
  mcast_igmp_version: ['multicastIgmpVersion', 'n'],
  mcast_mld_version: ['multicastMldVersion', 'n'],
  nf_call_iptables: ['nfCallIptables', 'bool'],
  nf_call_ip6tables: ['nfCallIp6tables', 'bool'],
  nf_call_arptables: ['nfCallArptables', 'bool'],
  vlan_stats_enabled: ['vlanStatsEnabled', 'bool'],
  vlan_stats_per_port: ['vlanStatsPerPort', 'bool'],
  fdb_max_learned: ['fdbMaxLearned', 'n'],
};

export const BRIDGE_OPTION_NAMES = Object.keys(BRIDGE_MAP);

export async function addBridge(ctx: Context, i: BridgeIntent): Promise<void> {
  if (i.master !== undefined) throw new UsageError('Error: a bridge cannot be enslaved to a master here.');
  const o: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(i.options)) {
    const m = BRIDGE_MAP[name];
    if (!m) throw new UsageError(`Error: bridge option "${name}" is not supported.`);
    const [key, conv] = m;
    o[key] = conv === 'cs' ? Number(value) / 100 : conv === 'bool' ? Number(value) !== 0 : value;
  }
  if (i.netns !== undefined) o['netns'] = i.netns;
  else if (ctx.netns !== undefined) o['netns'] = ctx.netns;
  if (i.mtu !== undefined) o['mtu'] = i.mtu;
  if (i.address !== undefined) o['address'] = i.address;
  if (i.txqlen !== undefined) o['txQueueLen'] = i.txqlen;
  if (i.up !== undefined) o['up'] = i.up;
  await createBridge(i.name, o as CreateBridgeOptions);
}

export async function setLinkByName(ctx: Context, i: SetIntent): Promise<void> {
  const o: SetLinkOptions = { ...ops(ctx) };
  if (i.up !== undefined) o.up = i.up;
  if (i.master !== undefined) o.master = i.master;
  if (i.netns !== undefined) o.moveToNetns = i.netns;
  if (i.mtu !== undefined) o.mtu = i.mtu;
  if (i.name !== undefined) o.name = i.name;
  if (i.address !== undefined) o.address = i.address;
  if (i.txqlen !== undefined) o.txQueueLen = i.txqlen;
  if (i.alias !== undefined) o.alias = i.alias;
  if (i.group !== undefined) o.group = i.group;
  await setLink(i.dev, o);
}

export async function deleteLinkByName(ctx: Context, name: string): Promise<void> {
  await deleteLink(name, ops(ctx));
}

export async function deleteLinksInGroup(ctx: Context, group: number): Promise<void> {
  await deleteLinks({ group }, ops(ctx));
}
