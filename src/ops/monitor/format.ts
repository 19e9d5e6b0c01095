/**
 * Text for monitor events, in the style of `ip -o monitor` (one line per
 * event; with `oneline: false` as `ip monitor`, a record's second line on
 * its own):
 *
 *   2: br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default \    link/ether 3e:53:… brd ff:ff:…
 *   Deleted 2: br0    inet 10.0.0.1/24 scope global br0\       valid_lft forever preferred_lft forever
 *   10.21.0.0/16 via 10.20.0.5 dev br0 metric 7 linkdown
 *   10.20.0.2 dev br0 lladdr 02:00:00:00:20:02 PERMANENT
 *   nsid 7
 *
 * With `prefix: true` each line starts with `[LINK]`, `[ADDR]`, `[ROUTE]`,
 * `[NEIGH]` or `[NSID]`, as `ip monitor all` prints them. Known differences
 * from iproute2: no `M-DOWN` (it needs the lower device's flags), and an
 * nsid is printed without the `/run/netns` name of its peer.
 */
import type { MonitorEvent } from './index.js';
import type { MonitorAddress, MonitorLink, MonitorNeighbour, MonitorNsid, MonitorRoute } from './kinds.js';
import { AF } from '../../rtnetlink/constants.js';
import { IFA_F, INFINITY_LIFE_TIME } from '../../rtnetlink/addr/index.js';
import { ipFlagWords } from '../../rtnetlink/link/flags-text.js';

/** Options of formatEvent: the `[LINK]`-style prefix, how to name links by index, and one line or two per record. */
export interface FormatOptions {
  /** Start each line with `[LINK]`, `[ADDR]` … as `ip monitor all` does. */
  prefix?: boolean;
  /**
   * Names a link by ifindex, for a link's `master` and `@peer` (addresses,
   * routes and neighbours carry their link names already). `Monitor.linkName`
   * fits; unknown indexes print as `if7`, as iproute2 does.
   */
  linkName?: (index: number) => string | undefined;
  /**
   * `false`: a record's second line (a link's link/ether line, an
   * address's lifetimes) on a line of its own, as `ip monitor` prints it;
   * default `true`: joined with "\\", as `ip -o monitor`.
   */
  oneline?: boolean;
}

/** The break inside a record: ip's _SL_ with -o, a newline without. */
const sep = (o: FormatOptions) => (o.oneline === false ? '\n' : '\\');

const PREFIX: Record<string, string> = {
  newlink: '[LINK]',
  dellink: '[LINK]',
  newaddr: '[ADDR]',
  deladdr: '[ADDR]',
  newroute: '[ROUTE]',
  delroute: '[ROUTE]',
  newneigh: '[NEIGH]',
  delneigh: '[NEIGH]',
  newnsid: '[NSID]',
  delnsid: '[NSID]',
  overrun: '[OVERRUN]',
  resync: '[RESYNC]',
  undecodable: '[UNKNOWN]',
};

/** One line of text for an event (no trailing newline). */
export function formatEvent(event: MonitorEvent, options: FormatOptions = {}): string {
  const body = formatBody(event, options);
  return options.prefix ? `${PREFIX[event.type] ?? ''}${body}` : body;
}

function formatBody(e: MonitorEvent, o: FormatOptions): string {
  switch (e.type) {
    case 'newlink':
    case 'dellink':
      return deleted(e.type) + formatLink(e.link, o);
    case 'newaddr':
    case 'deladdr':
      return deleted(e.type) + formatAddress(e.address, o);
    case 'newroute':
    case 'delroute':
      return deleted(e.type) + formatRoute(e.route);
    case 'newneigh':
    case 'delneigh':
      return deleted(e.type) + formatNeighbour(e.neighbour);
    case 'newnsid':
    case 'delnsid':
      return deleted(e.type) + formatNsid(e.nsid);
    case 'overrun':
      return e.reason === 'enobufs'
        ? 'overrun: the kernel dropped notifications (ENOBUFS), state may be stale'
        : 'overrun: a notification did not fit the receive buffer, state may be stale';
    case 'resync': {
      const parts: string[] = [];
      if (e.links) parts.push(count(e.links.length, 'link'));
      if (e.addresses) parts.push(count(e.addresses.length, 'address', 'addresses'));
      if (e.routes) parts.push(count(e.routes.length, 'route'));
      if (e.neighbours) parts.push(count(e.neighbours.length, 'neighbour'));
      if (e.nsids) parts.push(count(e.nsids.length, 'nsid'));
      return `resync (${e.reason}${e.consistent ? '' : ', inconsistent'}): ${parts.join(', ')}`;
    }
    case 'undecodable':
      return `undecodable message type ${e.message.type}: ${e.error.message}`;
  }
}

const deleted = (type: string) => (type.startsWith('del') ? 'Deleted ' : '');
const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// --- links ------------------------------------------------------------------

// Interface flags as iproute2 prints them (print_link_flags), NO-CARRIER included.
const linkFlags = (flags: number): string => `<${ipFlagWords(flags).join(',')}>`;

/** IFLA_EVENT values (enum in <linux/if_link.h>), named as iproute2 prints them. */
const LINK_EVENTS = ['NONE', 'REBOOT', 'FEATURE CHANGE', 'BONDING FAILOVER', 'NOTIFY PEERS', 'RESEND IGMP', 'BONDING OPTION'];

function formatLink(link: MonitorLink, o: FormatOptions): string {
  const { header: h, attrs: a } = link;
  const name = (i: number) => o.linkName?.(i) ?? `if${i}`;
  let head = `${h.index}: ${a.ifname ?? `if${h.index}`}`;
  if (a.link !== undefined) head += a.link === 0 ? '@NONE' : a.linkNetnsid !== undefined ? `@if${a.link}` : `@${name(a.link)}`;
  const parts = [`${head}:`, linkFlags(h.flags)];
  if (a.mtu !== undefined) parts.push('mtu', String(a.mtu));
  if (a.qdisc !== undefined) parts.push('qdisc', a.qdisc);
  if (a.master !== undefined) parts.push('master', name(a.master));
  if (a.operstate !== undefined) parts.push('state', link.operState);
  if (a.group !== undefined) parts.push('group', a.group === 0 ? 'default' : String(a.group));
  const event = a.event; // IFLA_EVENT: why the kernel sent this notification
  if (event !== undefined) parts.push('event', LINK_EVENTS[event] ?? String(event));
  const l2 = [`link/${link.linkType}`];
  if (a.address !== undefined) l2.push(a.address);
  if (a.broadcast !== undefined) l2.push(h.flags & 0x10 ? 'peer' : 'brd', a.broadcast);
  return `${parts.join(' ')} ${sep(o)}    ${l2.join(' ')}`;
}

// --- addresses --------------------------------------------------------------

function lifetime(v: number): string {
  return v === INFINITY_LIFE_TIME ? 'forever' : `${v}sec`;
}

function formatAddress(addr: MonitorAddress, o: FormatOptions): string {
  const { header: h, attrs: a } = addr.raw;
  const v6 = h.family === AF.INET6;
  const parts = [`${h.index}: ${addr.link ?? `if${h.index}`}   `, v6 ? 'inet6' : h.family === AF.INET ? 'inet' : String(h.family)];
  parts.push(a.local !== undefined && a.address !== undefined && a.address !== a.local ? `${a.local} peer ${a.address}/${h.prefixLength}` : `${addr.address}/${h.prefixLength}`);
  if (a.broadcast !== undefined) parts.push('brd', a.broadcast);
  if (a.anycast !== undefined) parts.push('any', a.anycast);
  parts.push('scope', addr.scope);
  // iproute2 order: flag bits from low to high; a missing PERMANENT reads "dynamic".
  const bits = a.flags ?? h.flags;
  for (const [flag, bit] of Object.entries(IFA_F)) {
    if (bit === IFA_F.permanent) {
      if (!(bits & bit)) parts.push('dynamic');
    } else if (bits & bit) {
      parts.push(flag === 'secondary' && v6 ? 'temporary' : flag);
    }
  }
  if (a.label !== undefined) parts.push(a.label);
  let line = parts.join(' ');
  if (a.cacheinfo) line += `${sep(o)}       valid_lft ${lifetime(a.cacheinfo.valid)} preferred_lft ${lifetime(a.cacheinfo.preferred)}`;
  return line;
}

// --- routes -----------------------------------------------------------------

function formatRoute(r: MonitorRoute): string {
  const parts: string[] = [];
  if (r.type !== 'unicast') parts.push(r.type);
  parts.push(r.dst);
  if (r.from !== undefined) parts.push('from', r.from);
  if (r.tos) parts.push('tos', `0x${r.tos.toString(16)}`);
  if (r.gateway !== undefined) parts.push('via', r.gateway);
  if (r.via !== undefined) parts.push('via', r.via.family === AF.INET ? 'inet' : r.via.family === AF.INET6 ? 'inet6' : String(r.via.family), r.via.address);
  if (r.oif !== undefined) parts.push('dev', r.dev ?? `if${r.oif}`);
  if (r.table !== 'main') parts.push('table', r.table);
  if (r.protocol !== 'boot') parts.push('proto', r.protocol);
  if (r.scope !== 'global') parts.push('scope', r.scope);
  if (r.prefsrc !== undefined) parts.push('src', r.prefsrc);
  if (r.metric !== undefined) parts.push('metric', String(r.metric));
  parts.push(...r.flags);
  if (r.metrics?.mtu !== undefined) parts.push('mtu', String(r.metrics.mtu));
  if (r.nexthops) {
    for (const nh of r.nexthops) {
      parts.push('nexthop');
      if (nh.gateway !== undefined) parts.push('via', nh.gateway);
      parts.push('dev', nh.dev ?? `if${nh.oif}`, 'weight', String(nh.weight), ...nh.flags);
    }
  }
  if (r.expires !== undefined) parts.push('expires', `${r.expires}sec`);
  if (r.pref !== undefined) parts.push('pref', r.pref);
  return parts.join(' ');
}

// --- neighbours and nsids ---------------------------------------------------

function formatNeighbour(n: MonitorNeighbour): string {
  const parts: string[] = [];
  if (n.address !== undefined) parts.push(n.address);
  parts.push('dev', n.link ?? `if${n.index}`);
  if (n.lladdr !== undefined) parts.push('lladdr', n.lladdr);
  if (n.vlan !== undefined) parts.push('vlan', String(n.vlan));
  for (const f of n.flags) if (f === 'router' || f === 'proxy' || f === 'extern_learn' || f === 'self' || f === 'master' || f === 'sticky') parts.push(f);
  if (n.family !== 'bridge' || n.state[0] !== 'NONE') parts.push(...n.state);
  return parts.join(' ');
}

function formatNsid(n: MonitorNsid): string {
  return n.name !== undefined ? `nsid ${n.nsid} (iproute2 netns name: ${n.name})` : `nsid ${n.nsid}`;
}
