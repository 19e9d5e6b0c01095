/**
 * Network namespace references and running code inside one.
 *
 * setns(2) moves only the calling thread, so "inside a namespace" means:
 * open our own namespace, setns to the target, do the synchronous work,
 * setns back — with no `await` in between, so no other JavaScript runs in
 * the foreign namespace.
 */
import type { Shim } from '../shim/types.js';
import { CLONE_NEWNET, O_CLOEXEC, O_NONBLOCK, O_RDONLY } from '../shim/constants.js';
import { ValidationError, namespaceStateError, systemErrorOf } from './errors.js';
import { formatValue } from './format-value.js';

/** SIOCGSKNS (<linux/sockios.h>): an ioctl on a socket that returns a new fd for the network namespace it lives in. */
export const SIOCGSKNS = 0x894c;

/** Where `ip netns` keeps named namespaces (bind mounts of nsfs). */
export const NETNS_RUN_DIR = '/run/netns';

/**
 * A network namespace: a name under /run/netns, an absolute path to an
 * nsfs file (`/proc/1234/ns/net`), an open file descriptor, or a process.
 */
export type NetnsRef = string | number | { readonly fd: number } | { readonly pid: number };

const NAME_RE = /^[A-Za-z0-9_.-]{1,255}$/;

/** Validates a namespace name as a single path component (no `/`, not `.` or `..`). */
export function validateNetnsName(name: unknown, field = 'netns'): string {
  if (typeof name !== 'string' || !NAME_RE.test(name) || name === '.' || name === '..') {
    throw new ValidationError(field, `invalid network namespace name ${formatValue(name)}: use 1–255 of [A-Za-z0-9_.-], not "." or ".."`);
  }
  return name;
}

/** The path a reference names, or undefined for file descriptors. Validates before any system call. */
export function netnsPath(ref: NetnsRef, field = 'netns'): string | undefined {
  if (typeof ref === 'number') {
    // A descriptor is a C int: anything past 2^31-1 would be truncated on its way to setns(2) (2**32 + fd is fd).
    if (!Number.isInteger(ref) || ref < 0 || ref > 0x7fffffff) throw new ValidationError(field, `invalid namespace file descriptor ${ref}`);
    return undefined;
  }
  if (typeof ref === 'string') {
    // A NUL would cut the path short in the C string the shim passes to
    // open(2): '/run/netns/a\0…' would silently open '/run/netns/a'.
    if (ref.includes('\0')) throw new ValidationError(field, `namespace reference ${formatValue(ref)} contains a NUL byte`);
    if (ref.startsWith('/')) {
      if (ref.split('/').includes('..')) throw new ValidationError(field, `namespace path ${formatValue(ref)} must not contain ".."`);
      return ref;
    }
    return `${NETNS_RUN_DIR}/${validateNetnsName(ref, field)}`;
  }
  if (ref && typeof ref === 'object') {
    if ('fd' in ref) return netnsPath(ref.fd, field);
    if ('pid' in ref) {
      // pid_t is 32 bits; the kernel's limit (pid_max) is at most 2^22.
      if (!Number.isInteger(ref.pid) || ref.pid <= 0 || ref.pid > 0x7fffffff) throw new ValidationError(field, `invalid pid ${String(ref.pid)}`);
      return `/proc/${ref.pid}/ns/net`;
    }
  }
  throw new ValidationError(field, `expected a namespace name, path, fd or { pid }, got ${formatValue(ref)}`);
}

/** An open namespace: its fd, and whether we opened it (and so must close it). */
export interface NetnsHandle {
  readonly fd: number;
  close(): void;
}

/** Opens a namespace reference; unknown names become a ValidationError. */
export function openNetns(shim: Shim, ref: NetnsRef, field = 'netns'): NetnsHandle {
  const path = netnsPath(ref, field);
  if (path === undefined) {
    const fd = typeof ref === 'number' ? ref : (ref as { fd: number }).fd;
    assertNetNamespace(shim, fd, ref, field);
    return { fd, close() {} };
  }
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO (or a device) at the path would otherwise block open(2), and the
    // event loop with it; an nsfs file ignores the flag, and anything else fails NS_GET_NSTYPE below.
    fd = shim.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') {
      const detail = typeof ref === 'object' && 'pid' in ref ? `no process ${ref.pid} (it has exited, or never ran)` : `no network namespace ${formatValue(ref)}`;
      throw namespaceStateError({ operation: `open ${field}`, code: 'ENOENT', syscall: 'open', path, field, detail, cause: e });
    }
    throw systemErrorOf(e, `open ${field} ${formatValue(ref)}`, OPEN_HINTS);
  }
  try {
    assertNetNamespace(shim, fd, ref, field);
  } catch (e) {
    shim.close(fd);
    throw e;
  }
  let open = true;
  return {
    fd,
    close() {
      if (open) {
        open = false;
        shim.close(fd);
      }
    },
  };
}

/**
 * /proc/PID/ns/net is a ptrace-guarded link (proc_ns_get_link:
 * ptrace_may_access with PTRACE_MODE_READ_FSCREDS): EACCES for another
 * user's process, and for a process that is not dumpable.
 */
const OPEN_HINTS = {
  EACCES: 'opening a namespace of another process needs ptrace access to it: the same user (and the process dumpable), or CAP_SYS_PTRACE; a file under /run/netns needs read permission',
  EPERM: 'opening a namespace of another process needs ptrace access to it: the same user, or CAP_SYS_PTRACE',
};

/** setns(CLONE_NEWNET) checks CAP_SYS_ADMIN over the target's owning user namespace and over our own (netns_install). */
const SETNS_HINTS = {
  EPERM: 'entering a network namespace needs CAP_SYS_ADMIN in the user namespace that owns it and in the caller\'s own: run as root, or act on a namespace of a user namespace you own',
};

/** NS_GET_NSTYPE = _IO(0xb7, 0x3) (<linux/nsfs.h>): the CLONE_NEW* type of an nsfs file. */
const NS_GET_NSTYPE = 0xb703;

/**
 * Refuses a descriptor that is not a network namespace before it reaches
 * the kernel inside a request, where a wrong file only earns a bare EINVAL
 * (IFLA_NET_NS_FD, NETNSA_FD) or a setns() failure. One ioctl on nsfs:
 * ENOTTY for a file that is no namespace at all, another CLONE_NEW* value
 * for a namespace of another kind.
 */
function assertNetNamespace(shim: Shim, fd: number, ref: NetnsRef, field: string): void {
  let type: number;
  try {
    type = shim.ioctlInt(fd, NS_GET_NSTYPE, 0);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOTTY' || code === 'EINVAL') {
      throw new ValidationError(field, `${formatValue(ref)} is not a network namespace (not an nsfs file)`);
    }
    if (code === 'EBADF') throw new ValidationError(field, `${formatValue(ref)} is not an open file descriptor`);
    throw e;
  }
  if (type !== CLONE_NEWNET) {
    throw new ValidationError(field, `${formatValue(ref)} is a namespace, but not a network namespace`);
  }
}

/**
 * Runs `fn` synchronously with the calling thread inside `ref`, then moves
 * the thread back. `fn` must not be async: anything after its first `await`
 * would run in the original namespace.
 */
export function runInNetnsSync<T>(shim: Shim, ref: NetnsRef | undefined, fn: () => T, field = 'netns'): T {
  if (ref === undefined) return fn();
  const target = openNetns(shim, ref, field);
  try {
    const self = shim.open('/proc/thread-self/ns/net', O_RDONLY | O_CLOEXEC, 0);
    try {
      try {
        shim.setns(target.fd, CLONE_NEWNET);
      } catch (e) {
        if ((e as { code?: string }).code === 'EINVAL') {
          throw new ValidationError(field, `${formatValue(ref)} is not a network namespace`);
        }
        throw systemErrorOf(e, `enter ${field} ${formatValue(ref)}`, SETNS_HINTS);
      }
      try {
        return fn();
      } finally {
        shim.setns(self, CLONE_NEWNET);
      }
    } finally {
      shim.close(self);
    }
  } finally {
    target.close();
  }
}
