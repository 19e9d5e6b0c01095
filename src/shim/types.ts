/**
 * The contract every backend of the raw socket shim fulfils.
 *
 * This is the only layer of rtnl that touches the operating system. Each
 * primitive is synchronous, maps to one system call, returns a non-negative
 * number on success and throws a {@link SystemCallError} (shaped like Node's
 * own system errors: `code`, `errno`, `syscall`) on failure. errno is read
 * immediately after the failing call, before any other native call can
 * overwrite it.
 *
 * Buffers are passed as `Uint8Array`s; the backend reads or writes at most
 * `byteLength` bytes of them.
 */
export interface Shim {
  /**
   * Which backend this is: `node-ffi`, `bun-ffi` or `addon` for the real
   * ones; a stand-in installed with setShim() names itself (rtnl/testing's
   * replay says `replay`).
   */
  readonly backend: BackendName | (string & {});

  socket(domain: number, type: number, protocol: number): number;
  /** bind(2) with a raw `struct sockaddr` image (e.g. a 12-byte sockaddr_nl). */
  bind(fd: number, sockaddr: Uint8Array): void;
  /** getsockname(2) into `sockaddr`; returns the address length. */
  getsockname(fd: number, sockaddr: Uint8Array): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array): void;
  /** getsockopt(2) into `value`; returns the option length. */
  getsockopt(fd: number, level: number, name: number, value: Uint8Array): number;
  /**
   * send(2) of `buf[0, length)`; returns bytes sent. With `to` (a raw
   * `struct sockaddr` image) it is sendto(2) to that address.
   */
  send(fd: number, buf: Uint8Array, length: number, flags: number, to?: Uint8Array): number;
  /**
   * recv(2) into `buf`; returns the byte count, which with MSG_TRUNC is the
   * datagram's real length even when it exceeded `buf`. With `from` it is
   * recvfrom(2): the sender's address is written into `from` (for netlink a
   * 12-byte sockaddr_nl, whose nl_pid is 0 only when the kernel sent the
   * datagram — the one sender field no other process can set). A stand-in
   * shim may leave `from` as the caller filled it.
   */
  recv(fd: number, buf: Uint8Array, flags: number, from?: Uint8Array): number;
  /** read(2) into `buf`; returns the byte count. */
  read(fd: number, buf: Uint8Array): number;
  /** write(2) of `buf[0, length)`; returns bytes written. */
  write(fd: number, buf: Uint8Array, length: number): number;
  close(fd: number): void;
  /** open(2) of a path (O_CLOEXEC is added by the caller, not here). */
  open(path: string, flags: number, mode: number): number;
  /** ioctl(2) whose argument is a pointer to `arg` (in/out). */
  ioctlPtr(fd: number, request: number, arg: Uint8Array): number;
  /** ioctl(2) whose argument is an integer passed by value (TUNSETPERSIST, TUNSETOWNER …). */
  ioctlInt(fd: number, request: number, arg: number): number;
  setns(fd: number, nstype: number): void;
  unshare(flags: number): void;
  mount(source: string, target: string, fstype: string | null, flags: number, data: string | null): void;
  umount2(target: string, flags: number): void;
  /**
   * Readiness: calls `onReadable` on the main event loop whenever `fd` has
   * data. Callers set O_NONBLOCK on `fd` themselves and read until EAGAIN.
   * A poller may also make `fd` non-blocking (libuv's uv_poll does), so
   * request sockets, which rely on blocking receives, must never be polled.
   */
  poll(fd: number, onReadable: () => void): Poller;
}

export interface Poller {
  /** Let this poller keep the process alive (the default). */
  ref(): void;
  /** Stop this poller from keeping the process alive. */
  unref(): void;
  /** Stop watching; the fd itself is not closed. Idempotent. */
  close(): void;
}

/** `replay` is the fake shim of rtnl/testing, answering from a recorded fixture. */
/** The real backends (shim/index.ts picks one; RTNL_BACKEND forces one). */
export type BackendName = 'node-ffi' | 'bun-ffi' | 'addon';

/** Shape of Node's own system errors (`err.code === 'EEXIST'` …). */
export interface SystemCallError extends Error {
  code: string;
  errno: number;
  syscall: string;
  path?: string;
}
