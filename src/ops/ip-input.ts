/**
 * Checks of the IP addresses and address families that addresses, routes
 * and neighbours take as text (private: not exported from the package).
 * One place, so the three operations accept the same forms and word their
 * errors the same way — before any system call.
 */
import { ValidationError } from '../netlink/errors.js';
import { formatIp, parseIp } from '../netlink/inet.js';
import { AF } from '../rtnetlink/constants.js';
import { formatValue } from '../netlink/format-value.js';

export type IpFamily = typeof AF.INET | typeof AF.INET6;

/** `IPv4` / `IPv6`, for messages. */
export const ipVersion = (family: number): string => (family === AF.INET ? 'IPv4' : 'IPv6');

/** `'inet'` / `'inet6'` (ip's names) as AF_INET / AF_INET6; undefined stays undefined. */
export function ipFamilyOption(name: unknown, field = 'family'): IpFamily | undefined {
  if (name === undefined) return undefined;
  if (name === 'inet') return AF.INET;
  if (name === 'inet6') return AF.INET6;
  throw new ValidationError(field, `expected 'inet' or 'inet6', got ${formatValue(name)}`);
}

/**
 * An IP address without prefix, in canonical text form, and its family.
 * With `family`, the address must be of that family; `of` names what the
 * family belongs to in the message ("… is IPv6 but the route is IPv4").
 */
export function ipAddressOption(value: unknown, field: string, family?: number, of = 'the address'): { text: string; family: IpFamily } {
  const b = typeof value === 'string' ? parseIp(value) : undefined;
  if (!b) throw new ValidationError(field, `invalid IP address ${JSON.stringify(value)}`);
  const f = b.length === 4 ? AF.INET : AF.INET6;
  if (family !== undefined && f !== family) throw new ValidationError(field, `${String(value)} is ${ipVersion(f)} but ${of} is ${ipVersion(family)}`);
  return { text: formatIp(b), family: f };
}
