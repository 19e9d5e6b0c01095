/**
 * `rtnl addr add|del|show` — IP addresses on links, as `ip address`.
 * `show` prints each link (ip addr's link lines, without `mode`) followed
 * by its addresses; -j nests them as `addr_info`.
 */
import { addrFlush } from './flush.js';
import { addAddress, deleteAddress, listAddresses, type AddAddressOptions, type Address, type SettableAddressFlag } from '../../index.js';
import { Args, isHelp, matches, pick, unknownArg } from '../args.js';
import { type Context, ops, printJson } from '../context.js';
import { UsageError } from '../errors.js';
import { type Cidr, ipInPrefix, parseCidr } from '../../wire.js';
import { formatAddress } from '../format/addr.js';
import { formatLink } from '../format/link.js';
import { allLinks, linkContext, namespaceView } from '../link-names.js';
import { filterIndexes, linkFilter, parseLinkFilter } from './link-show.js';

export const ADDR_HELP = `Usage: rtnl address { add | change | replace } IFADDR dev IFNAME [ LIFETIME ] [ CONFFLAG-LIST ]
       rtnl address del IFADDR dev IFNAME
       rtnl address [ show [ [dev] IFNAME ] [ type KIND ] [ master BR ] [ up ] ]
IFADDR := PREFIX [ peer PREFIX ] [ broadcast ADDR | brd + ] [ label IFNAME ]
          [ scope SCOPE-ID ] [ metric METRIC ]
SCOPE-ID := [ host | link | global | NUMBER ]
CONFFLAG-LIST := [ home | nodad | optimistic | mngtmpaddr | noprefixroute | autojoin ] ...
LIFETIME := [ valid_lft LFT ] [ preferred_lft LFT ]
LFT := forever | SECONDS
"-4" / "-6" show one family only; "-br" prints one line per link.
`;

const CONF_FLAGS: SettableAddressFlag[] = ['nodad', 'optimistic', 'home', 'mngtmpaddr', 'noprefixroute', 'autojoin'];

export async function addrCommand(ctx: Context, args: Args): Promise<number> {
  const verb = args.next();
  if (isHelp(verb) || isHelp(args.peek())) {
    ctx.stdout(ADDR_HELP);
    return 0;
  }
  if (verb === undefined) return show(ctx, args);
  const which = pick(verb, ['add', 'change', 'replace', 'delete', 'list', 'show', 'lst', 'flush'] as const);
  switch (which) {
    case 'flush':
      return addrFlush(ctx, args);
    case 'add':
    case 'change':
    case 'replace':
      return modify(ctx, args, which);
    case 'delete':
      return modify(ctx, args, 'delete');
    case 'list':
    case 'show':
    case 'lst':
      return show(ctx, args);
    default:
      throw new UsageError(`Command "${verb}" is unknown, try "rtnl address help".`);
  }
}

function lifetime(kw: string, v: string): number | 'forever' {
  if (v === 'forever') return 'forever';
  const m = /^(\d+)(sec)?$/.exec(v);
  if (!m) throw new UsageError(`Error: invalid ${kw} "${v}": forever or seconds.`);
  return Number(m[1]);
}

async function modify(ctx: Context, args: Args, verb: 'add' | 'change' | 'replace' | 'delete'): Promise<number> {
  let dev: string | undefined;
  let local: string | undefined;
  const o: AddAddressOptions = {};
  const flags: SettableAddressFlag[] = [];
  while (!args.done) {
    const a = args.next() as string;
    if (a === 'dev') dev = args.value('dev');
    else if (a === 'peer' || a === 'remote') o.peer = args.value(a);
    else if (matches(a, 'broadcast') || a === 'brd') {
      const b = args.value('broadcast');
      if (b === '+') o.broadcast = true;
      else if (b !== '-') o.broadcast = b;
    } else if (a === 'label') o.label = args.value('label');
    else if (a === 'scope') o.scope = args.value('scope');
    else if (matches(a, 'metric') || matches(a, 'priority') || matches(a, 'preference')) o.metric = args.uint('metric');
    else if (matches(a, 'valid_lft')) o.validLifetime = lifetime('valid_lft', args.value('valid_lft'));
    else if (matches(a, 'preferred_lft')) o.preferredLifetime = lifetime('preferred_lft', args.value('preferred_lft'));
    else if ((CONF_FLAGS as string[]).includes(a)) flags.push(a as SettableAddressFlag);
    else if (a === 'local' && local === undefined) local = args.value('local');
    else if (local === undefined) local = a;
    else throw unknownArg(a, 'address');
  }
  if (dev === undefined) throw new UsageError('Not enough information: "dev" argument is required.');
  if (local === undefined) throw new UsageError('Not enough information: an address is required.');
  // ip accepts a bare address and means a host prefix.
  const cidr = local.includes('/') ? local : `${local}/${local.includes(':') ? 128 : 32}`;
  if (flags.length) o.flags = flags;
  if (verb === 'delete') {
    await deleteAddress(dev, cidr, ops(ctx));
    return 0;
  }
  if (verb !== 'add') o.replace = true;
  await addAddress(dev, cidr, { ...o, ...ops(ctx) });
  return 0;
}

async function show(ctx: Context, args: Args): Promise<number> {
  // `to PREFIX`: only addresses inside it (ip_addr.c); the rest of the words are the link filter.
  const words = args.rest();
  let to: Cidr | undefined;
  const i = words.indexOf('to');
  if (i >= 0) {
    const v = words[i + 1];
    to = v === undefined ? undefined : parseCidr(v);
    if (!to) throw new UsageError(`Error: any valid prefix is expected rather than "${v ?? ''}".`);
    words.splice(i, 2);
  }
  const filter = parseLinkFilter(new Args(words), 'address');
  const view = await namespaceView(ctx, ctx.stats === true);
  const links = allLinks(view, ctx.details === true).filter(linkFilter(filter, filterIndexes(view.names, filter)));
  // With `to`, ip keeps the prefix's family, and prints an address of it outside the prefix as an
  // empty JSON object (print_addrinfo opens the object before its prefix test) and not at all as text.
  const toFamily = to === undefined ? undefined : to.family === 2 ? 'inet' : 'inet6';
  const miss = (a: Address) => to !== undefined && !ipInPrefix(a.local ?? a.address, to);
  const all = (await listAddresses({ ...ops(ctx), ...(ctx.family ? { family: ctx.family } : {}) })).filter((a) => toFamily === undefined || a.family === toFamily);
  const byLink = new Map<number, Address[]>();
  for (const a of all) {
    const list = byLink.get(a.index) ?? [];
    list.push(a);
    byLink.set(a.index, list);
  }
  // ip prints the link/ether line under `ip addr` only without a family filter (or with -d).
  const k = { ...linkContext(ctx, view, false), linkLayer: ctx.family === undefined && !to };
  // ip -4/-6: links without an address of that family are left out, and
  // the link/ether line is not printed.
  const shown = ctx.family || to ? links.filter((l) => (byLink.get(l.header.index) ?? []).some((a) => !miss(a))) : links;
  const json: object[] = [];
  for (const l of shown) {
    const f = formatLink(l, k);
    const mine = byLink.get(l.header.index) ?? [];
    // Each address formatted once; one outside `to` stays in the JSON list as {} (see above).
    const formatted = mine.map((a) => (miss(a) ? undefined : formatAddress(a, { brief: ctx.brief })));
    const addrs = formatted.filter((x) => x !== undefined);
    f.out.array('addr_info', formatted.map((x) => x?.obj ?? {}));
    if (ctx.json) {
      json.push(f.out.obj);
      continue;
    }
    if (ctx.oneline && !ctx.brief) {
      // ip -o addr: one line per address, "INDEX: NAME" before it (the name without @peer), no link lines.
      for (const x of addrs) ctx.stdout(`${l.header.index}: ${(l.attrs.ifname as string | undefined) ?? ''}${x.text.replace(/\n/g, '\\')}\n`);
      continue;
    }
    let text = f.out.text;
    if (ctx.brief) text += addrs.map((x) => `${(x.obj['local'] as string)}/${x.obj['prefixlen'] as number} `).join('');
    else for (const x of addrs) text += '\n' + x.text;
    ctx.stdout(text + '\n');
  }
  if (ctx.json) printJson(ctx, json as never);
  return 0;
}
