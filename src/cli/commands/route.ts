/**
 * `rtnl route add|replace|del|show|get` — the main routing table (or
 * another), as `ip route`. Like ip, `show` lists IPv4 unless `-6` is given.
 */
import { routeFlush } from './flush.js';
import { addRoute, deleteRoute, getRoute, listRoutes, type AddRouteOptions, type RouteNexthopSpec, type RouteSpec } from '../../index.js';
import { listLinkNames } from '../link-names.js';
import { Args, isHelp, matches, pick, unknownArg } from '../args.js';
import { type Context, ops, printJson } from '../context.js';
import { UsageError } from '../errors.js';
import { formatRoute } from '../format/route.js';

export const ROUTE_HELP = `Usage: rtnl route { show | list } [ PREFIX ] [ table TABLE_ID ] [ dev DEV ]
       rtnl route get ADDRESS [ from ADDRESS ] [ iif DEV ] [ oif DEV ] [ mark NUMBER ] [ fibmatch ]
       rtnl route { add | del | replace } ROUTE
ROUTE := [ TYPE ] PREFIX [ via ADDRESS ] [ dev DEV ] [ src ADDRESS ]
         [ metric NUMBER ] [ table TABLE_ID ] [ proto RTPROTO ] [ scope SCOPE ]
         [ onlink ] [ mtu NUMBER ] [ tos TOS ] [ nexthop NH ] ...
NH := [ via ADDRESS ] [ dev DEV ] [ weight NUMBER ] [ onlink ]
TYPE := { unicast | local | broadcast | multicast | throw | unreachable | prohibit | blackhole | nat }
PREFIX := default | ADDRESS/LEN | ADDRESS
TABLE_ID := main | local | default | all | NUMBER
SCOPE := global | link | host | NUMBER
RTPROTO := kernel | boot | static | NUMBER
"-4" / "-6" choose the family for "show" and for "default".
`;

const TYPES = ['unicast', 'local', 'broadcast', 'multicast', 'anycast', 'throw', 'unreachable', 'prohibit', 'blackhole', 'nat'];

export async function routeCommand(ctx: Context, args: Args): Promise<number> {
  const verb = args.next();
  if (isHelp(verb)) {
    ctx.stdout(ROUTE_HELP);
    return 0;
  }
  if (isHelp(args.peek())) {
    ctx.stdout(ROUTE_HELP);
    return 0;
  }
  const which = verb === undefined ? 'show' : pick(verb, ['add', 'delete', 'replace', 'show', 'list', 'lst', 'get', 'flush'] as const);
  switch (which) {
    case 'flush':
      return routeFlush(ctx, args);
    case 'add':
    case 'replace': {
      const spec = parseRoute(ctx, args, 'add') as AddRouteOptions;
      if (which === 'replace') spec.replace = true;
      await addRoute({ ...spec, ...ops(ctx) });
      return 0;
    }
    case 'delete': {
      const spec = parseRoute(ctx, args, 'del');
      await deleteRoute({ ...spec, ...ops(ctx) });
      return 0;
    }
    case 'show':
    case 'list':
    case 'lst':
      return show(ctx, args);
    case 'get':
      return get(ctx, args);
    default:
      throw new UsageError(`Command "${verb}" is unknown, try "rtnl route help".`);
  }
}

function parseRoute(ctx: Context, args: Args, verb: string): RouteSpec {
  const spec: Partial<RouteSpec> & Record<string, unknown> = {};
  const hops: RouteNexthopSpec[] = [];
  let hop: RouteNexthopSpec | undefined;
  while (!args.done) {
    const a = args.next() as string;
    if (hop) {
      // Inside `nexthop …` until the next `nexthop` or the end.
      if (a === 'via') {
        hop.gateway = args.value('via');
        continue;
      }
      if (a === 'dev' || a === 'oif') {
        hop.dev = args.value(a);
        continue;
      }
      if (matches(a, 'weight')) {
        hop.weight = args.uint('weight', 1, 256);
        continue;
      }
      if (a === 'onlink') {
        hop.onlink = true;
        continue;
      }
      if (a !== 'nexthop') throw unknownArg(a, 'route');
    }
    if (a === 'nexthop') {
      hop = {};
      hops.push(hop);
      continue;
    }
    if (a === 'via') spec.gateway = args.value('via');
    else if (a === 'dev' || a === 'oif') spec.dev = args.value(a);
    else if (a === 'src') spec.src = args.value('src');
    else if (matches(a, 'metric') || matches(a, 'priority') || a === 'preference') spec.metric = args.uint('metric');
    else if (a === 'table') spec.table = args.value('table');
    else if (matches(a, 'protocol')) spec.protocol = args.value('protocol');
    else if (a === 'scope') spec.scope = args.value('scope');
    else if (a === 'onlink') spec.onlink = true;
    else if (a === 'mtu') spec.mtu = args.uint('mtu');
    else if (a === 'tos' || a === 'dsfield') spec.tos = args.uint(a, 0, 255);
    else if (a === 'type') spec.type = args.value('type');
    else if (spec.dst === undefined && TYPES.includes(a) && !args.done) spec.type = a;
    else if (a === 'to' && spec.dst === undefined) spec.dst = args.value('to');
    else if (spec.dst === undefined) spec.dst = a;
    else throw unknownArg(a, 'route');
  }
  if (spec.dst === undefined) throw new UsageError(`Error: "${verb}" needs a prefix (default, ADDRESS/LEN or ADDRESS).`);
  if (hops.length) spec.nexthops = hops;
  if (ctx.family !== undefined) spec.family = ctx.family;
  return spec as RouteSpec;
}

async function show(ctx: Context, args: Args): Promise<number> {
  let table: string | undefined;
  let dev: string | undefined;
  let dst: string | undefined;
  while (!args.done) {
    const a = args.next() as string;
    if (a === 'table') table = args.value('table');
    else if (a === 'dev' || a === 'oif') dev = args.value(a);
    else if (a === 'to' && dst === undefined) dst = args.value('to');
    else if (dst === undefined && !a.startsWith('-')) dst = a;
    else throw unknownArg(a, 'route');
  }
  // ip's default family for routes is IPv4; -6 shows IPv6.
  const family = ctx.family ?? 'inet';
  const routes = (await listRoutes({ ...ops(ctx), family, ...(table !== undefined ? { table } : {}) })).filter((r) => (dev === undefined || r.dev === dev) && (dst === undefined || r.dst === dst || r.dst === dst.replace(/\/(32|128)$/, '')));
  const names = routes.some((r) => r.iif !== undefined) ? await listLinkNames(ctx) : undefined;
  const outs = routes.map((r) => formatRoute(r, { details: ctx.details, tableFiltered: table !== undefined && table !== 'all', ...(names ? { names } : {}) }));
  if (ctx.json) printJson(ctx, outs.map((o) => o.obj));
  else for (const o of outs) ctx.stdout(o.text + '\n');
  return 0;
}

async function get(ctx: Context, args: Args): Promise<number> {
  let dst: string | undefined;
  const o: Parameters<typeof getRoute>[1] = { ...ops(ctx) };
  while (!args.done) {
    const a = args.next() as string;
    if (a === 'from') o.from = args.value('from');
    else if (a === 'iif') o.iif = args.value('iif');
    else if (a === 'oif' || a === 'dev') o.oif = args.value(a);
    else if (a === 'mark') o.mark = args.uint('mark');
    else if (a === 'fibmatch') o.fibMatch = true;
    else if (a === 'to' && dst === undefined) dst = args.value('to');
    else if (dst === undefined) dst = a;
    else throw unknownArg(a, 'route');
  }
  if (dst === undefined) throw new UsageError('Error: "get" needs an address.');
  const r = await getRoute(dst, o);
  const names = r.iif !== undefined ? await listLinkNames(ctx) : undefined;
  const out = formatRoute(r, { details: ctx.details, ...(names ? { names } : {}) });
  if (ctx.json) printJson(ctx, [out.obj]);
  else ctx.stdout(out.text + '\n');
  return 0;
}
