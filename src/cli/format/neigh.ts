/**
 * One neighbour entry as `ip neigh` prints it: dst, dev, lladdr, the
 * router/proxy/… markers (JSON `null` values, as ip prints them), the NUD
 * state list, protocol.
 */
import { USER_HZ } from '../../wire.js';
import type { Neighbour } from '../../index.js';
import { Out } from '../out.js';
import { familyColor, paint } from '../color.js';

const NUD_ORDER = ['INCOMPLETE', 'REACHABLE', 'STALE', 'DELAY', 'PROBE', 'FAILED', 'NOARP', 'PERMANENT'];
/** Flags ip marks with a bare word, in its order. */
const MARKERS = ['router', 'proxy', 'managed', 'extern_learn', 'offload', 'extern_valid'];

export function formatNeighbour(n: Neighbour, opts: { stats?: boolean } = {}): Out {
  const o = new Out();
  if (n.address !== undefined) o.field('dst', n.address, `${paint(familyColor(n.family), n.address)} `);
  if (n.index) {
    const dev = n.link ?? `if${n.index}`;
    o.put('dev ').field('dev', dev, `${paint('ifname', dev)} `);
  }
  if (n.lladdr !== undefined) o.put('lladdr ').field('lladdr', n.lladdr, `${paint('mac', n.lladdr)} `);
  for (const m of MARKERS) if (n.flags.includes(m)) o.field(m, null, `${m} `);
  if (opts.stats && n.cache) {
    o.field('used', n.cache.used / USER_HZ, `used ${Math.trunc(n.cache.used / USER_HZ)}/${Math.trunc(n.cache.confirmed / USER_HZ)}/${Math.trunc(n.cache.updated / USER_HZ)} `);
    o.json('confirmed', n.cache.confirmed / USER_HZ).json('updated', n.cache.updated / USER_HZ).json('refcnt', n.cache.refcnt);
  }
  if (opts.stats && n.probes !== undefined) o.field('probes', n.probes, `probes ${n.probes} `);
  const states = NUD_ORDER.filter((s) => n.state.includes(s));
  if (n.raw.header.state) {
    o.array('state', states);
    for (const s of states) o.put(`${s} `);
  }
  if (n.protocol) o.field('protocol', String(n.protocol), `proto ${n.protocol} `);
  return o;
}
