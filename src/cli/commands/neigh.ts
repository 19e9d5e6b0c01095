/**
 * `rtnl neigh show|add|del` — the ARP / NDP tables, as `ip neigh`.
 */
import { neighFlush } from './flush.js';
import { addNeighbour, deleteNeighbour, listNeighbours, type AddNeighbourOptions, type NeighbourState } from '../../index.js';
import { Args, isHelp, pick, unknownArg } from '../args.js';
import { type Context, ops, printJson } from '../context.js';
import { UsageError } from '../errors.js';
import { formatNeighbour } from '../format/neigh.js';

export const NEIGH_HELP = `Usage: rtnl neigh { show | list } [ dev DEV ] [ proxy ] [ nud { STATE | all } ]
       rtnl neigh { add | replace } ADDR [ lladdr LLADDR ] [ nud STATE ] [ router ] [ proxy ] dev DEV
       rtnl neigh del ADDR dev DEV [ proxy ]
STATE := { permanent | noarp | stale | reachable | delay | probe | failed | incomplete | none }
"-4" / "-6" restrict "show" to one family; "-s" adds the cache ages.
`;

export async function neighCommand(ctx: Context, args: Args): Promise<number> {
  const verb = args.next();
  if (isHelp(verb) || isHelp(args.peek())) {
    ctx.stdout(NEIGH_HELP);
    return 0;
  }
  const which = verb === undefined ? 'show' : pick(verb, ['add', 'delete', 'replace', 'show', 'list', 'lst', 'flush'] as const);
  switch (which) {
    case 'flush':
      return neighFlush(ctx, args);
    case 'show':
    case 'list':
    case 'lst':
      return show(ctx, args);
    case 'add':
    case 'replace':
    case 'delete':
      return modify(ctx, args, which);
    default:
      throw new UsageError(`Command "${verb}" is unknown, try "rtnl neigh help".`);
  }
}

async function show(ctx: Context, args: Args): Promise<number> {
  const o: Parameters<typeof listNeighbours>[0] = { ...ops(ctx) };
  // ip hides NOARP entries (multicast mappings the kernel makes itself) unless asked with `nud`.
  let states: string[] | 'all' = ['PERMANENT', 'REACHABLE', 'STALE', 'DELAY', 'PROBE', 'FAILED', 'INCOMPLETE'];
  let explicit = false;
  while (!args.done) {
    const a = args.next() as string;
    if (a === 'nud') {
      const v = args.value('nud');
      if (v === 'all') states = 'all';
      else {
        if (!explicit) states = [];
        if (states !== 'all') states.push(v.toUpperCase());
      }
      explicit = true;
    } else if (a === 'dev') o.link = args.value('dev');
    else if (a === 'proxy') o.proxy = true;
    else if (o.link === undefined && !a.startsWith('-')) o.link = a;
    else throw unknownArg(a, 'neigh');
  }
  if (ctx.family) o.family = ctx.family;
  const all = (await listNeighbours(o)).filter((n) => states === 'all' || n.state.some((s) => states.includes(s)) || (n.state.length === 0 && states.includes('NONE')));
  const filtered = o.link !== undefined;
  const outs = all.map((n) => formatNeighbour(n, { stats: ctx.stats }));
  if (ctx.json) {
    // ip leaves `dev` out when the listing is already filtered by device.
    printJson(
      ctx,
      outs.map((x) => {
        if (filtered) delete x.obj['dev'];
        return x.obj;
      }),
    );
  } else {
    for (const x of outs) ctx.stdout((filtered ? x.text.replace(/dev \S+ /, '') : x.text) + '\n');
  }
  return 0;
}

async function modify(ctx: Context, args: Args, verb: 'add' | 'replace' | 'delete'): Promise<number> {
  let address: string | undefined;
  const o: Partial<AddNeighbourOptions> = {};
  while (!args.done) {
    const a = args.next() as string;
    if (a === 'dev') o.link = args.value('dev');
    else if (a === 'lladdr') o.lladdr = args.value('lladdr');
    else if (a === 'nud') o.state = args.value('nud') as NeighbourState;
    else if (a === 'router') o.router = true;
    else if (a === 'proxy') o.proxy = true;
    else if (a === 'to' && address === undefined) address = args.value('to');
    else if (address === undefined) address = a;
    else throw unknownArg(a, 'neigh');
  }
  if (o.link === undefined) throw new UsageError('Device and destination are required arguments.');
  if (address === undefined) throw new UsageError('Device and destination are required arguments.');
  o.address = address;
  const spec = { ...o, ...ops(ctx) } as AddNeighbourOptions;
  if (verb === 'delete') await deleteNeighbour(spec);
  else await addNeighbour(verb === 'replace' ? { ...spec, replace: true } : spec);
  return 0;
}
