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

/** The package's root folder (self-reference through its exports map: works from src/ and from any bundled file under dist/). */
function packageRoot(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('rtnl/package.json'));
}

/**
 * Where the addon is looked for, in order: RTNL_ADDON_PATH; the one built
 * here at install time (build/Release, from this very source — a
 * developer's checkout has only this one); the one the package carries for
 * this CPU (prebuilds/linux-x64 or linux-arm64, glibc: no install script
 * and no compiler needed).
 */
export function addonCandidates(): string[] {
  const fromEnv = process.env.RTNL_ADDON_PATH;
  if (fromEnv) return [fromEnv];
  let root: string;
  try {
    root = packageRoot();
  } catch {
    return [];
  }
  return [join(root, 'build', 'Release', 'rtnl_shim.node'), join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'rtnl_shim.node')];
}

/** The addon file that is used: the first candidate that exists (RTNL_ADDON_PATH when set). */
export function addonPath(): string {
  const all = addonCandidates();
  return all.find((p) => existsSync(p)) ?? all[0] ?? 'rtnl_shim.node';
}

export function loadAddon(): NativeAddon | undefined {
  const require = createRequire(import.meta.url);
  for (const path of addonCandidates()) {
    if (!existsSync(path)) continue;
    try {
      return require(path) as NativeAddon;
    } catch {
      // Not loadable here (a glibc build on musl, another CPU): try the next.
    }
  }
  return undefined;
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
