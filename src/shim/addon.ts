/**
 * The Node-API addon backend (Node 20–24): `native/rtnl_shim.c`, built at
 * install time by npm's bundled node-gyp. The C side returns `-errno` on
 * failure, read right after the system call; errors are built here so every
 * backend throws the same shape.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { systemError } from './errors.js';
import type { Shim } from './types.js';

/** What `rtnl_shim.node` exports: plain integers, negative errno on failure. */
export interface NativeAddon {
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, sockaddr: Uint8Array): number;
  getsockname(fd: number, sockaddr: Uint8Array): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array): number;
  getsockopt(fd: number, level: number, name: number, value: Uint8Array): number;
  send(fd: number, buf: Uint8Array, length: number, flags: number): number;
  recv(fd: number, buf: Uint8Array, flags: number): number;
  sendto(fd: number, buf: Uint8Array, length: number, flags: number, to: Uint8Array): number;
  recvfrom(fd: number, buf: Uint8Array, flags: number, from: Uint8Array): number;
  read(fd: number, buf: Uint8Array): number;
  write(fd: number, buf: Uint8Array, length: number): number;
  close(fd: number): number;
  open(path: string, flags: number, mode: number): number;
  ioctlPtr(fd: number, request: number, arg: Uint8Array): number;
  ioctlInt(fd: number, request: number, arg: number): number;
  setns(fd: number, nstype: number): number;
  unshare(flags: number): number;
  mount(source: string, target: string, fstype: string | null, flags: number, data: string | null): number;
  umount2(target: string, flags: number): number;
  /** Starts a uv_poll on `fd`; returns a handle id (≥ 0) or -errno. */
  pollStart(fd: number, callback: () => void): number;
  pollRef(id: number): void;
  pollUnref(id: number): void;
  pollClose(id: number): void;
}

/** Where the built addon is looked for: RTNL_ADDON_PATH, else build/Release under the package root. */
export function addonPath(): string {
  const fromEnv = process.env.RTNL_ADDON_PATH;
  if (fromEnv) return fromEnv;
  const require = createRequire(import.meta.url);
  // Self-reference through the package's exports map: works from src/ (tests)
  // and from any bundled file under dist/.
  const root = dirname(require.resolve('rtnl/package.json'));
  return join(root, 'build', 'Release', 'rtnl_shim.node');
}

export function loadAddon(): NativeAddon | undefined {
  let path: string;
  try {
    path = addonPath();
  } catch {
    return undefined;
  }
  if (!existsSync(path)) return undefined;
  const require = createRequire(import.meta.url);
  return require(path) as NativeAddon;
}

export function createAddonShim(a: NativeAddon): Shim {
  const check = (syscall: string, r: number, path?: string): number => {
    if (r < 0) throw systemError(syscall, -r, path);
    return r;
  };
  return {
    backend: 'addon',
    socket: (d, t, p) => check('socket', a.socket(d, t, p)),
    bind(fd, sa) {
      check('bind', a.bind(fd, sa));
    },
    getsockname: (fd, sa) => check('getsockname', a.getsockname(fd, sa)),
    setsockopt(fd, level, name, value) {
      check('setsockopt', a.setsockopt(fd, level, name, value));
    },
    getsockopt: (fd, level, name, value) => check('getsockopt', a.getsockopt(fd, level, name, value)),
    send: (fd, buf, length, flags, to) => (to ? check('sendto', a.sendto(fd, buf, length, flags, to)) : check('send', a.send(fd, buf, length, flags))),
    recv: (fd, buf, flags, from) => (from ? check('recvfrom', a.recvfrom(fd, buf, flags, from)) : check('recv', a.recv(fd, buf, flags))),
    read: (fd, buf) => check('read', a.read(fd, buf)),
    write: (fd, buf, length) => check('write', a.write(fd, buf, length)),
    close(fd) {
      check('close', a.close(fd));
    },
    open: (path, flags, mode) => check('open', a.open(path, flags, mode), path),
    ioctlPtr: (fd, req, arg) => check('ioctl', a.ioctlPtr(fd, req, arg)),
    ioctlInt: (fd, req, arg) => check('ioctl', a.ioctlInt(fd, req, arg)),
    setns(fd, nstype) {
      check('setns', a.setns(fd, nstype));
    },
    unshare(flags) {
      check('unshare', a.unshare(flags));
    },
    mount(source, target, fstype, flags, data) {
      check('mount', a.mount(source, target, fstype, flags, data), target);
    },
    umount2(target, flags) {
      check('umount2', a.umount2(target, flags), target);
    },
    poll(fd, onReadable) {
      const id = check('uv_poll_start', a.pollStart(fd, onReadable));
      let closed = false;
      return {
        ref: () => {
          if (!closed) a.pollRef(id);
        },
        unref: () => {
          if (!closed) a.pollUnref(id);
        },
        close: () => {
          if (closed) return;
          closed = true;
          a.pollClose(id);
        },
      };
    },
  };
}
