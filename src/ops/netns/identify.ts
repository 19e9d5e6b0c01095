/**
 * Which named namespace a process is in, and which processes are in a
 * named namespace — `ip netns identify` and `ip netns pids` — by comparing
 * namespace files: two paths name the same namespace when their nsfs
 * device and inode are equal (/proc/PID/ns/net against /run/netns/NAME).
 * Files only: nothing is entered or changed.
 */
import { readdirSync, statSync } from 'node:fs';
import { ValidationError, namespaceStateError, systemErrorOf } from '../../netlink/errors.js';
import { NETNS_RUN_DIR, validateNetnsName } from '../../netlink/netns.js';
import { formatValue } from '../../netlink/format-value.js';

/** The device and inode of a namespace file (nsfs): equal for every file naming the same namespace. */
const keyOf = (st: { dev: number; ino: number }): string => `${st.dev}:${st.ino}`;

/** keyOf the file at `path`, or undefined when it cannot be read. */
function nsKey(path: string): string | undefined {
  try {
    return keyOf(statSync(path));
  } catch {
    return undefined;
  }
}

/** nsKey of a file that must exist: ENOENT as namespaceStateError, other failures (EACCES) as they are. */
function existingNsKey(path: string, operation: string, field: string, missing: string): string {
  try {
    return keyOf(statSync(path));
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw namespaceStateError({ operation, code: 'ENOENT', syscall: 'stat', path, field, detail: missing, cause: e });
    throw systemErrorOf(e, operation);
  }
}

/**
 * The names under /run/netns of the network namespace process `pid`
 * (default: this one) is in — `ip netns identify [PID]` — compared by the
 * namespace files' device and inode. Empty when it has no name.
 */
export function identifyNetns(pid: number | 'self' = 'self'): string[] {
  if (pid !== 'self' && (!Number.isInteger(pid) || pid <= 0)) throw new ValidationError('pid', `expected a process id, got ${formatValue(pid)}`);
  const key = existingNsKey(`/proc/${pid}/ns/net`, 'identifyNetns', 'pid', `no process ${pid}`);
  let names: string[];
  try {
    names = readdirSync(NETNS_RUN_DIR);
  } catch {
    return [];
  }
  return names.filter((n) => nsKey(`${NETNS_RUN_DIR}/${n}`) === key).sort();
}

/**
 * The processes inside the named namespace — `ip netns pids NAME` — found
 * through /proc/PID/ns/net (the processes whose namespace this process may
 * read: all of them as root), in ascending order.
 */
export function netnsPids(name: string): number[] {
  const key = existingNsKey(`${NETNS_RUN_DIR}/${validateNetnsName(name)}`, 'netnsPids', 'name', `no network namespace ${JSON.stringify(name)}`);
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (/^\d+$/.test(d) && nsKey(`/proc/${d}/ns/net`) === key) out.push(Number(d));
  }
  return out.sort((a, b) => a - b);
}
