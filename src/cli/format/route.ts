/**
 * One route as `ip route` prints it, text and JSON from the same calls.
 * Field order and omission rules follow iproute2's print_route(): `type`
 * only when not unicast (or -d), `table` only when not main (or -d),
 * `protocol` only when not boot, `scope` only when not global, and neither
 * for a cloned (cache) answer of `route get`.
 */
import { familyColor, paint } from '../color.js';
import { USER_HZ } from '../../wire.js';
import type { Route } from '../../index.js';
import { Out } from '../out.js';

/** RTM_F_CLONED (<linux/rtnetlink.h>): the answer of a lookup, not a table entry. */
const RTM_F_CLONED = 0x200;
const RTPROT_BOOT = 3;
const AF_INET = 2;
const AF_INET6 = 10;

/** RTCF_* (<linux/in_route.h>), the cache flags of an IPv4 lookup answer, in ip's order. */
const CACHE_FLAGS: [number, string][] = [
  [0x80000000, 'local'],
  [0x40000000, 'reject'],
  [0x20000000, 'mc'],
  [0x10000000, 'brd'],
  [0x08000000, 'dst-nat'],
  [0x00800000, 'src-nat'],
  [0x00400000, 'masq'],
  [0x00200000, 'dst-direct'],
  [0x00100000, 'src-direct'],
  [0x00040000, 'redirected'],
  [0x01000000, 'redirect'],
  [0x00020000, 'fastroute'],
  [0x00010000, 'notify'],
  [0x00000800, 'proxy'],
];

/** RTAX_* names as ip prints them in `metrics` (index = RTAX number). */
const METRIC_KEYS: [string, string][] = [
  ['mtu', 'mtu'],
  ['window', 'window'],
  ['rtt', 'rtt'],
  ['rttvar', 'rttvar'],
  ['ssthresh', 'ssthresh'],
  ['cwnd', 'cwnd'],
  ['advmss', 'advmss'],
  ['reordering', 'reordering'],
  ['hoplimit', 'hoplimit'],
  ['initcwnd', 'initcwnd'],
  ['features', 'features'],
  ['rtoMin', 'rto_min'],
  ['initrwnd', 'initrwnd'],
  ['quickack', 'quickack'],
  ['ccAlgo', 'congctl'],
  ['fastopenNoCookie', 'fastopen_no_cookie'],
];

function flagsField(o: Out, flags: string[]): void {
  o.array('flags', flags);
  for (const f of flags) o.put(`${f} `);
}

export function formatRoute(r: Route, opts: { details: boolean; names?: Map<number, string>; tableFiltered?: boolean }): Out {
  const o = new Out();
  const h = r.raw.header;
  const a = r.raw.attrs;
  if (r.type !== 'unicast' || opts.details) o.field('type', r.type, `${r.type} `);
  const color = familyColor(h.family);
  o.field('dst', r.dst, `${r.dst === 'default' ? r.dst : paint(color, r.dst)} `);
  if (r.from !== undefined) o.field('from', r.from, `from ${r.from} `);
  if (h.tos) o.field('tos', `0x${h.tos.toString(16).padStart(2, '0')}`, `tos 0x${h.tos.toString(16).padStart(2, '0')} `);
  if (r.gateway !== undefined) o.put('via ').field('gateway', r.gateway, `${paint(color, r.gateway)} `);
  if (r.via !== undefined) {
    const fam = r.via.family === AF_INET ? 'inet' : r.via.family === AF_INET6 ? 'inet6' : String(r.via.family);
    const v = o.nest('via');
    v.field('family', fam, `via ${fam} `).field('host', r.via.address, `${r.via.address} `);
  }
  if (r.oif !== undefined) {
    const dev = r.dev ?? `if${r.oif}`;
    o.put('dev ').field('dev', dev, `${paint('ifname', dev)} `);
  }
  // ip names the table unless it is main, or the listing was asked for one table.
  if (r.tableId && (r.table !== 'main' || opts.details) && !opts.tableFiltered) o.field('table', r.table, `table ${r.table} `);
  if (!(h.flags & RTM_F_CLONED)) {
    if (h.protocol !== RTPROT_BOOT || opts.details) o.field('protocol', r.protocol, `proto ${r.protocol} `);
    if (r.scope !== 'global' || opts.details) o.field('scope', r.scope, `scope ${r.scope} `);
  }
  if (r.prefsrc !== undefined) o.put('src ').field('prefsrc', r.prefsrc, `${paint(color, r.prefsrc)} `);
  if (r.metric !== undefined) o.field('metric', r.metric, `metric ${r.metric} `);
  flagsField(o, r.flags);
  if (a.mark) o.field('mark', a.mark, a.mark >= 16 ? `mark 0x${a.mark.toString(16)} ` : `mark ${a.mark} `);
  if (a.uid !== undefined) o.field('uid', a.uid, `uid ${a.uid} `);
  if (h.family === AF_INET && h.flags & RTM_F_CLONED) {
    const names = CACHE_FLAGS.filter(([bit]) => h.flags & bit).map(([, n]) => n);
    o.array('cache', names);
    o.put(`\n    cache `);
    if (names.length) o.put(`<${names.join(',')}> `);
  }
  const ci = a.cacheinfo;
  if (ci && (h.family === AF_INET || h.family === AF_INET6)) {
    // rta_cacheinfo counts in clock ticks (USER_HZ).
    if (ci.expires !== 0) o.field('expires', Math.trunc(ci.expires / USER_HZ), `expires ${Math.trunc(ci.expires / USER_HZ)}sec `);
    if (ci.error !== 0) o.field('error', ci.error, `error ${ci.error} `);
  }
  if (r.metrics) {
    const m = r.metrics as Record<string, number | string | undefined>;
    const obj: Record<string, number | string> = {};
    for (const [key, name] of METRIC_KEYS) {
      const v = m[key];
      if (v === undefined) continue;
      // hoplimit -1 means "use the default": ip leaves it out.
      if (key === 'hoplimit' && v === 0xffffffff) continue;
      const lock = typeof m['lock'] === 'number' && (m['lock'] & (1 << (METRIC_KEYS.findIndex(([k]) => k === key) + 2))) !== 0;
      const shown = key === 'rtt' ? (v as number) / 8 : key === 'rttvar' ? (v as number) / 4 : v;
      obj[key === 'ccAlgo' ? 'congestion' : name] = shown;
      o.put(`${name} ${lock ? 'lock ' : ''}${shown}${key === 'rtt' || key === 'rttvar' || key === 'rtoMin' ? 'ms' : ''} `);
    }
    o.json('metrics', [obj]);
  }
  if (r.iif !== undefined) {
    const dev = opts.names?.get(r.iif) ?? `if${r.iif}`;
    o.field('iif', dev, `iif ${dev} `);
  }
  if (r.pref !== undefined) o.field('pref', r.pref, `pref ${r.pref}`);
  if (r.nexthops) {
    const hops = r.nexthops.map((nh) => {
      const x = new Out();
      x.put('\n\tnexthop ');
      if (nh.gateway !== undefined) x.put('via ').field('gateway', nh.gateway, `${paint(color, nh.gateway)} `);
      const dev = nh.dev ?? `if${nh.oif}`;
      x.put('dev ').field('dev', dev, `${paint('ifname', dev)} `);
      x.field('weight', nh.weight, `weight ${nh.weight} `);
      flagsField(x, nh.flags);
      o.put(x.text);
      return x.obj;
    });
    o.json('nexthops', hops);
  }
  return o;
}
