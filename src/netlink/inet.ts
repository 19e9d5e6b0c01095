/**
 * Text forms of link-layer and IP addresses, formatted as iproute2 prints
 * them (lowercase hex MACs; IPv6 as glibc's inet_ntop, RFC 5952 style).
 */

const hex = (b: number) => (b < 16 ? '0' : '') + b.toString(16);

/** Bytes as lowercase hex, two digits each, no separators (`000fff`). */
export function formatHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += hex(b[i] as number);
  return s;
}

/** A link-layer address as lowercase hex bytes joined by colons (`aa:bb:cc:dd:ee:ff`), any length. */
export function formatMac(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (i ? ':' : '') + hex(b[i] as number);
  return s;
}

/** Parses `aa:bb:cc:dd:ee:ff` (any length ≥ 1, one or two hex digits per byte); undefined if malformed. */
export function parseMac(s: unknown): Uint8Array | undefined {
  if (typeof s !== 'string' || s.length === 0) return undefined;
  const parts = s.split(':');
  const out = new Uint8Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) return undefined;
    out[i] = parseInt(p, 16);
  }
  return out;
}

/** A 4-byte IPv4 address in dotted-quad form (`192.0.2.1`). */
export function formatIpv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/**
 * A 16-byte IPv6 address as glibc's inet_ntop prints it: the longest zero
 * run as `::`, IPv4-mapped and -compatible forms in dotted quad.
 */
export function formatIpv6(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((b[i] as number) << 8) | (b[i + 1] as number));
  // Longest run of zero words (at least two), first one on ties.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) best = -1;
  // IPv4-compatible and IPv4-mapped forms, as glibc prints them.
  if (best === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
    return (bestLen === 5 ? '::ffff:' : '::') + formatIpv4(b.subarray(12));
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s && !s.endsWith(':')) s += ':';
    s += (words[i] as number).toString(16);
  }
  return s;
}

/** An IP address by length: 4 bytes as IPv4, otherwise as IPv6. */
export function formatIp(b: Uint8Array): string {
  return b.length === 4 ? formatIpv4(b) : formatIpv6(b);
}

/** Parses dotted-quad IPv4 (no leading zeros, each part ≤ 255) into 4 bytes; undefined if malformed. */
export function parseIpv4(s: string): Uint8Array | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = m[i + 1] as string;
    const n = Number(p);
    if (n > 255 || (p.length > 1 && p.startsWith('0'))) return undefined;
    out[i] = n;
  }
  return out;
}

/** Parses IPv6 text, with `::` and an optional dotted-quad tail, into 16 bytes; undefined if malformed. */
export function parseIpv6(s: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.length > 45) return undefined;
  let tail4: Uint8Array | undefined;
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    tail4 = parseIpv4(s.slice(lastColon + 1));
    if (!tail4) return undefined;
    text = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string) => (h === '' ? [] : h.split(':'));
  const head = parse(halves[0] as string);
  const rest = halves.length === 2 ? parse(halves[1] as string) : [];
  const total = head.length + rest.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const groups = [...head, ...new Array<string>(8 - total).fill('0'), ...rest];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = groups[i] as string;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  }
  if (tail4) out.set(tail4, 12);
  return out;
}

/** Parses an IPv4 or IPv6 address; undefined if malformed. */
export function parseIp(s: unknown): Uint8Array | undefined {
  if (typeof s !== 'string') return undefined;
  return s.includes(':') ? parseIpv6(s) : parseIpv4(s);
}

/** An IP address with a prefix length, as parseCidr returns it. */
export interface Cidr {
  /** AF_INET (2) or AF_INET6 (10). */
  family: 2 | 10;
  address: string;
  bytes: Uint8Array;
  prefixLength: number;
}

/** Parses `10.0.0.1/24` or `fd00::1/64`; a bare address gets the full prefix. */
export function parseCidr(s: unknown): Cidr | undefined {
  if (typeof s !== 'string') return undefined;
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const bytes = parseIp(addr);
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  let prefixLength = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefixLength = Number(p);
    if (prefixLength > max) return undefined;
  }
  return { family: bytes.length === 4 ? 2 : 10, address: formatIp(bytes), bytes, prefixLength };
}

/** Whether IP address `addr` lies inside `prefix` (a CIDR; its first prefixLength bits), as ip's `to PREFIX` selects. */
export function ipInPrefix(addr: string | undefined, prefix: Cidr): boolean {
  const a = addr === undefined ? undefined : parseIp(addr);
  if (!a || a.length !== prefix.bytes.length) return false;
  for (let bit = 0; bit < prefix.prefixLength; bit++) {
    const m = 0x80 >> (bit & 7);
    if (((a[bit >> 3] as number) & m) !== ((prefix.bytes[bit >> 3] as number) & m)) return false;
  }
  return true;
}
