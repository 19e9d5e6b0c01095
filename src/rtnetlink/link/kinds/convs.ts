/**
 * Friendly conversions that several link kinds share: 802.1Q / 802.1ad
 * EtherTypes by name, and sets of flag bits as objects of booleans.
 */
import { ValidationError } from '../../../netlink/errors.js';
import { formatValue } from '../../../netlink/format-value.js';
import { parseIp } from '../../../netlink/inet.js';

/** The VLAN EtherTypes (ETH_P_8021Q, ETH_P_8021AD), named as iproute2 prints them. */
export const VLAN_PROTOCOLS: Readonly<Record<number, '802.1Q' | '802.1ad'>> = { 0x8100: '802.1Q', 0x88a8: '802.1ad' };

/** A VLAN protocol: `'802.1Q'` or `'802.1ad'` (any case, as ip takes it) ↔ its EtherType; unknown ones read as hex. */
export const vlanProtocol = {
  read: (v: number): '802.1Q' | '802.1ad' | (string & {}) => VLAN_PROTOCOLS[v] ?? `0x${v.toString(16).padStart(4, '0')}`,
  write(v: unknown, field: string): number {
    const n = Object.entries(VLAN_PROTOCOLS).find(([, name]) => typeof v === 'string' && name.toLowerCase() === v.toLowerCase())?.[0];
    if (n === undefined) throw new ValidationError(field, `expected "802.1Q" or "802.1ad", got ${formatValue(v)}`);
    return Number(n);
  },
};

/**
 * A set of flag bits as `{ name: boolean }`. Read: every named bit, true
 * or false. Write: only the names given are changed — the kernel's
 * `{ flags, mask }` structs (ifla_vlan_flags) take the mask of bits to
 * touch; plain flag words get the bits that are true.
 */
export function flagSet<const N extends string>(bits: Readonly<Record<N, number>>) {
  type Flags = { [K in N]?: boolean };
  const names = Object.keys(bits) as N[];
  const parse = (v: unknown, field: string): { flags: number; mask: number } => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ValidationError(field, `expected an object of ${names.join(', ')} flags, got ${formatValue(v)}`);
    let flags = 0;
    let mask = 0;
    for (const [k, on] of Object.entries(v)) {
      if (on === undefined) continue;
      if (!Object.hasOwn(bits, k)) throw new ValidationError(`${field}.${k}`, `is not one of ${names.join(', ')}`);
      if (typeof on !== 'boolean') throw new ValidationError(`${field}.${k}`, `expected a boolean, got ${formatValue(on)}`);
      const bit = bits[k as N];
      mask |= bit;
      if (on) flags |= bit;
    }
    return { flags: flags >>> 0, mask: mask >>> 0 };
  };
  const read = (word: number): Flags => Object.fromEntries(names.map((n) => [n, (word & bits[n]) !== 0])) as Flags;
  return {
    names,
    /** For `{ flags, mask }` structs. */
    masked: { read: (s: { flags: number }) => read(s.flags), write: (v: unknown, field: string) => parse(v, field) },
    /**
     * For a plain flag word. `mask` says which bits an options object
     * names, so a change can keep the others (setLink merges the word
     * with the link's current one).
     */
    word: { read, write: (v: unknown, field: string) => parse(v, field).flags, mask: (v: unknown, field: string) => parse(v, field).mask },
  };
}

/**
 * An enum by name: `{ word: value }` (the kernel's enum, named as iproute2
 * names it). Read: the name, or the number for a value this table does not
 * know (a newer kernel's). Write: a known name only. `words` is the same
 * enum as a sparse array by value, for the command's `words` shape.
 */
export function enumWords<const W extends string>(values: Readonly<Record<W, number>>) {
  const words: string[] = [];
  for (const [name, v] of Object.entries(values) as [W, number][]) words[v] = name;
  const names = Object.keys(values).map((m) => JSON.stringify(m)).join(', ');
  return {
    words,
    conv: {
      read: (v: number): W | number => (words[v] as W | undefined) ?? v,
      write(v: unknown, field: string): number {
        if (typeof v === 'string' && Object.hasOwn(values, v)) return values[v as W];
        throw new ValidationError(field, `expected one of ${names}, got ${formatValue(v)}`);
      },
    },
  };
}

/**
 * An address of one family, for a row the kernel reads with one length
 * (geneve's REMOTE / REMOTE6, the IPv6 tunnels' in6_addr endpoints): the
 * other family is refused before any request, `hint` saying where it goes.
 */
export const familyAddress = (family: 4 | 6, hint: string) => ({
  read: (v: string) => v,
  write(v: unknown, field: string): string {
    const b = typeof v === 'string' ? parseIp(v) : undefined;
    if (!b) throw new ValidationError(field, `expected an IP address, got ${formatValue(v)}`);
    if (b.length !== (family === 4 ? 4 : 16)) throw new ValidationError(field, `expected an IPv${family} address (${hint}), got ${formatValue(v)}`);
    return v as string;
  },
});
