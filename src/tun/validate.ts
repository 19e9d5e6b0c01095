/**
 * Input checks for TAP operations, run before any system call so bad input
 * is a ValidationError and never a half-made device.
 */
import { ValidationError } from '../netlink/errors.js';
import { formatMac, parseMac } from '../netlink/inet.js';

const IFNAMSIZ = 16;
const encoder = new TextEncoder();

/**
 * An interface name as the kernel's dev_valid_name() accepts it: 1–15 bytes,
 * not "." or "..", no '/', ':' or whitespace. With `template`, one `%d` is
 * allowed: the kernel then picks the first free number (dev_alloc_name).
 */
export function validateIfName(name: unknown, field: string, options: { template?: boolean } = {}): string {
  if (typeof name !== 'string') throw new ValidationError(field, `an interface name must be a string, got ${typeof name}`);
  const bytes = encoder.encode(name).length;
  if (bytes < 1 || bytes > IFNAMSIZ - 1) {
    throw new ValidationError(field, `interface name ${JSON.stringify(name)} must be 1–${IFNAMSIZ - 1} bytes, it is ${bytes}`);
  }
  if (name === '.' || name === '..') throw new ValidationError(field, `"${name}" is not a valid interface name`);
  // The kernel's isspace() covers ASCII space, \t \n \v \f \r.
  const bad = /[/:\s\0]/.exec(name);
  if (bad) throw new ValidationError(field, `interface name ${JSON.stringify(name)} must not contain ${JSON.stringify(bad[0])}`);
  const pct = name.indexOf('%');
  if (pct >= 0) {
    if (!options.template) throw new ValidationError(field, `interface name ${JSON.stringify(name)} must not contain '%' here (only createTap takes a "%d" template)`);
    if (name[pct + 1] !== 'd' || name.includes('%', pct + 2)) {
      throw new ValidationError(field, `interface name template ${JSON.stringify(name)} must contain exactly one "%d" and no other '%'`);
    }
  }
  return name;
}

/** A uid or gid: an integer 0 … 2³²−2 (−1, i.e. 2³²−1, means "none" to the kernel). */
export function validateId(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xfffffffe) {
    throw new ValidationError(field, `expected an integer id from 0 to 4294967294, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The tun driver's MTU range for a TAP: ETH_MIN_MTU (68) to MAX_MTU (65535)
 * minus the 14-byte Ethernet header it sets as hard_header_len (tun_setup).
 */
export const TAP_MIN_MTU = 68;
export const TAP_MAX_MTU = 65521;

export function validateMtu(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < TAP_MIN_MTU || value > TAP_MAX_MTU) {
    throw new ValidationError(field, `a TAP's MTU must be an integer from ${TAP_MIN_MTU} to ${TAP_MAX_MTU}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * A MAC address an Ethernet device may take: 6 bytes, not multicast (low bit
 * of the first byte), not all zero — the kernel's is_valid_ether_addr().
 * Returned in canonical lower-case form.
 */
export function validateUnicastMac(value: unknown, field: string): string {
  const b = parseMac(value);
  if (!b || b.length !== 6) throw new ValidationError(field, `expected a MAC address like 02:00:00:00:00:01, got ${JSON.stringify(value)}`);
  if ((b[0] as number) & 1) throw new ValidationError(field, `${String(value)} is a multicast address; a device needs a unicast one`);
  if (b.every((x) => x === 0)) throw new ValidationError(field, 'the all-zero MAC address is not a valid device address');
  return formatMac(b);
}

/** A master device: a name, or an ifindex (positive integer). */
export function validateLinkRef(value: unknown, field: string): string | number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value <= 0 || value > 0x7fffffff) throw new ValidationError(field, `expected a positive ifindex, got ${value}`);
    return value;
  }
  return validateIfName(value, field);
}

export function validateBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new ValidationError(field, `expected true or false, got ${JSON.stringify(value)}`);
  return value;
}
