/**
 * `rtnl monitor [all | OBJECT...] [label]` — follow changes as
 * `ip monitor` does (with -o one line per event), until Ctrl-C. With -j each event
 * is one JSON object per line, in the same shape as the `show` commands
 * print that object (links with `deleted: true` when removed).
 */
import { type MonitorEvent, type MonitorObjectName, monitor } from '../../index.js';
import { formatEvent } from '../../index.js';
import { Args, isHelp, pick } from '../args.js';
import { type Context } from '../context.js';
import { UsageError } from '../errors.js';
import { formatJson, type JsonObject } from '../json.js';
import { formatAddress } from '../format/addr.js';
import { formatLink } from '../format/link.js';
import { formatNeighbour } from '../format/neigh.js';
import { formatRoute } from '../format/route.js';
import { Out } from '../out.js';
import { kindContext } from '../link-names.js';

export const MONITOR_HELP = `Usage: rtnl monitor [ all | OBJECT-LIST ] [ label ]
OBJECT-LIST := [ link ] [ address ] [ route ] [ neigh ] [ nsid ]
Prints each change until interrupted (Ctrl-C), as ip monitor (-o: one line
per change, as ip -o monitor). "label" (and "all")
prefix each line with its kind: [LINK], [ADDR], [ROUTE], [NEIGH], [NSID].
With -j, prints one JSON object per line.
`;

const OBJECTS = ['link', 'address', 'route', 'neigh', 'nsid'] as const;

export async function monitorCommand(ctx: Context, args: Args): Promise<number> {
  const objects: string[] = [];
  let label = false;
  while (!args.done) {
    const a = args.next() as string;
    if (isHelp(a)) {
      ctx.stdout(MONITOR_HELP);
      return 0;
    }
    if (a === 'all') {
      label = true;
      continue;
    }
    if (a === 'label') {
      label = true;
      continue;
    }
    const o = pick(a, OBJECTS) ?? (a === 'neighbour' || a === 'neighbor' ? 'neigh' : undefined);
    if (!o) throw new UsageError(`Argument "${a}" is unknown, try "rtnl monitor help".`);
    objects.push(o);
  }
  const abort = new AbortController();
  const stop = () => abort.abort();
  ctx.signal.addEventListener('abort', stop, { once: true });
  // The words are checked by monitor() itself (an unknown one is its ValidationError).
  const m = monitor(objects.length ? (objects as MonitorObjectName[]) : undefined, {
    signal: abort.signal,
    ...(ctx.netns !== undefined ? { netns: ctx.netns } : {}),
    ...(ctx.family !== undefined ? { family: ctx.family } : {}),
  });
  // Names of links that appear later come from the monitor's own table.
  const k = ctx.json ? { ...(await kindContext(ctx)), names: new LiveNames((i) => m.linkName(i)) } : undefined;
  try {
    for await (const e of m) {
      if (ctx.json && k) {
        const obj = eventJson(e, k, ctx.details);
        if (obj) ctx.stdout(formatJson(obj) + '\n');
        continue;
      }
      // As ip monitor: a record's lines as ip prints them, or with -o one line per event.
      ctx.stdout(formatEvent(e, { prefix: label, linkName: (i) => m.linkName(i), oneline: ctx.oneline === true }) + '\n');
    }
  } finally {
    ctx.signal.removeEventListener('abort', stop);
    m.close();
  }
  return 0;
}

function eventJson(e: MonitorEvent, k: Awaited<ReturnType<typeof kindContext>>, details: boolean): JsonObject | undefined {
  const deleted = e.type.startsWith('del');
  const start = () => {
    const o = new Out();
    if (deleted) o.json('deleted', true);
    return o;
  };
  switch (e.type) {
    case 'newlink':
    case 'dellink':
      return formatLink(e.link, { ...k, doLink: true, details: details ? 1 : 0, brief: false, stats: false }, start()).out.obj;
    case 'newaddr':
    case 'deladdr': {
      const a = e.address;
      const o = start();
      o.json('index', a.index);
      if (a.link !== undefined) o.json('dev', a.link);
      Object.assign(o.obj, formatAddress(a).obj);
      return o.obj;
    }
    case 'newroute':
    case 'delroute': {
      const o = start();
      Object.assign(o.obj, formatRoute(e.route, { details, names: k.names }).obj);
      return o.obj;
    }
    case 'newneigh':
    case 'delneigh': {
      const o = start();
      Object.assign(o.obj, formatNeighbour(e.neighbour).obj);
      return o.obj;
    }
    case 'newnsid':
    case 'delnsid': {
      const o = start();
      o.json('nsid', e.nsid.nsid);
      if (e.nsid.name !== undefined) o.json('name', e.nsid.name);
      return o.obj;
    }
    case 'overrun':
      return { overrun: e.reason };
    default:
      return undefined;
  }
}

/** A name map that asks the monitor, which learns names from the events themselves. */
class LiveNames extends Map<number, string> {
  constructor(private readonly lookup: (index: number) => string | undefined) {
    super();
  }
  override get(index: number): string | undefined {
    return this.lookup(index);
  }
}
