/**
 * IPv4 (RFC 791) and the two transports the kernel's own traffic shows
 * most: ICMP (RFC 792) and UDP (RFC 768); TCP (RFC 9293) headers are
 * decoded for one-line descriptions.
 */
import { DecodeError } from '../netlink/errors.js';
import { formatIpv4 } from '../netlink/inet.js';
import { internetChecksum, ip4, need, viewOf, wordSum } from './bytes.js';

/** IP protocol numbers these decoders know (IPPROTO_* in <linux/in.h>, IPPROTO_ICMPV6 in <linux/in6.h>). */
export const IPPROTO = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58 } as const;

/** A decoded IPv4 header and its payload. */
export interface Ipv4 {
  src: string;
  dst: string;
  protocol: number;
  ttl: number;
  tos: number;
  id: number;
  /** Don't-fragment / more-fragments bits and the fragment offset in bytes. */
  dontFragment: boolean;
  moreFragments: boolean;
  fragmentOffset: number;
  headerLength: number;
  totalLength: number;
  checksum: number;
  /** The header checksum verifies. */
  checksumOk: boolean;
  /** The bytes after the header, up to totalLength. */
  payload: Uint8Array;
}

/**
 * Decodes an IPv4 packet; throws DecodeError on a wrong version or
 * inconsistent lengths. A bad checksum only clears `checksumOk`.
 */
export function decodeIpv4(b: Uint8Array): Ipv4 {
  need(b, 20, 'ipv4');
  const v = viewOf(b);
  const version = (b[0] as number) >> 4;
  if (version !== 4) throw new DecodeError(`IP version ${version}, expected 4`, 'ipv4');
  const headerLength = ((b[0] as number) & 0xf) * 4;
  const totalLength = v.getUint16(2);
  if (headerLength < 20 || totalLength < headerLength || totalLength > b.byteLength) {
    throw new DecodeError(`bad lengths: header ${headerLength}, total ${totalLength}, ${b.byteLength} bytes present`, 'ipv4');
  }
  const frag = v.getUint16(6);
  return {
    src: formatIpv4(b.subarray(12, 16)),
    dst: formatIpv4(b.subarray(16, 20)),
    protocol: b[9] as number,
    ttl: b[8] as number,
    tos: b[1] as number,
    id: v.getUint16(4),
    dontFragment: (frag & 0x4000) !== 0,
    moreFragments: (frag & 0x2000) !== 0,
    fragmentOffset: (frag & 0x1fff) * 8,
    headerLength,
    totalLength,
    checksum: v.getUint16(10),
    checksumOk: internetChecksum(b.subarray(0, headerLength)) === 0,
    payload: b.subarray(headerLength, totalLength),
  };
}

/** The header fields {@link encodeIpv4} writes. */
export interface Ipv4Init {
  src: string;
  dst: string;
  protocol: number;
  /** Default 64. */
  ttl?: number;
  tos?: number;
  id?: number;
  /** Default true. */
  dontFragment?: boolean;
}

/** A 20-byte IPv4 header (no options) with its checksum, followed by `payload`. */
export function encodeIpv4(h: Ipv4Init, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(20 + payload.byteLength);
  const v = viewOf(out);
  out[0] = 0x45;
  out[1] = h.tos ?? 0;
  v.setUint16(2, out.byteLength);
  v.setUint16(4, h.id ?? 0);
  v.setUint16(6, h.dontFragment === false ? 0 : 0x4000);
  out[8] = h.ttl ?? 64;
  out[9] = h.protocol;
  out.set(ip4(h.src, 'src'), 12);
  out.set(ip4(h.dst, 'dst'), 16);
  v.setUint16(10, internetChecksum(out.subarray(0, 20)));
  out.set(payload, 20);
  return out;
}

/** A decoded UDP header and its payload. */
export interface Udp {
  srcPort: number;
  dstPort: number;
  length: number;
  checksum: number;
  payload: Uint8Array;
}

/** Decodes a UDP datagram; throws DecodeError when its length field does not fit. The checksum is not verified. */
export function decodeUdp(b: Uint8Array): Udp {
  need(b, 8, 'udp');
  const v = viewOf(b);
  const length = v.getUint16(4);
  if (length < 8 || length > b.byteLength) throw new DecodeError(`UDP length ${length}, ${b.byteLength} bytes present`, 'udp');
  return { srcPort: v.getUint16(0), dstPort: v.getUint16(2), length, checksum: v.getUint16(6), payload: b.subarray(8, length) };
}

/** A UDP datagram with its checksum over the IPv4 pseudo header. */
export function encodeUdp4(src: string, dst: string, srcPort: number, dstPort: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.byteLength);
  const v = viewOf(out);
  v.setUint16(0, srcPort);
  v.setUint16(2, dstPort);
  v.setUint16(4, out.byteLength);
  out.set(payload, 8);
  const pseudo = wordSum(ip4(src, 'src')) + wordSum(ip4(dst, 'dst')) + IPPROTO.UDP + out.byteLength;
  // RFC 768: a computed 0 is sent as 0xffff (0 means "no checksum").
  v.setUint16(6, internetChecksum(out, pseudo) || 0xffff);
  return out;
}

/** A decoded ICMP message: type, code, checksum, and the echo id and sequence for echo messages. */
export interface Icmp {
  type: number;
  code: number;
  checksum: number;
  checksumOk: boolean;
  /** Echo request/reply (type 8/0): identifier and sequence number. */
  id?: number;
  seq?: number;
  /** Bytes after the 8-byte header. */
  payload: Uint8Array;
}

/** ICMP message types these helpers name (ICMP_ECHOREPLY … in <linux/icmp.h>). */
export const ICMP = { ECHO_REPLY: 0, DEST_UNREACH: 3, ECHO_REQUEST: 8, TIME_EXCEEDED: 11 } as const;

/** Decodes an ICMP message; a bad checksum only clears `checksumOk`. */
export function decodeIcmp(b: Uint8Array): Icmp {
  need(b, 8, 'icmp');
  const v = viewOf(b);
  const out: Icmp = { type: b[0] as number, code: b[1] as number, checksum: v.getUint16(2), checksumOk: internetChecksum(b) === 0, payload: b.subarray(8) };
  if (out.type === ICMP.ECHO_REQUEST || out.type === ICMP.ECHO_REPLY) {
    out.id = v.getUint16(4);
    out.seq = v.getUint16(6);
  }
  return out;
}

/** An ICMP echo request (or reply with `reply`). */
export function encodeIcmpEcho(id: number, seq: number, data: Uint8Array, reply = false): Uint8Array {
  const out = new Uint8Array(8 + data.byteLength);
  const v = viewOf(out);
  out[0] = reply ? ICMP.ECHO_REPLY : ICMP.ECHO_REQUEST;
  v.setUint16(4, id);
  v.setUint16(6, seq);
  out.set(data, 8);
  v.setUint16(2, internetChecksum(out));
  return out;
}

/** One line for an ICMP message, e.g. `ICMP echo request id 1 seq 2`. */
export function describeIcmp(i: Icmp): string {
  switch (i.type) {
    case ICMP.ECHO_REQUEST:
      return `ICMP echo request id ${i.id} seq ${i.seq}`;
    case ICMP.ECHO_REPLY:
      return `ICMP echo reply id ${i.id} seq ${i.seq}`;
    case ICMP.DEST_UNREACH:
      return `ICMP destination unreachable code ${i.code}`;
    case ICMP.TIME_EXCEEDED:
      return `ICMP time exceeded code ${i.code}`;
    default:
      return `ICMP type ${i.type} code ${i.code}`;
  }
}

/** The fixed fields of a TCP header (options are not decoded). */
export interface TcpHeader {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** FIN SYN RST PSH ACK URG ECE CWR bits. */
  flags: number;
  window: number;
  headerLength: number;
}

/** Decodes the 20-byte fixed part of a TCP header. */
export function decodeTcp(b: Uint8Array): TcpHeader {
  need(b, 20, 'tcp');
  const v = viewOf(b);
  return {
    srcPort: v.getUint16(0),
    dstPort: v.getUint16(2),
    seq: v.getUint32(4),
    ack: v.getUint32(8),
    flags: b[13] as number,
    window: v.getUint16(14),
    headerLength: ((b[12] as number) >> 4) * 4,
  };
}

/** TCP flags as tcpdump prints them: `[S.]` is SYN+ACK. */
export function tcpFlags(flags: number): string {
  let s = '';
  if (flags & 0x02) s += 'S';
  if (flags & 0x01) s += 'F';
  if (flags & 0x04) s += 'R';
  if (flags & 0x08) s += 'P';
  if (flags & 0x20) s += 'U';
  if (flags & 0x40) s += 'E';
  if (flags & 0x80) s += 'W';
  if (flags & 0x10) s += '.';
  return `[${s}]`;
}
