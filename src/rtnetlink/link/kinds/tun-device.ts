/**
 * The other half of the tun kind's ABI: TUN/TAP devices are made and
 * attached through the character device /dev/net/tun and its ioctls, not
 * over rtnetlink (the tun driver's rtnl_link_ops.validate answers "tun/tap
 * creation via rtnetlink is not supported"). Numbers and layouts only; the
 * calls are in ops/tap/ioctl.ts. Source of every number: <linux/if_tun.h>,
 * <linux/if.h>, <asm-generic/ioctl.h>; checked against a C program on
 * x86-64 (test/ops/tap/ioctl.test.ts).
 */

export const TUN_DEVICE = '/dev/net/tun';

// _IOC(dir, type, nr, size) of <asm-generic/ioctl.h>: dir in bits 30–31
// (1 = write, 2 = read), size in bits 16–29, type in 8–15, nr in 0–7. This
// layout holds on x86, arm and riscv; mips, powerpc and sparc use another
// one and are not supported.
const IOC_WRITE = 1;
const IOC_READ = 2;
const ioc = (dir: number, nr: number, size: number) => ((dir << 30) | (size << 16) | (0x54 /* 'T' */ << 8) | nr) >>> 0;
/** sizeof(int): the argument of the by-pointer TUN ioctls. */
export const SIZEOF_INT = 4;

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
/** IFNAMSIZ (<linux/if.h>): the size of ifr_name, NUL included. */
export const IFNAMSIZ = 16;
/** The byte offset of ifr_flags in struct ifreq (right after ifr_name). */
export const IFR_FLAGS_OFFSET = 16;
