/**
 * `rtnl netns add|del|list|set|list-id` — named network namespaces, as
 * `ip netns` keeps them under /run/netns. (`ip netns exec` runs a program;
 * this package never starts processes, so it has no `exec`.)
 */
import { createNetns, deleteNetns, identifyNetns, listNetns, listNsids, netnsPids, setNsid } from '../../index.js';
import { Args, isHelp, pick, unknownArg } from '../args.js';
import { type Context, ops, printJson } from '../context.js';
import { UsageError } from '../errors.js';
import type { JsonObject } from '../json.js';

export const NETNS_HELP = `Usage: rtnl netns list
       rtnl netns add NAME
       rtnl netns { delete | del } NAME
       rtnl netns set NAME NETNSID
       rtnl netns list-id
       rtnl netns identify [ PID ]
       rtnl netns pids NAME
NETNSID := auto | POSITIVE-INT

"netns exec" is not offered: running a program is outside what this
package does (it starts no processes); use ip netns exec, or runInNetns()
of the library for code of your own.

"-n NS" makes list, set and list-id ask from inside NS (the ids are per namespace).
`;

export async function netnsCommand(ctx: Context, args: Args): Promise<number> {
  const verb = args.next();
  if (verb === undefined) return list(ctx, args);
  if (isHelp(verb)) {
    ctx.stdout(NETNS_HELP);
    return 0;
  }
  const which = pick(verb, ['list', 'show', 'lst', 'add', 'delete', 'set', 'list-id', 'identify', 'pids'] as const);
  // ip spells the listing `list`; `show` is accepted as everywhere else.
  if (which === 'list' || which === 'show' || which === 'lst') return list(ctx, args);
  if (verb === 'list-id') return listIds(ctx, args);
  if (which === 'add') {
    const name = nameArg(ctx, args, 'add');
    if (name === undefined) return 0;
    await createNetns(name);
    return 0;
  }
  if (which === 'delete' || verb === 'del') {
    const name = nameArg(ctx, args, 'delete');
    if (name === undefined) return 0;
    await deleteNetns(name);
    return 0;
  }
  if (which === 'identify') {
    const p = args.next();
    if (p !== undefined && !/^\d+$/.test(p)) throw new UsageError(`Invalid pid: "${p}"`);
    for (const n of identifyNetns(p === undefined ? 'self' : Number(p))) ctx.stdout(`${n}\n`);
    return 0;
  }
  if (which === 'pids') {
    const name = nameArg(ctx, args, 'pids');
    if (name === undefined) return 0;
    for (const p of netnsPids(name)) ctx.stdout(`${p}\n`);
    return 0;
  }
  if (which === 'set') {
    const name = nameArg(ctx, args, 'set');
    if (name === undefined) return 0;
    const id = args.value('set NAME');
    if (id !== 'auto' && !/^\d+$/.test(id)) throw new UsageError(`Error: invalid netns id "${id}": auto or a positive integer`);
    await setNsid(name, id === 'auto' ? 'auto' : Number(id), ops(ctx));
    return 0;
  }
  throw new UsageError(`Command "${verb}" is unknown, try "rtnl netns help".`);
}

function nameArg(ctx: Context, args: Args, verb: string): string | undefined {
  const name = args.next();
  if (isHelp(name)) {
    ctx.stdout(NETNS_HELP);
    return undefined;
  }
  if (name === undefined) throw new UsageError(`No netns name specified`, `Try "rtnl netns help".`);
  if (!args.done && !(verb === 'set')) throw unknownArg(args.next() as string, 'netns');
  return name;
}

async function list(ctx: Context, args: Args): Promise<number> {
  if (isHelp(args.peek())) {
    ctx.stdout(NETNS_HELP);
    return 0;
  }
  if (!args.done) throw unknownArg(args.next() as string, 'netns');
  const all = await listNetns(ops(ctx));
  if (ctx.json) {
    printJson(
      ctx,
      all.map((n) => {
        const o: JsonObject = { name: n.name };
        if (n.nsid !== undefined) o['id'] = n.nsid;
        return o;
      }),
    );
    return 0;
  }
  for (const n of all) ctx.stdout(n.nsid === undefined ? `${n.name}\n` : `${n.name} (id: ${n.nsid})\n`);
  return 0;
}

async function listIds(ctx: Context, args: Args): Promise<number> {
  if (isHelp(args.peek())) {
    ctx.stdout(NETNS_HELP);
    return 0;
  }
  if (!args.done) throw unknownArg(args.next() as string, 'netns');
  const ids = await listNsids(ops(ctx));
  if (ctx.json) {
    printJson(
      ctx,
      ids.map((e) => {
        const o: JsonObject = { nsid: e.nsid };
        if (e.name !== undefined) o['name'] = e.name;
        return o;
      }),
    );
    return 0;
  }
  for (const e of ids) ctx.stdout(e.name === undefined ? `nsid ${e.nsid}\n` : `nsid ${e.nsid} (iproute2 netns name: ${e.name})\n`);
  return 0;
}
