/**
 * `NODE_DEBUG=rtnl`: every netlink request and what answers it, on stderr,
 * in the shape of Node's own debug logs (`RTNL <pid>: …`) — for seeing what
 * a program says to the kernel without changing it. Read once, when rtnl
 * loads, as Node reads NODE_DEBUG for its own modules; off, it costs one
 * boolean test per message.
 */

import { debuglog } from 'node:util';
import { errnoName } from './errors.js';

const log = debuglog('rtnl');

/** NODE_DEBUG's test, for runtimes whose debuglog has no `enabled` (Bun 1.4). */
function enabled(): boolean {
  const v = typeof process === 'object' ? process.env?.NODE_DEBUG : undefined;
  if (!v) return false;
  return v.split(/[\s,]+/).some((w) => {
    const re = new RegExp(`^${w.replace(/[|\\{}()[\]^$+?.]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
    return re.test('rtnl');
  });
}

export const DEBUG: boolean = typeof log.enabled === 'boolean' ? log.enabled : enabled();

/** One line on stderr, `RTNL <pid>: text`, through Node's util.debuglog. */
export function debug(text: string): void {
  log('%s', text);
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** One line for a message header: type, flags, seq, length. */
export function describeHeader(type: number, flags: number, seq: number, len: number): string {
  return `type ${type} flags ${hex(flags)} seq ${seq} len ${len}`;
}

/**
 * Turns one whole netlink message (header included) into one line of
 * words. The decoding tables live layers above this one (rtnl/testing's
 * annotator, which names attributes as the API does), so the entry points
 * install it here when NODE_DEBUG asks for rtnl; without one, or when it
 * throws, the header's numbers are printed.
 */
export type MessageDescriber = (message: Uint8Array, fromKernel: boolean) => string;

// One per process, like the shim's slot: an `import` and a `require` copy
// of rtnl print alike whichever installed it.
const DESCRIBER = Symbol.for('rtnl.debug.describe');
const describers = ((globalThis as Record<symbol, unknown>)[DESCRIBER] ??= {}) as { current?: MessageDescriber | undefined };

export function setMessageDescriber(fn: MessageDescriber | undefined): void {
  describers.current = fn;
}

/** The message in words when a describer is installed, else its header's numbers. */
export function describeMessage(message: Uint8Array, fromKernel: boolean, type: number, flags: number, seq: number, len: number): string {
  const fn = describers.current;
  if (fn) {
    try {
      return fn(message, fromKernel);
    } catch {
      // A message the tables cannot read still gets its header line.
    }
  }
  let text = describeHeader(type, flags, seq, len);
  // NLMSG_ERROR (2): its first four bytes of payload are 0 (an ACK) or -errno.
  if (type === 2 && message.length >= 20) {
    const errno = new DataView(message.buffer, message.byteOffset, message.byteLength).getInt32(16, true);
    text += errno === 0 ? ' ACK' : ` ${errnoName(-errno)}`;
  }
  return text;
}
