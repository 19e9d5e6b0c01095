/**
 * `NODE_DEBUG=rtnl`: every netlink request and what answers it, on stderr,
 * in the shape of Node's own debug logs (`RTNL <pid>: …`) — for seeing what
 * a program says to the kernel without changing it. Read once, when rtnl
 * loads, as Node reads NODE_DEBUG for its own modules; off, it costs one
 * boolean test per message.
 */

function enabled(): boolean {
  const v = typeof process === 'object' ? process.env?.NODE_DEBUG : undefined;
  if (!v) return false;
  return v.split(/[\s,]+/).some((w) => {
    const re = new RegExp(`^${w.replace(/[|\\{}()[\]^$+?.]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
    return re.test('rtnl');
  });
}

export const DEBUG = enabled();

export function debug(text: string): void {
  process.stderr.write(`RTNL ${process.pid}: ${text}\n`);
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** One line for a message header: type, flags, seq, length. */
export function describeHeader(type: number, flags: number, seq: number, len: number): string {
  return `type ${type} flags ${hex(flags)} seq ${seq} len ${len}`;
}
