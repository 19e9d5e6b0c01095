/**
 * `rtnl link show [ [dev] DEV ] [ type KIND ] [ master BR ] [ up ] [ group N ]`
 * — as `ip link show`, with -j / -d / -br / -s.
 */
import { Args, unknownArg } from '../args.js';
import type { Context } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { formatLink, kindsOf, type LinkMsg } from '../format/link.js';
import { JsonArrayStream } from '../json.js';
import { eachLink, linkContext, namespaceView } from '../link-names.js';

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

/** Whether a link passes the filter; unknown dev/master names fail as ip does, before anything is printed. */
export function linkFilter(names: Map<number, string>, f: LinkFilter): (l: LinkMsg) => boolean {
  let devIndex: number | undefined;
  let masterIndex: number | undefined;
  if (f.dev !== undefined || f.master !== undefined) {
    const byName = new Map([...names].map(([i, n]) => [n, i]));
    if (f.dev !== undefined) {
      devIndex = byName.get(f.dev);
      if (devIndex === undefined) throw new CliError(`Device "${f.dev}" does not exist.`, 1);
    }
    if (f.master !== undefined) {
      masterIndex = byName.get(f.master);
      if (masterIndex === undefined) throw new UsageError(`Error: argument "${f.master}" is wrong: Device does not exist`);
    }
  }
  return (l) => {
    const a = l.attrs as { master?: number; group?: number };
    if (devIndex !== undefined && l.header.index !== devIndex) return false;
    if (masterIndex !== undefined && a.master !== masterIndex) return false;
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
 * Prints each link as soon as it is formatted — decoded from the dump's
 * bytes one at a time, and written in 64 KiB pieces (a JSON array element
 * by element) — so that 40,000 links cost what one does, times 40,000,
 * and never all of them in memory at once.
 */
export async function linkShow(ctx: Context, args: Args): Promise<number> {
  const filter = parseLinkFilter(args, 'link');
  const view = await namespaceView(ctx, ctx.stats === true);
  const keep = linkFilter(view.names, filter);
  const k = linkContext(ctx, view, true);
  const json = ctx.json ? new JsonArrayStream(ctx.pretty) : undefined;
  let pending = json ? json.open() : '';
  for (const l of eachLink(view)) {
    if (!keep(l)) continue;
    const o = formatLink(l, k).out;
    // -o: a record's line breaks become "\\" (ip's _SL_), its lines otherwise as they are.
    pending += json ? json.item(o.obj) : (ctx.oneline ? o.text.replace(/\n/g, '\\') : o.text) + '\n';
    if (pending.length >= CHUNK) {
      ctx.stdout(pending);
      pending = '';
    }
  }
  if (json) pending += json.close() + '\n';
  if (pending) ctx.stdout(pending);
  return 0;
}
