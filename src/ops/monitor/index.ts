/**
 * `monitor()`: follow link, address, route, neighbour and nsid changes as
 * typed events, the way `ip monitor` does, from an async iterator.
 *
 *   for await (const e of monitor(['link', 'address'], { netns: 'blue', signal })) { … }
 *
 * Two sockets, both opened inside the target namespace: an event socket
 * (multicast groups, readiness from the event loop) and, when snapshots are
 * wanted, a request socket for the dumps. The event socket subscribes first,
 * so a listing taken afterwards has no gap before the events that follow it.
 *
 * Loss is never silent: an `overrun` event says the kernel dropped
 * notifications; with `resync: true` a `resync` snapshot follows, taken from
 * fresh dumps once the kernel has let go of its congestion (see
 * docs/monitor.md for the exact ordering guarantees).
 *
 * Why ~440 lines: the Monitor class is one state machine (event queue,
 * overrun and resync jobs, the two sockets' lifetimes); its events,
 * options and name cache live beside it.
 */
import { EventSocket, type OverrunReason } from '../../netlink/event-socket.js';
import { DumpInterruptedError, isRtnlError, type DecodeError } from '../../netlink/errors.js';
import { RtnlSocket, type Message } from '../../netlink/socket.js';
import { AF, RTM } from '../../rtnetlink/constants.js';
import { RTEXT_FILTER, linkMessage } from '../../rtnetlink/link/index.js';
import {
  KINDS,
  linkNameOf,
  rowForType,
  type DecodeContext,
  type AnyKindRow,
  type MonitorAddress,
  type MonitorFamily,
  type MonitorLink,
  type MonitorNeighbour,
  type MonitorNsid,
  type MonitorObject,
  type MonitorObjectName,
  type MonitorRoute,
} from './kinds.js';

export type { MonitorAddress, MonitorFamily, MonitorLink, MonitorNeighbour, MonitorNsid, MonitorObject, MonitorObjectName, MonitorRoute };
export type { OverrunReason };
export { formatEvent, type FormatOptions } from './format.js';
export type * from './events.js';
import type { MonitorEvent, MonitorOptions, ObjectEvent, ResyncEvent } from './events.js';
import { LinkNames } from './link-names.js';
import { normaliseObjects, validateOptions } from './options.js';

/** How many times a dump interrupted by changes (NLM_F_DUMP_INTR) is retried. */
const DUMP_ATTEMPTS = 5;
/** Pick up notifications every so many dump messages, so the event queue does not overflow during a long dump. */
const DRAIN_EVERY = 64;

const DEFAULT_HIGH_WATER = 10_000;

const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose');

interface SnapshotJob {
  reason: 'initial' | 'overrun';
  cancelled: boolean;
  done: boolean;
  event: ResyncEvent | undefined;
  error: Error | undefined;
}

type Item =
  | { k: 'event'; event: MonitorEvent }
  | { k: 'overrun'; reason: OverrunReason }
  | { k: 'snap'; job: SnapshotJob };

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * Follows changes of `objects` (default: all of link, address, route, neigh,
 * nsid) and yields them as typed events. The subscription starts at this
 * call, before the first `next()`. Bad arguments throw a ValidationError
 * here, before any system call.
 *
 * The iteration ends on `break`, `return()`, the signal's abort, or
 * `close()`; then both sockets are closed. The process is kept alive only
 * while a `next()` is waiting for an event.
 */
export function monitor(objects?: readonly MonitorObjectName[], options: MonitorOptions = {}): Monitor {
  return new Monitor(objects, options);
}

/**
 * The iterator `monitor()` returns: MonitorEvents read from its event socket
 * (and a request socket for snapshots and link names), until `close()`.
 */
export class Monitor implements AsyncIterableIterator<MonitorEvent> {
  /** The kinds being watched. */
  readonly objects: readonly MonitorObject[];
  private readonly rows: AnyKindRow[];
  private readonly family: MonitorFamily | undefined;
  private readonly resync: boolean;
  private readonly highWater: number;
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort = () => this.close();
  private events: EventSocket | undefined;
  private requests: RtnlSocket | undefined;
  private queue: Item[] = [];
  private head = 0;
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;
  private isClosed = false;
  /** The snapshot whose item is queued and not yet delivered. */
  private pendingJob: SnapshotJob | undefined;
  private jobRunning = false;
  private resyncWanted: 'initial' | 'overrun' | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly names = new LinkNames((index) => this.lookupName(index));
  private readonly ctx: DecodeContext;

  constructor(objects: readonly MonitorObjectName[] | undefined, options: MonitorOptions) {
    const o = validateOptions(options);
    this.objects = normaliseObjects(objects);
    this.rows = this.objects.map((k) => KINDS[k]);
    this.family = o.family;
    this.ctx = { family: o.family, names: this.names };
    this.resync = o.resync ?? false;
    this.highWater = o.highWaterMark ?? DEFAULT_HIGH_WATER;
    this.signal = o.signal;
    if (o.signal?.aborted) {
      this.isClosed = true;
      return;
    }
    const groups = this.rows.flatMap((r) => r.groups(this.family));
    const es: Parameters<typeof EventSocket.open>[0] = { groups };
    if (o.netns !== undefined) es.netns = o.netns;
    if (o.receiveBufferSize !== undefined) es.receiveBufferSize = o.receiveBufferSize;
    if (o.shim !== undefined) es.shim = o.shim;
    // Subscribe first: from here on the kernel queues every change for us,
    // so a dump taken afterwards leaves no gap.
    this.events = EventSocket.open(es);
    try {
      // Snapshots need it, and so do the link names of addresses, routes and neighbours.
      if (o.listExisting || this.resync || this.objects.some((k) => k === 'address' || k === 'route' || k === 'neigh')) {
        const rs: Parameters<typeof RtnlSocket.open>[0] = {};
        if (o.netns !== undefined) rs.netns = o.netns;
        if (o.timeout !== undefined) rs.timeout = o.timeout;
        if (o.shim !== undefined) rs.shim = o.shim;
        this.requests = RtnlSocket.open(rs);
      }
      this.events.start({
        message: (m) => this.onMessage(m),
        overrun: (reason) => this.onOverrun(reason),
        error: (e) => {
          this.failure ??= e;
          this.wake();
        },
        idle: () => {
          if (this.resyncWanted && !this.jobRunning) this.startJob(this.resyncWanted);
        },
      });
      // Nobody is waiting yet: do not hold the process open until a next() does.
      this.events.unref();
    } catch (e) {
      this.events.close();
      this.requests?.close();
      throw e;
    }
    o.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (o.listExisting) this.startJob('initial');
  }

  /** True once the iteration has ended (abort, break, close, error). */
  get closed(): boolean {
    return this.isClosed;
  }

  /** The event socket's netlink port id (0 once closed). */
  get portId(): number {
    return this.events?.portId ?? 0;
  }

  /**
   * Datagrams the monitor dropped unread because the kernel did not send
   * them (another process wrote to its port id or to the group): never
   * events, never an error. A count above 0 means someone tried.
   */
  get foreignDatagrams(): number {
    return this.events?.foreignDatagrams ?? 0;
  }

  /** The event socket's kernel receive buffer in bytes, as the kernel reports it (doubled). */
  get receiveBufferSize(): number {
    if (!this.events || this.events.closed) return 0;
    return this.events.receiveBufferSize;
  }

  /**
   * The name of the link with this ifindex as the event stream last named
   * it (looked up once with RTM_GETLINK when the stream has not), for
   * formatting; undefined when there is no such link.
   */
  linkName(index: number): string | undefined {
    return this.names.get(index);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<MonitorEvent, undefined>> {
    // Calls that overlap (without awaiting) are answered in order.
    const p = this.chain.then(() => this.nextEvent());
    this.chain = p.catch(() => undefined);
    return p;
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    this.close();
    return DONE;
  }

  async throw(e?: unknown): Promise<IteratorReturnResult<undefined>> {
    this.close();
    throw e;
  }

  async [asyncDispose](): Promise<void> {
    this.close();
  }

  /** Ends the iteration and closes both sockets. Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    if (this.pendingJob) this.pendingJob.cancelled = true;
    this.pendingJob = undefined;
    this.resyncWanted = undefined;
    this.queue = [];
    this.head = 0;
    this.events?.close();
    this.requests?.close();
    this.wake();
  }

  private async nextEvent(): Promise<IteratorResult<MonitorEvent, undefined>> {
    for (;;) {
      if (this.isClosed) return DONE;
      const item = this.queue[this.head];
      if (item) {
        if (item.k === 'snap') {
          if (!item.job.done) {
            await this.wait();
            continue;
          }
          this.shift();
          if (this.pendingJob === item.job) this.pendingJob = undefined;
          if (item.job.error) throw this.fail(item.job.error);
          return { done: false, value: item.job.event as ResyncEvent };
        }
        this.shift();
        if (item.k === 'overrun') return { done: false, value: { type: 'overrun', reason: item.reason } };
        return { done: false, value: item.event };
      }
      if (this.failure) throw this.fail(this.failure);
      await this.wait();
    }
  }

  private decode(m: Message, row: AnyKindRow): MonitorEvent | undefined {
    let obj: unknown;
    try {
      obj = row.decode(m, this.ctx);
    } catch (e) {
      if (isRtnlError(e) && e.name === 'DecodeError') return { type: 'undecodable', error: e as DecodeError, message: m };
      throw e;
    }
    if (obj === undefined) return undefined;
    if (row === KINDS.link && m.type === RTM.NEWLINK) {
      const { index, name } = linkNameOf(obj as MonitorLink);
      this.names.learn(index, name);
    }
    return { type: m.type === row.newType ? row.newName : row.delName, [row.field]: obj, portId: m.pid, seq: m.seq } as unknown as ObjectEvent;
  }

  private fail(e: Error): Error {
    this.close();
    return e;
  }

  private shift(): void {
    this.queue[this.head++] = undefined as never;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    // Below half the high-water mark again: let the kernel's queue flow in.
    if (this.events?.isPaused && this.queue.length - this.head <= this.highWater / 2) this.events.resume();
  }

  private get queued(): number {
    return this.queue.length - this.head;
  }

  private push(item: Item): void {
    this.queue.push(item);
    this.wake();
  }

  /** Waits for the next wake-up; only a waiting consumer keeps the process alive. */
  private wait(): Promise<void> {
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.events?.ref();
    });
  }

  private wake(): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = undefined;
    if (this.events && !this.events.closed) this.events.unref();
    // The shim calls us as ordinary JavaScript (the node:ffi poller defers
    // to setImmediate, the addon uses napi_make_callback), so resolving a
    // promise here resumes the consumer normally.
    w();
  }

  private onMessage(m: Message): boolean {
    if (this.isClosed) return false;
    // The initial listing is being taken again after an overrun: whatever
    // arrives before it starts is already in it, and the consumer, who has
    // no state yet, should see the listing first.
    if (this.resyncWanted === 'initial') return true;
    const row = rowForType(m.type, this.rows);
    if (!row) return true; // a message type of a group we joined but do not model
    // Decoded on arrival, not on delivery: link names are looked up while
    // the link still exists, and link events update the name map in stream
    // order, as `ip monitor` sees them.
    const event = this.decode(m, row);
    if (event) this.push({ k: 'event', event });
    return this.queued < this.highWater;
  }

  private onOverrun(reason: OverrunReason): void {
    if (this.isClosed) return;
    if (this.resync) {
      const job = this.pendingJob;
      if (job) {
        // The snapshot not yet delivered (in progress or finished) may miss
        // what was just lost: drop it and everything queued after it, and
        // take a fresh one once the kernel's queue is empty. The consumer
        // has already been told about the overrun that asked for it (or, for
        // the initial listing, has no state yet).
        job.cancelled = true;
        this.pendingJob = undefined;
        const at = this.queue.findIndex((it, i) => i >= this.head && it.k === 'snap' && it.job === job);
        if (at >= 0) this.queue.length = at;
        this.resyncWanted = this.resyncWanted === 'initial' || job.reason === 'initial' ? 'initial' : 'overrun';
        return;
      }
      // A snapshot is already coming (it starts when the queue is empty):
      // it covers these losses too, so no second marker.
      if (this.resyncWanted) return;
      this.resyncWanted = 'overrun';
    }
    const last = this.queue[this.queue.length - 1];
    if (this.queued > 0 && last?.k === 'overrun') return; // one marker per run of losses
    this.push({ k: 'overrun', reason });
  }

  /**
   * Queues a snapshot at the current position and fills it from fresh dumps.
   * Notifications read while the dumps run are queued after it.
   */
  private startJob(reason: 'initial' | 'overrun'): void {
    const job: SnapshotJob = { reason, cancelled: false, done: false, event: undefined, error: undefined };
    this.resyncWanted = undefined;
    this.pendingJob = job;
    this.jobRunning = true;
    this.push({ k: 'snap', job });
    void this.takeSnapshot(job).then(
      (event) => {
        if (!job.cancelled) job.event = event;
      },
      (e: unknown) => {
        if (!job.cancelled) job.error = e as Error;
      },
    ).finally(() => {
      job.done = true;
      this.jobRunning = false;
      if (this.isClosed) return;
      this.wake();
      // An overrun during this snapshot wants another one: it starts as
      // soon as a drain finds the kernel's queue empty.
      if (this.resyncWanted) this.events?.drain();
    });
  }

  private async takeSnapshot(job: SnapshotJob): Promise<ResyncEvent | undefined> {
    const socket = this.requests as RtnlSocket;
    const out: ResyncEvent = { type: 'resync', reason: job.reason, consistent: true };
    for (const row of this.rows) {
      const list: unknown[] = [];
      for (const d of row.dumps(this.family)) {
        for (let attempt = 1; ; attempt++) {
          const part: unknown[] = [];
          try {
            let n = 0;
            for await (const m of socket.dump(d.type, 0, d.body, { operation: d.operation })) {
              if (job.cancelled || this.isClosed) return undefined;
              if (m.type === row.newType) {
                const obj = row.decode(m, this.ctx);
                if (obj !== undefined) part.push(obj);
                if (row === KINDS.link) {
                  const { index, name } = linkNameOf(obj as MonitorLink);
                  this.names.learn(index, name);
                }
              }
              if (++n % DRAIN_EVERY === 0) this.events?.drain();
            }
            list.push(...part);
            break;
          } catch (e) {
            if (job.cancelled || this.isClosed) return undefined;
            if (!(e instanceof DumpInterruptedError)) throw e;
            if (attempt >= DUMP_ATTEMPTS) {
              // The table kept changing: use the last listing and say so.
              out.consistent = false;
              list.push(...part);
              break;
            }
            // Let the loop turn (and the event socket drain) before trying again.
            await new Promise((r) => setImmediate(r));
          }
        }
        this.events?.drain();
        if (job.cancelled || this.isClosed) return undefined;
      }
      (out as unknown as Record<string, unknown[]>)[row.plural] = list;
    }
    return out;
  }

  private lookupName(index: number): string | undefined {
    const socket = this.requests;
    if (!socket || socket.closed) return undefined;
    try {
      const [reply] = socket.requestSync(
        RTM.GETLINK,
        0,
        (w) => linkMessage.encode(w, { header: { family: AF.UNSPEC, type: 0, index, flags: 0, change: 0 }, attrs: { extMask: RTEXT_FILTER.SKIP_STATS } }),
        { operation: 'monitor: link name' },
      );
      return reply ? linkMessage.decode(reply.bytes).attrs.ifname : undefined;
    } catch {
      return undefined; // gone already (ENODEV): the object keeps its index only
    }
  }
}
