/**
 * ip's words for link kinds that are no single table row's spelling (the
 * rest come from the rows, kind-options.ts; the IPv6 tunnels' own are in
 * ip6-tunnel-words.ts):
 *
 * - gre, gretap, erspan and their IPv6 forms: `key K` is both `ikey` and
 *   `okey` (iproute2's link_gre.c / link_gre6.c).
 * - bond: `arp_ip_target A[,B…]` and `ns_ip6_target A[,B…]`, comma lists
 *   (iplink_bond.c), the whole target list.
 * - geneve: `ttl inherit` (IFLA_GENEVE_TTL_INHERIT) and `ttl auto` (0).
 * - macvlan, macvtap: `macaddr { add | del } MAC`, `macaddr set [MAC …]`,
 *   `macaddr flush` — the source list of source mode (iplink_macvlan.c).
 */
import { matches, type Args } from './args.js';
import { UsageError } from './errors.js';

type Options = Record<string, unknown>;
const GRE = new Set(['gre', 'gretap', 'erspan', 'ip6gre', 'ip6gretap', 'ip6erspan']);
const MAC = /^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i;

/** Consumes one of these words (and its values) into `into`; false when `word` is none of `kind`'s. */
export function kindWord(kind: string, word: string, args: Args, into: Options): boolean {
  if (GRE.has(kind) && word === 'key') {
    const k = args.value('key');
    into['ikey'] = k;
    into['okey'] = k;
    return true;
  }
  if (kind === 'bond' && (word === 'arp_ip_target' || word === 'ns_ip6_target')) {
    const list = args.value(word);
    into[word === 'arp_ip_target' ? 'arpIpTargets' : 'nsIp6Targets'] = list === '' ? [] : list.split(',');
    return true;
  }
  if (kind === 'geneve' && word === 'ttl' && (args.peek() === 'inherit' || args.peek() === 'auto')) {
    if (args.next() === 'inherit') into['ttlInherit'] = true;
    else into['ttl'] = 0;
    return true;
  }
  if ((kind === 'macvlan' || kind === 'macvtap') && word === 'macaddr') {
    const op = args.value('macaddr');
    if (op === 'add' || op === 'del') {
      into['sourceMacOp'] = op;
      into['sourceMac'] = args.value(op);
    } else if (op === 'flush') into['sourceMacOp'] = 'flush';
    else if (op === 'set') {
      const macs: string[] = [];
      while (!args.done && MAC.test(args.peek() as string)) macs.push(args.next() as string);
      into['sourceMacOp'] = 'set';
      into['sourceMacs'] = macs;
    } else if (matches(op, 'help')) throw new UsageError('Usage: … macaddr { { add | del } <macaddr> | set [ <macaddr> [ <macaddr> ... ] ] | flush }');
    else throw new UsageError(`Error: argument "${op}" is wrong: invalid macaddr command`);
    return true;
  }
  return false;
}
