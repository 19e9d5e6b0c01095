/**
 * `rtnl link show|add|set|del` — network devices, as `ip link`.
 *
 *   link add NAME type veth peer name PEER [netns NS]
 *   link add NAME type netkit [mode l2|l3] [forward|blackhole] [scrub none|default] peer [forward|blackhole] [name] PEER …
 *   link add NAME type bridge [stp_state 1] [forward_delay 400] …
 *   link set DEV up|down|master BR|nomaster|netns NS|mtu N|name NEW|address MAC
 *   link del DEV | link del group N
 */
import { Args, isHelp, matches, onOff, pick, unknownArg } from '../args.js';
import { type Context } from '../context.js';
import { UsageError } from '../errors.js';
import { KIND_DEFS, SLAVE_KIND_DEFS, bridgeAttrs } from '../../wire.js';
import { ip6TunnelWord } from '../ip6-tunnel-words.js';
import { kindWord } from '../kind-words.js';
import { optionTakesValue, parseKindOption } from '../kind-options.js';
import { type BridgeIntent, type LinkCommon, type NetkitIntent, type SetIntent, type VethIntent, addBridge, addKindLink, addNetkit, addVeth, deleteLinkByName, deleteLinksInGroup, setLinkByName } from '../links-api.js';
import { linkShow } from './link-show.js';

export const LINK_HELP = `Usage: rtnl link add [ name ] NAME [ address LLADDR ] [ mtu MTU ] [ master BR ] [ up ]
                     type TYPE [ ARGS ]
       rtnl link { delete | del } { DEVICE | dev DEVICE | group DEVGROUP }
       rtnl link set { DEVICE | dev DEVICE }
                     [ { up | down } ] [ master BR | nomaster ] [ netns NETNSNAME ]
                     [ mtu MTU ] [ name NEWNAME ] [ address LLADDR ]
                     [ txqueuelen N ] [ alias NAME ] [ group GROUP ]
                     [ promisc { on | off } ] [ allmulticast { on | off } ]
                     [ multicast { on | off } ] [ arp { on | off } ]
                     [ type bridge_slave [ cost N ] [ priority N ] [ hairpin on|off ] … ]
                     [ type { bond_slave | vrf_slave } ARGS ] [ type TYPE ARGS ]  (TYPE's own settings)
       rtnl link show [ [dev] DEVICE ] [ type KIND ] [ master BR ] [ up ] [ group GROUP ]

TYPE := { veth | bridge | dummy | vlan | … }  (every kind this package models)
veth ARGS   := peer [ name ] PEER [ address LLADDR ] [ mtu MTU ] [ netns NETNSNAME ]
               (the peer is created directly inside NETNSNAME)
netkit ARGS := [ mode { l3 | l2 } ] [ forward | blackhole ] [ scrub { default | none } ]
               [ peer [ forward | blackhole ] [ scrub { default | none } ] [ name ] PEER
                 [ address LLADDR ] [ mtu MTU ] [ netns NETNSNAME ] ]
bridge ARGS := [ forward_delay CS ] [ hello_time CS ] [ max_age CS ] [ ageing_time CS ]
               [ stp_state 0|1 ] [ priority N ] [ vlan_filtering 0|1 ]
               [ group_fwd_mask MASK ] [ mcast_snooping 0|1 ] [ mcast_querier 0|1 ]
               [ nf_call_iptables 0|1 ] [ nf_call_ip6tables 0|1 ] [ nf_call_arptables 0|1 ]
               (times in centiseconds, as ip takes them: forward_delay 1500 = 15 s)
For TAP devices see "rtnl tuntap help".
`;

export async function linkCommand(ctx: Context, args: Args): Promise<number> {
  const verb = args.next();
  if (isHelp(verb) || isHelp(args.peek())) {
    ctx.stdout(LINK_HELP);
    return 0;
  }
  if (verb === undefined) return linkShow(ctx, args);
  const which = pick(verb, ['add', 'set', 'change', 'delete', 'show', 'list', 'lst'] as const);
  switch (which) {
    case 'add':
      return add(ctx, args);
    case 'set':
    case 'change':
      await setLinkByName(ctx, parseSet(args));
      return 0;
    case 'delete':
      return del(ctx, args);
    case 'show':
    case 'list':
    case 'lst':
      return linkShow(ctx, args);
    default:
      throw new UsageError(`Command "${verb}" is unknown, try "rtnl link help".`);
  }
}

/** Options shared by the link and a veth peer: address, mtu, netns. Returns false when `a` is not one. */
function common(a: string, args: Args, into: LinkCommon): boolean {
  if (a === 'address') into.address = args.value('address');
  else if (a === 'mtu') into.mtu = args.uint('mtu');
  else if (a === 'netns') into.netns = args.value('netns');
  else if (matches(a, 'txqueuelen') || a === 'qlen' || a === 'txqlen') into.txqlen = args.uint('txqueuelen');
  else return false;
  return true;
}

/** A peer's words (veth, netkit): `[name] PEER`, address, mtu, netns, txqueuelen — to the end of the command. */
function peerWords(args: Args, into: LinkCommon & { name?: string }): void {
  while (!args.done) {
    const a = args.next() as string;
    if (a === 'name') into.name = args.value('name');
    else if (common(a, args, into)) continue;
    else if (into.name === undefined) into.name = a;
    else throw unknownArg(a, 'link');
  }
}

async function add(ctx: Context, args: Args): Promise<number> {
  let name: string | undefined;
  let type: string | undefined;
  const link: LinkCommon & { master?: string; up?: boolean; parent?: string } = {};
  while (!args.done && type === undefined) {
    const a = args.next() as string;
    if (a === 'type') type = args.value('type');
    else if (a === 'name' || a === 'dev') name = args.value(a);
    else if (a === 'master') link.master = args.value('master');
    else if (a === 'link') link.parent = args.value('link');
    else if (a === 'up') link.up = true;
    else if (common(a, args, link)) continue;
    else if (name === undefined) name = a;
    else throw unknownArg(a, 'link');
  }
  if (type === undefined) throw new UsageError('Not enough information: "type" argument is required.');
  // No name: the kernel's own, KIND%d (rtnl_newlink), as for `ip link add type veth`.
  name ??= `${type}%d`;
  if (type === 'veth') {
    const intent: VethIntent = { ...link, name, peer: {} };
    if (!args.done) {
      const p = args.next() as string;
      if (p !== 'peer') throw unknownArg(p, 'link');
      peerWords(args, intent.peer);
    }
    await addVeth(ctx, intent);
    return 0;
  }
  if (type === 'netkit') {
    const intent: NetkitIntent = { ...link, name, peer: {}, options: {} };
    let peer = false;
    // As ip: the policy and scrub words after `peer` are the peer's, then its link options follow.
    while (!args.done) {
      const a = args.peek() as string;
      const into = peer ? intent.peer : intent.options;
      if (peer && a !== 'forward' && a !== 'blackhole' && a !== 'scrub') {
        peerWords(args, intent.peer);
        break;
      }
      args.next();
      if (a === 'forward' || a === 'blackhole') into.policy = a;
      else if (a === 'scrub') into.scrub = args.value('scrub');
      else if (a === 'mode') intent.options.mode = args.value('mode');
      else if (a === 'peer') peer = true;
      else throw unknownArg(a, 'link');
    }
    await addNetkit(ctx, intent);
    return 0;
  }
  if (type === 'bridge') {
    const intent: BridgeIntent = { ...link, name, options: {} };
    while (!args.done) {
      const a = args.next() as string;
      const [field, value] = parseKindOption(bridgeAttrs, a, args.value(a), intent.options);
      intent.options[field] = value;
    }
    await addBridge(ctx, intent);
    return 0;
  }
  const def = KIND_DEFS[type];
  if (def && Object.hasOwn(KIND_DEFS, type)) {
    const options: Record<string, unknown> = {};
    while (!args.done) {
      const a = args.next() as string;
      if (ip6TunnelWord(type, a, args, options) || kindWord(type, a, args, options)) continue;
      const [field, value] = parseKindOption(def.data, a, optionTakesValue(def.data, a) ? args.value(a) : '', options);
      options[field] = value;
    }
    await addKindLink(ctx, type, { ...link, name }, options);
    return 0;
  }
  throw new UsageError(`Error: link type "${type}" is not supported here (${['veth', 'bridge', ...Object.keys(KIND_DEFS).filter((k) => !['veth', 'bridge', 'tun'].includes(k))].join(', ')} are; TAP devices: rtnl tuntap add).`);
}


function parseSet(args: Args): SetIntent {
  let dev: string | undefined;
  const s: Omit<SetIntent, 'dev'> = {};
  while (!args.done) {
    const a = args.next() as string;
    if (a === 'up') s.up = true;
    else if (a === 'down') s.up = false;
    else if (a === 'promisc' || a === 'allmulticast' || a === 'multicast' || a === 'arp') (s.flags ??= {})[a] = onOff(a, args.value(a));
    else if (a === 'master') s.master = args.value('master');
    else if (a === 'nomaster') s.master = null;
    else if (a === 'netns') s.netns = args.value('netns');
    else if (a === 'mtu') s.mtu = args.uint('mtu');
    else if (a === 'name') s.name = args.value('name');
    else if (a === 'address') s.address = args.value('address');
    else if (matches(a, 'txqueuelen') || a === 'qlen' || a === 'txqlen') s.txqlen = args.uint('txqueuelen');
    else if (a === 'alias') s.alias = args.value('alias');
    else if (a === 'group') {
      const g = args.value('group');
      s.group = g === 'default' ? 0 : /^\d+$/.test(g) ? Number(g) : NaN;
      if (!Number.isInteger(s.group)) throw new UsageError(`Error: invalid group "${g}"`);
    } else if (a === 'type') {
      // `type bridge_slave OPT VAL …` (the port's options) or `type KIND OPT VAL …` (the kind's), to the end of the line (as ip).
      const t = args.value('type');
      const def = Object.hasOwn(KIND_DEFS, t) ? KIND_DEFS[t] : undefined;
      const master = t.endsWith('_slave') ? t.slice(0, -'_slave'.length) : undefined;
      const portDef = master !== undefined && Object.hasOwn(SLAVE_KIND_DEFS, master) ? SLAVE_KIND_DEFS[master] : undefined;
      if (!portDef && !def) throw new UsageError(`Error: "link set … type ${t}" is not supported here (${[...Object.keys(SLAVE_KIND_DEFS).map((k) => `${k}_slave`), ...Object.keys(KIND_DEFS)].join(', ')} are).`);
      const set = def ? def.data : (portDef as (typeof SLAVE_KIND_DEFS)[string]).data;
      const into: Record<string, unknown> = {};
      while (!args.done) {
        const o = args.next() as string;
        if (def && (ip6TunnelWord(t, o, args, into) || kindWord(t, o, args, into))) continue;
        const [field, value] = parseKindOption(set, o, optionTakesValue(set, o) ? args.value(o) : '', into);
        into[field] = value;
      }
      if (def) s.info = { kind: t, ...into };
      else s.port = { kind: master as string, ...into };
    } else if (a === 'dev') dev = args.value('dev');
    else if (dev === undefined) dev = a;
    else throw unknownArg(a, 'link');
  }
  if (dev === undefined) throw new UsageError('Not enough information: "dev" argument is required.');
  return { dev, ...s };
}

async function del(ctx: Context, args: Args): Promise<number> {
  let dev: string | undefined;
  let group: number | undefined;
  while (!args.done) {
    const a = args.next() as string;
    if (a === 'group') {
      const g = args.value('group');
      group = g === 'default' ? 0 : /^\d+$/.test(g) ? Number(g) : NaN;
      if (!Number.isInteger(group)) throw new UsageError(`Error: invalid group "${g}"`);
    } else if (a === 'dev') dev = args.value('dev');
    else if (dev === undefined) dev = a;
    else throw unknownArg(a, 'link');
  }
  if (group !== undefined) {
    if (dev !== undefined) throw new UsageError('Error: give either a device or a group, not both.');
    // ip refuses to delete group 0 (every device starts there, lo included).
    if (group === 0) throw new UsageError('Error: refusing to delete every device of group "default" (0).');
    await deleteLinksInGroup(ctx, group);
    return 0;
  }
  if (dev === undefined) throw new UsageError('Not enough information: "dev" argument is required.');
  await deleteLinkByName(ctx, dev);
  return 0;
}
