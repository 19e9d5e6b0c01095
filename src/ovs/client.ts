/**
 * A small OVSDB client (RFC 7047) for the Open_vSwitch database: atomic
 * `transact`, and `waitForConfig`, which waits until ovs-vswitchd has
 * applied the database up to a given `next_cfg` by watching `cur_cfg`
 * through a `monitor`.
 *
 * How ovs-vswitchd acknowledges a change: a writer increments
 * Open_vSwitch.next_cfg in the same transaction as its change;
 * ovs-vswitchd, after it has reconfigured itself from the database, copies
 * the value it saw into cur_cfg. So once cur_cfg ≥ the next_cfg our
 * transaction produced, our change is live (this is what `ovs-vsctl` waits
 * for unless given --no-wait).
 */
import { TimeoutError, ValidationError } from '../netlink/errors.js';
import type { Atom, Datum } from './datum.js';
import { JsonRpcConnection, toOvsdbError, type Json } from './jsonrpc.js';
import { formatValue } from '../netlink/format-value.js';

/** The database ovs-vswitchd reads. */
export const OPEN_VSWITCH_DB = 'Open_vSwitch';
/** Where Debian's and upstream's ovs-ctl make ovsdb-server listen. */
export const DEFAULT_RUNDIR = '/var/run/openvswitch';
export const DEFAULT_TIMEOUT = 10_000;

/**
 * The socket path used when none is given: `$OVS_RUNDIR/db.sock`, as
 * ovs-vsctl does, else /var/run/openvswitch/db.sock.
 */
export function defaultSocketPath(): string {
  const dir = process.env['OVS_RUNDIR'] || DEFAULT_RUNDIR;
  return `${dir.replace(/\/+$/, '')}/db.sock`;
}

export type Condition = [column: string, fn: '==' | '!=' | '<' | '<=' | '>' | '>=' | 'includes' | 'excludes', value: Datum];
export type Mutation = [column: string, mutator: '+=' | '-=' | '*=' | '/=' | '%=' | 'insert' | 'delete', value: Datum];
export type Row = Record<string, Datum>;

/** The operations of RFC 7047 §5.2 this client builds. */
export type Operation =
  | { op: 'insert'; table: string; row: Row; 'uuid-name'?: string }
  | { op: 'select'; table: string; where: Condition[]; columns?: string[] }
  | { op: 'update'; table: string; where: Condition[]; row: Row }
  | { op: 'mutate'; table: string; where: Condition[]; mutations: Mutation[] }
  | { op: 'delete'; table: string; where: Condition[] }
  | { op: 'wait'; table: string; where: Condition[]; columns: string[]; until: '==' | '!='; rows: Row[]; timeout?: number }
  | { op: 'comment'; comment: string };

/** One operation's successful result: `uuid` for insert, `rows` for select, `count` for update/mutate/delete. */
export interface OperationResult {
  uuid?: Atom;
  rows?: Record<string, Json>[];
  count?: number;
}

export interface ClientOptions {
  /** Unix socket of ovsdb-server (default `$OVS_RUNDIR/db.sock` or /var/run/openvswitch/db.sock). */
  socket?: string;
  /** Milliseconds to wait for the connection and for each reply (default 10 000). */
  timeout?: number;
}

export function validateTimeout(timeout: unknown, field = 'timeout'): number {
  if (timeout === undefined) return DEFAULT_TIMEOUT;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
    throw new ValidationError(field, `expected a positive number of milliseconds, got ${formatValue(timeout)}`);
  }
  return timeout;
}

export function validateSocketPath(path: unknown, field = 'socket'): string {
  if (path === undefined) return defaultSocketPath();
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
    throw new ValidationError(field, `expected the path of ovsdb-server's unix socket, got ${formatValue(path)}`);
  }
  // Accept ovs-vsctl's --db spelling too.
  return path.startsWith('unix:') ? path.slice(5) : path;
}

let monitorIds = 0;
const dispose: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');

export class OvsdbClient {
  readonly socketPath: string;
  readonly timeout: number;
  private readonly rpc: JsonRpcConnection;

  private constructor(rpc: JsonRpcConnection, timeout: number) {
    this.rpc = rpc;
    this.socketPath = rpc.socketPath;
    this.timeout = timeout;
  }

  /** Opens a connection; fails with OvsdbUnavailableError naming the socket when ovsdb-server is not there. */
  static async connect(options: ClientOptions = {}): Promise<OvsdbClient> {
    const socketPath = validateSocketPath(options.socket);
    const timeout = validateTimeout(options.timeout);
    return new OvsdbClient(await JsonRpcConnection.connect(socketPath, timeout), timeout);
  }

  get closed(): boolean {
    return this.rpc.closed;
  }

  /** Any JSON-RPC method (`list_dbs`, `get_schema`, …); resolves with its result. */
  call(method: string, params: Json[], timeout = this.timeout): Promise<Json> {
    return this.rpc.request(method, params, timeout);
  }

  /**
   * Runs `ops` as one atomic transaction (RFC 7047 §4.1.3). The server
   * answers with one result per operation; on the first failing operation
   * it stops, the transaction is not committed, and we throw an OvsdbError
   * carrying the operation's index. A result array one longer than `ops`
   * means every operation ran but the commit failed (e.g. a unique index
   * was violated).
   */
  async transact(ops: Operation[], options: { database?: string; timeout?: number } = {}): Promise<OperationResult[]> {
    const result = await this.rpc.request('transact', [options.database ?? OPEN_VSWITCH_DB, ...(ops as unknown as Json[])], options.timeout ?? this.timeout);
    if (!Array.isArray(result)) throw toOvsdbError('transact', `malformed reply: ${JSON.stringify(result)}`);
    for (let i = 0; i < result.length; i++) {
      const r = result[i];
      if (r !== null && typeof r === 'object' && !Array.isArray(r) && 'error' in r) {
        throw toOvsdbError('transact', r, { index: i, op: i < ops.length ? ops[i]!.op : 'commit' });
      }
    }
    return result as OperationResult[];
  }

  /**
   * Waits until ovs-vswitchd has applied configuration `target`, i.e. until
   * Open_vSwitch.cur_cfg ≥ target, and returns cur_cfg. A monitor on
   * cur_cfg gives the current value in its reply and then pushes every
   * change, so nothing is missed between checking and waiting. On timeout
   * the change stays in the database (ovs-vswitchd applies it when it
   * runs), and a TimeoutError says so.
   */
  async waitForConfig(target: number, timeout = this.timeout): Promise<number> {
    const monitorId = `rtnl-cur-cfg-${++monitorIds}`;
    let latest: number | undefined;
    let wake: (() => void) | undefined;
    const note = (updates: Json) => {
      const v = curCfgOf(updates);
      // Keep the highest value seen: an update can be dispatched from the same
      // read as the monitor's reply, before the reply's (older) value reaches us.
      if (v !== undefined && (latest === undefined || v > latest)) latest = v;
      wake?.();
    };
    const off = this.rpc.onNotification('update', (params) => {
      if (Array.isArray(params) && params[0] === monitorId) note(params[1] ?? null);
    });
    const deadline = Date.now() + timeout;
    try {
      const initial = await this.rpc.request(
        'monitor',
        [OPEN_VSWITCH_DB, monitorId, { Open_vSwitch: { columns: ['cur_cfg'] } }],
        timeout,
      );
      note(initial);
      while (latest === undefined || latest < target) {
        const left = deadline - Date.now();
        if (left <= 0 || this.rpc.closed) break;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = undefined;
      }
      if (latest === undefined || latest < target) {
        const lost = this.rpc.closedError;
        if (lost) throw lost;
        throw new TimeoutError(
          `ovs-vswitchd did not apply the change within ${timeout} ms (Open_vSwitch.cur_cfg is ${latest ?? 'unset'}, waiting for ${target}); ` +
            `is ovs-vswitchd running and connected to ${this.socketPath}? The change is in the database and will be applied when it is.`,
        );
      }
      return latest;
    } finally {
      off();
      // Stop the server's updates on a connection the caller may keep using.
      if (!this.rpc.closed) this.rpc.request('monitor_cancel', [monitorId], timeout).catch(() => {});
    }
  }

  close(): void {
    this.rpc.close();
  }

  [dispose](): void {
    this.close();
  }
}

/** cur_cfg from a monitor's <table-updates>: {Open_vSwitch: {uuid: {old?, new?}}}. */
function curCfgOf(updates: Json): number | undefined {
  if (updates === null || typeof updates !== 'object' || Array.isArray(updates)) return undefined;
  const table = updates['Open_vSwitch'];
  if (table === null || typeof table !== 'object' || Array.isArray(table)) return undefined;
  for (const change of Object.values(table)) {
    if (change === null || typeof change !== 'object' || Array.isArray(change)) continue;
    const row = change['new'];
    if (row !== null && typeof row === 'object' && !Array.isArray(row) && typeof row['cur_cfg'] === 'number') return row['cur_cfg'];
  }
  return undefined;
}
