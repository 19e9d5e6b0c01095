/**
 * Shims for hardening tests: a wrapper that watches the real backend (to
 * count netlink requests, or to record what the kernel answered), and a fake
 * that plays a script of datagrams to an RtnlSocket without any kernel.
 */
import { getShim, setShim } from '../../src/shim/index.js';
import type { Poller, Shim } from '../../src/shim/types.js';
import { AF_NETLINK } from '../../src/shim/constants.js';

/** Wraps `real`, overriding some methods; every other call goes through unchanged. */
export function wrapShim(real: Shim, overrides: Partial<Shim>): Shim {
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (Object.prototype.hasOwnProperty.call(overrides, prop)) return (overrides as Record<PropertyKey, unknown>)[prop];
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Counts the requests sent on netlink sockets (send() on a fd that socket(AF_NETLINK) returned). */
export interface CountingShim {
  readonly shim: Shim;
  /** send() calls on netlink sockets since the last reset. */
  netlinkSends: number;
  /** Every system call by name since the last reset, for diagnostics. */
  calls: string[];
  reset(): void;
}

export function countingShim(real: Shim = getShim()): CountingShim {
  const netlinkFds = new Set<number>();
  const state: CountingShim = {
    shim: undefined as unknown as Shim,
    netlinkSends: 0,
    calls: [],
    reset() {
      state.netlinkSends = 0;
      state.calls = [];
    },
  };
  const note = (name: string) => state.calls.push(name);
  (state as { shim: Shim }).shim = wrapShim(real, {
    socket(domain, type, protocol) {
      note('socket');
      const fd = real.socket(domain, type, protocol);
      if (domain === AF_NETLINK) netlinkFds.add(fd);
      return fd;
    },
    send(fd, buf, length, flags) {
      note('send');
      if (netlinkFds.has(fd)) state.netlinkSends++;
      return real.send(fd, buf, length, flags);
    },
    close(fd) {
      note('close');
      netlinkFds.delete(fd);
      real.close(fd);
    },
    open(path, flags, mode) {
      note(`open ${path}`);
      return real.open(path, flags, mode);
    },
    ioctlPtr(fd, req, arg) {
      note('ioctl');
      return real.ioctlPtr(fd, req, arg);
    },
    setns(fd, t) {
      note('setns');
      real.setns(fd, t);
    },
  });
  return state;
}

/** Installs `shim` as the process's shim for the duration of `fn`. */
export async function withShim<T>(shim: Shim, fn: () => Promise<T>): Promise<T> {
  const prev = setShim(shim);
  try {
    return await fn();
  } finally {
    setShim(prev);
  }
}

function sysErr(code: string, errno: number, syscall: string): Error {
  return Object.assign(new Error(`${syscall}: ${code}`), { code, errno, syscall });
}

/**
 * A fake kernel for one netlink socket: each recv() hands out the next
 * scripted datagram (a function may build it from the last request's
 * sequence number); when the script is empty, recv fails with EAGAIN, which
 * the socket reports as a timeout — so a test can never hang on it.
 */
export interface FakeNetlink {
  readonly shim: Shim;
  /** Datagrams still to deliver. */
  script: (Uint8Array | ((lastSeq: number) => Uint8Array))[];
  /** Sequence numbers of the requests sent, in order. */
  sent: number[];
  recvCalls: number;
  closed: boolean;
}

export function fakeNetlink(portId = 4242): FakeNetlink {
  const fake: FakeNetlink = { shim: undefined as unknown as Shim, script: [], sent: [], recvCalls: 0, closed: false };
  const FD = 1000;
  const unsupported = (name: string) => () => {
    throw sysErr('ENOSYS', 38, name);
  };
  const shim: Shim = {
    backend: 'addon',
    socket: () => FD,
    bind: () => {},
    getsockname(_fd, sa) {
      new DataView(sa.buffer, sa.byteOffset, sa.byteLength).setUint32(4, portId, true);
      return 12;
    },
    setsockopt: () => {},
    getsockopt: () => 0,
    send(_fd, buf, length) {
      fake.sent.push(new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(8, true));
      return length;
    },
    recv(_fd, buf) {
      fake.recvCalls++;
      if (fake.recvCalls > 100_000) throw new Error('fake netlink: the socket keeps receiving (a loop?)');
      const next = fake.script.shift();
      if (next === undefined) throw sysErr('EAGAIN', 11, 'recv');
      const d = typeof next === 'function' ? next(fake.sent[fake.sent.length - 1] ?? 0) : next;
      buf.set(d.subarray(0, Math.min(d.length, buf.length)));
      return d.length; // MSG_TRUNC semantics: the real length
    },
    read: unsupported('read'),
    write: unsupported('write'),
    close() {
      fake.closed = true;
    },
    open: unsupported('open'),
    ioctlPtr: unsupported('ioctl'),
    ioctlInt: unsupported('ioctl'),
    setns: unsupported('setns'),
    unshare: unsupported('unshare'),
    mount: unsupported('mount'),
    umount2: unsupported('umount2'),
    poll(): Poller {
      throw sysErr('ENOSYS', 38, 'poll');
    },
  };
  (fake as { shim: Shim }).shim = shim;
  return fake;
}

/** How an injected fault strikes the n-th netlink request. */
export type FaultMode =
  /** send() fails (ENOBUFS): the request never reaches the kernel. */
  | 'send-fails'
  /** The kernel runs the request but its answer is lost: recv() finds nothing (→ TimeoutError). */
  | 'reply-lost';

export interface FaultInjector {
  readonly shim: Shim;
  /** Netlink requests sent so far (the failing one included). */
  sends: number;
  /** Whether the fault has struck. */
  struck: boolean;
}

/**
 * Wraps `real` so that the `failAt`-th send() on a netlink socket (1-based)
 * fails as `mode` says. Everything else goes through, so the operation's
 * other steps — and its rollback — run against the real kernel.
 */
export function faultInjector(real: Shim, failAt: number, mode: FaultMode): FaultInjector {
  const netlinkFds = new Set<number>();
  const lost = new Set<number>();
  const state: FaultInjector = { shim: undefined as unknown as Shim, sends: 0, struck: false };
  (state as { shim: Shim }).shim = wrapShim(real, {
    socket(domain, type, protocol) {
      const fd = real.socket(domain, type, protocol);
      if (domain === AF_NETLINK) netlinkFds.add(fd);
      return fd;
    },
    close(fd) {
      netlinkFds.delete(fd);
      lost.delete(fd);
      real.close(fd);
    },
    send(fd, buf, length, flags) {
      if (netlinkFds.has(fd) && ++state.sends === failAt) {
        state.struck = true;
        if (mode === 'send-fails') throw sysErr('ENOBUFS', 105, 'send');
        const n = real.send(fd, buf, length, flags);
        lost.add(fd);
        return n;
      }
      return real.send(fd, buf, length, flags);
    },
    recv(fd, buf, flags) {
      if (lost.has(fd)) {
        lost.delete(fd);
        // Swallow what the kernel queued for the request, then report nothing.
        for (;;) {
          try {
            real.recv(fd, buf, flags | 0x40 /* MSG_DONTWAIT */);
          } catch {
            break;
          }
        }
        throw sysErr('EAGAIN', 11, 'recv');
      }
      return real.recv(fd, buf, flags);
    },
  });
  return state;
}
