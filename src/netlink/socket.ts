/**
 * The netlink socket client: requests, dumps, sequence numbers, errors.
 *
 * rtnetlink runs a request inside sendmsg(): by the time send() returns, the
 * kernel has queued the reply and the ACK. Each later chunk of a dump is
 * produced inside recvmsg(). So a request socket needs no readiness
 * notification: after sending, a (time-bounded) blocking receive always
 * finds the answer. Replies are routed to their request by sequence number,
 * so requests issued by many async tasks, and a dump that is being consumed
 * slowly, share one socket safely. A request socket registers nothing with
 * the event loop and never keeps the process alive.
 *
 * Why one file of ~530 lines: requests, dumps and their shared receive
 * loop route replies by sequence number through one private queue and one
 * receive buffer; split apart they would need that state exported.
 */
import type { Shim } from '../shim/types.js';
import { getShim } from '../shim/index.js';
import { AF_NETLINK, MSG_TRUNC, SOCK_CLOEXEC, SOCK_RAW, SOL_SOCKET, SO_RCVTIMEO, SO_SNDTIMEO } from '../shim/constants.js';
import { NETLINK_OPT, NETLINK_ROUTE, NLMSG, NLMSG_HDRLEN, NLM_F, SOL_NETLINK } from './constants.js';
import { DecodeError, DumpInterruptedError, NetlinkError, SocketClosedError, TimeoutError, ValidationError, type ExtAck } from './errors.js';
import { rejectInherited } from './own-options.js';
import { DEBUG, debug, describeMessage } from '../shim/debug.js';
import { forEachMessage, readDoneMessage, readErrorMessage, type NlHeader } from './message.js';
import { type NetnsRef, runInNetnsSync } from './netns.js';
import type { AttrSet } from './schema.js';
import { errnoName } from '../shim/errors.js';
import { type AttrTrace, ByteWriter } from './writer.js';
import { formatValue } from './format-value.js';

/** One received netlink message: its header fields and its bytes (header included, a private copy). */
export interface Message {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  bytes: Uint8Array;
}

/** Options of {@link RtnlSocket.open}. */
export interface SocketOptions {
  /** Open the socket inside this network namespace (the process stays where it is). */
  netns?: NetnsRef;
  /** How long to wait for any one reply, in ms (SO_RCVTIMEO). Default 10 000. */
  timeout?: number;
  /** Netlink protocol; default NETLINK_ROUTE. */
  protocol?: number;
  /** The shim to use instead of the process's backend (replay, recording). */
  shim?: Shim;
}

/** Options of one request: how errors name it, and whether to ask for an ACK. */
export interface RequestOptions {
  /** Names the operation in errors, e.g. `createVethPair`. */
  operation?: string;
  /** The top-level attribute set of the request, to name missing attributes. */
  attrs?: AttrSet;
  /**
   * Ask for an ACK (NLM_F_ACK, the default). A GET request may pass `false`:
   * the kernel answers it with its reply or with an NLMSG_ERROR either way,
   * so the ACK would only add a datagram and a recv() per request. Without
   * it the request completes with the first reply that is not part of a
   * multi-part answer (NLM_F_MULTI), or with the NLMSG_DONE that ends one.
   * Only for requests the kernel always answers.
   */
  ack?: boolean;
}

/** Writes a request's payload (family header and attributes) after the nlmsghdr. */
export type BodyWriter = (w: ByteWriter) => void;

/**
 * Reads one reply where it was received: `buf` and `view` are the socket's
 * receive buffer and stay valid only during the call (the next recv()
 * overwrites them); the message is `[off, off + h.len)`, nlmsghdr included.
 * This saves the copy of each message that {@link Message} needs, and the
 * ArrayBuffer behind it (an allocation costs more than reading a link's
 * main fields). A reader that keeps bytes must copy them, or call
 * `datagram()`: one copy of the whole datagram, made on the first call and
 * shared by its messages, at the same offsets as in `buf`.
 */
export type ReplyReader = (buf: Uint8Array, view: DataView, off: number, h: NlHeader, datagram: () => Uint8Array) => void;

interface Pending {
  seq: number;
  operation: string;
  dump: boolean;
  /** Settled by its ACK (NLM_F_ACK sent), else by the reply itself. */
  ack: boolean;
  /** A no-ACK request received an NLM_F_MULTI reply: it ends with NLMSG_DONE. */
  multi: boolean;
  trace: AttrTrace[];
  attrs: AttrSet | undefined;
  replies: Message[];
  /** Replies go to this reader instead of `replies`. */
  reader: ReplyReader | undefined;
  done: boolean;
  error: Error | undefined;
  interrupted: boolean;
}

const RECV_SIZE = 64 * 1024; // ≥ 32 KiB: the largest dump chunk the kernel builds

/**
 * A batch's send size: netlink_sendmsg refuses a datagram larger than the
 * socket's send buffer (EMSGSIZE; wmem_default is 212,992 bytes on Linux),
 * and 32 KiB keeps well under it.
 */
export const BATCH_BYTES = 32 * 1024;
/**
 * Requests in flight per batch send. Each answer is queued on our receive
 * buffer (rmem_default, 212,992 bytes, counted by skb truesize: an ACK
 * costs about 1 KiB, a link reply 4 KiB); 32 of them fit with room.
 */
export const BATCH_WINDOW = 32;

/** One request of {@link RtnlSocket.batch}: as {@link RtnlSocket.request} takes it. */
export interface BatchRequest {
  type: number;
  flags: number;
  body: BodyWriter;
  options?: RequestOptions;
  /** Read each reply in place instead of keeping a copy (as requestRead's `read`); the result's `replies` is then empty. */
  read?: ReplyReader;
}

/** What one request of a batch came to: its replies (a GET's answer, an echo), or its own error. */
export type BatchResult = { ok: true; replies: Message[] } | { ok: false; error: Error };

/** Options of {@link RtnlSocket.batch}. */
export interface BatchOptions {
  /** Requests in flight at once (default {@link BATCH_WINDOW}). */
  window?: number;
}

function grow(buf: Uint8Array<ArrayBuffer>, need: number): Uint8Array<ArrayBuffer> {
  if (need <= buf.length) return buf;
  const next = new Uint8Array(Math.max(need, buf.length * 2));
  next.set(buf);
  return next;
}

const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose');
const dispose: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');

/**
 * A netlink request socket (NETLINK_ROUTE by default): sends requests and
 * dumps, and matches replies, ACKs and errors to them by sequence number.
 */
export class RtnlSocket {
  readonly shim: Shim;
  /** The socket's netlink port id (nl_pid), assigned by the kernel at bind. */
  readonly portId: number;
  private fd: number;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly writer = new ByteWriter(4096);
  /** Where a batch's requests are put back to back before their one send(). */
  private batchBuf = new Uint8Array(BATCH_BYTES);
  private recvBuf = new Uint8Array(RECV_SIZE);
  private recvView = new DataView(this.recvBuf.buffer);
  /** Dumps on one socket run one at a time (the kernel answers EBUSY otherwise). */
  private dumpChain: Promise<void> = Promise.resolve();
  private isClosed = false;
  /** Messages that matched no pending request (late replies after a timeout). */
  strayMessages = 0;
  /**
   * Datagrams dropped unread because the kernel did not send them: their
   * source port (sockaddr_nl.nl_pid) was not 0. Any process with
   * CAP_NET_ADMIN over the namespace's user namespace — root, or anyone in
   * a user namespace of their own — may send to our port id, with any
   * sequence number and header pid it likes; only the address the kernel
   * writes says who sent it.
   */
  foreignDatagrams = 0;
  /** The sender's sockaddr_nl of the last datagram (filled by recvfrom). */
  private readonly from = new Uint8Array(12);
  private readonly fromView = new DataView(this.from.buffer);

  private constructor(shim: Shim, fd: number, portId: number) {
    this.shim = shim;
    this.fd = fd;
    this.portId = portId;
  }

  /** Opens a request socket, inside `options.netns` if given. */
  static open(options: SocketOptions = {}): RtnlSocket {
    // Also the internal option objects built on the way here: under a
    // polluted Object.prototype, `{}`.netns would name another namespace.
    rejectInherited(options, '');
    const timeout = validateTimeout(options.timeout);
    const shim = options.shim ?? getShim();
    const fd = runInNetnsSync(shim, options.netns, () =>
      shim.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, options.protocol ?? NETLINK_ROUTE),
    );
    try {
      const one = new Uint8Array([1, 0, 0, 0]);
      // Extended ACKs (kernel messages, offending attribute), capped ACKs
      // (no echo of our whole request) and strict checking of GET requests.
      shim.setsockopt(fd, SOL_NETLINK, NETLINK_OPT.EXT_ACK, one);
      shim.setsockopt(fd, SOL_NETLINK, NETLINK_OPT.CAP_ACK, one);
      try {
        shim.setsockopt(fd, SOL_NETLINK, NETLINK_OPT.GET_STRICT_CHK, one);
      } catch {
        // Kernels before 4.20 lack strict checking; requests still work.
      }
      const tv = new Uint8Array(16);
      const dv = new DataView(tv.buffer);
      const sec = Math.floor(timeout / 1000);
      // Whole microseconds (BigInt() throws on fractions), and never an
      // all-zero timeval: SO_RCVTIMEO 0 means "wait forever", which would
      // block the event loop in recv.
      const usec = Math.max(sec === 0 ? 1 : 0, Math.floor((timeout % 1000) * 1000));
      dv.setBigInt64(0, BigInt(sec), true);
      dv.setBigInt64(8, BigInt(usec), true);
      shim.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv);
      shim.setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, tv);
      const sa = new Uint8Array(12);
      new DataView(sa.buffer).setUint16(0, AF_NETLINK, true);
      shim.bind(fd, sa);
      shim.getsockname(fd, sa);
      return new RtnlSocket(shim, fd, new DataView(sa.buffer).getUint32(4, true));
    } catch (e) {
      shim.close(fd);
      throw e;
    }
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The socket's file descriptor (for diagnostics). */
  get fileDescriptor(): number {
    return this.fd;
  }

  /**
   * Sends a request with NLM_F_REQUEST | NLM_F_ACK and resolves with the
   * messages the kernel answered before its ACK (a GET reply, an ECHO).
   * Rejects with NetlinkError when the kernel refuses. With `ack: false`
   * (GET requests only) the reply itself settles the request.
   */
  async request(type: number, flags: number, body: BodyWriter, options: RequestOptions = {}): Promise<Message[]> {
    return this.requestSync(type, flags, body, options);
  }

  /** The synchronous core of {@link request}. */
  requestSync(type: number, flags: number, body: BodyWriter, options: RequestOptions = {}): Message[] {
    return this.exchange(type, flags, body, options, undefined);
  }

  /**
   * {@link requestSync} with each reply handed to `read` in place instead of
   * being copied into a Message (see {@link ReplyReader}). If `read` throws,
   * the request still runs to its end and then fails with that error.
   */
  requestRead(type: number, flags: number, body: BodyWriter, options: RequestOptions, read: ReplyReader): void {
    this.exchange(type, flags, body, options, read);
  }

  private exchange(type: number, flags: number, body: BodyWriter, options: RequestOptions, reader: ReplyReader | undefined): Message[] {
    const ack = options.ack !== false;
    const p = this.begin(type, flags | NLM_F.REQUEST | (ack ? NLM_F.ACK : 0), body, options, false, ack);
    p.reader = reader;
    try {
      while (!p.done) this.receiveOnce(p);
    } finally {
      this.pending.delete(p.seq);
    }
    if (p.error) throw p.error;
    return p.replies;
  }

  /**
   * Sends a dump request (NLM_F_REQUEST | NLM_F_DUMP) and yields each reply
   * message as the kernel produces it: memory stays bounded however large
   * the table. If the kernel flagged the dump NLM_F_DUMP_INTR (the table
   * changed meanwhile), a DumpInterruptedError is thrown after the last
   * message; nothing is silently hidden.
   */
  async *dump(type: number, flags: number, body: BodyWriter, options: RequestOptions = {}): AsyncGenerator<Message, void, undefined> {
    const release = await this.dumpTurn();
    try {
      const p = this.begin(type, flags | NLM_F.REQUEST | NLM_F.DUMP, body, options, true, false);
      try {
        let i = 0;
        for (;;) {
          if (i < p.replies.length) {
            const m = p.replies[i] as Message;
            p.replies[i++] = undefined as never;
            if (i > 256 && i === p.replies.length) {
              p.replies.length = 0;
              i = 0;
            }
            yield m;
          } else if (p.done) {
            break;
          } else {
            this.receiveOnce(p);
          }
        }
        if (p.error) throw p.error;
        if (p.interrupted) throw interruptedError(p);
      } finally {
        this.endDump(p);
      }
    } finally {
      release();
    }
  }

  /**
   * A dump whose messages are handed to `each` as they arrive: the same
   * requests, errors and NLM_F_DUMP_INTR check as {@link dump}, without an
   * async generator step per message (the kernel produces each chunk inside
   * recv(), so nothing is gained by yielding between messages). If `each`
   * throws, the rest of the dump is drained and the error propagates.
   */
  async dumpEach(type: number, flags: number, body: BodyWriter, options: RequestOptions, each: (m: Message) => void): Promise<void> {
    return this.runDump(type, flags, body, options, undefined, each);
  }

  /**
   * A dump whose messages are handed to `read` in place, as they are
   * received (see {@link ReplyReader}): no copy of any message is made.
   */
  async dumpRead(type: number, flags: number, body: BodyWriter, options: RequestOptions, read: ReplyReader): Promise<void> {
    return this.runDump(type, flags, body, options, read, undefined);
  }

  private async runDump(
    type: number,
    flags: number,
    body: BodyWriter,
    options: RequestOptions,
    reader: ReplyReader | undefined,
    each: ((m: Message) => void) | undefined,
  ): Promise<void> {
    const release = await this.dumpTurn();
    try {
      const p = this.begin(type, flags | NLM_F.REQUEST | NLM_F.DUMP, body, options, true, false);
      p.reader = reader;
      try {
        for (;;) {
          const replies = p.replies;
          if (each) for (let i = 0; i < replies.length; i++) each(replies[i] as Message);
          replies.length = 0;
          if (p.done) break;
          this.receiveOnce(p);
        }
        if (p.error) throw p.error;
        if (p.interrupted) throw interruptedError(p);
      } finally {
        this.endDump(p);
      }
    } finally {
      release();
    }
  }

  /**
   * Waits for this socket's previous dump to end (the kernel answers EBUSY
   * to a second dump while one runs) and returns the function that lets
   * the next one start. The chain's promises only ever resolve.
   */
  private async dumpTurn(): Promise<() => void> {
    let release!: () => void;
    const previous = this.dumpChain;
    this.dumpChain = new Promise<void>((r) => (release = r));
    await previous;
    return release;
  }

  /**
   * Ends a dump: if it stopped early (break, throw), drains the rest so the
   * kernel's dump state is released and the next dump can start.
   */
  private endDump(p: Pending): void {
    try {
      while (!p.done && !this.isClosed) this.receiveOnce(p, true);
    } finally {
      this.pending.delete(p.seq);
    }
  }

  /** Collects a whole dump. */
  async dumpAll(type: number, flags: number, body: BodyWriter, options: RequestOptions = {}): Promise<Message[]> {
    const out: Message[] = [];
    await this.dumpEach(type, flags, body, options, (m) => out.push(m));
    return out;
  }

  private begin(type: number, flags: number, body: BodyWriter, options: RequestOptions, dump: boolean, ack: boolean): Pending {
    const { p, length } = this.encode(type, flags, body, options, dump, ack);
    const w = this.writer;
    if (DEBUG) debug(`→ ${p.operation}: ${describeMessage(w.buf.subarray(0, length), false, type, flags, p.seq, length)} (port ${this.portId})`);
    try {
      this.shim.send(this.fd, w.buf, length, 0);
    } catch (e) {
      this.pending.delete(p.seq);
      throw e;
    }
    return p;
  }

  /** Writes one request into the socket's writer (at offset 0, so its attribute trace is relative to its own header) and registers it. */
  private encode(type: number, flags: number, body: BodyWriter, options: RequestOptions, dump: boolean, ack: boolean): { p: Pending; length: number } {
    if (this.isClosed) throw new SocketClosedError(`${options.operation ?? 'request'}: the socket is closed`);
    this.seq = (this.seq % 0x7fffffff) + 1;
    const seq = this.seq;
    const w = this.writer.reset();
    const trace: AttrTrace[] = [];
    w.trace = trace;
    w.zeros(NLMSG_HDRLEN);
    body(w);
    const length = w.finishLength();
    const v = w.view;
    v.setUint32(0, length, true);
    v.setUint16(4, type, true);
    v.setUint16(6, flags, true);
    v.setUint32(8, seq, true);
    v.setUint32(12, 0, true);
    const p: Pending = {
      seq,
      operation: options.operation ?? `message type ${type}`,
      dump,
      ack,
      multi: false,
      trace,
      attrs: options.attrs,
      replies: [],
      reader: undefined,
      done: false,
      error: undefined,
      interrupted: false,
    };
    this.pending.set(seq, p);
    return { p, length };
  }

  /**
   * Sends many requests with few system calls: up to `window` of them (and
   * at most {@link BATCH_BYTES} bytes) encoded back to back into one buffer
   * and sent with one send(), their replies read after, matched by sequence
   * number. The kernel runs every message of a datagram in order
   * (netlink_rcv_skb) and answers each one — an error does not stop the
   * ones after it — so each request settles on its own: the result list is
   * in request order, each a reply list or the request's own error. A
   * window bounds what is in flight, so that the answers fit the socket's
   * receive queue (the kernel drops replies, ENOBUFS, when it is full).
   * Only requests that are not dumps.
   */
  batch(requests: readonly BatchRequest[], options: BatchOptions = {}): BatchResult[] {
    const window = options.window ?? BATCH_WINDOW;
    if (!Number.isInteger(window) || window < 1) throw new ValidationError('window', `expected a positive integer, got ${String(window)}`);
    requests.forEach((r, i) => {
      // NLM_F_ROOT | NLM_F_MATCH both: a dump (one bit alone is NLM_F_REPLACE or NLM_F_EXCL on a NEW request).
      if ((r.flags & NLM_F.DUMP) === NLM_F.DUMP) throw new ValidationError(`requests[${i}].flags`, 'a batch holds no dumps (NLM_F_DUMP): dump on its own');
    });
    const results: BatchResult[] = new Array(requests.length);
    let next = 0;
    let sendError: unknown;
    while (next < requests.length) {
      const chunk: { p: Pending; index: number }[] = [];
      let length = 0;
      while (next < requests.length && chunk.length < window) {
        const r = requests[next]!;
        const ack = r.options?.ack !== false;
        let encoded: { p: Pending; length: number };
        try {
          encoded = this.encode(r.type, r.flags | NLM_F.REQUEST | (ack ? NLM_F.ACK : 0), r.body, r.options ?? {}, false, ack);
        } catch (e) {
          // A request that cannot be encoded (or a closed socket) fails alone, before anything is sent for it.
          results[next++] = { ok: false, error: e as Error };
          continue;
        }
        const { p, length: n } = encoded;
        p.reader = r.read;
        if (chunk.length && length + n > BATCH_BYTES) {
          // Goes first in the next chunk, encoded again there (a fresh sequence number).
          this.pending.delete(p.seq);
          break;
        }
        this.batchBuf = grow(this.batchBuf, length + n);
        this.batchBuf.set(this.writer.buf.subarray(0, n), length);
        if (DEBUG) debug(`→ ${p.operation} (batched): ${describeMessage(this.writer.buf.subarray(0, n), false, r.type, r.flags, p.seq, n)} (port ${this.portId})`);
        length += n;
        chunk.push({ p, index: next++ });
      }
      if (!chunk.length) continue;
      try {
        this.shim.send(this.fd, this.batchBuf, length, 0);
      } catch (e) {
        // Nothing of this chunk reached the kernel: it fails with the send's error, and the rest is not sent.
        for (const { p, index } of chunk) {
          this.pending.delete(p.seq);
          results[index] = { ok: false, error: e as Error };
        }
        sendError = e;
        break;
      }
      try {
        for (const item of chunk) {
          while (!item.p.done) {
            this.receiveOnce(item.p);
            // A timeout while waiting for one is a timeout for all of the chunk still waiting.
            if (item.p.done && item.p.error instanceof TimeoutError) {
              for (const o of chunk) {
                if (o.p.done) continue;
                o.p.done = true;
                o.p.error = item.p.error;
              }
            }
          }
        }
      } finally {
        for (const { p, index } of chunk) {
          this.pending.delete(p.seq);
          results[index] = p.error ? { ok: false, error: p.error } : { ok: true, replies: p.replies };
        }
      }
    }
    if (sendError !== undefined) {
      for (let i = 0; i < requests.length; i++) results[i] ??= { ok: false, error: new SocketClosedError(`request ${i} of the batch was not sent: ${(sendError as Error).message ?? String(sendError)}`) };
    }
    return results;
  }

  /** Receives one datagram and routes its messages. `discard` drops replies (draining). */
  private receiveOnce(waiting: Pending, discard = false): void {
    if (this.isClosed) {
      waiting.done = true;
      waiting.error ??= new SocketClosedError(`${waiting.operation}: the socket was closed`);
      return;
    }
    let n: number;
    const from = this.fromView;
    // Preset to the kernel's unicast address: a stand-in shim (replay, fakes)
    // that does not report senders plays the kernel's part.
    from.setUint32(4, 0, true);
    from.setUint32(8, 0, true);
    try {
      n = this.shim.recv(this.fd, this.recvBuf, MSG_TRUNC, this.from);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EINTR') return;
      waiting.done = true;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
        waiting.error = new TimeoutError(`${waiting.operation}: no reply from the kernel within the socket timeout`);
      } else {
        waiting.error = e as Error;
      }
      return;
    }
    if (from.getUint32(4, true) !== 0) {
      if (DEBUG) debug(`✗ dropped a ${n}-byte datagram from port ${from.getUint32(4, true)} (not the kernel)`);
      // Not the kernel (nl_pid ≠ 0): never routed, so it cannot settle or
      // fail a request. nl_groups is not checked here: the kernel's echo of
      // a change (NLM_F_ECHO) is the very skb it multicast to the group
      // first (nlmsg_notify), and arrives with that group's bit set.
      this.foreignDatagrams++;
      return;
    }
    if (n > this.recvBuf.length) {
      // The rest of the datagram is gone; grow for next time and fail this one.
      this.recvBuf = new Uint8Array(n);
      this.recvView = new DataView(this.recvBuf.buffer);
      waiting.done = true;
      waiting.error = new DecodeError(`${waiting.operation}: a ${n}-byte datagram did not fit the receive buffer`);
      return;
    }
    const buf = this.recvBuf;
    const view = this.recvView;
    const discardFor = discard ? waiting : undefined;
    // One copy of the datagram, made when its first message is kept, and a
    // view of it per message: a dump chunk holds ~20 link messages, and an
    // ArrayBuffer per message (1–2 µs each) cost more than reading one.
    let copy: Uint8Array | undefined;
    const datagram = (): Uint8Array => (copy ??= buf.slice(0, n));
    forEachMessage(view, n, (off, h) => {
      const p = this.route(buf, view, off, h, discardFor);
      if (!p) return;
      if (!p.reader) {
        p.replies.push({ type: h.type, flags: h.flags, seq: h.seq, pid: h.pid, bytes: datagram().subarray(off, off + h.len) });
      } else if (!p.error) {
        // A reader's error fails its request, but the rest of the datagram
        // is still routed: it may hold the message that ends the request.
        try {
          p.reader(buf, view, off, h, datagram);
        } catch (e) {
          p.error = e as Error;
        }
      }
    });
  }

  /** Settles the request a message answers; returns the request when the message is a reply to keep. */
  private route(buf: Uint8Array, view: DataView, off: number, h: NlHeader, discardFor: Pending | undefined): Pending | undefined {
    const p = this.pending.get(h.seq);
    if (DEBUG) debug(`← ${p?.operation ?? 'no request'}: ${describeMessage(buf.subarray(off, off + h.len), true, h.type, h.flags, h.seq, h.len)}`);
    if (!p || (h.pid !== this.portId && h.pid !== 0)) {
      this.strayMessages++;
      return undefined;
    }
    if (h.type === NLMSG.ERROR) {
      const e = readErrorMessage(buf, view, off, h);
      p.done = true;
      if (e.errno !== 0) p.error = this.kernelError(p, e.errno, e.extack);
      return undefined;
    }
    if (h.type === NLMSG.DONE && (p.dump || p.multi)) {
      const e = readDoneMessage(buf, view, off, h);
      p.done = true;
      if (e.errno !== 0) p.error = this.kernelError(p, e.errno, e.extack);
      return undefined;
    }
    if (h.flags & NLM_F.DUMP_INTR) p.interrupted = true;
    if (!p.ack && !p.dump) {
      // No ACK will come: a single reply settles the request, a multi-part one ends with NLMSG_DONE.
      if (h.flags & NLM_F.MULTI) p.multi = true;
      else p.done = true;
    }
    return p === discardFor ? undefined : p;
  }

  private kernelError(p: Pending, errno: number, extack: ExtAck): NetlinkError {
    const init: ConstructorParameters<typeof NetlinkError>[0] = {
      errno,
      code: errnoName(errno),
      operation: p.operation,
      seq: p.seq,
      extack,
    };
    if (extack.offset !== undefined) {
      const at = traceAt(p.trace, extack.offset);
      if (at) init.attrPath = at.path;
    }
    if (extack.missingType !== undefined) {
      let set = p.attrs;
      let prefix = '';
      if (extack.missingNestOffset !== undefined) {
        const nestAt = traceAt(p.trace, extack.missingNestOffset);
        set = nestAt?.set as AttrSet | undefined;
        prefix = nestAt ? `${nestAt.path}.` : '';
      }
      init.missingAttr = prefix + (set?.nameOf(extack.missingType) ?? `type ${extack.missingType}`);
    }
    return new NetlinkError(init);
  }

  /**
   * Closes the socket. Every pending request and dump settles with a
   * SocketClosedError. Idempotent.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const p of this.pending.values()) {
      p.done = true;
      p.error ??= new SocketClosedError(`${p.operation}: the socket was closed`);
    }
    this.pending.clear();
    this.shim.close(this.fd);
    this.fd = -1;
  }

  [dispose](): void {
    this.close();
  }

  async [asyncDispose](): Promise<void> {
    this.close();
  }
}

/**
 * The reply timeout, checked before any system call. Found by
 * test/hardening: NaN, a string or a fraction of a microsecond made
 * BigInt() throw a bare RangeError after the socket was made; 0 made an
 * all-zero SO_RCVTIMEO, which the kernel reads as "wait forever" (a lost
 * reply would block the process for good), and a negative one makes the
 * kernel set no wait at all (sock_set_timeout), so every request would time
 * out at once.
 */
function validateTimeout(timeout: unknown): number {
  if (timeout === undefined) return 10_000;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0 || timeout > 2 ** 31 * 1000) {
    throw new ValidationError('timeout', `expected a positive number of milliseconds, got ${formatValue(timeout)}`);
  }
  return timeout;
}

function interruptedError(p: Pending): DumpInterruptedError {
  return new DumpInterruptedError(
    `${p.operation}: the kernel's table changed during the dump (NLM_F_DUMP_INTR); the results may be inconsistent, dump again`,
  );
}

/** The attribute our request wrote at `offset` (or the last one starting before it). */
function traceAt(trace: AttrTrace[], offset: number): AttrTrace | undefined {
  let best: AttrTrace | undefined;
  for (const t of trace) {
    if (t.offset === offset) return t;
    if (t.offset < offset) best = t;
  }
  return best;
}
