/**
 * Golden bytes are written as one string per attribute,
 * `'<nla_len nla_type> | <payload> | <padding>'`, hex with spaces. The bars
 * only help the reader; `hex()` ignores them.
 */
import { type AttrSet, decodeAttrs, decodeCtx, encodeAttrs } from '../../../src/netlink/schema.js';
import { ByteWriter } from '../../../src/netlink/writer.js';

export function hex(...parts: string[]): Uint8Array {
  const clean = parts.join(' ').replace(/[|\s]+/g, '');
  if (clean.length % 2) throw new Error('odd number of hex digits');
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** `n` zero bytes written as hex (for long zero counters). */
export function zeros(n: number): string {
  return '00 '.repeat(n).trim();
}

/** Decodes attribute bytes (no header) with an attribute table, as the kernel's reply would be. */
export function decode<A extends AttrSet>(set: A, bytes: Uint8Array) {
  return decodeAttrs(set, decodeCtx(bytes), 0, bytes.length);
}

/** Encodes an attribute object with its table, to compare with golden bytes. */
export function encode(set: AttrSet, value: object): Uint8Array {
  const w = new ByteWriter();
  encodeAttrs(w, set, value as Record<string, unknown>);
  return w.finish().slice();
}
