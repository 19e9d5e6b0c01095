/**
 * Golden bytes are written as one string per attribute,
 * `'<nla_len nla_type> | <payload> | <padding>'`, hex with spaces. The bars
 * only help the reader; `hex()` ignores them.
 */
export function hex(...parts: string[]): Uint8Array {
  const clean = parts.join(' ').replace(/[|\s]+/g, '');
  if (clean.length % 2) throw new Error('odd number of hex digits');
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** `n` zero bytes written as hex (for long zero counters). */
export function zeros(n: number): string {
  return '00 '.repeat(n).trim();
}
