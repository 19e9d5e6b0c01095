/**
 * TAP devices: virtual Ethernet interfaces whose "wire" is a file
 * descriptor in this process.
 *
 * The kernel does not create TUN/TAP devices over rtnetlink ("tun/tap
 * creation via rtnetlink is not supported"): a device is made by opening
 * /dev/net/tun and TUNSETIFF, kept after its fd closes by TUNSETPERSIST 1,
 * and then configured (MTU, address, master, up) over rtnetlink like any
 * other link. The fd TUNSETIFF attached is the user-space end: each read is
 * one frame the kernel sent out of the device, each write one frame it
 * receives.
 */
import { errnoValue } from '../../shim/index.js';
import type { Shim, SystemCallError } from '../../shim/types.js';
import { SystemError, ValidationError, isNetlinkError, systemErrorOf, withUndoFailures } from '../../netlink/errors.js';
import { runInNetnsSync } from '../../netlink/netns.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import { type OperationOptions, withSocket } from '../options.js';
import {
  openTunFile,
  tunGetIff,
  tunGetVnetHdrSize,
  tunSetGroup,
  tunSetIff,
  tunSetOwner,
  tunSetPersist,
  TUN_FLAG,
} from './ioctl.js';
import { type Link, type TunInfo, rejectUnknownKeys, validateLinkRef, validateMtu, validateOptions, validateUnicastMac } from '../../rtnetlink/link/index.js';
import { deleteLink, type LinkRef } from '../links/index.js';
import { fetchLink } from '../links/lookup.js';
import { changeLink, type LinkChanges } from './link.js';
import { tunNetns } from './netns.js';
import { Tap, validateQueueSize, validateSignal } from './io.js';
import { TAP_MAX_MTU, TAP_MIN_MTU, optionalBoolean, validateId, validateIfName } from './validate.js';

export { Tap, type TapReadOptions, type TapWriteOptions, type TapStats } from './io.js';

/** How the user-space end reads and writes; shared by openTap and createTap({ open: true }). */
export interface TapIoOptions {
  /** Frames held in this process before reading pauses and the kernel queues (then drops) instead. Default 256. */
  queueSize?: number;
  /** Aborting closes the Tap. */
  signal?: AbortSignal;
}

/** Options of createTap: the TUNSETIFF flags, owner and persistence, the link's settings, and whether to return the open end. */
export interface CreateTapOptions extends OperationOptions, TapIoOptions {
  /** uid that may attach to the device without CAP_NET_ADMIN (TUNSETOWNER). */
  owner?: number;
  /** gid that may attach to the device without CAP_NET_ADMIN (TUNSETGROUP). */
  group?: number;
  /** Several queues: each fd attached with openTap is one (IFF_MULTI_QUEUE). Default false. */
  multiQueue?: boolean;
  /** Every frame starts with a struct virtio_net_hdr (IFF_VNET_HDR), for offloads. Default false. */
  vnetHdr?: boolean;
  /**
   * Keep the device when its last fd closes (TUNSETPERSIST). Default true.
   * `false` needs `open: true`: the device then lives as long as the Tap.
   */
  persist?: boolean;
  /** MTU, 68–65521 (the tun driver's range for a TAP). */
  mtu?: number;
  /** Unicast MAC address; by default the kernel picks a random one. */
  address?: string;
  /** Bring the device up. */
  up?: boolean;
  /** Enslave to this bridge (name or ifindex); it must exist in the same namespace. */
  master?: LinkRef;
  /** Also return the user-space end (the fd that created the device, already attached). */
  open?: boolean;
}

/** Options of openTap: how to attach to an existing TAP device (multi-queue, vnet header) and how the end reads. */
export interface OpenTapOptions extends OperationOptions, TapIoOptions {
  /**
   * Whether the device is multi-queue. Default: what the device is (the
   * kernel refuses a mismatch); giving the wrong value is a ValidationError.
   */
  multiQueue?: boolean;
  /**
   * Frames carry a virtio_net_hdr. Default: the device's current setting.
   * Note that attaching the first queue sets this for the whole device.
   */
  vnetHdr?: boolean;
}

const OP_CREATE = 'createTap';
const OP_OPEN = 'openTap';

/**
 * Creates a TAP device, persistent by default, optionally configured and
 * opened. All or nothing: if any step fails the device is removed again and
 * the original error is thrown. `name` may be a template such as `tap%d`;
 * the returned link carries the name the kernel chose.
 */
export function createTap(name: string, options: CreateTapOptions & { open: true }): Promise<{ link: Link; tap: Tap }>;
export function createTap(name: string, options?: CreateTapOptions & { open?: false }): Promise<Link>;
export function createTap(name: string, options?: CreateTapOptions): Promise<Link | { link: Link; tap: Tap }>;
export async function createTap(name: string, options: CreateTapOptions = {}): Promise<Link | { link: Link; tap: Tap }> {
  // Every check before any system call.
  rejectUnknownKeys(validateOptions(options), ['netns', 'socket', 'timeout', 'queueSize', 'signal', 'owner', 'group', 'multiQueue', 'vnetHdr', 'persist', 'mtu', 'address', 'up', 'master', 'open'], '');
  validateIfName(name, 'name', { template: true });
  const owner = options.owner === undefined ? undefined : validateId(options.owner, 'owner');
  const group = options.group === undefined ? undefined : validateId(options.group, 'group');
  const multiQueue = optionalBoolean(options.multiQueue, 'multiQueue') ?? false;
  const vnetHdr = optionalBoolean(options.vnetHdr, 'vnetHdr') ?? false;
  const persist = optionalBoolean(options.persist, 'persist') ?? true;
  const open = optionalBoolean(options.open, 'open') ?? false;
  const up = optionalBoolean(options.up, 'up');
  const mtu = options.mtu === undefined ? undefined : validateMtu(options.mtu, 'mtu', TAP_MIN_MTU, TAP_MAX_MTU);
  const address = options.address === undefined ? undefined : validateUnicastMac(options.address, 'address');
  const master = options.master === undefined ? undefined : validateLinkRef(options.master, 'master');
  const queueSize = validateQueueSize(options.queueSize, 'queueSize');
  const signal = validateSignal(options.signal, 'signal');
  if (!persist && !open) {
    throw new ValidationError('persist', 'a non-persistent TAP exists only while its fd is open: pass open: true to keep that fd, or leave persist at true');
  }
  if (signal?.aborted) throw signal.reason;

  return withSocket(options, async (socket) => {
    const shim = socket.shim;
    // Resolve the master first: a missing bridge then fails before anything is made.
    const changes: LinkChanges = {};
    if (master !== undefined) changes.master = typeof master === 'number' ? master : (await fetchLink(socket, master, `${OP_CREATE} (master ${master})`)).index;
    if (mtu !== undefined) changes.mtu = mtu;
    if (address !== undefined) changes.address = address;
    if (up !== undefined) changes.up = up;

    // IFF_TUN_EXCL: fail instead of attaching to a device that already has
    // this name — and so never "roll back" somebody else's device.
    const flags = TUN_FLAG.TAP | TUN_FLAG.NO_PI | TUN_FLAG.TUN_EXCL | (multiQueue ? TUN_FLAG.MULTI_QUEUE : 0) | (vnetHdr ? TUN_FLAG.VNET_HDR : 0);
    const { fd, name: actual } = attachTunFile(shim, options, socket, name, flags, OP_CREATE, (fd) => {
      if (owner !== undefined) tunSetOwner(shim, fd, owner);
      if (group !== undefined) tunSetGroup(shim, fd, group);
      if (persist) tunSetPersist(shim, fd, true);
    });

    // From here the device exists; this fd keeps it deletable without
    // looking it up again (TUNSETPERSIST 0 + close) until everything worked.
    let index: number | undefined;
    let fdOpen = true;
    try {
      index = (await fetchLink(socket, actual, OP_CREATE)).index;
      await changeLink(socket, index, changes, OP_CREATE);
      if (!open) {
        // Detach first, so the link we report shows the device as it will
        // be: no queue attached, no carrier.
        fdOpen = false;
        shim.close(fd);
        return await fetchLink(socket, index, OP_CREATE);
      }
      const link = await fetchLink(socket, index, OP_CREATE);
      const tap = new Tap({
        shim,
        fd,
        name: link.name,
        index: link.index,
        multiQueue,
        vnetHdrSize: vnetHdrSize(shim, fd),
        queueSize,
        signal,
      });
      return { link, tap };
    } catch (e) {
      const failures: unknown[] = [];
      if (fdOpen) rollback(shim, fd, persist, failures);
      // RTM_DELLINK: the tun driver's default dellink unregisters the device and detaches every fd.
      else if (index !== undefined) {
        await deleteLink(index, { socket }).catch((undo: unknown) => {
          if (!isNetlinkError(undo, 'ENODEV')) failures.push(undo);
        });
      }
      throw withUndoFailures(e, failures);
    }
  });
}

/**
 * Opens the user-space end of an existing TAP device: a fresh
 * /dev/net/tun fd attached with TUNSETIFF. A single-queue TAP has one such
 * end at a time (a second open fails with EBUSY); a multi-queue TAP gives one
 * queue per open.
 */
export async function openTap(name: string, options: OpenTapOptions = {}): Promise<Tap> {
  rejectUnknownKeys(options, ['netns', 'socket', 'timeout', 'queueSize', 'signal', 'multiQueue', 'vnetHdr'], '');
  validateIfName(name, 'name');
  const wantMultiQueue = optionalBoolean(options.multiQueue, 'multiQueue');
  const wantVnetHdr = optionalBoolean(options.vnetHdr, 'vnetHdr');
  const queueSize = validateQueueSize(options.queueSize, 'queueSize');
  const signal = validateSignal(options.signal, 'signal');
  if (signal?.aborted) throw signal.reason;

  return withSocket(options, async (socket) => {
    const shim = socket.shim;
    // Look first: TUNSETIFF on a missing name would silently create a new,
    // non-persistent device, and on a TUN device it would only say EINVAL.
    const link = await fetchLink(socket, name, OP_OPEN);
    const info = link.kind === 'tun' ? (link.info as TunInfo | undefined) : undefined;
    if (!info) throw new ValidationError('name', `${name} is not a TAP device (its kind is ${link.kind ?? 'none'})`);
    if (info.type !== 'tap') throw new ValidationError('name', `${name} is a TUN device, not a TAP (it carries IP packets, not Ethernet frames)`);
    const multiQueue = info.multiQueue ?? false;
    const deviceVnetHdr = info.vnetHdr ?? false;
    if (wantMultiQueue !== undefined && wantMultiQueue !== multiQueue) {
      throw new ValidationError('multiQueue', `${name} is ${multiQueue ? '' : 'not '}a multi-queue TAP; the kernel only attaches with matching flags`);
    }
    // The first queue to attach sets the device's IFF_VNET_HDR; later queues
    // of a multi-queue device get whatever it already has (tun_set_iff).
    if (wantVnetHdr !== undefined && wantVnetHdr !== deviceVnetHdr && (info.numQueues ?? 0) > 0) {
      throw new ValidationError('vnetHdr', `${name} already has queues attached with vnet_hdr ${deviceVnetHdr ? 'on' : 'off'}; another queue cannot change that`);
    }
    const vnetHdr = wantVnetHdr ?? deviceVnetHdr;
    const flags = TUN_FLAG.TAP | TUN_FLAG.NO_PI | (multiQueue ? TUN_FLAG.MULTI_QUEUE : 0) | (vnetHdr ? TUN_FLAG.VNET_HDR : 0);
    const { fd } = attachTunFile(shim, options, socket, name, flags, OP_OPEN);
    try {
      // The name could have been deleted (TUNSETIFF then made a new,
      // transient device) or replaced between the look-up and the attach.
      const now = await fetchLink(socket, name, OP_OPEN);
      if (now.index !== link.index) throw new Error(`${OP_OPEN}: ${name} was replaced while it was being opened`);
      return new Tap({ shim, fd, name, index: link.index, multiQueue, vnetHdrSize: vnetHdrSize(shim, fd), queueSize, signal });
    } catch (e) {
      shim.close(fd);
      throw e;
    }
  });
}

/**
 * Bytes of virtio_net_hdr before each frame on `fd`: asked of the kernel
 * after attaching (TUNGETIFF for the device's flags, TUNGETVNETHDRSZ for
 * the size), so it is what the device really does.
 */
function vnetHdrSize(shim: Shim, fd: number): number {
  return tunGetIff(shim, fd).flags & TUN_FLAG.VNET_HDR ? tunGetVnetHdrSize(shim, fd) : 0;
}

/**
 * Opens /dev/net/tun in the operation's namespace, attaches it to `name`
 * with TUNSETIFF (which creates the device unless it exists) and runs
 * `setup` on the fd. If a step fails the fd is closed — detaching it, and
 * deleting a device that is not persistent yet, since the kernel deletes
 * one with its last fd — and the error names the device. Returns the fd
 * and the name the kernel gave the device (a `%d` template filled in).
 */
function attachTunFile(
  shim: Shim,
  options: OperationOptions,
  socket: RtnlSocket,
  name: string,
  flags: number,
  operation: string,
  setup?: (fd: number) => void,
): { fd: number; name: string } {
  const ns = tunNetns(shim, options.netns, options.socket === undefined ? undefined : socket);
  try {
    return runInNetnsSync(shim, ns.ref, () => {
      let fd: number;
      try {
        fd = openTunFile(shim);
      } catch (e) {
        throw tunError(e, name, operation);
      }
      try {
        const actual = tunSetIff(shim, fd, name, flags);
        setup?.(fd);
        return { fd, name: actual };
      } catch (e) {
        shim.close(fd);
        throw tunError(e, name, operation);
      }
    });
  } finally {
    ns.release();
  }
}

/**
 * Undoes a half-made TAP through the fd that made it: TUNSETPERSIST 0, then
 * close — the kernel deletes a non-persistent device with its last fd
 * (tun_detach). Failures are collected into `failures`, for the caller to
 * attach to the original error it rethrows.
 */
function rollback(shim: Shim, fd: number, persist: boolean, failures: unknown[]): void {
  try {
    if (persist) tunSetPersist(shim, fd, false);
  } catch (e) {
    // EBADFD: the device is already gone, nothing left to undo.
    if ((e as { code?: string }).code !== 'EBADFD') failures.push(e);
  } finally {
    try {
      shim.close(fd);
    } catch (e) {
      failures.push(e);
    }
  }
}

/**
 * The kernel's terse answers to opening /dev/net/tun and TUNSETIFF as a
 * typed SystemError whose message names the device and the reason (the
 * shim's error is its cause).
 */
function tunError(e: unknown, name: string, operation: string): unknown {
  const err = e as SystemCallError;
  if (!(e instanceof Error) || typeof err.code !== 'string') return e;
  const reason =
    operation === OP_CREATE && err.code === 'EBUSY'
      ? `a device named ${name} already exists`
      : operation === OP_OPEN && err.code === 'EBUSY'
        ? `${name} is already open elsewhere (a single-queue TAP has one user-space end; create it with multiQueue: true for several)`
        : err.code === 'ENOENT'
          ? '/dev/net/tun does not exist (load the tun module: modprobe tun)'
          : name;
  const hint =
    err.syscall === 'open'
      ? '/dev/net/tun must be readable and writable by this user (it is mode 0666 on most systems, root-only on some)'
      : 'attaching to a TUN/TAP device needs CAP_NET_ADMIN in the user namespace that owns its network namespace, or being the device\'s owner or in its group (tun_not_capable)';
  const typed = systemErrorOf(e, operation, { EPERM: hint, EACCES: hint }, reason);
  if (operation === OP_CREATE && err.code === 'EBUSY' && typed instanceof SystemError) {
    // IFF_TUN_EXCL answers EBUSY for "name taken"; report it as the rest of
    // rtnl does for an existing link.
    return new SystemError({ operation, code: 'EEXIST', errno: errnoValue('EEXIST') ?? 17, syscall: typed.syscall, detail: reason, cause: e });
  }
  return typed;
}
