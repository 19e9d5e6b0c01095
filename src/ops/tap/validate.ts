/**
 * Input checks for TAP operations, run before any system call so bad input
 * is a ValidationError and never a half-made device. What TAPs share with
 * other links (MAC, MTU, master, booleans) is checked by the link API's
 * validators (src/rtnetlink/link/validate.ts); here is only what is TAP's own.
 */
import { ValidationError } from '../../netlink/errors.js';
import { validateBoolean, validateIfname } from '../../rtnetlink/link/index.js';
import { formatValue } from '../../netlink/format-value.js';

/**
 * An interface name as the kernel's dev_valid_name() accepts it (the link
 * API's validateIfname: bytes, whitespace as the kernel counts it, UTF-16).
 * With `template`, one `%d` is allowed: the kernel then picks the first
 * free number (dev_alloc_name); without, no '%' at all.
 */
export function validateIfName(name: unknown, field: string, options: { template?: boolean } = {}): string {
  if (typeof name === 'string' && !options.template && name.includes('%')) {
    throw new ValidationError(field, `interface name ${JSON.stringify(name)} must not contain '%' here (only createTap takes a "%d" template)`);
  }
  return validateIfname(name, field);
}

/** A uid or gid: an integer 0 … 2³²−2 (−1, i.e. 2³²−1, means "none" to the kernel). */
export function validateId(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xfffffffe) {
    throw new ValidationError(field, `expected an integer id from 0 to 4294967294, got ${formatValue(value)}`);
  }
  return value;
}

/**
 * The tun driver's MTU range for a TAP: ETH_MIN_MTU (68) to MAX_MTU (65535)
 * minus the 14-byte Ethernet header it sets as hard_header_len (tun_setup).
 * Checked with the link API's validateMtu.
 */
export const TAP_MIN_MTU = 68;
export const TAP_MAX_MTU = 65521;

/** An optional boolean option: undefined stays undefined (the caller picks the default). */
export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  return value === undefined ? undefined : validateBoolean(value, field);
}
