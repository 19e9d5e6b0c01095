/**
 * Checks of user input for link requests, done before any system call so
 * that bad input fails with a ValidationError naming the option, instead of
 * a bare EINVAL from the kernel (which, for most link attributes, sends no
 * extended-ACK message).
 */
import { ValidationError } from '../../netlink/errors.js';
import { parseMac } from '../../netlink/inet.js';
import { rejectInherited } from '../../netlink/own-options.js';
import { formatValue } from '../../netlink/format-value.js';

/** IFNAMSIZ is 16 including the NUL: names have at most 15 bytes. */
export const IFNAME_MAX_BYTES = 15;
/** IFALIASZ is 256 including the NUL. */
export const IFALIAS_MAX_BYTES = 255;
/** The MTU range the API accepts before asking the kernel (68 is IPv4's minimum, 65535 veth's and bridge's maximum). */
export const MTU_MIN = 68;
/** The largest MTU the API accepts (see {@link MTU_MIN}). */
export const MTU_MAX = 65535;

const encoder = new TextEncoder();

/** A string that is well-formed UTF-16 (no lone surrogate, which UTF-8 encoding would turn into U+FFFD). */
function wellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff || i + 1 >= s.length || (s.charCodeAt(i + 1) & 0xfc00) !== 0xdc00) return false;
    i++;
  }
  return true;
}

/**
 * A byte dev_valid_name() refuses: '/', ':', NUL, and what the kernel's
 * isspace() calls space — 9–13, 32, and 0xA0 (lib/ctype.c marks Latin-1's
 * no-break space _S). The test is on the UTF-8 bytes, so 'à' (C3 A0) and
 * '你' (E4 BD A0) are refused, while U+2028 (E2 80 A8) and U+3000
 * (E3 80 80) are names the kernel accepts.
 */
const badByte = (b: number) => b === 0 || (b >= 9 && b <= 13) || b === 32 || b === 47 || b === 58 || b === 0xa0;

/**
 * A valid interface name, as the kernel's dev_valid_name() sees it: 1–15
 * bytes of UTF-8, not "." or "..", none of the bytes it refuses
 * (`badByte`), well-formed UTF-16 — and a "%" only as one "%d" (a
 * template the kernel numbers, dev_alloc_name).
 */
export function validateIfname(name: unknown, field: string): string {
  if (typeof name !== 'string') throw new ValidationError(field, `expected an interface name, got ${formatValue(name)}`);
  // Names are looked up on every request: ASCII ones in one pass without encoding.
  let ascii = true;
  let forbidden = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x80) {
      ascii = false;
      break;
    }
    if (badByte(c)) forbidden = true;
  }
  if (!ascii && !wellFormed(name)) throw new ValidationError(field, `interface name ${formatValue(name)} is not well-formed UTF-16 (a lone surrogate)`);
  const bytes = ascii ? undefined : encoder.encode(name);
  const n = bytes ? bytes.length : name.length;
  if (n < 1 || n > IFNAME_MAX_BYTES) throw new ValidationError(field, `interface name ${JSON.stringify(name)} must be 1–${IFNAME_MAX_BYTES} bytes, is ${n}`);
  if (name === '.' || name === '..') throw new ValidationError(field, `interface name may not be "." or ".."`);
  if (bytes) forbidden = bytes.some(badByte);
  if (forbidden) {
    throw new ValidationError(field, `interface name ${JSON.stringify(name)} may not contain "/", ":", NUL or whitespace (as the kernel counts it: bytes 9–13, 32 and 0xA0 of its UTF-8, which 'à' and '你' contain)`);
  }
  const pct = name.indexOf('%');
  if (pct >= 0 && (name[pct + 1] !== 'd' || name.includes('%', pct + 2))) {
    throw new ValidationError(field, `interface name ${JSON.stringify(name)}: a "%" is only allowed as one "%d", a template the kernel numbers (veth%d → veth0)`);
  }
  return name;
}

/** A unicast Ethernet address: 6 bytes, multicast bit clear, not all zeros. Returned in canonical lowercase form. */
export function validateUnicastMac(mac: unknown, field: string): string {
  const b = parseMac(mac);
  if (!b || b.length !== 6) throw new ValidationError(field, `expected a MAC address like "02:00:00:00:00:01", got ${formatValue(mac)}`);
  if ((b[0] as number) & 1) throw new ValidationError(field, `${String(mac)} is a multicast address; a device address must be unicast (first octet even)`);
  if (b.every((x) => x === 0)) throw new ValidationError(field, 'the all-zero address is not a valid device address');
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

/** An MTU: an integer in min..max (by default {@link MTU_MIN}..{@link MTU_MAX}). */
export function validateMtu(mtu: unknown, field: string, min = MTU_MIN, max = MTU_MAX): number {
  if (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < min || mtu > max) {
    throw new ValidationError(field, `MTU must be an integer ${min}..${max}, got ${formatValue(mtu)}`);
  }
  return mtu;
}

/** An integer in the u32 range 0..4294967295; `what` names the value in the error message. */
export function validateU32(v: unknown, field: string, what = 'an integer'): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new ValidationError(field, `expected ${what} 0..4294967295, got ${formatValue(v)}`);
  }
  return v;
}

/** A boolean: true or false, nothing truthy or falsy in their place. */
export function validateBoolean(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw new ValidationError(field, `expected true or false, got ${formatValue(v)}`);
  return v;
}

/** A link named by name or ifindex. */
export function validateLinkRef(ref: unknown, field: string): string | number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref <= 0 || ref > 0x7fffffff) throw new ValidationError(field, `expected a positive ifindex, got ${ref}`);
    return ref;
  }
  return validateIfname(ref, field);
}

/** An interface alias (IFLA_IFALIAS): a string of at most 255 bytes of UTF-8. */
export function validateAlias(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new ValidationError(field, `expected a string, got ${formatValue(v)}`);
  if (encoder.encode(v).length > IFALIAS_MAX_BYTES) throw new ValidationError(field, `alias longer than ${IFALIAS_MAX_BYTES} bytes`);
  return v;
}

/** An options argument: an object (undefined was already replaced by the default); null or a primitive is a ValidationError. */
export function validateOptions<T>(opts: T, field = 'options'): T {
  if (opts === null || typeof opts !== 'object') throw new ValidationError(field, `expected an options object, got ${formatValue(opts)}`);
  return opts;
}

/** Rejects keys an options object does not know: a typo must not be silently ignored. */
export function rejectUnknownKeys(opts: object, known: readonly string[], field: string): void {
  rejectInherited(opts, field);
  for (const key of Object.keys(opts)) {
    if (!known.includes(key) && (opts as Record<string, unknown>)[key] !== undefined) {
      throw new ValidationError(field ? `${field}.${key}` : key, `unknown option (known: ${known.join(', ')})`);
    }
  }
}
