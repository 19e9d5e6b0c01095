/**
 * ip's words for the IPv6 tunnels (iproute2's link_ip6tnl.c and
 * link_gre6.c) that set two attributes at once, or an IP6_TNL_F_* flag
 * instead of a value, and so are no one table row's spelling:
 * `tclass X|inherit` and `flowlabel X|inherit` (FLOWINFO, hexadecimal as
 * ip reads them, or the USE_ORIG flag), `dscp inherit`, `encaplimit none`,
 * `fwmark inherit`, and the aliases `ttl`/`hlim` of `hoplimit` and
 * `noallow-localremote`. The rest of these kinds' words come from their
 * rows (kind-options.ts).
 */
import type { Args } from './args.js';
import { UsageError } from './errors.js';

const KINDS = new Set(['ip6tnl', 'ip6gre', 'ip6gretap', 'ip6erspan']);

type Options = Record<string, unknown>;

const flag = (into: Options, name: string, on: boolean) => {
  into['tunnelFlags'] = { ...((into['tunnelFlags'] as object | undefined) ?? {}), [name]: on };
};
const flowinfo = (into: Options, part: 'tclass' | 'flowlabel', v: number) => {
  into['flowinfo'] = { ...((into['flowinfo'] as object | undefined) ?? {}), [part]: v };
};
const hex = (text: string, max: number, what: string): number => {
  const n = /^(0x)?[0-9a-f]+$/i.test(text) ? Number.parseInt(text.replace(/^0x/i, ''), 16) : NaN;
  if (!(n >= 0 && n <= max)) throw new UsageError(`Error: argument "${text}" is wrong: invalid ${what}`);
  return n;
};

/** `tclass` / `flowlabel`: `inherit` sets the part's USE_ORIG flag; a hexadecimal value sets the part and clears the flag. */
function flowPart(into: Options, v: string, part: 'tclass' | 'flowlabel', max: number, what: string, inherit: string): void {
  if (v === 'inherit') flag(into, inherit, true);
  else {
    flowinfo(into, part, hex(v, max, what));
    flag(into, inherit, false);
  }
}

/** Consumes one of these words (and its value) into `into`; false when `word` is not one, or `kind` is no IPv6 tunnel. */
export function ip6TunnelWord(kind: string, word: string, args: Args, into: Options): boolean {
  if (!KINDS.has(kind)) return false;
  switch (word) {
    case 'ttl':
    case 'hlim':
      into['ttl'] = args.value(word);
      return true;
    case 'tclass':
    case 'tc':
    case 'tos':
    case 'dsfield':
      flowPart(into, args.value(word), 'tclass', 0xff, 'TClass', 'useOrigTclass');
      return true;
    case 'flowlabel':
    case 'fl':
      flowPart(into, args.value(word), 'flowlabel', 0xfffff, 'Flowlabel', 'useOrigFlowlabel');
      return true;
    case 'dscp': {
      const v = args.value(word);
      if (v !== 'inherit') throw new UsageError(`Error: argument "${v}" is wrong: not inherit`);
      flag(into, 'rcvDscpCopy', true);
      return true;
    }
    case 'encaplimit':
      if (args.peek() !== 'none') return false;
      args.next();
      flag(into, 'ignEncapLimit', true);
      return true;
    case 'fwmark':
      if (args.peek() !== 'inherit') return false;
      args.next();
      flag(into, 'useOrigFwmark', true);
      return true;
    case 'noallow-localremote':
      flag(into, 'allowLocalRemote', false);
      return true;
    default:
      return false;
  }
}
