/**
 * Errors of the OVS client. Like the rest of rtnl each class has a narrow
 * `name` and a stable `code`, and `isOvsError` checks a structural brand, not
 * `instanceof`, so it works when both the ESM and the CJS copy are loaded.
 * Bad input is the library's `ValidationError`; a reply that never comes is
 * its `TimeoutError`.
 */

const BRAND = Symbol.for('rtnl.ovs.error');

abstract class OvsErrorBase extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * The database server cannot be reached: the socket file is missing
 * (ENOENT), nobody listens on it (ECONNREFUSED), we may not open it (EACCES),
 * or the connection dropped mid-way.
 */
export class OvsdbUnavailableError extends OvsErrorBase {
  override readonly name = 'OvsdbUnavailableError';
  readonly code = 'ERR_OVSDB_UNAVAILABLE';
  /** The unix socket we tried, e.g. `/var/run/openvswitch/db.sock`. */
  readonly socketPath: string;
  /** The system error code behind it (`ENOENT`, `ECONNREFUSED`, `EACCES`, `ECONNRESET`, `EOF`…). */
  readonly reason: string;
  constructor(socketPath: string, reason: string, message?: string) {
    super(message ?? unavailableMessage(socketPath, reason));
    this.socketPath = socketPath;
    this.reason = reason;
  }
}

function unavailableMessage(socketPath: string, reason: string): string {
  switch (reason) {
    case 'ENOENT':
      return `cannot connect to ovsdb-server: the socket ${socketPath} does not exist (ENOENT); ovsdb-server is not running, or listens elsewhere (pass { socket: path })`;
    case 'ECONNREFUSED':
      return `cannot connect to ovsdb-server: nobody listens on ${socketPath} (ECONNREFUSED); ovsdb-server is not running (a stale socket file is left)`;
    case 'EACCES':
    case 'EPERM':
      return `cannot connect to ovsdb-server at ${socketPath}: permission denied (${reason}); run as root or as the user owning the socket`;
    default:
      return `cannot talk to ovsdb-server at ${socketPath} (${reason})`;
  }
}

/**
 * ovsdb-server refused a request or a transaction (RFC 7047 <error>:
 * "constraint violation", "referential integrity violation", "timed out" for a
 * failed `wait`, …). `index` is the failing operation's position in the
 * transaction, or `ops.length` when every operation ran but the commit failed.
 */
export class OvsdbError extends OvsErrorBase {
  override readonly name = 'OvsdbError';
  readonly code = 'ERR_OVSDB';
  /** The server's error string, e.g. `constraint violation`. */
  readonly error: string;
  readonly details: string | undefined;
  /** The JSON-RPC method (`transact`, `monitor`, …). */
  readonly method: string;
  /** Index of the failing operation inside a transaction. */
  readonly index: number | undefined;
  /** The failing operation's `op` (`insert`, `wait`, …), or `commit`. */
  readonly op: string | undefined;
  constructor(init: { method: string; error: string; details?: string | undefined; index?: number; op?: string }) {
    const where = init.op !== undefined ? ` (operation ${init.index}: ${init.op})` : '';
    super(`ovsdb-server: ${init.method}${where}: ${init.error}${init.details ? `: ${init.details}` : ''}`);
    this.error = init.error;
    this.details = init.details;
    this.method = init.method;
    this.index = init.index;
    this.op = init.op;
  }
}

/** The bridge or port named does not exist (where it was looked for). */
export class OvsNotFoundError extends OvsErrorBase {
  override readonly name = 'OvsNotFoundError';
  readonly code = 'ERR_OVS_NOT_FOUND';
  readonly kind: 'bridge' | 'port';
  readonly objectName: string;
  /** For a port: the bridge it was looked for on. */
  readonly bridge: string | undefined;
  constructor(kind: 'bridge' | 'port', objectName: string, bridge?: string, detail?: string) {
    const on = bridge !== undefined ? ` on bridge ${JSON.stringify(bridge)}` : '';
    super(`no ${kind} named ${JSON.stringify(objectName)}${on}${detail ? ` (${detail})` : ''}`);
    this.kind = kind;
    this.objectName = objectName;
    this.bridge = bridge;
  }
}

/**
 * A bridge or port of that name exists already. Port names are unique in
 * the whole database (the Port table's index), and every bridge owns a port
 * of its own name, so `bridge` says where the clash is.
 */
export class OvsExistsError extends OvsErrorBase {
  override readonly name = 'OvsExistsError';
  readonly code = 'ERR_OVS_EXISTS';
  readonly kind: 'bridge' | 'port';
  readonly objectName: string;
  /** For a port: the bridge that holds it, when known. */
  readonly bridge: string | undefined;
  constructor(kind: 'bridge' | 'port', objectName: string, bridge?: string) {
    const on = bridge !== undefined ? ` on bridge ${JSON.stringify(bridge)}` : '';
    super(`a ${kind} named ${JSON.stringify(objectName)} already exists${on}`);
    this.kind = kind;
    this.objectName = objectName;
    this.bridge = bridge;
  }
}

/**
 * ovs-vswitchd applied the change but could not set the interface up; its
 * reason is the Interface row's `error` column (e.g. "could not open network
 * device tap9 (No such device)"). The change was undone before this was
 * thrown; if undoing failed as well, `rollbackError` says why.
 */
export class OvsInterfaceError extends OvsErrorBase {
  override readonly name = 'OvsInterfaceError';
  readonly code = 'ERR_OVS_INTERFACE';
  readonly interfaceName: string;
  /** ovs-vswitchd's text from Interface.error. */
  readonly reason: string;
  /** Set when undoing the change failed too; the change is then still in the database. */
  readonly rollbackError: Error | undefined;
  constructor(interfaceName: string, reason: string, rollbackError?: Error) {
    const outcome = rollbackError ? ` (rolling the change back failed too: ${rollbackError.message})` : ' (the change was rolled back)';
    super(`ovs-vswitchd could not set up interface ${JSON.stringify(interfaceName)}: ${reason}${outcome}`);
    this.interfaceName = interfaceName;
    this.reason = reason;
    this.rollbackError = rollbackError;
  }
}

export type OvsError = OvsdbUnavailableError | OvsdbError | OvsNotFoundError | OvsExistsError | OvsInterfaceError;

/** True for any error of the OVS client (optionally of one `code`), from either module format. */
export function isOvsError(e: unknown, code?: OvsError['code']): e is OvsError {
  return (
    typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true && (code === undefined || (e as OvsError).code === code)
  );
}
