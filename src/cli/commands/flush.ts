/**
 * `rtnl address|route|neigh flush …` — as ip: the entries a filter selects
 * are deleted, and nothing is printed (ip prints only with -s, which this
 * command does not implement). A flush without a filter is refused, as ip
 * refuses it ("Flush requires arguments").
 */
import { flushAddresses, flushNeighbours, flushRoutes, type FlushAddressesOptions, type FlushNeighboursOptions, type FlushRoutesOptions } from '../../index.js';
import { type Args, unknownArg } from '../args.js';
import { type Context, ops } from '../context.js';
import { UsageError } from '../errors.js';

const noFilter = () => new UsageError('Flush requires arguments.');

/** `address flush [dev DEV] [scope S] [label L] [to PREFIX | PREFIX]` (with -4/-6). */
export async function addrFlush(ctx: Context, args: Args): Promise<number> {
  const o: FlushAddressesOptions = { ...ops(ctx), ...(ctx.family ? { family: ctx.family } : {}) };
  let any = ctx.family !== undefined;
  while (!args.done) {
    const a = args.next() as string;
    any = true;
    if (a === 'dev') o.link = args.value('dev');
    else if (a === 'scope') o.scope = args.value('scope');
    else if (a === 'label') o.label = args.value('label');
    else if (a === 'to') o.to = args.value('to');
    else if (/^[0-9a-f.:]+(\/\d+)?$/i.test(a)) o.to = a;
    else if (o.link === undefined) o.link = a;
    else throw unknownArg(a, 'address');
  }
  if (!any) throw noFilter();
  await flushAddresses(o);
  return 0;
}

/** `route flush [dev DEV] [table T] [proto P] [root|to PREFIX | PREFIX]` (with -4/-6). */
export async function routeFlush(ctx: Context, args: Args): Promise<number> {
  const o: FlushRoutesOptions = { ...ops(ctx), ...(ctx.family ? { family: ctx.family } : {}) };
  let any = ctx.family !== undefined;
  while (!args.done) {
    const a = args.next() as string;
    any = true;
    if (a === 'dev' || a === 'oif') o.link = args.value(a);
    else if (a === 'table') o.table = /^\d+$/.test(args.peek() ?? '') ? Number(args.next()) : args.value('table');
    else if (a === 'proto' || a === 'protocol') o.protocol = args.value(a);
    else if (a === 'root' || a === 'to') o.to = args.value(a);
    else if (/^[0-9a-f.:]+(\/\d+)?$/i.test(a)) o.to = a;
    else throw unknownArg(a, 'route');
  }
  if (!any) throw noFilter();
  await flushRoutes(o);
  return 0;
}

/** `neigh flush [dev DEV] [nud all] [to PREFIX | PREFIX]` (with -4/-6). */
export async function neighFlush(ctx: Context, args: Args): Promise<number> {
  const o: FlushNeighboursOptions = { ...ops(ctx), ...(ctx.family ? { family: ctx.family } : {}) };
  let any = ctx.family !== undefined;
  while (!args.done) {
    const a = args.next() as string;
    any = true;
    if (a === 'dev') o.link = args.value('dev');
    else if (a === 'nud') {
      const v = args.value('nud');
      if (v !== 'all') throw new UsageError(`Error: only "nud all" is supported here, not "nud ${v}".`);
      o.all = true;
    } else if (a === 'to') o.to = args.value('to');
    else if (/^[0-9a-f.:]+(\/\d+)?$/i.test(a)) o.to = a;
    else throw unknownArg(a, 'neigh');
  }
  if (!any) throw noFilter();
  await flushNeighbours(o);
  return 0;
}
