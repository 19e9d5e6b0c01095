/**
 * `rtnl link show [ [dev] DEV ] [ type KIND ] [ master BR ] [ up ] [ group N ]`
 * — as `ip link show`, with -j / -d / -br / -s.
 */
import { Args, unknownArg } from '../args.js';
import { type Context, ops } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { formatLink, kindsOf, type LinkMsg } from '../format/link.js';
import { JsonArrayStream } from '../json.js';
import { Out } from '../out.js';
import { linkContext, streamLinks } from '../link-names.js';
import { getLink, isNetlinkError } from '../../index.js';

export interface LinkFilter {
  dev?: string;
  kind?: string;
  slaveKind?: string;
  master?: string;
  up?: boolean;
  group?: number;
}

export function parseLinkFilter(args: Args, where: string): LinkFilter {
  const f: LinkFilter = {};
  while (!args.done) {
    const a = args.next() as string;
    if (a === 'type') {
      const t = args.value('type');
      // ip: `type bridge_slave` filters on the master's kind.
      if (t.endsWith('_slave')) f.slaveKind = t.slice(0, -'_slave'.length);
      else f.kind = t;
    } else if (a === 'master') f.master = args.value('master');
    else if (a === 'up') f.up = true;
    else if (a === 'group') {
      const g = args.value('group');
      if (g === 'default') f.group = 0;
      else if (/^\d+$/.test(g)) f.group = Number(g);
      else throw new UsageError(`Error: "group" wants a number or "default", not "${g}".`);
    } else if (a === 'dev') f.dev = args.value('dev');
    else if (f.dev === undefined) f.dev = a;
    else throw unknownArg(a, where);
  }
  return f;
}

/** The ifindexes a filter's `dev` and `master` name; unknown names fail as ip does, before anything is printed. */
export interface FilterIndexes {
  dev?: number;
  master?: number;
}

const noDevice = (f: LinkFilter) => new CliError(`Device "${f.dev}" does not exist.`, 1);
const noMaster = (f: LinkFilter) => new UsageError(`Error: argument "${f.master}" is wrong: Device does not exist`);

/** From a name table the caller has anyway (addr show dumps every link). */
export function filterIndexes(names: Map<number, string>, f: LinkFilter): FilterIndexes {
  const out: FilterIndexes = {};
  if (f.dev === undefined && f.master === undefined) return out;
  const byName = new Map([...names].map(([i, n]) => [n, i]));
  if (f.dev !== undefined) {
    const i = byName.get(f.dev);
    if (i === undefined) throw noDevice(f);
    out.dev = i;
  }
  if (f.master !== undefined) {
    const i = byName.get(f.master);
    if (i === undefined) throw noMaster(f);
    out.master = i;
  }
  return out;
}

/** By asking the kernel for just those links (link show streams, so it has no table yet). */
async function lookUpIndexes(ctx: Context, f: LinkFilter): Promise<FilterIndexes> {
  const out: FilterIndexes = {};
  const find = async (name: string, missing: () => Error) => {
    try {
      return (await getLink(name, { ...ops(ctx), stats: false })).index;
    } catch (e) {
      if (isNetlinkError(e, 'ENODEV')) throw missing();
      throw e;
    }
  };
  if (f.dev !== undefined) out.dev = await find(f.dev, () => noDevice(f));
  if (f.master !== undefined) out.master = await find(f.master, () => noMaster(f));
  return out;
}

/** Whether a link passes the filter. */
export function linkFilter(f: LinkFilter, at: FilterIndexes): (l: LinkMsg) => boolean {
  return (l) => {
    const a = l.attrs as { master?: number; group?: number };
    if (at.dev !== undefined && l.header.index !== at.dev) return false;
    if (at.master !== undefined && a.master !== at.master) return false;
    if (f.up && !(l.header.flags & 1)) return false;
    if (f.group !== undefined && (a.group ?? 0) !== f.group) return false;
    if (f.kind !== undefined || f.slaveKind !== undefined) {
      const k = kindsOf(l);
      if (f.kind !== undefined && k.kind !== f.kind) return false;
      if (f.slaveKind !== undefined && k.slaveKind !== f.slaveKind) return false;
    }
    return true;
  };
}

/** Output written in pieces of about this size: small enough to stream, large enough to be few writes. */
const CHUNK = 1 << 16;

/**
 * Prints each link as soon as it can be formatted (streamLinks: one dump,
 * each message decoded when what its line names is known), written in
 * 64 KiB pieces, a JSON array element by element — so 40,000 links cost
 * what one does, times 40,000, and are never all in memory at once.
 */
export async function linkShow(ctx: Context, args: Args): Promise<number> {
  const filter = parseLinkFilter(args, 'link');
  const keep = linkFilter(filter, await lookUpIndexes(ctx, filter));
  const json = ctx.json ? new JsonArrayStream(ctx.pretty) : undefined;
  let pending = json ? json.open() : '';
  let k: ReturnType<typeof linkContext> | undefined;
  await streamLinks(ctx, ctx.stats === true, ctx.details === true, (l, view) => {
    if (!keep(l)) return;
    k ??= linkContext(ctx, view, true);
    const o = formatLink(l, k, json ? Out.jsonOnly() : undefined).out;
    // -o: a record's line breaks become "\\" (ip's _SL_), its lines otherwise as they are.
    pending += json ? json.item(o.obj) : (ctx.oneline ? o.text.replace(/\n/g, '\\') : o.text) + '\n';
    if (pending.length >= CHUNK) {
      ctx.stdout(pending);
      pending = '';
    }
  });
  if (json) pending += json.close() + '\n';
  if (pending) ctx.stdout(pending);
  return 0;
}
