/**
 * The user-space end of a TAP device: a /dev/net/tun file descriptor
 * attached with TUNSETIFF. Each read(2) returns exactly one Ethernet frame
 * the kernel transmitted on the device; each write(2) injects one frame as
 * if it had arrived on the wire.
 *
 * Reading is driven by readiness (shim.poll): when the fd is readable the
 * kernel's queue is drained into a bounded queue here. When that queue is
 * full the poller is stopped, so the kernel's own queue (txqueuelen frames)
 * fills and the kernel drops and counts the excess — the behaviour of a slow
 * NIC, instead of unbounded memory growth in this process.
 */
import { SocketClosedError, ValidationError } from '../../netlink/errors.js';
import type { Poller, Shim } from '../../shim/types.js';
import { tunSetCarrier } from './ioctl.js';
import { formatValue } from '../../netlink/format-value.js';

/** Largest read: a 64 KiB GSO frame plus a virtio_net_hdr; tun truncates frames that do not fit. */
const READ_BUFFER_SIZE = 65536 + 64;
const EMPTY = new Uint8Array(0);
/** ETH_HLEN: tun refuses shorter TAP writes with EINVAL. */
const ETH_HLEN = 14;
const DEFAULT_QUEUE_SIZE = 256;
/** EBADFD, "file descriptor in bad state" (asm-generic/errno.h). */
const EBADFD = 77;

const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose');
const dispose: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');

/** Options of Tap.read and Tap.frames. */
export interface TapReadOptions {
  /** Aborting rejects a pending read() with the signal's reason, and ends a frames() iteration. */
  signal?: AbortSignal;
}

/** Options of Tap.write. */
export interface TapWriteOptions {
  /** Gives up waiting for room in the kernel's queue (EAGAIN) when aborted. */
  signal?: AbortSignal;
}

/** Counters of one Tap (this fd only; the device's own counters are in its link stats). */
export interface TapStats {
  framesRead: number;
  bytesRead: number;
  framesWritten: number;
  bytesWritten: number;
  /** Times reading was paused because nobody consumed the queue. */
  pauses: number;
}

/** @internal What openTap/createTap hand the constructor. */
export interface TapInit {
  shim: Shim;
  fd: number;
  name: string;
  index: number;
  multiQueue: boolean;
  vnetHdrSize: number;
  queueSize?: number | undefined;
  signal?: AbortSignal | undefined;
}

interface Waiter {
  resolve(frame: Uint8Array | undefined): void;
  reject(error: unknown): void;
}

export function validateQueueSize(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65536) {
    throw new ValidationError(field, `expected an integer from 1 to 65536 frames, got ${formatValue(value)}`);
  }
  return value;
}

export function validateSignal(value: unknown, field: string): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || typeof (value as AbortSignal).aborted !== 'boolean' || typeof (value as AbortSignal).addEventListener !== 'function') {
    throw new ValidationError(field, 'expected an AbortSignal');
  }
  return value as AbortSignal;
}

/**
 * An open TAP: read frames the kernel sends out of the device, write frames
 * for the kernel to receive. Get one from {@link openTap} or
 * `createTap(name, { open: true })`. Close it when done (or `await using`).
 */
export class Tap implements AsyncIterable<Uint8Array> {
  /** The device's name when it was opened. */
  readonly name: string;
  /** The device's ifindex. */
  readonly index: number;
  readonly multiQueue: boolean;
  /** Bytes of struct virtio_net_hdr that start every frame read or written; 0 without vnetHdr. */
  readonly vnetHdrSize: number;
  /** Frames held here before reading pauses. */
  readonly queueSize: number;
  readonly stats: TapStats = { framesRead: 0, bytesRead: 0, framesWritten: 0, bytesWritten: 0, pauses: 0 };

  private readonly shim: Shim;
  private fd: number;
  private poller: Poller | undefined;
  /** Holds the event loop open while reading is paused, if this Tap is referenced. */
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  private referenced = true;
  private state: 'open' | 'closed' | 'failed' = 'open';
  private failure: Error | undefined;
  private readonly queue: Uint8Array[] = [];
  private readonly waiters: Waiter[] = [];
  /**
   * The read buffer, let go of at close: libuv keeps the poll handle (and
   * through its callback this object) until its close callback runs on a
   * later loop turn, and 10,000 open/close cycles in one turn would hold
   * 10,000 buffers until then.
   */
  private buf = new Uint8Array(READ_BUFFER_SIZE);
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort = () => this.close();

  /** @internal Use openTap() or createTap(name, { open: true }). */
  constructor(init: TapInit) {
    this.shim = init.shim;
    this.fd = init.fd;
    this.name = init.name;
    this.index = init.index;
    this.multiQueue = init.multiQueue;
    this.vnetHdrSize = init.vnetHdrSize;
    this.queueSize = init.queueSize ?? DEFAULT_QUEUE_SIZE;
    this.signal = init.signal;
    this.startPolling();
    this.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** True once close() ran or reading failed. */
  get closed(): boolean {
    return this.state !== 'open';
  }

  /** The /dev/net/tun file descriptor (−1 once closed). */
  get fileDescriptor(): number {
    return this.fd;
  }

  /**
   * The next frame the kernel sent out of the device (with its virtio_net_hdr
   * first when vnetHdrSize > 0). Resolves `undefined` once the Tap is closed;
   * rejects if reading failed (e.g. the device was deleted: EBADFD).
   */
  read(options: TapReadOptions = {}): Promise<Uint8Array | undefined> {
    const signal = validateSignal(options.signal, 'signal');
    const frame = this.queue.shift();
    if (frame) {
      this.maybeResume();
      return Promise.resolve(frame);
    }
    if (this.state === 'closed') return Promise.resolve(undefined);
    if (this.state === 'failed') return Promise.reject(this.failure);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Uint8Array | undefined>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      if (signal) {
        const abort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', abort, { once: true });
        waiter.resolve = (f) => {
          signal.removeEventListener('abort', abort);
          resolve(f);
        };
        waiter.reject = (e) => {
          signal.removeEventListener('abort', abort);
          reject(e);
        };
      }
      this.waiters.push(waiter);
    });
  }

  /**
   * Iterates frames until the Tap is closed or `signal` aborts (both end the
   * loop quietly); a read failure is thrown.
   */
  async *frames(options: TapReadOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
    const signal = validateSignal(options.signal, 'signal');
    for (;;) {
      let frame: Uint8Array | undefined;
      try {
        frame = await this.read(signal ? { signal } : {});
      } catch (e) {
        if (signal?.aborted && e === signal.reason) return;
        throw e;
      }
      if (frame === undefined) return;
      yield frame;
    }
  }

  [Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    return this.frames();
  }

  /**
   * Injects one frame: the kernel receives it as if it had arrived on the
   * wire. With vnetHdrSize > 0 the frame must start with a virtio_net_hdr.
   * Retries while the kernel answers EAGAIN.
   */
  async write(frame: Uint8Array, options: TapWriteOptions = {}): Promise<void> {
    const signal = validateSignal(options.signal, 'signal');
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      if (this.tryWrite(frame)) return;
      if (signal?.aborted) throw signal.reason;
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** Writes one frame now; false when the kernel answered EAGAIN (try again later). */
  tryWrite(frame: Uint8Array): boolean {
    this.checkFrame(frame);
    if (this.state === 'failed') throw this.failure;
    if (this.state === 'closed') throw new SocketClosedError(`${this.name}: the TAP is closed`);
    for (;;) {
      let n: number;
      try {
        n = this.shim.write(this.fd, frame, frame.byteLength);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EINTR') continue;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return false;
        throw annotate(e, this.name);
      }
      // tun takes a frame whole or not at all (tun_get_user returns the full length).
      this.stats.framesWritten++;
      this.stats.bytesWritten += n;
      return true;
    }
  }

  /**
   * Raises or drops the device's carrier (TUNSETCARRIER), as a cable being
   * plugged or pulled: without carrier the kernel reports NO-CARRIER and
   * sends nothing out of the device.
   */
  setCarrier(up: boolean): void {
    if (typeof up !== 'boolean') throw new ValidationError('up', 'expected true or false');
    if (this.state !== 'open') throw new SocketClosedError(`${this.name}: the TAP is closed`);
    tunSetCarrier(this.shim, this.fd, up);
  }

  /** Let this Tap keep the process alive while it is open (the default). */
  ref(): this {
    this.referenced = true;
    this.poller?.ref();
    this.keepAlive?.ref();
    return this;
  }

  /** Stop this Tap from keeping the process alive; reads still work while something else does. */
  unref(): this {
    this.referenced = false;
    this.poller?.unref();
    this.keepAlive?.unref();
    return this;
  }

  /**
   * Stops reading and closes the fd; pending reads resolve `undefined` and
   * iterations end. A persistent device stays; a non-persistent one is
   * deleted by the kernel when its last fd closes. Idempotent.
   */
  close(): void {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    this.queue.length = 0;
    if (wasOpen) this.release();
    for (const w of this.waiters.splice(0)) w.resolve(undefined);
  }

  async [asyncDispose](): Promise<void> {
    this.close();
  }

  [dispose](): void {
    this.close();
  }

  private checkFrame(frame: Uint8Array): void {
    if (!(frame instanceof Uint8Array)) throw new ValidationError('frame', `expected a Uint8Array, got ${typeof frame}`);
    const min = this.vnetHdrSize + ETH_HLEN;
    if (frame.byteLength < min) {
      throw new ValidationError('frame', `a frame needs at least ${min} bytes (${this.vnetHdrSize ? `${this.vnetHdrSize}-byte virtio_net_hdr + ` : ''}14-byte Ethernet header), got ${frame.byteLength}`);
    }
    if (frame.byteLength > READ_BUFFER_SIZE) throw new ValidationError('frame', `a frame can have at most ${READ_BUFFER_SIZE} bytes, got ${frame.byteLength}`);
  }

  /** Closes poller, keep-alive timer and fd. */
  private release(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    this.stopPolling();
    this.buf = EMPTY;
    if (this.fd >= 0) {
      const fd = this.fd;
      this.fd = -1;
      this.shim.close(fd);
    }
  }

  private startPolling(): void {
    if (this.keepAlive !== undefined) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
    if (this.poller) return;
    this.poller = this.shim.poll(this.fd, () => this.drain());
    if (!this.referenced) this.poller.unref();
  }

  private stopPolling(): void {
    this.poller?.close();
    this.poller = undefined;
    if (this.keepAlive !== undefined) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
  }

  /** Reads until the kernel's queue is empty (EAGAIN) or ours is full. */
  private drain(): void {
    while (this.state === 'open') {
      if (this.waiters.length === 0 && this.queue.length >= this.queueSize) {
        this.pause();
        return;
      }
      let n: number;
      try {
        n = this.shim.read(this.fd, this.buf);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return;
        if (code === 'EINTR') continue;
        this.fail(annotate(e, this.name));
        return;
      }
      if (n <= 0) return;
      const frame = this.buf.slice(0, n);
      this.stats.framesRead++;
      this.stats.bytesRead += n;
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(frame);
      else this.queue.push(frame);
    }
  }

  /**
   * Stops polling while nobody consumes: a level-triggered poller would
   * otherwise fire on every loop turn. A long timer takes the poller's place
   * in keeping the process alive, so pausing does not change ref semantics.
   */
  private pause(): void {
    if (!this.poller) return;
    this.stats.pauses++;
    this.poller.close();
    this.poller = undefined;
    this.keepAlive = setInterval(() => {}, 0x7fffffff);
    if (!this.referenced) this.keepAlive.unref();
  }

  private maybeResume(): void {
    if (this.state !== 'open' || this.poller || this.queue.length > this.queueSize >> 1) return;
    this.drain();
    if (this.state === 'open' && !this.poller && (this.waiters.length > 0 || this.queue.length < this.queueSize)) this.startPolling();
  }

  /** Reading failed for good: queued frames stay readable, then every read rejects with `error`. */
  private fail(error: Error): void {
    this.state = 'failed';
    this.failure = error;
    this.release();
    for (const w of this.waiters.splice(0)) w.reject(error);
  }
}

/** Prefixes a system error with the device name, keeping code/errno/syscall. */
function annotate(e: unknown, name: string): Error {
  if (!(e instanceof Error)) return new Error(`${name}: ${String(e)}`);
  const err = e as Error & { code?: string; errno?: number };
  // EBADFD (77) from read/write: the tun file lost its device (tun_get()
  // found none), i.e. the device was deleted.
  if (err.errno === -EBADFD || err.errno === EBADFD) {
    err.code = 'EBADFD';
    err.message = `${name}: EBADFD: the device was deleted, ${err.message.replace(/^E[A-Z0-9]+: [^,]*, /, '')}`;
  } else {
    err.message = `${name}: ${err.message}`;
  }
  return err;
}
