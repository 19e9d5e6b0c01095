import { constants } from 'node:os';
import type { SystemCallError } from './types.js';
import { ERRNO, type ErrnoName } from './errno-names.js';

export type { ErrnoName };

// errno number → code name, from Linux's own table (errno-names.ts,
// generated from the UAPI headers): the same names on every runtime, and
// the first name of a value wins (EAGAIN over its alias EWOULDBLOCK,
// EDEADLK over EDEADLOCK; EOPNOTSUPP is the kernel's name for 95, glibc's
// ENOTSUP is not in the kernel's headers).
const names = new Map<number, ErrnoName>();
for (const [name, value] of Object.entries(ERRNO) as [ErrnoName, number][]) {
  if (!names.has(value)) names.set(value, name);
}

/** The symbolic name of an errno value (`17` → `EEXIST`), or `E<n>` when Linux has none. */
export function errnoName(errno: number): ErrnoName | `E${number}` {
  const n = Math.abs(errno);
  return names.get(n) ?? `E${n}`;
}

/** The errno value of a symbolic name (`EEXIST` → 17; also the runtime's own names, e.g. ENOTSUP), or undefined. */
export function errnoValue(name: string): number | undefined {
  return (ERRNO as Record<string, number>)[name] ?? (constants.errno as Record<string, number>)[name];
}

/**
 * glibc's strerror() texts, which ip prints after "RTNETLINK answers:".
 * (libuv's own texts differ, e.g. "file already exists", and Node 20 has no
 * util.getSystemErrorMessage.)
 */
const STRERROR: Record<string, string> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ESRCH: 'No such process',
  EINTR: 'Interrupted system call',
  EIO: 'Input/output error',
  ENXIO: 'No such device or address',
  E2BIG: 'Argument list too long',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EFAULT: 'Bad address',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  EXDEV: 'Invalid cross-device link',
  ENODEV: 'No such device',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files',
  ENOSPC: 'No space left on device',
  ERANGE: 'Numerical result out of range',
  EDEADLK: 'Resource deadlock avoided',
  ENAMETOOLONG: 'File name too long',
  ENOSYS: 'Function not implemented',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
  ENOMSG: 'No message of desired type',
  ENODATA: 'No data available',
  ENOLINK: 'Link has been severed',
  EPROTO: 'Protocol error',
  EBADMSG: 'Bad message',
  EOVERFLOW: 'Value too large for defined data type',
  EBADFD: 'File descriptor in bad state',
  EMSGSIZE: 'Message too long',
  EPROTONOSUPPORT: 'Protocol not supported',
  EOPNOTSUPP: 'Operation not supported',
  ENOTSUP: 'Operation not supported',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENETDOWN: 'Network is down',
  ENETUNREACH: 'Network is unreachable',
  ENOBUFS: 'No buffer space available',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  EALREADY: 'Operation already in progress',
  EINPROGRESS: 'Operation now in progress',
  EDQUOT: 'Disk quota exceeded',
};

/** glibc's strerror() text for an errno name (`EEXIST` → `File exists`), or the name itself. */
export function strerror(code: string): string {
  return STRERROR[code] ?? code;
}


/** Builds an error shaped like Node's own system errors. */
export function systemError(syscall: string, errno: number, path?: string): SystemCallError {
  const code = errnoName(errno);
  // Node's system errors read "EEXIST: file exists, open …": strerror in lower case.
  const text = STRERROR[code];
  const what = text ? text.charAt(0).toLowerCase() + text.slice(1) : 'system call failed';
  const err = new Error(`${code}: ${what}, ${syscall}${path === undefined ? '' : ` '${path}'`}`) as SystemCallError;
  err.code = code;
  // Node reports errno as a negative number (libuv style); keep that shape.
  err.errno = -Math.abs(errno);
  err.syscall = syscall;
  if (path !== undefined) err.path = path;
  return err;
}
