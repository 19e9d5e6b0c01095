// Constants of the Linux system-call ABI the shim and its callers need
// (x86-64 and arm64 agree on all of them). Source: <sys/socket.h>,
// <linux/netlink.h>, <fcntl.h>, <sched.h>, <sys/mount.h>.

export const AF_NETLINK = 16;
export const SOCK_RAW = 3;
export const SOCK_CLOEXEC = 0o2000000;
export const SOCK_NONBLOCK = 0o4000;

export const SOL_SOCKET = 1;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_RCVTIMEO = 20;
export const SO_SNDTIMEO = 21;
export const SO_RCVBUFFORCE = 33;

export const MSG_PEEK = 0x2;
export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;

export const O_RDONLY = 0;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;

export const CLONE_NEWNET = 0x40000000;

export const MS_BIND = 0x1000;
export const MS_REC = 0x4000;
export const MS_SHARED = 1 << 20;
export const MS_SLAVE = 1 << 19;
export const MNT_DETACH = 2;
