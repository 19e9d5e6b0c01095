/**
 * Interface flags as iproute2 prints them inside `<…>` (print_link_flags in
 * ip/ipaddress.c): its own order, not the bit order; NO-CARRIER for a link
 * that is UP without IFF_RUNNING, and RUNNING itself never shown; bits it has
 * no name for as one hex number at the end. Shared by the `rtnl` command's
 * `ip link` output and the monitor's one-line event text.
 */
import { IFF } from './header.js';

/** The IFF_* names in the order print_link_flags tests them. */
const IP_FLAG_ORDER: readonly (keyof typeof IFF)[] = [
  'LOOPBACK',
  'BROADCAST',
  'POINTOPOINT',
  'MULTICAST',
  'NOARP',
  'ALLMULTI',
  'PROMISC',
  'MASTER',
  'SLAVE',
  'DEBUG',
  'DYNAMIC',
  'AUTOMEDIA',
  'PORTSEL',
  'NOTRAILERS',
  'UP',
  'LOWER_UP',
  'DORMANT',
  'ECHO',
];

/** The words ip prints between `<` and `>` for these IFF_* flags, in its order. */
export function ipFlagWords(flags: number): string[] {
  const out: string[] = [];
  if (flags & IFF.UP && !(flags & IFF.RUNNING)) out.push('NO-CARRIER');
  let rest = flags & ~IFF.RUNNING;
  for (const name of IP_FLAG_ORDER) {
    const bit = IFF[name];
    if (rest & bit) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest) out.push(rest.toString(16));
  return out;
}
