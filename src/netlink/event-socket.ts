/**
 * The multicast (event) side of netlink: a socket that joins groups and
 * receives the kernel's notifications as they happen.
 *
 * Unlike a request socket, nothing on an event socket answers something we
 * sent, so it needs readiness: the shim's poller (libuv `uv_poll` on the main
 * loop) calls back when the socket is readable, and the callback drains it
 * with non-blocking receives until EAGAIN (`uv_poll` is level-triggered: a
 * partial drain would simply be called again, a missed drain never). No
 * thread ever blocks waiting for events. `uv_poll_init` makes the descriptor
 * non-blocking, which would break the blocking receives of a request socket:
 * that is why event sockets are always separate sockets.
 *
 * Loss is never silent. The kernel drops notifications that do not fit the
 * receive buffer and reports it once as ENOBUFS on the next receive
 * (netlink_overrun sets sk_err); while the socket stays "congested" every
 * further notification is dropped, until the reader has emptied its queue
 * (netlink_rcv_wake clears NETLINK_S_CONGESTED). A datagram larger than our
 * buffer would lose its tail: MSG_TRUNC reports the real size, and that is
 * an overrun too.
 */
import type { Poller, Shim } from '../shim/types.js';
import { getShim } from '../shim/index.js';
import {
  AF_NETLINK,
  MSG_DONTWAIT,
  MSG_TRUNC,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_RAW,
  SOL_SOCKET,
  SO_RCVBUF,
  SO_RCVBUFFORCE,
} from '../shim/constants.js';
import { NETLINK_OPT, NETLINK_ROUTE, NLMSG, SOL_NETLINK } from './constants.js';
import { SocketClosedError, ValidationError } from './errors.js';
import { forEachMessage } from './message.js';
import { rejectInherited } from './own-options.js';
import { DEBUG, debug, describeMessage } from '../shim/debug.js';
import { type NetnsRef, runInNetnsSync } from './netns.js';
import type { Message } from './socket.js';

/** Options of {@link EventSocket.open}: the multicast groups to join and the receive buffer size. */
export interface EventSocketOptions {
  /** Multicast groups to join (rtnetlink: RTNLGRP_*, numbered from 1). */
  groups: readonly number[];
  /** Open the socket inside this network namespace (the process stays where it is). */
  netns?: NetnsRef;
  /**
   * SO_RCVBUF in bytes: how much the kernel may queue for us before it drops
   * notifications (ENOBUFS). Set with SO_RCVBUFFORCE (root may exceed
   * net.core.rmem_max), falling back to SO_RCVBUF. Default: the system's
   * net.core.rmem_default. The kernel doubles the value for bookkeeping.
   */
  receiveBufferSize?: number;
  /** Netlink protocol; default NETLINK_ROUTE. */
  protocol?: number;
  /** The shim to use instead of the process's backend. */
  shim?: Shim;
}

/** Why messages were lost. */
export type OverrunReason =
  /** The kernel's receive queue was full (ENOBUFS). */
  | 'enobufs'
  /** A datagram was larger than our receive buffer; its tail is gone. */
  | 'truncated';

/** What an event socket tells its listener. */
export interface EventListener {
  /**
   * One notification (a private copy). Return `false` to stop reading for
   * now (backpressure): the socket pauses, the kernel keeps queueing, and
   * {@link EventSocket.resume} continues.
   */
  message(m: Message): boolean | void;
  /** Notifications were lost; the listener's view of the kernel is stale. */
  overrun(reason: OverrunReason): void;
  /** Reading failed for good; the socket is closed. */
  error(e: Error): void;
  /** A drain found the socket empty (EAGAIN): everything queued so far was delivered. */
  idle?(): void;
}

const dispose: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');

const EMPTY = new Uint8Array(0);
const RECV_SIZE = 64 * 1024; // notifications are single messages, far below 32 KiB; dumps never come here

/**
 * A netlink socket that joins multicast groups (RTNLGRP_* for rtnetlink)
 * and passes the kernel's notifications to a listener as they arrive;
 * lost notifications are reported, never silent.
 */
export class EventSocket {
  readonly shim: Shim;
  /** The socket's netlink port id (nl_pid), assigned by the kernel at bind. */
  readonly portId: number;
  /** The groups this socket joined. */
  readonly groups: readonly number[];
  private fd: number;
  /**
   * The receive buffer, let go of at close: libuv holds the poll handle
   * (and through its callback this socket) until its close callback runs
   * on a later loop turn.
   */
  private buf = new Uint8Array(RECV_SIZE);
  private view = new DataView(this.buf.buffer);
  private poller: Poller | undefined;
  private listener: EventListener | undefined;
  private referenced = true;
  private paused = false;
  private draining = false;
  /** The sender's sockaddr_nl of the last datagram (filled by recvfrom). */
  private readonly from = new Uint8Array(12);
  private readonly fromView = new DataView(this.from.buffer);
  /** nl_groups bits of the joined groups 1–32 (the kernel reports higher groups as 0). */
  private readonly groupMask: number;
  /**
   * Datagrams dropped unread: not sent by the kernel (sockaddr_nl.nl_pid ≠
   * 0 — any process with CAP_NET_ADMIN over the namespace, e.g. root in a
   * user namespace, may send to our port id), or multicast to a group this
   * socket did not join.
   */
  foreignDatagrams = 0;
  /** recv() calls so far: tells an empty drain (one call, EAGAIN) from a busy one. */
  private recvCalls = 0;
  private isClosed = false;

  private constructor(shim: Shim, fd: number, portId: number, groups: readonly number[]) {
    this.shim = shim;
    this.fd = fd;
    this.portId = portId;
    this.groups = groups;
    let mask = 0;
    for (const g of groups) if (g <= 32) mask |= 1 << (g - 1);
    this.groupMask = mask;
  }

  /**
   * Opens an event socket inside `options.netns` and joins the groups. From
   * this moment the kernel queues notifications for us, even before
   * {@link start}: subscribe first, then dump, and nothing falls in between.
   */
  static open(options: EventSocketOptions): EventSocket {
    rejectInherited(options, '');
    const groups = [...new Set(options.groups)];
    for (const g of groups) {
      if (!Number.isInteger(g) || g < 1 || g > 0xffff) throw new ValidationError('groups', `invalid multicast group ${String(g)}`);
    }
    const size = options.receiveBufferSize;
    if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > 0x3fffffff)) {
      throw new ValidationError('receiveBufferSize', `expected a positive integer number of bytes, got ${String(size)}`);
    }
    const shim = options.shim ?? getShim();
    // SOCK_NONBLOCK from the start: a receive must never block the main
    // thread, even before the poller (which would set O_NONBLOCK too) exists.
    const fd = runInNetnsSync(shim, options.netns, () =>
      shim.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, options.protocol ?? NETLINK_ROUTE),
    );
    try {
      if (size !== undefined) {
        const v = new Uint8Array(4);
        new DataView(v.buffer).setInt32(0, size, true);
        try {
          shim.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, v);
        } catch (e) {
          // Without CAP_NET_ADMIN, SO_RCVBUF (capped at net.core.rmem_max) is what we can have.
          if ((e as { code?: string }).code !== 'EPERM') throw e;
          shim.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, v);
        }
      }
      const sa = new Uint8Array(12);
      new DataView(sa.buffer).setUint16(0, AF_NETLINK, true);
      shim.bind(fd, sa);
      // NETLINK_ADD_MEMBERSHIP rather than the bind-time nl_groups mask:
      // the mask only reaches groups 1–32, the option reaches all of them.
      const g = new Uint8Array(4);
      const gv = new DataView(g.buffer);
      for (const group of groups) {
        gv.setUint32(0, group, true);
        shim.setsockopt(fd, SOL_NETLINK, NETLINK_OPT.ADD_MEMBERSHIP, g);
      }
      shim.getsockname(fd, sa);
      return new EventSocket(shim, fd, new DataView(sa.buffer).getUint32(4, true), groups);
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

  /** The kernel's receive-buffer size for this socket (SO_RCVBUF, already doubled by the kernel). */
  get receiveBufferSize(): number {
    this.assertOpen('receiveBufferSize');
    const v = new Uint8Array(4);
    this.shim.getsockopt(this.fd, SOL_SOCKET, SO_RCVBUF, v);
    return new DataView(v.buffer).getInt32(0, true);
  }

  /**
   * Starts delivering to `listener`: registers the readiness poller and
   * drains whatever the kernel queued since {@link open}. The poller keeps
   * the process alive until {@link unref} or {@link close}.
   */
  start(listener: EventListener): void {
    this.assertOpen('start');
    if (this.listener) throw new Error('EventSocket.start: already started');
    this.listener = listener;
    this.paused = false;
    this.watch();
    // Anything queued before the poller existed is delivered on the next
    // loop turn by level-triggered readiness; nothing to do here.
  }

  /** Stops reading (backpressure); the kernel keeps queueing until its buffer is full. */
  pause(): void {
    if (this.paused || this.isClosed) return;
    this.paused = true;
    this.poller?.close();
    this.poller = undefined;
  }

  /** Continues reading after {@link pause}. */
  resume(): void {
    if (!this.paused || this.isClosed || !this.listener) return;
    this.paused = false;
    this.watch();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Let the poller keep the process alive. */
  ref(): void {
    this.referenced = true;
    this.poller?.ref();
  }

  /** Stop the poller from keeping the process alive. */
  unref(): void {
    this.referenced = false;
    this.poller?.unref();
  }

  /**
   * Receives until the socket is empty (EAGAIN), the listener asks for a
   * pause, or the socket closes. Called by the poller; callers may also use
   * it to pick up notifications while they are busy (e.g. between the
   * chunks of a long dump), so the kernel's queue does not overflow.
   * Returns the number of messages delivered.
   */
  drain(): number {
    const l = this.listener;
    if (!l || this.isClosed || this.paused || this.draining) return 0;
    this.draining = true;
    let delivered = 0;
    let sawError = false;
    try {
      for (;;) {
        let n: number;
        try {
          this.recvCalls++;
          // Preset to the kernel's unicast address: a stand-in shim that
          // does not report senders plays the kernel's part.
          this.fromView.setUint32(4, 0, true);
          this.fromView.setUint32(8, 0, true);
          n = this.shim.recv(this.fd, this.buf, MSG_TRUNC | MSG_DONTWAIT, this.from);
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (code === 'EINTR') continue;
          if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
            l.idle?.();
            return delivered;
          }
          if (code === 'ENOBUFS') {
            // Reported once per congestion episode, ahead of what is still
            // queued; keep draining so the kernel can clear the congestion.
            sawError = true;
            l.overrun('enobufs');
            if (this.isClosed) return delivered;
            continue;
          }
          this.fail(e as Error);
          return delivered;
        }
        const senderGroups = this.fromView.getUint32(8, true);
        if (this.fromView.getUint32(4, true) !== 0 || (senderGroups !== 0 && (senderGroups & this.groupMask) === 0)) {
          // Dropped before anything reads it: a forged datagram must not
          // become an event, count as an overrun, or end the listener.
          this.foreignDatagrams++;
          if (DEBUG) debug(`✗ event socket (port ${this.portId}): dropped a ${n}-byte datagram from port ${this.fromView.getUint32(4, true)}, groups ${senderGroups} (not the kernel, or a group not joined)`);
          continue;
        }
        if (n === 0) {
          // Not a netlink message: only a shut-down socket reads 0 bytes,
          // and reading on would spin.
          this.fail(new SocketClosedError('EventSocket: the socket was shut down'));
          return delivered;
        }
        if (n > this.buf.length) {
          this.buf = new Uint8Array(n);
          this.view = new DataView(this.buf.buffer);
          l.overrun('truncated');
          if (this.isClosed) return delivered;
          continue;
        }
        let more = true;
        const buf = this.buf;
        try {
          forEachMessage(this.view, n, (off, h) => {
            // Control messages (NOOP, ERROR, DONE, OVERRUN) answer requests;
            // an event socket sends none, so they are not events.
            if (h.type < 16 || h.type === NLMSG.OVERRUN) return;
            delivered++;
            if (DEBUG) debug(`← event (port ${this.portId}): ${describeMessage(buf.subarray(off, off + h.len), true, h.type, h.flags, h.seq, h.len)} from port ${h.pid}`);
            const r = l.message({ type: h.type, flags: h.flags, seq: h.seq, pid: h.pid, bytes: buf.slice(off, off + h.len) });
            if (r === false) more = false;
          });
        } catch (e) {
          this.fail(e as Error);
          return delivered;
        }
        if (this.isClosed) return delivered;
        if (!more) {
          this.pause();
          return delivered;
        }
      }
    } finally {
      this.draining = false;
      // sk_err makes the socket poll with POLLERR, on which libuv stops a
      // uv_poll handle for good (uv__poll_io reports UV_EBADF and stops).
      // The error is consumed now (the recv that returned ENOBUFS cleared
      // it): arm a fresh poller so notifications keep coming.
      if (sawError && !this.isClosed && !this.paused && this.listener) {
        this.poller?.close();
        this.watch();
      }
    }
  }

  /** Stops the poller and closes the socket. Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    // Order matters: the poller lets go of the descriptor before it is closed.
    this.poller?.close();
    this.poller = undefined;
    this.listener = undefined;
    this.shim.close(this.fd);
    this.fd = -1;
    this.buf = EMPTY;
    this.view = new DataView(EMPTY.buffer);
  }

  [dispose](): void {
    this.close();
  }

  private watch(): void {
    this.poller = this.shim.poll(this.fd, () => this.onReadable());
    if (!this.referenced) this.poller.unref();
  }

  /**
   * The poller's callback. A readiness report that finds nothing to read is
   * suspicious: libuv also calls back (and stops the handle for good) on
   * POLLERR, and when another drain consumed that error first, this drain
   * sees no ENOBUFS to react to. Re-arming then costs a few libuv calls and
   * makes sure the socket is never left unwatched.
   */
  private onReadable(): void {
    const before = this.recvCalls;
    const n = this.drain();
    if (n === 0 && this.recvCalls === before + 1 && !this.isClosed && !this.paused && this.listener) {
      this.poller?.close();
      this.watch();
    }
  }

  private fail(e: Error): void {
    const l = this.listener;
    this.close();
    l?.error(e);
  }

  private assertOpen(what: string): void {
    if (this.isClosed) throw new SocketClosedError(`EventSocket.${what}: the socket is closed`);
  }
}
