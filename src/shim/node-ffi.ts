/**
 * The `node:ffi` backend (Node 26+): pure TypeScript over libc, nothing to
 * build. Readiness comes from libuv's `uv_poll_*`, which the node binary
 * exports for addons, registered on Node's own loop.
 */
import { endianness } from 'node:os';
import { systemError } from './errors.js';
import type { Poller, Shim } from './types.js';

// Only the parts of node:ffi this backend uses; the module has no types in
// the @types/node versions that also cover Node 20.
interface FfiSignature {
  arguments: readonly string[];
  return: string;
}
interface FfiLibrary {
  getFunction(name: string, signature: FfiSignature): (...args: unknown[]) => unknown;
  registerCallback(signature: FfiSignature, fn: (...args: never[]) => void): bigint;
}
export interface FfiModule {
  DynamicLibrary: new (path: string | null) => FfiLibrary;
  getInt32(pointer: bigint, offset?: number): number;
  getCurrentEventLoop(): bigint;
  getRawPointer(source: ArrayBufferView): bigint;
}

/** The `node:ffi` module, or undefined where this runtime lacks or disables it. */
export function loadNodeFfi(): FfiModule | undefined {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof getBuiltin !== 'function') return undefined;
  try {
    return getBuiltin('node:ffi') as FfiModule | undefined;
  } catch {
    return undefined;
  }
}

const UV_POLL = 8; // uv_handle_type UV_POLL (uv.h)
const UV_READABLE = 1;

export function createNodeFfiShim(ffi: FfiModule): Shim {
  const libc = new ffi.DynamicLibrary('libc.so.6');
  // node:ffi binds one signature per symbol and library handle: a second
  // handle carries the by-value variants of ioctl and mount.
  const libc2 = new ffi.DynamicLibrary('libc.so.6');
  const fn = (name: string, args: string[], ret = 'i32', lib = libc) =>
    lib.getFunction(name, { arguments: args, return: ret }) as (...a: unknown[]) => number;
  // Sizes are size_t: node:ffi wants a bigint for 64-bit arguments. Results of
  // ssize_t calls are read as i32, which holds every length a netlink datagram
  // or frame can have and keeps -1 as -1.
  const c = {
    socket: fn('socket', ['i32', 'i32', 'i32']),
    bind: fn('bind', ['i32', 'buffer', 'u32']),
    getsockname: fn('getsockname', ['i32', 'buffer', 'buffer']),
    setsockopt: fn('setsockopt', ['i32', 'i32', 'i32', 'buffer', 'u32']),
    getsockopt: fn('getsockopt', ['i32', 'i32', 'i32', 'buffer', 'buffer']),
    send: fn('send', ['i32', 'pointer', 'u64', 'i32']),
    sendWrite: fn('write', ['i32', 'pointer', 'u64'], 'i32', libc2),
    recv: fn('recv', ['i32', 'pointer', 'u64', 'i32']),
    recvmsg: fn('recvmsg', ['i32', 'pointer', 'i32']),
    recvfrom: fn('recvfrom', ['i32', 'pointer', 'u64', 'i32', 'buffer', 'buffer']),
    sendto: fn('sendto', ['i32', 'pointer', 'u64', 'i32', 'buffer', 'u32']),
    read: fn('read', ['i32', 'buffer', 'u64']),
    write: fn('write', ['i32', 'buffer', 'u64']),
    close: fn('close', ['i32']),
    open: fn('open', ['string', 'i32', 'i32']),
    ioctlPtr: fn('ioctl', ['i32', 'u64', 'buffer']),
    ioctlInt: fn('ioctl', ['i32', 'u64', 'u64'], 'i32', libc2),
    setns: fn('setns', ['i32', 'i32']),
    unshare: fn('unshare', ['i32']),
    mount: fn('mount', ['string', 'string', 'pointer', 'u64', 'pointer']),
    mountFs: fn('mount', ['string', 'string', 'string', 'u64', 'pointer'], 'i32', libc2),
    umount2: fn('umount2', ['string', 'i32']),
    errnoLocation: libc.getFunction('__errno_location', { arguments: [], return: 'pointer' }) as () => bigint,
  };
  const errno = () => ffi.getInt32(c.errnoLocation());
  const EINVAL = 22;
  const check = (syscall: string, r: number, path?: string, bad?: boolean): number => {
    if (bad) throw systemError(syscall, EINVAL, path);
    if (r < 0) throw systemError(syscall, errno(), path);
    return r;
  };
  // send and recv carry every netlink round trip, so they are the calls
  // node:ffi makes cheapest (Node 26.10, measured):
  // - the buffer goes as a raw pointer: converting a 'buffer' argument costs
  //   ~0.1 µs a call, and a socket passes the same send and receive buffers
  //   every time. One cached pointer per call; the cache holds its buffer,
  //   so the memory behind the pointer stays alive (ArrayBuffer contents
  //   never move, and a detached buffer has byteLength 0: nothing is read
  //   or written).
  // - three arguments, not four: a four-argument call costs ~0.15 µs more.
  //   send(2) with no flags is write(2); recv(2) is recvmsg(2) with a
  //   one-element iovec, kept in a struct msghdr built once per receive
  //   buffer (recvmsg returns what recv returns, MSG_TRUNC included: both
  //   are sock_recvmsg in the kernel).
  const cachedPointer = () => {
    let last: Uint8Array | undefined;
    let ptr = 0n;
    return (buf: Uint8Array): bigint => {
      if (buf !== last) {
        ptr = ffi.getRawPointer(buf);
        last = buf;
      }
      return ptr;
    };
  };
  const sendPointer = cachedPointer();
  const recvPointer = cachedPointer();
  // struct msghdr (56 bytes) then struct iovec (16) on LP64 Linux:
  // msg_name at 0, msg_namelen at 8, msg_iov at 16, msg_iovlen at 24;
  // iov_base at 56, iov_len at 64. The sender's address (`from`) goes
  // through msg_name; the kernel rewrites msg_namelen on every call, so it
  // is set again before each one.
  const lp64 = /64/.test(process.arch);
  const msghdr = new Uint8Array(72);
  const msghdrView = new DataView(msghdr.buffer);
  const msghdrPtr = lp64 ? ffi.getRawPointer(msghdr) : 0n;
  const le = endianness() === 'LE';
  let msgBuf: Uint8Array | undefined;
  let msgLen = -1;
  const recvHeader = (buf: Uint8Array): bigint => {
    if (buf !== msgBuf || buf.byteLength !== msgLen) {
      msghdrView.setBigUint64(16, msghdrPtr + 56n, le);
      msghdrView.setBigUint64(24, 1n, le);
      msghdrView.setBigUint64(56, ffi.getRawPointer(buf), le);
      msghdrView.setBigUint64(64, BigInt(buf.byteLength), le);
      msgBuf = buf;
      msgLen = buf.byteLength;
    }
    return msghdrPtr;
  };
  let nameBuf: Uint8Array | undefined;
  const recvFromHeader = (buf: Uint8Array, from: Uint8Array | undefined): bigint => {
    const ptr = recvHeader(buf);
    if (from !== nameBuf) {
      msghdrView.setBigUint64(0, from ? ffi.getRawPointer(from) : 0n, le);
      nameBuf = from;
    }
    msghdrView.setUint32(8, from ? from.byteLength : 0, le);
    return ptr;
  };
  const lenBuf = new Uint8Array(4);
  const lenView = new DataView(lenBuf.buffer);

  const poll = createUvPoller(ffi);

  return {
    backend: 'node-ffi',
    socket: (d, t, p) => check('socket', c.socket(d, t, p)),
    bind(fd, sa) {
      check('bind', c.bind(fd, sa, sa.byteLength));
    },
    getsockname(fd, sa) {
      lenView.setUint32(0, sa.byteLength, true);
      check('getsockname', c.getsockname(fd, sa, lenBuf));
      return lenView.getUint32(0, true);
    },
    setsockopt(fd, level, name, value) {
      check('setsockopt', c.setsockopt(fd, level, name, value, value.byteLength));
    },
    getsockopt(fd, level, name, value) {
      lenView.setUint32(0, value.byteLength, true);
      check('getsockopt', c.getsockopt(fd, level, name, value, lenBuf));
      return lenView.getUint32(0, true);
    },
    send(fd, buf, length, flags, to) {
      if (length > buf.byteLength) return check(to ? 'sendto' : 'send', -1, undefined, true);
      if (to) return check('sendto', c.sendto(fd, sendPointer(buf), BigInt(length), flags, to, to.byteLength));
      return check('send', flags === 0 ? c.sendWrite(fd, sendPointer(buf), BigInt(length)) : c.send(fd, sendPointer(buf), BigInt(length), flags));
    },
    recv(fd, buf, flags, from) {
      if (lp64) return check(from ? 'recvfrom' : 'recv', c.recvmsg(fd, recvFromHeader(buf, from), flags));
      if (!from) return check('recv', c.recv(fd, recvPointer(buf), BigInt(buf.byteLength), flags));
      lenView.setUint32(0, from.byteLength, true);
      return check('recvfrom', c.recvfrom(fd, recvPointer(buf), BigInt(buf.byteLength), flags, from, lenBuf));
    },
    read: (fd, buf) => check('read', c.read(fd, buf, BigInt(buf.byteLength))),
    write: (fd, buf, length) => length > buf.byteLength ? check('write', -1, undefined, true) : check('write', c.write(fd, buf, BigInt(length))),
    close(fd) {
      check('close', c.close(fd));
    },
    open: (path, flags, mode) => check('open', c.open(path, flags, mode), path),
    ioctlPtr: (fd, req, arg) => check('ioctl', c.ioctlPtr(fd, BigInt(req), arg)),
    ioctlInt: (fd, req, arg) => check('ioctl', c.ioctlInt(fd, BigInt(req), BigInt(arg))),
    setns(fd, nstype) {
      check('setns', c.setns(fd, nstype));
    },
    unshare(flags) {
      check('unshare', c.unshare(flags));
    },
    mount(source, target, fstype, flags, data) {
      if (data !== null) throw new TypeError('mount data is not supported');
      const r = fstype === null ? c.mount(source, target, 0n, BigInt(flags), 0n) : c.mountFs(source, target, fstype, BigInt(flags), 0n);
      check('mount', r, target);
    },
    umount2(target, flags) {
      check('umount2', c.umount2(target, flags), target);
    },
    poll,
  };
}

/**
 * uv_poll readiness on Node's main loop. libuv calls a raw ffi callback, in
 * which no microtask queue is drained (a promise resolved there would never
 * resume): the callback only records the handle and schedules a
 * setImmediate, which runs the user's function as ordinary JavaScript.
 */
function createUvPoller(ffi: FfiModule): (fd: number, onReadable: () => void) => Poller {
  const self = new ffi.DynamicLibrary(null);
  const libc = new ffi.DynamicLibrary('libc.so.6');
  const f = <T>(lib: FfiLibrary, name: string, args: string[], ret: string) =>
    lib.getFunction(name, { arguments: args, return: ret }) as unknown as T;
  let uv:
    | {
        handleSize: (t: number) => bigint;
        init: (loop: bigint, h: bigint, fd: number) => number;
        start: (h: bigint, events: number, cb: bigint) => number;
        stop: (h: bigint) => number;
        close: (h: bigint, cb: bigint) => void;
        ref: (h: bigint) => void;
        unref: (h: bigint) => void;
        malloc: (n: bigint) => bigint;
        free: (p: bigint) => void;
        pollCb: bigint;
        closeCb: bigint;
        size: bigint;
      }
    | undefined;
  const live = new Map<bigint, { fire: () => void }>();
  const fired = new Set<bigint>();
  // Handles whose callback reported an error status: on POLLERR (a netlink
  // socket that overran its buffer has ENOBUFS pending) libuv stops the
  // handle and passes UV_EBADF. The reader sees the error itself on its
  // next recv; the handle is started again after it ran.
  const stopped = new Set<bigint>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const handles = [...fired];
    fired.clear();
    for (const h of handles) live.get(h)?.fire();
  };

  const init = () => {
    if (uv) return uv;
    const pollCb = self.registerCallback({ arguments: ['pointer', 'i32', 'i32'], return: 'void' }, ((h: bigint, status: number) => {
      if (status < 0) stopped.add(h);
      fired.add(h);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    }) as never);
    const freeFn = f<(p: bigint) => void>(libc, 'free', ['pointer'], 'void');
    const closeCb = self.registerCallback({ arguments: ['pointer'], return: 'void' }, ((h: bigint) => {
      // libuv is done with the handle only now: its memory may go.
      freeFn(h);
    }) as never);
    const handleSize = f<(t: number) => bigint>(self, 'uv_handle_size', ['i32'], 'u64');
    uv = {
      handleSize,
      init: f(self, 'uv_poll_init', ['pointer', 'pointer', 'i32'], 'i32'),
      start: f(self, 'uv_poll_start', ['pointer', 'i32', 'pointer'], 'i32'),
      stop: f(self, 'uv_poll_stop', ['pointer'], 'i32'),
      close: f(self, 'uv_close', ['pointer', 'pointer'], 'void'),
      ref: f(self, 'uv_ref', ['pointer'], 'void'),
      unref: f(self, 'uv_unref', ['pointer'], 'void'),
      malloc: f(libc, 'malloc', ['u64'], 'pointer'),
      free: freeFn,
      pollCb,
      closeCb,
      size: handleSize(UV_POLL),
    };
    return uv;
  };

  return (fd, onReadable) => {
    const u = init();
    const h = u.malloc(u.size);
    if (h === 0n) throw new Error('rtnl: out of memory allocating a uv_poll_t');
    const r = u.init(ffi.getCurrentEventLoop(), h, fd);
    if (r < 0) {
      u.free(h);
      throw systemError('uv_poll_init', -r);
    }
    let closed = false;
    live.set(h, {
      fire: () => {
        if (closed) return;
        try {
          onReadable();
        } finally {
          if (!closed && stopped.delete(h)) u.start(h, UV_READABLE, u.pollCb);
        }
      },
    });
    const s = u.start(h, UV_READABLE, u.pollCb);
    if (s < 0) {
      live.delete(h);
      u.close(h, u.closeCb);
      throw systemError('uv_poll_start', -s);
    }
    return {
      ref: () => {
        if (!closed) u.ref(h);
      },
      unref: () => {
        if (!closed) u.unref(h);
      },
      close: () => {
        if (closed) return;
        closed = true;
        live.delete(h);
        fired.delete(h);
        stopped.delete(h);
        // Order matters: stop, then close; the memory is freed by the close
        // callback, after libuv has let go of the handle.
        u.stop(h);
        u.close(h, u.closeCb);
      },
    };
  };
}
