/**
 * A forger: an ordinary netlink socket of another process (or of this one)
 * that writes datagrams straight to a victim's port id or to a multicast
 * group, with whatever sequence number and header pid it likes. The kernel
 * lets any holder of CAP_NET_ADMIN over the namespace's user namespace do
 * this (netlink_sendmsg: NL_CFG_F_NONROOT_SEND is not set for
 * NETLINK_ROUTE) — root, or an unprivileged user in a user namespace of its
 * own. What the kernel does not let it choose is the source address it
 * reports to the receiver: the forger's own port id, never 0.
 *
 * The messages are built by hand here, independent of the codecs under test.
 */
import type { Shim } from '../../src/shim/types.js';

const AF_NETLINK = 16;
const SOCK_RAW_CLOEXEC = 3 | 0o2000000;
const NETLINK_ROUTE = 0;
const NLMSG_ERROR = 2;
const RTM_NEWLINK = 16;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
/** RTNLGRP_LINK's bit in nl_groups (group 1). */
export const LINK_GROUP_BIT = 1;

export function sockaddrNl(pid: number, groups = 0): Uint8Array {
  const sa = new Uint8Array(12);
  const v = new DataView(sa.buffer);
  v.setUint16(0, AF_NETLINK, true);
  v.setUint32(4, pid >>> 0, true);
  v.setUint32(8, groups >>> 0, true);
  return sa;
}

/** A bound NETLINK_ROUTE socket of the caller's namespace. */
export function forgerSocket(shim: Shim): { fd: number; portId: number } {
  const fd = shim.socket(AF_NETLINK, SOCK_RAW_CLOEXEC, NETLINK_ROUTE);
  const sa = sockaddrNl(0);
  shim.bind(fd, sa);
  shim.getsockname(fd, sa);
  return { fd, portId: new DataView(sa.buffer).getUint32(4, true) };
}

export function send(shim: Shim, fd: number, bytes: Uint8Array, to: { pid?: number; groups?: number }): void {
  shim.send(fd, bytes, bytes.length, 0, sockaddrNl(to.pid ?? 0, to.groups ?? 0));
}

function header(v: DataView, len: number, type: number, flags: number, seq: number, pid: number): void {
  v.setUint32(0, len, true);
  v.setUint16(4, type, true);
  v.setUint16(6, flags, true);
  v.setUint32(8, seq, true);
  v.setUint32(12, pid, true);
}

/** NLMSG_ERROR with errno 0 (an ACK) for `seq`, addressed in its header to `pid`. */
export function forgedAck(seq: number, pid: number): Uint8Array {
  const b = new Uint8Array(36);
  const v = new DataView(b.buffer);
  header(v, 36, NLMSG_ERROR, 0x100 /* NLM_F_CAPPED */, seq, pid);
  v.setInt32(16, 0, true);
  header(new DataView(b.buffer, 20), 16, RTM_NEWLINK, 0, seq, pid);
  return b;
}

/** An RTM_NEWLINK (a reply, or an event when seq is 0) for a made-up link. */
export function forgedLink(seq: number, pid: number, link: { index: number; name: string; mtu: number }): Uint8Array {
  const name = new TextEncoder().encode(`${link.name}\0`);
  const nameLen = 4 + name.length;
  const len = 16 + 16 + ((nameLen + 3) & ~3) + 8;
  const b = new Uint8Array(len);
  const v = new DataView(b.buffer);
  header(v, len, RTM_NEWLINK, 0, seq, pid);
  v.setUint32(20, link.index, true); // ifinfomsg: family, pad, type at 16–19; index at 20
  v.setUint32(24, 0x1 | 0x8 | 0x40 /* IFF_UP|LOOPBACK|RUNNING */, true);
  let off = 32;
  v.setUint16(off, nameLen, true);
  v.setUint16(off + 2, IFLA_IFNAME, true);
  b.set(name, off + 4);
  off += (nameLen + 3) & ~3;
  v.setUint16(off, 8, true);
  v.setUint16(off + 2, IFLA_MTU, true);
  v.setUint32(off + 4, link.mtu, true);
  return b;
}

/** Twenty bytes that are no netlink message (nlmsg_len 0xffffffff). */
export const GARBAGE = new Uint8Array(20).fill(0xff);

/**
 * Everything the forger writes to a victim port: for each sequence number
 * in 1..count, a reply for a fake `lo` (index 999, mtu 4242) and an ACK; an
 * event for a fake `evil0`; garbage. Returns the datagram count.
 */
export function forgeAll(shim: Shim, fd: number, victim: number, count: number): number {
  let sent = 0;
  for (let seq = 1; seq <= count; seq++) {
    send(shim, fd, forgedLink(seq, victim, { index: 999, name: 'lo', mtu: 4242 }), { pid: victim });
    send(shim, fd, forgedAck(seq, victim), { pid: victim });
    sent += 2;
  }
  send(shim, fd, forgedLink(0, 0, { index: 998, name: 'evil0', mtu: 1500 }), { pid: victim });
  send(shim, fd, GARBAGE, { pid: victim });
  return sent + 2;
}
