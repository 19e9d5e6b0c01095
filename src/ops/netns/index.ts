/**
 * Named network namespaces, as `ip netns` keeps them: a namespace lives as
 * long as something holds it, and `ip netns add NAME` makes it outlive its
 * creator by bind-mounting its nsfs file onto /run/netns/NAME. Also: the
 * ids a namespace gives its peers (RTM_*NSID), and running synchronous code
 * with the calling thread inside a namespace.
 *
 * Kernel facts this file relies on:
 * - unshare(CLONE_NEWNET) and setns() move only the calling thread, and are
 *   allowed in a multi-threaded process (unlike CLONE_NEWUSER), so Node's
 *   main thread can step into a new namespace and back while its worker and
 *   libuv threads stay where they are.
 * - /proc/self is the thread-group leader; /proc/thread-self is the calling
 *   thread, which is the one we moved — so open the namespaces through it.
 * - A namespace lives while an fd holds it; mount(2) of /proc/self/fd/N
 *   (fds are the process's) pins the nsfs inode that fd refers to.
 * - `lo` exists in every new namespace with ifindex 1 (LOOPBACK_IFINDEX) and
 *   starts down.
 */
import { existsSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { ValidationError, namespaceStateError, systemErrorOf, withUndoFailures } from '../../netlink/errors.js';
import { NETNS_RUN_DIR, type NetnsRef, openNetns, runInNetnsSync, validateNetnsName } from '../../netlink/netns.js';
import { RtnlSocket } from '../../netlink/socket.js';
import { getShim } from '../../shim/index.js';
import type { Shim } from '../../shim/types.js';
import { CLONE_NEWNET, MNT_DETACH, MS_BIND, MS_REC, MS_SHARED, O_CLOEXEC, O_NONBLOCK, O_RDONLY } from '../../shim/constants.js';
import { type OperationOptions, withSocket } from '../options.js';
import { AF, RTM } from '../../rtnetlink/constants.js';
import { IFF, linkMessage, rejectUnknownKeys } from '../../rtnetlink/link/index.js';
import { NETNSA_NSID_NOT_ASSIGNED, nsidMessage } from '../../rtnetlink/nsid/index.js';
import { claimMountPoint, releaseMountPoint } from './mount-point.js';

export { validateNetnsName, NETNS_RUN_DIR };
export type { NetnsRef };

/** MS_PRIVATE (<linux/mount.h>); not among the shim's constants. */
const MS_PRIVATE = 1 << 18;

/** mount(2) and unshare(CLONE_NEWNET) both check CAP_SYS_ADMIN; /run/netns is root's. */
const CREATE_HINTS = {
  EPERM: 'a named namespace needs CAP_SYS_ADMIN (unshare, and the bind mount under /run/netns) and CAP_NET_ADMIN (lo up): run as root',
  EACCES: 'a named namespace is a file under /run/netns, which only root may write: run as root',
};

const DELETE_HINTS = {
  EPERM: 'removing a named namespace needs CAP_SYS_ADMIN (umount) and write access to /run/netns: run as root',
  EACCES: 'a named namespace is a file under /run/netns, which only root may remove: run as root',
};

/** A named namespace: its name, its file, and its id as seen from the asking namespace (when assigned). */
export interface NetnsInfo {
  name: string;
  path: string;
  /** The namespace's id in the namespace that asked (`ip netns list` shows it as `id`). */
  nsid?: number;
}

/** Options of createNetns. */
export interface CreateNetnsOptions {
  /** Bring `lo` up inside the new namespace (default true), as most users expect. */
  loopback?: boolean;
  /** Reply timeout in ms for the request that brings `lo` up. */
  timeout?: number;
}

function netnsFile(name: string, field: string): string {
  return `${NETNS_RUN_DIR}/${validateNetnsName(name, field)}`;
}

/**
 * Makes /run/netns a shared mount point, as iproute2's netns_add does, so
 * that unmounting a namespace file here also unmounts it in other mount
 * namespaces (and the namespace can be freed). Making an existing mount
 * point shared again is harmless; EINVAL means /run/netns is not a mount
 * point yet: bind it onto itself, make it private (a new peer group), and
 * make it shared on the next pass.
 */
function ensureRunDir(shim: Shim): void {
  try {
    mkdirSync(NETNS_RUN_DIR, { mode: 0o755 });
  } catch (e) {
    if ((e as { code?: string }).code !== 'EEXIST') throw e;
  }
  let madeMountPoint = false;
  for (;;) {
    try {
      shim.mount('', NETNS_RUN_DIR, 'none', MS_SHARED | MS_REC, null);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EINVAL' || madeMountPoint) throw e;
    }
    shim.mount(NETNS_RUN_DIR, NETNS_RUN_DIR, 'none', MS_BIND | MS_REC, null);
    shim.mount(NETNS_RUN_DIR, NETNS_RUN_DIR, 'none', MS_PRIVATE | MS_REC, null);
    madeMountPoint = true;
  }
}

/**
 * Creates a new network namespace and pins it at /run/netns/NAME, as
 * `ip netns add NAME` does, with its `lo` up (unless `loopback: false`).
 * All or nothing, also when the process is killed half-way: `lo` is
 * brought up while only an fd holds the namespace, and the bind mount that
 * makes it visible comes last — so a namespace that appears is complete,
 * and one whose creator died before that goes with the creator. The file it
 * mounts onto names its creator until then (mount-point.ts), and the next
 * `createNetns` of the name reuses a file whose creator is gone.
 */
export async function createNetns(name: string, options: CreateNetnsOptions = {}): Promise<NetnsInfo> {
  rejectUnknownKeys(options, ['loopback', 'timeout'], '');
  const path = netnsFile(name, 'name');
  if (options.loopback !== undefined && typeof options.loopback !== 'boolean') {
    throw new ValidationError('loopback', `expected a boolean, got ${typeof options.loopback}`);
  }
  const shim = getShim();
  try {
    ensureRunDir(shim);
    claimMountPoint(path, name);
  } catch (e) {
    throw systemErrorOf(e, 'createNetns', CREATE_HINTS);
  }
  let nsFd: number | undefined;
  try {
    nsFd = unshareNetns(shim);
    if (options.loopback !== false) await setLoopbackUp(nsFd, options.timeout);
    // /proc/self/fd/N leads mount(2) to the namespace's nsfs inode, as
    // /proc/thread-self/ns/net would from inside it.
    shim.mount(`/proc/self/fd/${nsFd}`, path, 'none', MS_BIND, null);
  } catch (e) {
    const failures: unknown[] = [];
    try {
      releaseMountPoint(path);
    } catch (undo) {
      failures.push(undo);
    }
    throw withUndoFailures(systemErrorOf(e, 'createNetns', CREATE_HINTS), failures);
  } finally {
    if (nsFd !== undefined) shim.close(nsFd);
  }
  return { name, path };
}

/**
 * Synchronously, on the calling thread: save our namespace, unshare into a
 * new one, open it, and step back. No JavaScript can run in between, so
 * nothing else ever sees the thread in the new namespace. The returned fd
 * is the only thing holding the new namespace.
 */
function unshareNetns(shim: Shim): number {
  const self = shim.open('/proc/thread-self/ns/net', O_RDONLY | O_CLOEXEC, 0);
  try {
    shim.unshare(CLONE_NEWNET);
    let fd: number | undefined;
    let failure: unknown;
    try {
      fd = shim.open('/proc/thread-self/ns/net', O_RDONLY | O_CLOEXEC, 0);
    } catch (e) {
      failure = e;
    }
    try {
      shim.setns(self, CLONE_NEWNET);
    } catch (e) {
      // The thread is stuck in the new namespace: nothing after this can be trusted.
      const err = new Error(`createNetns: could not return the thread to its original network namespace: ${(e as Error).message}`);
      (err as { cause?: unknown }).cause = e;
      throw err;
    }
    if (failure !== undefined || fd === undefined) throw failure;
    return fd;
  } finally {
    shim.close(self);
  }
}

async function setLoopbackUp(nsFd: number, timeout: number | undefined): Promise<void> {
  const opts: { netns: { fd: number }; timeout?: number } = { netns: { fd: nsFd } };
  if (timeout !== undefined) opts.timeout = timeout;
  const socket = RtnlSocket.open(opts);
  try {
    // RTM_NEWLINK without NLM_F_CREATE on an existing ifindex changes it (do_setlink).
    await socket.request(
      RTM.NEWLINK,
      0,
      (w) => linkMessage.encode(w, { header: { family: AF.UNSPEC, type: 0, index: 1, flags: IFF.UP, change: IFF.UP } }),
      { operation: 'createNetns (bring lo up)', attrs: linkMessage.attrs },
    );
  } finally {
    socket.close();
  }
}

/**
 * Deletes a named namespace as `ip netns delete` does: detach its bind
 * mount and remove the file. The namespace itself goes away when nothing
 * else (a process, an open fd, a socket) holds it.
 */
export async function deleteNetns(name: string): Promise<void> {
  const path = netnsFile(name, 'name');
  const missing = (syscall: string, cause?: unknown) =>
    namespaceStateError({ operation: 'deleteNetns', code: 'ENOENT', syscall, path, field: 'name', detail: `no network namespace ${JSON.stringify(name)}`, cause });
  // Checked first, so that a missing name costs no backend (and needs none).
  if (!existsSync(path)) throw missing('stat');
  const shim = getShim();
  try {
    shim.umount2(path, MNT_DETACH);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw missing('umount2', e);
    if (code !== 'EINVAL') throw systemErrorOf(e, 'deleteNetns', DELETE_HINTS); // EINVAL: not mounted (a half-made namespace): still remove the file
  }
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw missing('unlink', e);
    throw systemErrorOf(e, 'deleteNetns', DELETE_HINTS);
  }
}

/**
 * The named namespaces under /run/netns, sorted by name, each with the id
 * the asking namespace (`options.netns`, default the caller's) gives it,
 * when one is assigned.
 */
export async function listNetns(options?: OperationOptions): Promise<NetnsInfo[]> {
  let names: string[];
  try {
    names = readdirSync(NETNS_RUN_DIR);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return [];
    throw e;
  }
  names.sort();
  return withSocket(options, async (socket) => {
    const out: NetnsInfo[] = [];
    for (const name of names) {
      const info: NetnsInfo = { name, path: `${NETNS_RUN_DIR}/${name}` };
      const nsid = await nsidOfPath(socket, info.path);
      if (nsid !== undefined) info.nsid = nsid;
      out.push(info);
    }
    return out;
  });
}

/** The id of the namespace at `path`, or undefined (none assigned, not a namespace, gone). */
async function nsidOfPath(socket: RtnlSocket, path: string): Promise<number | undefined> {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO left under /run/netns must not block listNetns.
    fd = socket.shim.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  } catch {
    return undefined;
  }
  try {
    return await queryNsid(socket, fd, 'listNetns');
  } catch {
    // An empty file whose bind mount is gone is no namespace: no id.
    return undefined;
  } finally {
    socket.shim.close(fd);
  }
}

async function queryNsid(socket: RtnlSocket, fd: number, operation: string): Promise<number | undefined> {
  const [reply] = await socket.request(RTM.GETNSID, 0, (w) => nsidMessage.encode(w, { header: { family: AF.UNSPEC }, attrs: { fd } }), {
    operation,
    attrs: nsidMessage.attrs,
  });
  if (!reply) return undefined;
  const nsid = nsidMessage.decode(reply.bytes).attrs.nsid;
  return nsid === undefined || nsid === NETNSA_NSID_NOT_ASSIGNED ? undefined : nsid;
}

/**
 * The id that the namespace `options.netns` (default: the caller's) gives
 * to `peer`, or undefined when it has assigned none. These ids appear as
 * IFLA_LINK_NETNSID on links whose other end lives in `peer`.
 */
export async function getNsid(peer: NetnsRef, options?: OperationOptions): Promise<number | undefined> {
  const shim0 = options?.socket?.shim ?? getShim();
  const target = openNetns(shim0, peer, 'peer');
  try {
    return await withSocket(options, (socket) => queryNsid(socket, target.fd, 'getNsid'));
  } finally {
    target.close();
  }
}

/**
 * Assigns an id to `peer` in the namespace `options.netns` (default: the
 * caller's), as `ip netns set NAME ID` does; `'auto'` lets the kernel
 * choose. Returns the id. The kernel refuses with EEXIST when `peer`
 * already has an id there, or when the id is taken.
 */
export async function setNsid(peer: NetnsRef, id: number | 'auto', options?: OperationOptions): Promise<number> {
  if (id !== 'auto' && (!Number.isInteger(id) || id < 0 || id > 0x7fffffff)) {
    throw new ValidationError('id', `expected an integer 0…2147483647 or 'auto', got ${formatValue(id)}`);
  }
  const shim0 = options?.socket?.shim ?? getShim();
  const target = openNetns(shim0, peer, 'peer');
  try {
    return await withSocket(options, async (socket) => {
      await socket.request(
        RTM.NEWNSID,
        0,
        (w) => nsidMessage.encode(w, { header: { family: AF.UNSPEC }, attrs: { fd: target.fd, nsid: id === 'auto' ? -1 : id } }),
        { operation: 'setNsid', attrs: nsidMessage.attrs },
      );
      const got = await queryNsid(socket, target.fd, 'setNsid');
      if (got === undefined) throw new Error('setNsid: the kernel accepted the id but reports none assigned');
      return got;
    });
  } finally {
    target.close();
  }
}

export type { NsidEntry } from '../../rtnetlink/nsid/index.js';
import type { NsidEntry } from '../../rtnetlink/nsid/index.js';
import { formatValue } from '../../netlink/format-value.js';

/**
 * Every id the namespace `options.netns` (default: the caller's) has
 * assigned, as `ip netns list-id` shows them, with the /run/netns name of
 * each peer when it has one.
 */
export async function listNsids(options?: OperationOptions): Promise<NsidEntry[]> {
  return withSocket(options, async (socket) => {
    const ids: number[] = [];
    for await (const m of socket.dump(RTM.GETNSID, 0, (w) => nsidMessage.encode(w, { header: { family: AF.UNSPEC } }), {
      operation: 'listNsids',
      attrs: nsidMessage.attrs,
    })) {
      if (m.type !== RTM.NEWNSID) continue;
      const nsid = nsidMessage.decode(m.bytes).attrs.nsid;
      if (nsid !== undefined && nsid >= 0) ids.push(nsid);
    }
    const names = new Map<number, string>();
    if (ids.length) {
      let entries: string[] = [];
      try {
        entries = readdirSync(NETNS_RUN_DIR);
      } catch {
        // no named namespaces
      }
      for (const name of entries.sort()) {
        const nsid = await nsidOfPath(socket, `${NETNS_RUN_DIR}/${name}`);
        if (nsid !== undefined && !names.has(nsid)) names.set(nsid, name);
      }
    }
    return ids.sort((a, b) => a - b).map((nsid) => {
      const e: NsidEntry = { nsid };
      const name = names.get(nsid);
      if (name !== undefined) e.name = name;
      return e;
    });
  });
}

/**
 * Runs `fn` with the calling thread inside `netns` and returns its result;
 * the thread is moved back before this returns, even when `fn` throws.
 *
 * What `fn` creates keeps its namespace: a socket opened inside stays in
 * that namespace for its whole life (e.g. a node:dgram socket bound inside
 * sends and receives there) — but only if the socket() system call happens
 * inside `fn`. node:dgram creates its socket at `bind()`, after resolving
 * the address through `lookup`; give it a synchronous `lookup` (see
 * docs/namespaces.md) so the bind happens before `fn` returns.
 *
 * `fn` must be synchronous. An async function runs only up to its first
 * `await` inside the namespace; the rest would run later, in whatever
 * namespace the thread is in then — silently the wrong one. So a returned
 * promise is refused with a ValidationError (after the thread is back).
 */
export function runInNetns<T>(netns: NetnsRef, fn: () => T): T {
  if (typeof fn !== 'function') throw new ValidationError('fn', `expected a function, got ${typeof fn}`);
  if (netns === undefined || netns === null) throw new ValidationError('netns', 'a network namespace is required');
  const result = runInNetnsSync(getShim(), netns, fn);
  if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof (result as { then?: unknown }).then === 'function') {
    // Its rejection, if any, would otherwise surface as an unhandled rejection on top of our error.
    (result as unknown as PromiseLike<unknown>).then(undefined, () => {});
    throw new ValidationError(
      'fn',
      'runInNetns needs a synchronous function: it returned a promise, and code after an `await` would run outside the namespace. ' +
        'Do the namespace-bound part (creating sockets) synchronously inside fn and await outside it.',
    );
  }
  return result;
}

export { identifyNetns, netnsPids } from './identify.js';
