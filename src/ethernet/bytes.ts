/** Small helpers shared by the frame decoders. */
import { DecodeError, ValidationError } from '../netlink/errors.js';
import { parseIpv4, parseMac } from '../netlink/inet.js';
import { formatValue } from '../netlink/format-value.js';

export function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Throws a DecodeError naming the protocol when `b` is shorter than `need`. */
export function need(b: Uint8Array, need: number, what: string): void {
  if (b.byteLength < need) throw new DecodeError(`${what}: needs ${need} bytes, got ${b.byteLength}`, what);
}

/**
 * The Internet checksum (RFC 1071): one's-complement sum of 16-bit
 * big-endian words, folded and inverted. `initial` carries a pseudo-header
 * sum. A buffer whose checksum field is right sums to 0.
 */
export function internetChecksum(b: Uint8Array, initial = 0): number {
  let sum = initial;
  const n = b.byteLength;
  for (let i = 0; i + 1 < n; i += 2) sum += ((b[i] as number) << 8) | (b[i + 1] as number);
  if (n & 1) sum += (b[n - 1] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Unfolded sum of 16-bit words, for pseudo headers. */
export function wordSum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.byteLength; i += 2) sum += ((b[i] as number) << 8) | (b[i + 1] as number);
  return sum;
}

/** A 6-byte MAC from text, or a ValidationError naming `field`. */
export function mac(s: string, field: string): Uint8Array {
  const b = parseMac(s);
  if (!b || b.length !== 6) throw new ValidationError(field, `expected a MAC address, got ${formatValue(s)}`);
  return b;
}

/** The 4 bytes of an IPv4 address from text, or a ValidationError naming `field`. */
export function ip4(s: string, field: string): Uint8Array {
  const b = parseIpv4(s);
  if (!b) throw new ValidationError(field, `expected an IPv4 address, got ${formatValue(s)}`);
  return b;
}
