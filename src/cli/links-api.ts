/**
 * The link operations behind `rtnl link` and `rtnl tuntap`, translated
 * from ip's vocabulary (what the command line says) to the library's
 * options: `netns` on `link add` names where the device is born, ip's
 * bridge times are centiseconds while the API takes seconds, `nomaster`
 * is `master: null`, `link set … netns NS` is `moveToNetns`.
 */
import { type CreateLinkCommon, type CreateNetkitPairOptions, type NetkitPolicy, type NetkitScrub, createBridge, createLink, createNetkitPair, createVethPair, deleteLink, deleteLinks, getLink, listLinks, setLink, type CreateBridgeOptions, type CreateVethPairOptions, type SetLinkOptions } from '../index.js';
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

export interface NetkitIntent extends VethIntent {
  /** mode, policy, scrub (ip's words, the library's values). */
  options: { mode?: string; policy?: string; scrub?: string };
  peer: LinkCommon & { name?: string; policy?: string; scrub?: string };
}

export interface BridgeIntent extends LinkCommon {
  name: string;
  master?: string;
  up?: boolean;
  /** The library's bridge options, parsed from ip's (kind-options.ts). */
  options: Record<string, unknown>;
}

export interface SetIntent {
  dev: string;
  up?: boolean;
  /** promisc, allmulticast, multicast, arp on|off. */
  flags?: { promisc?: boolean; allmulticast?: boolean; multicast?: boolean; arp?: boolean };
  /** null: `nomaster`. */
  master?: string | null;
  netns?: string;
  mtu?: number;
  name?: string;
  address?: string;
  txqlen?: number;
  alias?: string;
  group?: number;
  /** `type MASTER_slave OPT VAL …`: port options, as setLink's `port`. */
  port?: { kind: string } & Record<string, unknown>;
  /** `type KIND OPT VAL …`: the kind's options, as setLink's `info`. */
  info?: { kind: string } & Record<string, unknown>;
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
  // The kernel numbers a peer name left to it: veth0, veth1 … (as ip).
  await createVethPair(pairOptions(ctx, i, 'veth%d'));
}

/** `ip link add nk0 type netkit [mode l2] [blackhole] peer [blackhole] name nk1 …`, with veth's namespace rules. */
export async function addNetkit(ctx: Context, i: NetkitIntent): Promise<void> {
  // netkit_new_link names an unnamed peer "nk%d".
  const o = pairOptions(ctx, i, 'nk%d') as CreateNetkitPairOptions;
  Object.assign(o, i.options);
  if (i.peer.policy !== undefined) o.peer.policy = i.peer.policy as NetkitPolicy;
  if (i.peer.scrub !== undefined) o.peer.scrub = i.peer.scrub as NetkitScrub;
  await createNetkitPair(o);
}

/** The options of a pair (veth, netkit) from the command's words. */
function pairOptions(ctx: Context, i: VethIntent, peerTemplate: string): CreateVethPairOptions {
  const o: CreateVethPairOptions = { name: i.name, peer: { name: i.peer.name ?? peerTemplate } };
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
  return o;
}

export async function addBridge(ctx: Context, i: BridgeIntent): Promise<void> {
  if (i.master !== undefined) throw new UsageError('Error: a bridge cannot be enslaved to a master here.');
  const o: Record<string, unknown> = { ...i.options };
  if (i.netns !== undefined) o['netns'] = i.netns;
  else if (ctx.netns !== undefined) o['netns'] = ctx.netns;
  if (i.mtu !== undefined) o['mtu'] = i.mtu;
  if (i.address !== undefined) o['address'] = i.address;
  if (i.txqlen !== undefined) o['txQueueLen'] = i.txqlen;
  if (i.up !== undefined) o['up'] = i.up;
  await createBridge(i.name, o as CreateBridgeOptions);
}

/**
 * `ip link add [link PARENT] NAME [netns NS] type KIND OPT VAL …` for the
 * kinds without a dedicated verb: the lower device is looked up where the
 * command acts, and `netns` (after the name) is where the new device is
 * born, as for veth.
 */
export async function addKindLink(ctx: Context, kind: string, i: LinkCommon & { name: string; master?: string; up?: boolean; parent?: string }, options: Record<string, unknown>): Promise<void> {
  const o: CreateLinkCommon & Record<string, unknown> = { ...options, name: i.name };
  if (ctx.netns !== undefined) o.netns = ctx.netns;
  if (i.netns !== undefined) o.targetNetns = i.netns;
  if (i.parent !== undefined) o.link = i.parent;
  if (i.mtu !== undefined) o.mtu = i.mtu;
  if (i.address !== undefined) o.address = i.address;
  if (i.txqlen !== undefined) o.txQueueLen = i.txqlen;
  if (i.master !== undefined) o.master = i.master;
  if (i.up !== undefined) o.up = i.up;
  await createLink(kind, o);
}

export async function setLinkByName(ctx: Context, i: SetIntent): Promise<void> {
  const o: SetLinkOptions = { ...ops(ctx) };
  if (i.up !== undefined) o.up = i.up;
  if (i.flags) Object.assign(o, i.flags);
  if (i.master !== undefined) o.master = i.master;
  if (i.netns !== undefined) o.moveToNetns = i.netns;
  if (i.mtu !== undefined) o.mtu = i.mtu;
  if (i.name !== undefined) o.name = i.name;
  if (i.address !== undefined) o.address = i.address;
  if (i.txqlen !== undefined) o.txQueueLen = i.txqlen;
  if (i.alias !== undefined) o.alias = i.alias;
  if (i.group !== undefined) o.group = i.group;
  if (i.port !== undefined) o.port = i.port as SetLinkOptions['port'] & object;
  if (i.info !== undefined) {
    // ip changes one part of an IPv6 tunnel's flow information and keeps the other: the link's current value fills it in.
    const fi = i.info['flowinfo'] as { tclass?: number; flowlabel?: number } | undefined;
    if (fi && (fi.tclass === undefined || fi.flowlabel === undefined)) {
      const now = ((await getLink(i.dev, ops(ctx))).info as { flowinfo?: { tclass: number; flowlabel: number } } | undefined)?.flowinfo;
      i.info['flowinfo'] = { tclass: fi.tclass ?? now?.tclass ?? 0, flowlabel: fi.flowlabel ?? now?.flowlabel ?? 0 };
    }
    o.info = i.info as SetLinkOptions['info'] & object;
  }
  await setLink(i.dev, o);
}

export async function deleteLinkByName(ctx: Context, name: string): Promise<void> {
  await deleteLink(name, ops(ctx));
}

export async function deleteLinksInGroup(ctx: Context, group: number): Promise<void> {
  await deleteLinks({ group }, ops(ctx));
}
