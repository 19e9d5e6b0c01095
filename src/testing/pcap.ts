/**
 * A fixture as a pcap capture, for Wireshark or tshark: link type
 * LINKTYPE_NETLINK (253), each record a 16-byte pseudo-header followed by
 * the netlink datagram, as an nlmon device would have captured it.
 *
 * Pseudo-header (tcpdump.org/linktypes/LINKTYPE_NETLINK.html; the layout of
 * the Linux "cooked" SLL header with only some fields used):
 *   0  packet type, big-endian (the SLL field; we put 4 = PACKET_OUTGOING on
 *      requests and 0 = PACKET_HOST on replies, so direction is visible)
 *   2  ARPHRD type, big-endian = ARPHRD_NETLINK (824)
 *   4  10 unused bytes (SLL's address length and address)
 *   14 protocol, big-endian = the netlink protocol (NETLINK_ROUTE = 0)
 * The netlink messages themselves stay in host byte order, as captured.
 *
 * Timestamps are the entry's position (one microsecond apart): fixtures are
 * date-free on purpose.
 */
import { concat } from './bytes.js';
import type { Fixture } from './fixture.js';

/** The pcap link type of netlink captures (253), as toPcap writes them. */
export const LINKTYPE_NETLINK = 253;
const ARPHRD_NETLINK = 824;
const PACKET_HOST = 0;
const PACKET_OUTGOING = 4;

/** The netlink datagrams of `fixture` (requests and replies, in order) as pcap file bytes. */
export function toPcap(fixture: Fixture): Uint8Array {
  const protocolOf = new Map<number, number>();
  const parts: Uint8Array[] = [];
  const global = new Uint8Array(24);
  const g = new DataView(global.buffer);
  g.setUint32(0, 0xa1b2c3d4, true); // microsecond pcap, written little-endian
  g.setUint16(4, 2, true);
  g.setUint16(6, 4, true);
  g.setUint32(16, 262144, true); // snaplen
  g.setUint32(20, LINKTYPE_NETLINK, true);
  parts.push(global);
  let n = 0;
  for (const ev of fixture.events) {
    if (ev.kind === 'socket' && !ev.error) protocolOf.set(ev.fd, ev.protocol);
    if ((ev.kind !== 'send' && ev.kind !== 'recv') || ev.error || !protocolOf.has(ev.fd)) continue;
    n++;
    const data = ev.data;
    const rec = new Uint8Array(16 + 16);
    const r = new DataView(rec.buffer);
    r.setUint32(0, Math.floor(n / 1e6), true);
    r.setUint32(4, n % 1e6, true);
    r.setUint32(8, 16 + data.length, true); // captured
    r.setUint32(12, 16 + (ev.kind === 'recv' ? Math.max(ev.length, data.length) : data.length), true); // on the wire
    r.setUint16(16, ev.kind === 'send' ? PACKET_OUTGOING : PACKET_HOST, false);
    r.setUint16(18, ARPHRD_NETLINK, false);
    r.setUint16(30, protocolOf.get(ev.fd) ?? 0, false);
    parts.push(rec, data);
  }
  return concat(parts);
}
