/**
 * The `bun:ffi` backend: libc called directly, nothing to build.
 *
 * Readiness: Bun exposes no libuv loop to watch an arbitrary fd on, and
 * reading the socket from the thread pool (`fs.read`) would consume the
 * datagram the owner is about to `recv`. Each poller therefore runs a small
 * Worker that blocks in poll(2) — which reports readiness without consuming
 * anything — posts a message when the fd is readable, and waits until the
 * main thread has run `onReadable` before polling again (poll(2) is
 * level-triggered, like uv_poll). The worker can be unref'd, so it keeps the
 * process alive exactly when a uv_poll handle would.
 *
 * Closing is synchronous: once `Poller.close()` returns, the worker is out of
 * poll(2) and never enters it again, so the owner may close the fd at once.
 * That matters because poll(2) — unlike the epoll behind uv_poll — holds a
 * reference to every file it sleeps on (fs/select.c: __pollwait takes
 * get_file(), poll_freewait drops it when the call returns). A close(2) on
 * the main thread while the worker sleeps only removes the fd number; the
 * file is released, and its driver's release hook runs, when the worker's
 * poll(2) returns. For a TAP that release detaches the queue: until it runs,
 * the device's single queue is still taken (TUNSETIFF answers EBUSY), its
 * queue count is stale and its carrier still up. For a netlink socket the
 * port id stays bound. And the worker, back in its loop, would poll whatever
 * file the kernel hands that fd number to next.
 */
import { createRequire } from 'node:module';
import { systemError } from './errors.js';
import type { Poller, Shim } from './types.js';

// Only the parts of bun:ffi this backend uses (Bun's own types are not a
// dependency of this package).
interface BunSymbolSpec {
  args: readonly string[];
  returns: string;
}
interface BunLibrary {
  symbols: Record<string, (...args: unknown[]) => unknown>;
  close(): void;
}
export interface BunFfiModule {
  dlopen(path: string, symbols: Record<string, BunSymbolSpec>): BunLibrary;
  read: { i32(pointer: number, byteOffset?: number): number };
}

const isBun = () => typeof (process.versions as Record<string, string | undefined>).bun === 'string';

/** `bun:ffi`, or undefined when not running under Bun. */
export function loadBunFfi(): BunFfiModule | undefined {
  if (!isBun()) return undefined;
  try {
    // A specifier Node cannot resolve, so it is only ever required under Bun
    // (and never seen by the bundler as a static import).
    return createRequire(import.meta.url)('bun:ffi') as BunFfiModule;
  } catch {
    return undefined;
  }
}

const encoder = new TextEncoder();

/** A NUL-terminated copy of a string for a `char *` argument. */
function cString(s: string): Uint8Array {
  if (s.includes('\0')) throw new TypeError('rtnl: string arguments must not contain NUL bytes');
  const bytes = encoder.encode(s);
  const out = new Uint8Array(bytes.byteLength + 1);
  out.set(bytes);
  return out;
}

// bun:ffi turns a TypedArray passed as 'ptr' into the address of its first
// element (byteOffset included); an empty one may become NULL, which every
// call here accepts together with a zero length.
export function createBunFfiShim(bun: BunFfiModule): Shim {
  const i = 'i32';
  const p = 'ptr';
  const sz = 'u64';
  // Results of ssize_t calls are read as i32 (low half of the register on
  // x86-64 and arm64): it holds every datagram length and keeps -1 as -1.
  const { symbols: s } = bun.dlopen('libc.so.6', {
    socket: { args: [i, i, i], returns: i },
    bind: { args: [i, p, 'u32'], returns: i },
    getsockname: { args: [i, p, p], returns: i },
    setsockopt: { args: [i, i, i, p, 'u32'], returns: i },
    getsockopt: { args: [i, i, i, p, p], returns: i },
    send: { args: [i, p, sz, i], returns: i },
    recv: { args: [i, p, sz, i], returns: i },
    sendto: { args: [i, p, sz, i, p, 'u32'], returns: i },
    recvfrom: { args: [i, p, sz, i, p, p], returns: i },
    read: { args: [i, p, sz], returns: i },
    write: { args: [i, p, sz], returns: i },
    close: { args: [i], returns: i },
    open: { args: [p, i, i], returns: i },
    // ioctl is variadic; on the SysV x86-64 and AAPCS64 ABIs a pointer or a
    // long in the third slot is passed exactly like a fixed argument.
    ioctl: { args: [i, sz, p], returns: i },
    setns: { args: [i, i], returns: i },
    unshare: { args: [i], returns: i },
    mount: { args: [p, p, p, sz, p], returns: i },
    umount2: { args: [p, i], returns: i },
    eventfd: { args: ['u32', i], returns: i },
    __errno_location: { args: [], returns: p },
  });
  // A second handle: one signature per symbol per library, and ioctlInt needs
  // the by-value variant.
  const { symbols: s2 } = bun.dlopen('libc.so.6', { ioctl: { args: [i, sz, sz], returns: i } });
  const c = s as Record<string, (...args: unknown[]) => number>;
  const ioctlInt = s2.ioctl as (...args: unknown[]) => number;
  const errnoPtr = (s.__errno_location as () => number)();
  // errno is thread-local and its address fixed per thread: read it right
  // after the failing call, before anything else can run a libc function.
  const errno = () => bun.read.i32(errnoPtr, 0);
  const check = (syscall: string, r: number, path?: string): number => {
    if (r < 0) throw systemError(syscall, errno(), path);
    return r;
  };
  const len = new Uint32Array(1);
  const lengthArg = (buf: Uint8Array, length: number): number => {
    if (!Number.isInteger(length) || length < 0 || length > buf.byteLength) {
      throw new RangeError(`rtnl: length ${length} is outside the buffer (${buf.byteLength} bytes)`);
    }
    return length;
  };

  return {
    backend: 'bun-ffi',
    socket: (d, t, pr) => check('socket', c.socket!(d, t, pr)),
    bind(fd, sa) {
      check('bind', c.bind!(fd, sa, sa.byteLength));
    },
    getsockname(fd, sa) {
      len[0] = sa.byteLength;
      check('getsockname', c.getsockname!(fd, sa, len));
      return len[0]!;
    },
    setsockopt(fd, level, name, value) {
      check('setsockopt', c.setsockopt!(fd, level, name, value, value.byteLength));
    },
    getsockopt(fd, level, name, value) {
      len[0] = value.byteLength;
      check('getsockopt', c.getsockopt!(fd, level, name, value, len));
      return len[0]!;
    },
    send: (fd, buf, length, flags, to) =>
      to ? check('sendto', c.sendto!(fd, buf, lengthArg(buf, length), flags, to, to.byteLength)) : check('send', c.send!(fd, buf, lengthArg(buf, length), flags)),
    recv(fd, buf, flags, from) {
      if (!from) return check('recv', c.recv!(fd, buf, buf.byteLength, flags));
      len[0] = from.byteLength;
      return check('recvfrom', c.recvfrom!(fd, buf, buf.byteLength, flags, from, len));
    },
    read: (fd, buf) => check('read', c.read!(fd, buf, buf.byteLength)),
    write: (fd, buf, length) => check('write', c.write!(fd, buf, lengthArg(buf, length))),
    close(fd) {
      check('close', c.close!(fd));
    },
    open: (path, flags, mode) => check('open', c.open!(cString(path), flags, mode), path),
    // Request numbers are unsigned 32-bit (TUNGETIFF is 0x800454d2); `>>> 0`
    // also maps a request written as a negative int32 onto the same value.
    ioctlPtr: (fd, req, arg) => check('ioctl', c.ioctl!(fd, req >>> 0, arg)),
    ioctlInt: (fd, req, arg) => check('ioctl', ioctlInt(fd, req >>> 0, arg)),
    setns(fd, nstype) {
      check('setns', c.setns!(fd, nstype));
    },
    unshare(flags) {
      check('unshare', c.unshare!(flags));
    },
    mount(source, target, fstype, flags, data) {
      const r = c.mount!(cString(source), cString(target), fstype === null ? null : cString(fstype), flags, data === null ? null : cString(data));
      check('mount', r, target);
    },
    umount2(target, flags) {
      check('umount2', c.umount2!(cString(target), flags), target);
    },
    poll: createWorkerPoller({
      eventfd: () => check('eventfd', c.eventfd!(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      write: (fd, buf) => c.write!(fd, buf, buf.byteLength),
      close: (fd) => c.close!(fd),
    }),
  };
}

/** eventfd(2) flags (bits/eventfd.h): the O_CLOEXEC and O_NONBLOCK values. */
const EFD_CLOEXEC = 0o2000000;
const EFD_NONBLOCK = 0o4000;

// Control words shared with a poller's worker.
const STATE = 0;
const ACKED = 1; // bumped by the main thread after each onReadable (and by close())
// Values of STATE. The worker moves IDLE→POLLING right before poll(2) and
// POLLING→IDLE right after it, each by compare-and-swap; close() swaps in
// CLOSING whatever the value was, so both CASes fail from then on: the
// worker never enters poll(2) again, and one already in it knows that it
// must leave (STOPPED) instead of reporting.
const IDLE = 0;
const POLLING = 1;
const CLOSING = 2;
const STOPPED = 3;
/**
 * How long close() waits for the worker to leave poll(2). It is woken by its
 * eventfd, so this takes microseconds; the limit only keeps a wedged worker
 * from freezing the event loop.
 */
const CLOSE_WAIT_MS = 2000;

/**
 * The worker's source. It polls two fds, without a timeout: the owner's fd
 * and an eventfd that only close() writes to, so close() can get it out of
 * poll(2) at once. POLLERR/POLLHUP wake it like POLLIN (a netlink overrun
 * sets sk_err, reported as POLLERR, and the owner learns ENOBUFS from its
 * next recv). POLLNVAL means the fd was closed under it (the owner did not
 * close the poller first): it reports once and stops, as libuv does with
 * UV_EBADF.
 */
const workerSource = `
const { dlopen, read } = require('bun:ffi');
const libc = dlopen('libc.so.6', {
  poll: { args: ['ptr', 'u64', 'i32'], returns: 'i32' },
  __errno_location: { args: [], returns: 'ptr' },
});
const EINTR = 4, POLLIN = 1, POLLNVAL = 0x20;
const STATE = ${STATE}, ACKED = ${ACKED}, IDLE = ${IDLE}, POLLING = ${POLLING}, STOPPED = ${STOPPED};
self.onmessage = (event) => {
  const { fd, wakeFd, shared } = event.data;
  const ctl = new Int32Array(shared);
  const errnoPtr = libc.symbols.__errno_location();
  // Two struct pollfd { int fd; short events; short revents; }, little-endian.
  const pfd = new Int32Array(4);
  let fired = 0;
  for (;;) {
    if (Atomics.compareExchange(ctl, STATE, IDLE, POLLING) !== IDLE) break;
    pfd[0] = fd;
    pfd[1] = POLLIN;
    pfd[2] = wakeFd;
    pfd[3] = POLLIN;
    const r = libc.symbols.poll(pfd, 2, -1);
    const err = r < 0 ? read.i32(errnoPtr, 0) : 0;
    // Closed meanwhile: leave without touching fd again (close() waits for this).
    if (Atomics.compareExchange(ctl, STATE, POLLING, IDLE) !== POLLING) break;
    if (r < 0 && err === EINTR) continue;
    const revents = r < 0 ? POLLNVAL : pfd[1] >>> 16;
    if (revents === 0) continue;
    fired++;
    postMessage(0);
    if (revents & POLLNVAL) break;
    // Wait until the main thread has handled this readiness: the data is
    // still queued until it reads, and poll(2) would report it again.
    // close() bumps ACKED too, so this wait cannot miss it.
    for (let acked; (acked = Atomics.load(ctl, ACKED)) !== fired && Atomics.load(ctl, STATE) === IDLE; ) {
      Atomics.wait(ctl, ACKED, acked);
    }
  }
  Atomics.store(ctl, STATE, STOPPED);
  Atomics.notify(ctl, STATE);
  self.close();
};
`;

interface BunWorker {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  ref(): void;
  unref(): void;
  terminate(): void;
}
type WorkerConstructor = new (url: string) => BunWorker;

/** The libc calls a poller makes on the main thread. */
interface PollerLibc {
  /** A new non-blocking, close-on-exec eventfd; throws a system error. */
  eventfd(): number;
  /** write(2); returns −1 on error (only ever used on the eventfd). */
  write(fd: number, buf: Uint8Array): number;
  close(fd: number): number;
}

/** 1 as a little-endian u64: what write(2) adds to an eventfd's counter. */
const ONE = new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]);

function createWorkerPoller(libc: PollerLibc): (fd: number, onReadable: () => void) => Poller {
  let url: string | undefined;
  return (fd, onReadable) => {
    const WorkerCtor = (globalThis as { Worker?: WorkerConstructor }).Worker;
    if (!WorkerCtor) throw new Error('rtnl: this runtime has no Worker; bun:ffi readiness needs one');
    url ??= URL.createObjectURL(new Blob([workerSource], { type: 'application/javascript' }));
    const wakeFd = libc.eventfd();
    const shared = new SharedArrayBuffer(8);
    const ctl = new Int32Array(shared);
    let worker: BunWorker;
    try {
      worker = new WorkerCtor(url);
    } catch (e) {
      libc.close(wakeFd);
      throw e;
    }
    let closed = false;
    worker.onmessage = () => {
      if (closed) return;
      try {
        onReadable();
      } finally {
        Atomics.add(ctl, ACKED, 1);
        Atomics.notify(ctl, ACKED);
      }
    };
    worker.postMessage({ fd, wakeFd, shared });
    return {
      ref: () => {
        if (!closed) worker.ref();
      },
      unref: () => {
        if (!closed) worker.unref();
      },
      close: () => {
        if (closed) return;
        closed = true;
        const was = Atomics.exchange(ctl, STATE, CLOSING);
        // A worker waiting for an acknowledgement: let it see CLOSING.
        Atomics.add(ctl, ACKED, 1);
        Atomics.notify(ctl, ACKED);
        let out = true;
        if (was === POLLING) {
          // In poll(2), or about to enter it: the eventfd makes it return
          // (at once if it is not in yet: the counter stays readable). Wait
          // for it to be out, so the caller's close(fd) releases the file.
          libc.write(wakeFd, ONE);
          const deadline = Date.now() + CLOSE_WAIT_MS;
          for (let left = CLOSE_WAIT_MS; Atomics.load(ctl, STATE) === CLOSING && left > 0; left = deadline - Date.now()) {
            Atomics.wait(ctl, STATE, CLOSING, left);
          }
          out = Atomics.load(ctl, STATE) !== CLOSING;
        }
        // (IDLE or STOPPED: not in poll(2), and it will not enter it again.)
        worker.unref();
        worker.terminate();
        // A worker that did not come out may still be polling wakeFd: leave
        // that fd open rather than have its number reused under the worker.
        if (out) libc.close(wakeFd);
      },
    };
  };
}
