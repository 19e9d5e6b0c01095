/**
 * Options every public operation accepts, and the socket plumbing behind
 * them: an operation either uses the caller's socket or opens a short-lived
 * one inside `netns` (the process itself never changes namespace).
 */
import { ValidationError } from '../netlink/errors.js';
import type { NetnsRef } from '../netlink/netns.js';
import { RtnlSocket } from '../netlink/socket.js';
import { rejectInherited } from '../netlink/own-options.js';

/**
 * What every operation accepts besides its own options: where it runs
 * (`netns`: a name, path, fd or `{ pid }`), an open socket to reuse, and the
 * reply timeout.
 */
export interface OperationOptions {
  /** The network namespace to act in: a name under /run/netns, a path, an open fd, or `{ pid }`. */
  netns?: NetnsRef;
  /** An open socket to reuse (it already lives in its namespace); excludes `netns`. */
  socket?: RtnlSocket;
  /** Reply timeout in ms for a socket opened by this call. */
  timeout?: number;
}

/** The caller's socket (`owned: false`) or a new one inside `netns` that the caller must close. */
export function openSocket(opts: OperationOptions | undefined): { socket: RtnlSocket; owned: boolean } {
  // Every operation comes through here before its first request: the one
  // place where an options object that is not one, or that inherits keys,
  // is refused for all of them.
  if (opts !== undefined) rejectInherited(opts, '');
  if (opts?.socket) {
    if (opts.netns !== undefined) throw new ValidationError('netns', 'pass either `socket` or `netns`, not both (a socket already lives in its namespace)');
    return { socket: opts.socket, owned: false };
  }
  const o: { netns?: NetnsRef; timeout?: number } = {};
  if (opts?.netns !== undefined) o.netns = opts.netns;
  if (opts?.timeout !== undefined) o.timeout = opts.timeout;
  return { socket: RtnlSocket.open(o), owned: true };
}

/** Runs `fn` with the caller's socket or a fresh one that is closed afterwards. */
export async function withSocket<T>(opts: OperationOptions | undefined, fn: (s: RtnlSocket) => Promise<T> | T): Promise<T> {
  const { socket, owned } = openSocket(opts);
  try {
    return await fn(socket);
  } finally {
    if (owned) socket.close();
  }
}

/**
 * Runs the checks of one item of a list, and names a refusal by the item's
 * place in front of its field (`routes[3]` and `gateway` → `routes[3].gateway`):
 * the bulk calls and topologies check each entry with the single call's own
 * checks. Other errors pass as they are.
 */
export function checkedAt<T>(prefix: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    // A ValidationError's message is `${field}: ${reason}`.
    if (e instanceof ValidationError) throw new ValidationError(`${prefix}.${e.field}`, e.message.slice(e.field.length + 2));
    throw e;
  }
}
