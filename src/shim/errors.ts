import { constants } from 'node:os';
import type { SystemCallError } from './types.js';

// errno number → code name, built once from the runtime's own table so the
// names match what Node prints for its own system errors.
const names = new Map<number, string>();
for (const [name, value] of Object.entries(constants.errno)) {
  if (!names.has(value)) names.set(value, name);
}
// Linux errno values the runtime's table lacks but drivers return (the tun
// driver answers EBADFD). Source: <asm-generic/errno.h>.
const linuxOnly: [number, string][] = [
  [76, 'ENOTUNIQ'],
  [77, 'EBADFD'],
  [78, 'EREMCHG'],
  [117, 'EUCLEAN'],
  [126, 'ENOKEY'],
  [127, 'EKEYEXPIRED'],
  [132, 'ERFKILL'],
];
for (const [value, name] of linuxOnly) if (!names.has(value)) names.set(value, name);
// Where Linux has two names for one value, use the one the kernel's own
// sources and iproute2 use (EOPNOTSUPP, not ENOTSUP; EAGAIN, not EWOULDBLOCK).
names.set(95, 'EOPNOTSUPP');
names.set(11, 'EAGAIN');
names.set(35, 'EDEADLK');

/** The symbolic name of an errno value (`17` → `EEXIST`), or `E<n>` when unknown. */
export function errnoName(errno: number): string {
  const n = Math.abs(errno);
  return names.get(n) ?? `E${n}`;
}

/** The errno value of a symbolic name (`EEXIST` → 17), or undefined. */
export function errnoValue(name: string): number | undefined {
  return (constants.errno as Record<string, number>)[name];
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
