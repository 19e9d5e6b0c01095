/**
 * Random link names, for host-side ends that must not collide: what the
 * CNI plugins' RandomVethName does ("veth" + 8 hex digits from 4 random
 * bytes). The name is checked like any other (IFNAMSIZ: 15 bytes at most).
 */
import { ValidationError } from '../../netlink/errors.js';
import { validateIfname } from '../../rtnetlink/link/index.js';
import { formatValue } from '../../netlink/format-value.js';
import { formatHex } from '../../netlink/inet.js';

/** `prefix` followed by 8 random hexadecimal digits (`veth3f9a01c2`); the prefix may be 0–7 bytes. */
export function randomLinkName(prefix = 'veth'): string {
  if (typeof prefix !== 'string' || new TextEncoder().encode(prefix).length > 7) throw new ValidationError('prefix', `expected at most 7 bytes (15 with the 8 random digits), got ${formatValue(prefix)}`);
  // Web Crypto (globalThis.crypto: Node 20+, Bun): no Node built-in in this layer.
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(4));
  return validateIfname(`${prefix}${formatHex(bytes)}`, 'prefix');
}
