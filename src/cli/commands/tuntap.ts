/**
 * `rtnl tuntap add|del|show` — persistent TAP devices, as `ip tuntap`.
 * The kernel makes TUN/TAP devices only through /dev/net/tun (not over
 * rtnetlink), which createTap does; TUN (layer-3) devices are not offered
 * by this package.
 */
import { createTap } from '../../index.js';
import { Args, isHelp, pick, unknownArg } from '../args.js';
import { type Context, ops, printJson } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { kindsOf } from '../format/link.js';
import { IFF_TUN, type TunAttrs } from '../../wire.js';
import { deleteLinkByName, listLinkMessages } from '../links-api.js';
import { groupId, userId } from '../users.js';

export const TUNTAP_HELP = `Usage: rtnl tuntap { add | del | show | list | lst | help } [ dev ] NAME
       [ mode tap ] [ user USER ] [ group GROUP ] [ multi_queue ] [ vnet_hdr ]
Where: USER  := { STRING | NUMBER }
       GROUP := { STRING | NUMBER }
Only "mode tap" (Ethernet frames) is supported; the device is persistent.
`;

export async function tuntapCommand(ctx: Context, args: Args): Promise<number> {
  const verb = args.next();
  if (isHelp(verb) || isHelp(args.peek())) {
    ctx.stdout(TUNTAP_HELP);
    return 0;
  }
  const which = verb === undefined ? 'show' : pick(verb, ['add', 'delete', 'show', 'list', 'lst'] as const);
  switch (which) {
    case 'add':
    case 'delete':
      return modify(ctx, args, which);
    case 'show':
    case 'list':
    case 'lst':
      return show(ctx);
    default:
      throw new UsageError(`Command "${verb}" is unknown, try "rtnl tuntap help".`);
  }
}

async function modify(ctx: Context, args: Args, verb: 'add' | 'delete'): Promise<number> {
  let name: string | undefined;
  let mode: string | undefined;
  let owner: number | undefined;
  let group: number | undefined;
  let multiQueue = false;
  let vnetHdr = false;
  while (!args.done) {
    const a = args.next() as string;
    if (a === 'mode') mode = args.value('mode');
    else if (a === 'user') {
      const u = args.value('user');
      owner = userId(u);
      if (owner === undefined) throw new UsageError(`invalid user "${u}"`);
    } else if (a === 'group') {
      const g = args.value('group');
      group = groupId(g);
      if (group === undefined) throw new UsageError(`invalid group "${g}"`);
    } else if (a === 'multi_queue') multiQueue = true;
    else if (a === 'vnet_hdr') vnetHdr = true;
    else if (a === 'pi' || a === 'one_queue') throw new UsageError(`Error: "${a}" is not supported: TAP devices here carry bare Ethernet frames (IFF_NO_PI).`);
    else if (a === 'dev' || a === 'name') name = args.value(a);
    else if (name === undefined) name = a;
    else throw unknownArg(a, 'tuntap');
  }
  if (name === undefined) throw new UsageError('Error: a device name is required.');
  if (mode === undefined) throw new UsageError('You failed to specify a tunnel mode');
  if (mode !== 'tap') throw new UsageError(`Error: mode "${mode}" is not supported: only "tap" devices are offered.`);
  if (verb === 'add') {
    const o: Parameters<typeof createTap>[1] = { ...ops(ctx), multiQueue, vnetHdr };
    if (owner !== undefined) o.owner = owner;
    if (group !== undefined) o.group = group;
    await createTap(name, o);
    return 0;
  }
  await deleteLinkByName(ctx, name);
  return 0;
}

/** `ip tuntap show`: `NAME: tap [one_queue] [pi] [vnet_hdr] [multi_queue] [persist] [user U] [group G]`. */
async function show(ctx: Context): Promise<number> {
  const links = (await listLinkMessages(ctx)).filter((l) => kindsOf(l).kind === 'tun');
  const rows: { ifname: string; flags: string[]; user?: number; group?: number }[] = [];
  for (const l of links) {
    const name = l.attrs.ifname ?? '';
    const li = l.attrs.linkinfo?.data;
    const data = (li instanceof Uint8Array ? undefined : li) as TunAttrs | undefined;
    const flags: string[] = [];
    flags.push(data?.type === IFF_TUN ? 'tun' : 'tap');
    if (data?.pi) flags.push('pi');
    if (data?.vnetHdr) flags.push('vnet_hdr');
    if (data?.multiQueue) flags.push('multi_queue');
    if (data?.persist) flags.push('persist');
    const row: (typeof rows)[number] = { ifname: name, flags };
    if (data?.owner !== undefined) row.user = data.owner;
    if (data?.group !== undefined) row.group = data.group;
    rows.push(row);
  }
  if (ctx.json) {
    printJson(ctx, rows as never);
    return 0;
  }
  if (!rows.length && ctx.details) throw new CliError('No tun/tap devices', 0);
  for (const r of rows) {
    let line = `${r.ifname}: ${r.flags.join(' ')}`;
    if (r.user !== undefined) line += ` user ${r.user}`;
    if (r.group !== undefined) line += ` group ${r.group}`;
    ctx.stdout(line + '\n');
  }
  return 0;
}
