/**
 * The file under /run/netns that a named namespace is bind-mounted onto,
 * made so that a creator killed half-way (SIGKILL, a crash) leaves nothing
 * that blocks the next `createNetns` of that name.
 *
 * Until the bind mount lands, the file is an ordinary empty file on the
 * tmpfs, and `ip netns add` (like rtnl before) left exactly that behind
 * when killed: the name then looked taken for good. rtnl now writes its
 * creator into the file (pid and start time, from /proc/PID/stat field 22,
 * so a recycled pid is not mistaken for the creator). The bind mount hides
 * those bytes; a file that still shows them is not mounted, and when the
 * process it names is gone it is a leftover: removed and made again. A
 * file whose creator still runs is being created ("busy"), and a mounted
 * one is a namespace ("exists"). An empty unmounted file — from iproute2,
 * or from an rtnl creator in the microseconds between creating and writing
 * it — counts as a leftover once it is older than {@link EMPTY_GRACE_MS}.
 *
 * Kernel facts: a bind mount replaces what stat(2) and open(2) of the path
 * see by the nsfs inode, whose st_dev is not the tmpfs's; a pid names the
 * same process only while /proc/PID/stat's start time is the same.
 */
import { closeSync, constants as fsConstants, lstatSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { namespaceStateError } from '../../netlink/errors.js';
import { NETNS_RUN_DIR } from '../../netlink/netns.js';

/** How long an empty, unmounted file may be someone's creation in progress. */
export const EMPTY_GRACE_MS = 10_000;

const MARK = /^rtnl createNetns pid=(\d+) start=(\d+)\n$/;

/** A process's start time in clock ticks since boot, or undefined when no such process runs. */
function startTime(pid: number | 'self'): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // Field 2 (comm) may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19]; // field 22 overall
}

/** Whether something (a namespace's nsfs inode) is mounted on `path`: its st_dev is not the tmpfs's. */
function mounted(path: string): boolean {
  return statSync(path).dev !== statSync(NETNS_RUN_DIR).dev;
}

export type MountPointState =
  | { state: 'namespace' }
  | { state: 'busy'; pid?: number }
  | { state: 'leftover'; why: string };

/** What the existing file at `path` is. */
export function mountPointState(path: string, now = Date.now()): MountPointState {
  const l = lstatSync(path);
  if (!l.isFile()) return { state: 'namespace' }; // not ours to judge (a directory, a symlink …)
  if (mounted(path)) return { state: 'namespace' };
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return { state: 'namespace' };
  }
  if (text === '') {
    return now - l.mtimeMs > EMPTY_GRACE_MS ? { state: 'leftover', why: 'an empty file with no namespace mounted on it' } : { state: 'busy' };
  }
  const m = MARK.exec(text);
  if (!m) return { state: 'namespace' }; // someone else's file: leave it alone
  const pid = Number(m[1]);
  return startTime(pid) === m[2] ? { state: 'busy', pid } : { state: 'leftover', why: `left by process ${pid}, which is gone` };
}

/**
 * Creates the mount point exclusively, with this process written into it;
 * removes a leftover first. Throws a SystemError EEXIST when the name is
 * taken or being created.
 */
export function claimMountPoint(path: string, name: string): void {
  const mark = `rtnl createNetns pid=${process.pid} start=${startTime('self') ?? 0}\n`;
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      // Mode 0, as iproute2 makes it: nothing ever opens it for writing again.
      fd = openSync(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
      const s = mountPointState(path);
      const exists = (detail: string) => namespaceStateError({ operation: 'createNetns', code: 'EEXIST', syscall: 'open', path, field: 'name', detail, cause: e });
      if (s.state === 'namespace') throw exists(`network namespace ${JSON.stringify(name)} already exists`);
      if (s.state === 'busy' || attempt > 0) {
        throw exists(`network namespace ${JSON.stringify(name)} is being created${s.state === 'busy' && s.pid !== undefined ? ` by process ${s.pid}` : ''}`);
      }
      unlinkSync(path);
      continue;
    }
    try {
      writeSync(fd, mark);
    } finally {
      closeSync(fd);
    }
    return;
  }
}

/** Removes the mount point again if it is still the unmounted file this process made. */
export function releaseMountPoint(path: string): void {
  let text: string;
  try {
    if (mounted(path)) return;
    text = readFileSync(path, 'latin1');
  } catch {
    return;
  }
  const m = MARK.exec(text);
  if (m && Number(m[1]) === process.pid) unlinkSync(path);
}
