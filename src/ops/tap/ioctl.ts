/**
 * The TUN/TAP character device, /dev/net/tun, and its ioctls: the one
 * place rtnl talks to a driver through ioctl(2), since TUN/TAP devices
 * cannot be created over rtnetlink. The numbers and layouts are the tun
 * kind's (rtnetlink/link/kinds/tun-device.ts).
 */
import type { Shim } from '../../shim/types.js';
import { O_CLOEXEC, O_NONBLOCK, O_RDWR } from '../../shim/constants.js';

export { IFNAMSIZ, IFREQ_SIZE, IFR_FLAGS_OFFSET, TUN_DEVICE, TUN_FLAG, TUN_IOCTL } from '../../rtnetlink/link/kinds/tun-device.js';
import { IFNAMSIZ, IFREQ_SIZE, IFR_FLAGS_OFFSET, SIZEOF_INT, TUN_DEVICE, TUN_IOCTL } from '../../rtnetlink/link/kinds/tun-device.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function ifreq(name: string, flags: number): Uint8Array {
  const buf = new Uint8Array(IFREQ_SIZE);
  const bytes = encoder.encode(name);
  // Callers validated the name (≤ 15 bytes); the 16th byte stays NUL.
  buf.set(bytes.subarray(0, IFNAMSIZ - 1), 0);
  new DataView(buf.buffer).setUint16(IFR_FLAGS_OFFSET, flags, true);
  return buf;
}

function readIfreq(buf: Uint8Array): { name: string; flags: number } {
  let end = buf.indexOf(0);
  if (end < 0 || end > IFNAMSIZ) end = IFNAMSIZ;
  return { name: decoder.decode(buf.subarray(0, end)), flags: new DataView(buf.buffer).getUint16(IFR_FLAGS_OFFSET, true) };
}

/**
 * Opens /dev/net/tun, non-blocking. The tun file remembers the network
 * namespace of the thread that opened it, and TUNSETIFF creates or finds the
 * device in that namespace: open inside the target namespace.
 */
export function openTunFile(shim: Shim): number {
  return shim.open(TUN_DEVICE, O_RDWR | O_CLOEXEC | O_NONBLOCK, 0);
}

/**
 * TUNSETIFF: attaches `fd` to the device `name`, creating it when no such
 * device exists. Returns the device's name as the kernel wrote it back (a
 * `%d` template becomes the allocated name).
 */
export function tunSetIff(shim: Shim, fd: number, name: string, flags: number): string {
  const req = ifreq(name, flags);
  shim.ioctlPtr(fd, TUN_IOCTL.SETIFF, req);
  return readIfreq(req).name;
}

/** TUNGETIFF: the attached device's name and its current flags (IFF_TAP, IFF_PERSIST …). */
export function tunGetIff(shim: Shim, fd: number): { name: string; flags: number } {
  const req = new Uint8Array(IFREQ_SIZE);
  shim.ioctlPtr(fd, TUN_IOCTL.GETIFF, req);
  return readIfreq(req);
}

/** TUNSETPERSIST: whether the device outlives its last attached fd. */
export function tunSetPersist(shim: Shim, fd: number, persist: boolean): void {
  shim.ioctlInt(fd, TUN_IOCTL.SETPERSIST, persist ? 1 : 0);
}

/** TUNSETOWNER: the uid (in the caller's user namespace) that may attach without CAP_NET_ADMIN. */
export function tunSetOwner(shim: Shim, fd: number, uid: number): void {
  shim.ioctlInt(fd, TUN_IOCTL.SETOWNER, uid);
}

/** TUNSETGROUP: the gid that may attach without CAP_NET_ADMIN. */
export function tunSetGroup(shim: Shim, fd: number, gid: number): void {
  shim.ioctlInt(fd, TUN_IOCTL.SETGROUP, gid);
}

/** TUNGETVNETHDRSZ: bytes of virtio_net_hdr before each frame when IFF_VNET_HDR is on (10 by default). */
export function tunGetVnetHdrSize(shim: Shim, fd: number): number {
  const arg = new Uint8Array(SIZEOF_INT);
  shim.ioctlPtr(fd, TUN_IOCTL.GETVNETHDRSZ, arg);
  return new DataView(arg.buffer).getInt32(0, true);
}

/** TUNSETCARRIER: raises or drops the carrier the kernel reports for the device. */
export function tunSetCarrier(shim: Shim, fd: number, up: boolean): void {
  const arg = new Uint8Array(SIZEOF_INT);
  new DataView(arg.buffer).setInt32(0, up ? 1 : 0, true);
  shim.ioctlPtr(fd, TUN_IOCTL.SETCARRIER, arg);
}
