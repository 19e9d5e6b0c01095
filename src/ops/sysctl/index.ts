/**
 * Per-namespace sysctls (`net.*`) read and written without moving the
 * process: `getSysctl('net.ipv4.ip_forward', { netns })`,
 * `setSysctl('net.ipv4.conf.eth0.rp_filter', 2, { netns })`.
 *
 * Kernel facts: /proc/sys/net/* is per network namespace, chosen when the
 * file is looked up — by the namespace of the task that opens it
 * (net_ctl_header_lookup uses current->nsproxy->net_ns), not the namespace
 * /proc was mounted in. So the file is opened with the calling thread
 * inside the namespace for the one open(2) (as sockets are made there) and
 * read or written through that fd afterwards: the ctl_table behind it is
 * the namespace's, whoever reads. Writing needs CAP_NET_ADMIN over the
 * namespace's user namespace (net_ctl_permissions).
 */
import { SystemError, ValidationError, systemErrorOf } from '../../netlink/errors.js';
import { formatValue } from '../../netlink/format-value.js';
import { type NetnsRef, runInNetnsSync } from '../../netlink/netns.js';
import { validateIfname } from '../../rtnetlink/link/index.js';
import { getShim } from '../../shim/index.js';
import { O_CLOEXEC, O_RDONLY } from '../../shim/constants.js';

/** O_WRONLY (<fcntl.h>, 1 on Linux); not among the shim's constants. */
const O_WRONLY = 1;

/** Options of getSysctl and setSysctl: the namespace (default: the caller's). */
export interface SysctlOptions {
  netns?: NetnsRef;
}

/** A sysctl value as setSysctl takes it: a number, a string, or several (written separated by tabs, as `sysctl -w 'a b c'`). */
export type SysctlValue = string | number | bigint | boolean | readonly (string | number | bigint)[];

/** Directories whose next segment is an interface name (conf/DEV, neigh/DEV), where `.` is part of the name. */
const DEV_DIRS = new Set(['conf', 'neigh']);
const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;

const HINTS = {
  EACCES: 'writing a namespace\'s sysctls needs CAP_NET_ADMIN over it: run as root',
  EPERM: 'writing a namespace\'s sysctls needs CAP_NET_ADMIN over it: run as root',
};

/**
 * The file of a `net.*` key, validated before any system call. The key is
 * sysctl(8)'s dotted form, where an interface name with a dot in it is
 * written with `/` for the dot (`net.ipv4.conf.eth0/10.rp_filter` is
 * conf/eth0.10/rp_filter), or its path segments as an array.
 */
export function sysctlPath(key: unknown, field = 'key'): string {
  let parts: string[];
  if (Array.isArray(key)) parts = key.map((p) => (typeof p === 'string' ? p : '\0'));
  else if (typeof key === 'string') parts = key.split('.').map((p) => p.replaceAll('/', '.'));
  else throw new ValidationError(field, `expected a sysctl name such as net.ipv4.ip_forward, got ${formatValue(key)}`);
  if (parts[0] !== 'net') throw new ValidationError(field, `${formatValue(key)}: only net.* sysctls belong to a network namespace`);
  if (parts.length < 3) throw new ValidationError(field, `${formatValue(key)}: expected net.<group>.<name> (net.ipv4.ip_forward)`);
  parts.forEach((p, i) => {
    // An interface name, where the kernel makes a directory per device (and `default`, `all`).
    if (i >= 3 && DEV_DIRS.has(parts[i - 1]!) && i < parts.length - 1) {
      validateIfname(p, `${field}[${i}]`);
      if (p === '.' || p === '..' || p.includes('/')) throw new ValidationError(field, `${formatValue(key)}: ${formatValue(p)} is not an interface name`);
      return;
    }
    if (!SEGMENT.test(p)) throw new ValidationError(field, `${formatValue(key)}: ${formatValue(p)} is not a sysctl name segment ([A-Za-z0-9_-])`);
  });
  return `/proc/sys/${parts.join('/')}`;
}

function openIn(netns: NetnsRef | undefined, path: string, flags: number, operation: string): number {
  const shim = getShim();
  try {
    return runInNetnsSync(shim, netns, () => shim.open(path, flags | O_CLOEXEC, 0));
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') {
      throw new SystemError({ operation, code: 'ENOENT', errno: 2, syscall: 'open', path, field: 'key', detail: 'no such sysctl in the namespace (a per-interface key needs the interface there)', cause: e });
    }
    throw systemErrorOf(e, operation, HINTS);
  }
}

/** Reads a `net.*` sysctl of the namespace, as text without the trailing newline (several values are separated by tabs). */
export function getSysctl(key: string | readonly string[], options: SysctlOptions = {}): Promise<string> {
  try {
    const path = sysctlPath(key);
    const shim = getShim();
    const fd = openIn(options.netns, path, O_RDONLY, 'getSysctl');
    try {
      // A sysctl's text is small; a read of a full buffer may not be all of it, so read to the end.
      let out = new Uint8Array(0);
      const buf = new Uint8Array(4096);
      for (;;) {
        const n = shim.read(fd, buf);
        if (n <= 0) break;
        const next = new Uint8Array(out.length + n);
        next.set(out);
        next.set(buf.subarray(0, n), out.length);
        out = next;
      }
      const text = new TextDecoder().decode(out);
      return Promise.resolve(text.endsWith('\n') ? text.slice(0, -1) : text);
    } catch (e) {
      throw systemErrorOf(e, 'getSysctl', HINTS);
    } finally {
      shim.close(fd);
    }
  } catch (e) {
    return Promise.reject(e as Error);
  }
}

function valueText(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || !Number.isInteger(v)) throw new ValidationError('value', `expected an integer, got ${formatValue(v)}`);
    return String(v);
  }
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'string') {
    // One write is one value: a newline would end it early, a NUL would be cut by the kernel's parser.
    if (/[\n\0]/.test(v)) throw new ValidationError('value', `a sysctl value may not contain newlines or NUL, got ${formatValue(v)}`);
    return v;
  }
  if (Array.isArray(v) && v.length) return v.map(valueText).join('\t');
  throw new ValidationError('value', `expected a number, string or a list of them, got ${formatValue(v)}`);
}

/**
 * Writes a `net.*` sysctl of the namespace (`ip netns exec NS sysctl -w
 * key=value`, without a process). The kernel's own parser checks the
 * value: a refused one is a SystemError EINVAL.
 */
export function setSysctl(key: string | readonly string[], value: SysctlValue, options: SysctlOptions = {}): Promise<void> {
  try {
    const path = sysctlPath(key);
    const text = `${valueText(value)}\n`;
    const shim = getShim();
    const fd = openIn(options.netns, path, O_WRONLY, 'setSysctl');
    try {
      const bytes = new TextEncoder().encode(text);
      const n = shim.write(fd, bytes, bytes.length);
      if (n !== bytes.length) throw new SystemError({ operation: 'setSysctl', code: 'EIO', errno: 5, syscall: 'write', path, detail: `the kernel took ${n} of ${bytes.length} bytes` });
    } catch (e) {
      throw systemErrorOf(e, 'setSysctl', HINTS, (e as { code?: string }).code === 'EINVAL' ? `the kernel refused ${formatValue(valueText(value))} for ${typeof key === 'string' ? key : key.join('.')}` : undefined);
    } finally {
      shim.close(fd);
    }
    return Promise.resolve();
  } catch (e) {
    return Promise.reject(e as Error);
  }
}
