/**
 * Options every OVS operation takes, and the connection plumbing behind
 * them: an operation uses the caller's client or opens a short-lived
 * connection to the socket and closes it afterwards.
 */
import { ValidationError } from '../netlink/errors.js';
import { OvsdbClient, validateSocketPath, validateTimeout } from './client.js';
import { formatValue } from '../netlink/format-value.js';

export interface OvsOptions {
  /**
   * Path of ovsdb-server's unix socket (`unix:` prefix allowed). Default:
   * `$OVS_RUNDIR/db.sock`, else /var/run/openvswitch/db.sock.
   */
  socket?: string;
  /** An open client to reuse (excludes `socket`). */
  client?: OvsdbClient;
  /** Milliseconds for the connection, each reply, and the wait for ovs-vswitchd (default 10 000). */
  timeout?: number;
}

export interface OvsWriteOptions extends OvsOptions {
  /**
   * Wait until ovs-vswitchd has applied the change (default true). With
   * false the call returns once the database has committed it, as
   * `ovs-vsctl --no-wait` does; needed when ovs-vswitchd is not running.
   */
  wait?: boolean;
}

/** Checks the options before any I/O. */
export function checkOptions(opts: OvsOptions | undefined): { socket: string; timeout: number } {
  if (opts?.client && opts.socket !== undefined) {
    throw new ValidationError('socket', 'pass either `client` or `socket`, not both (a client is already connected)');
  }
  const w = opts as OvsWriteOptions | undefined;
  if (w?.wait !== undefined && typeof w.wait !== 'boolean') throw new ValidationError('wait', `expected a boolean, got ${formatValue(w.wait)}`);
  return {
    socket: opts?.client ? opts.client.socketPath : validateSocketPath(opts?.socket),
    timeout: opts?.timeout !== undefined ? validateTimeout(opts.timeout) : (opts?.client?.timeout ?? validateTimeout(undefined)),
  };
}

/** Runs `fn` with the caller's client or a fresh connection that is closed afterwards. */
export async function withClient<T>(opts: OvsOptions | undefined, fn: (c: OvsdbClient, timeout: number) => Promise<T>): Promise<T> {
  const { socket, timeout } = checkOptions(opts);
  if (opts?.client) return fn(opts.client, timeout);
  const client = await OvsdbClient.connect({ socket, timeout });
  try {
    return await fn(client, timeout);
  } finally {
    client.close();
  }
}
