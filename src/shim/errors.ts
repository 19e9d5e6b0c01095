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

const messages: Record<string, string> = {
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  EBADF: 'bad file descriptor',
  EAGAIN: 'resource temporarily unavailable',
  EACCES: 'permission denied',
  EBUSY: 'device or resource busy',
  EEXIST: 'file exists',
  ENODEV: 'no such device',
  EINVAL: 'invalid argument',
  ENOBUFS: 'no buffer space available',
  EOPNOTSUPP: 'operation not supported',
  EPROTONOSUPPORT: 'protocol not supported',
  EAFNOSUPPORT: 'address family not supported by protocol',
  ENOTSUP: 'operation not supported',
};

/** Builds an error shaped like Node's own system errors. */
export function systemError(syscall: string, errno: number, path?: string): SystemCallError {
  const code = errnoName(errno);
  const what = messages[code] ?? 'system call failed';
  const err = new Error(`${code}: ${what}, ${syscall}${path === undefined ? '' : ` '${path}'`}`) as SystemCallError;
  err.code = code;
  // Node reports errno as a negative number (libuv style); keep that shape.
  err.errno = -Math.abs(errno);
  err.syscall = syscall;
  if (path !== undefined) err.path = path;
  return err;
}
