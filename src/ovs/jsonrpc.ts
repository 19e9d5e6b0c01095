/**
 * JSON-RPC 1.0 over a unix stream socket, as OVSDB uses it (RFC 7047 §4):
 * requests carry an `id`, replies echo it with `result` and `error`;
 * notifications (`update` from a monitor) carry `id: null`; the server may
 * itself send an `echo` request as a liveness probe, which must be answered
 * or it drops the connection.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { TimeoutError } from '../netlink/errors.js';
import { OvsdbError, OvsdbUnavailableError } from './errors.js';
import { JsonStreamSplitter } from './json-stream.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Pending {
  method: string;
  resolve: (v: Json) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

export type NotificationHandler = (params: Json) => void;

export class JsonRpcConnection {
  readonly socketPath: string;
  private readonly sock: Socket;
  private readonly splitter = new JsonStreamSplitter();
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, Set<NotificationHandler>>();
  private nextId = 1;
  private closedBy: Error | undefined;

  private constructor(socketPath: string, sock: Socket) {
    this.socketPath = socketPath;
    this.sock = sock;
    sock.on('data', (chunk: Buffer) => this.onData(chunk));
    sock.on('error', (e: NodeJS.ErrnoException) => this.fail(new OvsdbUnavailableError(socketPath, e.code ?? 'EIO')));
    sock.on('close', () => this.fail(new OvsdbUnavailableError(socketPath, 'EOF', `ovsdb-server at ${socketPath} closed the connection`)));
  }

  /** Connects to `socketPath`; ENOENT/ECONNREFUSED/EACCES become an OvsdbUnavailableError naming the path. */
  static connect(socketPath: string, timeout: number): Promise<JsonRpcConnection> {
    return new Promise((resolve, reject) => {
      const sock = netConnect({ path: socketPath });
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new TimeoutError(`no connection to ovsdb-server at ${socketPath} within ${timeout} ms`));
      }, timeout);
      const onError = (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        sock.destroy();
        reject(new OvsdbUnavailableError(socketPath, e.code ?? 'EIO'));
      };
      sock.once('error', onError);
      sock.once('connect', () => {
        clearTimeout(timer);
        sock.off('error', onError);
        resolve(new JsonRpcConnection(socketPath, sock));
      });
    });
  }

  get closed(): boolean {
    return this.closedBy !== undefined;
  }

  /** Why the connection is closed, or undefined while it is open. */
  get closedError(): Error | undefined {
    return this.closedBy;
  }

  /** Sends a request and resolves with its `result`; a non-null `error` rejects as OvsdbError. */
  request(method: string, params: Json[], timeout: number): Promise<Json> {
    if (this.closedBy) return Promise.reject(this.closedBy);
    const id = this.nextId++;
    return new Promise<Json>((resolve, reject) => {
      const timer =
        timeout > 0
          ? setTimeout(() => {
              this.pending.delete(id);
              reject(new TimeoutError(`ovsdb-server at ${this.socketPath} did not answer ${method} within ${timeout} ms`));
            }, timeout)
          : undefined;
      this.pending.set(id, { method, resolve, reject, timer });
      this.send({ method, params, id });
    });
  }

  /** Registers a handler for server notifications of `method` (e.g. `update`); returns its remover. */
  onNotification(method: string, handler: NotificationHandler): () => void {
    let set = this.handlers.get(method);
    if (!set) this.handlers.set(method, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  close(): void {
    this.fail(new OvsdbUnavailableError(this.socketPath, 'EOF', `the connection to ovsdb-server at ${this.socketPath} was closed`));
  }

  private send(msg: { [key: string]: Json }): void {
    this.sock.write(JSON.stringify(msg));
  }

  private onData(chunk: Buffer): void {
    let texts: string[];
    try {
      texts = this.splitter.push(chunk);
    } catch (e) {
      this.fail(new OvsdbUnavailableError(this.socketPath, 'EPROTO', `ovsdb-server at ${this.socketPath} sent malformed JSON: ${(e as Error).message}`));
      return;
    }
    for (const text of texts) {
      let msg: { [key: string]: Json };
      try {
        msg = JSON.parse(text) as { [key: string]: Json };
      } catch (e) {
        this.fail(new OvsdbUnavailableError(this.socketPath, 'EPROTO', `ovsdb-server at ${this.socketPath} sent malformed JSON: ${(e as Error).message}`));
        return;
      }
      try {
        this.dispatch(msg);
      } catch (e) {
        // A notification handler that cannot read what the server sent:
        // the server is broken, and a throw here would be an uncaught
        // exception in a socket 'data' event.
        this.fail(new OvsdbUnavailableError(this.socketPath, 'EPROTO', `ovsdb-server at ${this.socketPath} sent a message that could not be handled: ${(e as Error).message}`));
        return;
      }
    }
  }

  private dispatch(msg: { [key: string]: Json }): void {
    const method = msg['method'];
    const id = msg['id'];
    if (typeof method === 'string') {
      if (id === null || id === undefined) {
        for (const h of this.handlers.get(method) ?? []) h(msg['params'] ?? null);
      } else if (method === 'echo') {
        // RFC 7047 §4.1.11: the reply's result is the request's params.
        this.send({ id, result: msg['params'] ?? [], error: null });
      } else {
        this.send({ id, result: null, error: `unsupported method ${method}` });
      }
      return;
    }
    if (typeof id !== 'number') return;
    const p = this.pending.get(id);
    if (!p) return; // a reply that arrived after its timeout
    this.pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    const error = msg['error'];
    if (error !== null && error !== undefined) {
      p.reject(toOvsdbError(p.method, error));
    } else {
      p.resolve(msg['result'] ?? null);
    }
  }

  private fail(err: Error): void {
    if (this.closedBy) return;
    this.closedBy = err;
    this.sock.destroy();
    for (const p of this.pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }
}

/** An RFC 7047 <error> object (or the bare string some servers send) as an OvsdbError. */
export function toOvsdbError(method: string, error: Json, where?: { index: number; op: string }): OvsdbError {
  if (error !== null && typeof error === 'object' && !Array.isArray(error)) {
    const e = typeof error['error'] === 'string' ? error['error'] : JSON.stringify(error);
    const details = typeof error['details'] === 'string' ? error['details'] : undefined;
    return new OvsdbError({ method, error: e, details, ...where });
  }
  return new OvsdbError({ method, error: typeof error === 'string' ? error : JSON.stringify(error), ...where });
}
