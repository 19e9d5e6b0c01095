/**
 * The TUN/TAP character device, /dev/net/tun, and its ioctls.
 *
 * TUN/TAP devices cannot be created over rtnetlink (the tun driver's
 * rtnl_link_ops.validate answers "tun/tap creation via rtnetlink is not
 * supported"), so this is the one place rtnl talks to a driver through
 * ioctl(2). Source of every number: <linux/if_tun.h>, <linux/if.h>,
 * <asm-generic/ioctl.h>; checked against a C program on x86-64.
 */
import type { Shim } from '../../shim/types.js';
import { O_CLOEXEC, O_NONBLOCK, O_RDWR } from '../../shim/constants.js';

export const TUN_DEVICE = '/dev/net/tun';

// _IOC(dir, type, nr, size) of <asm-generic/ioctl.h>: dir in bits 30–31
// (1 = write, 2 = read), size in bits 16–29, type in 8–15, nr in 0–7. This
// layout holds on x86, arm and riscv; mips, powerpc and sparc use another
// one and are not supported.
const IOC_WRITE = 1;
const IOC_READ = 2;
const ioc = (dir: number, nr: number, size: number) => ((dir << 30) | (size << 16) | (0x54 /* 'T' */ << 8) | nr) >>> 0;
const SIZEOF_INT = 4;

/** TUN ioctl request numbers. */
export const TUN_IOCTL = {
  /** _IOW('T', 202, int) = 0x400454ca: attach the fd to a device, creating it if needed; arg → struct ifreq. */
  SETIFF: ioc(IOC_WRITE, 202, SIZEOF_INT),
  /** _IOW('T', 203, int): arg by value; 1 keeps the device after its last fd closes. */
  SETPERSIST: ioc(IOC_WRITE, 203, SIZEOF_INT),
  /** _IOW('T', 204, int): arg by value, a uid allowed to attach without CAP_NET_ADMIN. */
  SETOWNER: ioc(IOC_WRITE, 204, SIZEOF_INT),
  /** _IOW('T', 206, int): arg by value, a gid allowed to attach without CAP_NET_ADMIN. */
  SETGROUP: ioc(IOC_WRITE, 206, SIZEOF_INT),
  /** _IOR('T', 207, unsigned int): arg → the IFF_* flags this kernel's tun driver supports. */
  GETFEATURES: ioc(IOC_READ, 207, SIZEOF_INT),
  /** _IOR('T', 210, unsigned int): arg → struct ifreq with the attached device's name and flags. */
  GETIFF: ioc(IOC_READ, 210, SIZEOF_INT),
  /** _IOR('T', 215, int): arg → the virtio_net_hdr size prepended to frames with IFF_VNET_HDR. */
  GETVNETHDRSZ: ioc(IOC_READ, 215, SIZEOF_INT),
  /** _IOW('T', 226, int): arg → int; 0 drops the carrier of the device, 1 raises it. */
  SETCARRIER: ioc(IOC_WRITE, 226, SIZEOF_INT),
} as const;

/** ifr_flags bits of TUNSETIFF. */
export const TUN_FLAG = {
  TUN: 0x0001,
  TAP: 0x0002,
  /** The device has several queues; each attached fd is one of them. */
  MULTI_QUEUE: 0x0100,
  /** Kept by the kernel on persistent devices (reported by TUNGETIFF, not set through TUNSETIFF). */
  PERSIST: 0x0800,
  /** No 4-byte packet-information prefix: a read is exactly one frame. */
  NO_PI: 0x1000,
  /** Each frame is preceded by a struct virtio_net_hdr (offload metadata). */
  VNET_HDR: 0x4000,
  /** Fail with EBUSY instead of attaching when the name already exists. */
  TUN_EXCL: 0x8000,
} as const;

/** struct ifreq: 40 bytes on 64-bit Linux, char ifr_name[IFNAMSIZ] then a union whose ifr_flags is a short at offset 16. */
export const IFREQ_SIZE = 40;
export const IFNAMSIZ = 16;
export const IFR_FLAGS_OFFSET = 16;

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
