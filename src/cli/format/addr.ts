/**
 * One address as `ip addr` prints it under its link (`addr_info` in JSON):
 * family, local, peer address, prefixlen, metric, brd/any/mcast, scope,
 * flags (each a JSON `true`, `dynamic` when not permanent), protocol,
 * label, lifetimes.
 */
import { familyColor, paint } from '../color.js';
import type { Address } from '../../index.js';
import { Out } from '../out.js';

const INFINITY_LIFE_TIME = 0xffffffff;
const IFA_F_SECONDARY = 0x01;
const IFA_F_PERMANENT = 0x80;

/** IFA_F_* in the order ip prints them; `secondary` is `temporary` on IPv6 (one bit, two meanings). */
const FLAG_ORDER: [string, number][] = [
  ['secondary', 0x01],
  ['nodad', 0x02],
  ['optimistic', 0x04],
  ['dadfailed', 0x08],
  ['home', 0x10],
  ['deprecated', 0x20],
  ['tentative', 0x40],
  ['permanent', 0x80],
  ['mngtmpaddr', 0x100],
  ['noprefixroute', 0x200],
  ['autojoin', 0x400],
  ['stable-privacy', 0x800],
];

/** IFAPROT_* names (<linux/if_addr.h>) as iproute2's rt_addrprotos spells them. */
const ADDR_PROTOCOLS = ['unspec', 'kernel_lo', 'kernel_ra', 'kernel_ll'];

function flags(o: Out, a: Address): void {
  let bits = a.raw.attrs.flags ?? a.raw.header.flags;
  const v6 = a.family === 'inet6';
  for (const [name, bit] of FLAG_ORDER) {
    if (bit === IFA_F_PERMANENT) {
      if (!(bits & bit)) o.field('dynamic', true, 'dynamic ');
    } else if (bits & bit) {
      const shown = bit === IFA_F_SECONDARY && v6 ? 'temporary' : name;
      o.field(shown, true, `${shown} `);
    }
    bits &= ~bit;
  }
  if (bits) o.field('ifa_flags', bits.toString(16).padStart(2, '0'), `flags ${bits.toString(16).padStart(2, '0')} `);
}

export function formatAddress(a: Address, opts: { brief?: boolean } = {}): Out {
  const o = new Out();
  if (!opts.brief) o.field('family', a.family, `    ${a.family} `);
  const color = familyColor(a.family);
  o.field('local', a.local, paint(color, a.local));
  if (a.peer !== undefined) o.put(' peer ').field('address', a.peer, paint(color, a.peer));
  o.field('prefixlen', a.prefixLength, `/${a.prefixLength} `);
  if (a.metric !== undefined) o.field('metric', a.metric, `metric ${a.metric} `);
  if (opts.brief) return o;
  if (a.broadcast !== undefined) o.put('brd ').field('broadcast', a.broadcast, `${paint(color, a.broadcast)} `);
  if (a.anycast !== undefined) o.put('any ').field('anycast', a.anycast, `${paint(color, a.anycast)} `);
  if (a.multicast !== undefined) o.field('multicast', a.multicast, `mcast ${a.multicast} `);
  o.field('scope', a.scope, `scope ${a.scope} `);
  flags(o, a);
  if (a.protocol !== undefined) {
    const name = ADDR_PROTOCOLS[a.protocol] ?? String(a.protocol);
    o.field('protocol', name, a.protocol ? `proto ${name} ` : '');
  }
  if (a.label !== undefined) o.field('label', a.label, a.label);
  const ci = a.raw.attrs.cacheinfo;
  if (ci) {
    o.put('\n       valid_lft ');
    o.field('valid_life_time', ci.valid, ci.valid === INFINITY_LIFE_TIME ? 'forever' : `${ci.valid}sec`);
    o.put(' preferred_lft ');
    o.field('preferred_life_time', ci.preferred, ci.preferred === INFINITY_LIFE_TIME ? 'forever' : `${ci.preferred}sec`);
  }
  return o;
}
