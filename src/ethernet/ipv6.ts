/**
 * IPv6 (RFC 8200) and ICMPv6 (RFC 4443): enough to name what the kernel
 * sends on a fresh link — neighbour discovery (RFC 4861), duplicate address
 * detection, router solicitations and MLDv2 reports (RFC 3810) — and echo.
 */
import { DecodeError } from '../netlink/errors.js';
import { formatIpv6 } from '../netlink/inet.js';
import { internetChecksum, need, viewOf, wordSum } from './bytes.js';
import { IPPROTO } from './ipv4.js';

/** Extension headers that share the generic (next header, length) layout. */
const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const DEST_OPTS = 60;

/** A decoded IPv6 header, the extension headers skipped after it, and the upper-layer payload. */
export interface Ipv6 {
  src: string;
  dst: string;
  hopLimit: number;
  trafficClass: number;
  flowLabel: number;
  payloadLength: number;
  /** Next-header value of the fixed header. */
  nextHeader: number;
  /** Upper-layer protocol after skipping extension headers (58 for ICMPv6). */
  protocol: number;
  /** Extension headers skipped, in order (0 hop-by-hop, 43 routing, 44 fragment, 60 destination options). */
  extensions: number[];
  /** Upper-layer bytes. */
  payload: Uint8Array;
  /** The 40-byte fixed header's source and destination, for pseudo-header checksums. */
  srcBytes: Uint8Array;
  dstBytes: Uint8Array;
}

/**
 * Decodes an IPv6 packet, skipping hop-by-hop, routing, fragment and
 * destination-options headers; throws DecodeError on a wrong version or
 * lengths that run past the packet.
 */
export function decodeIpv6(b: Uint8Array): Ipv6 {
  need(b, 40, 'ipv6');
  const v = viewOf(b);
  const first = v.getUint32(0);
  if (first >>> 28 !== 6) throw new DecodeError(`IP version ${first >>> 28}, expected 6`, 'ipv6');
  const payloadLength = v.getUint16(4);
  if (40 + payloadLength > b.byteLength) throw new DecodeError(`payload length ${payloadLength}, ${b.byteLength - 40} bytes present`, 'ipv6');
  const nextHeader = b[6] as number;
  const end = 40 + payloadLength;
  let protocol = nextHeader;
  let off = 40;
  const extensions: number[] = [];
  while (protocol === HOP_BY_HOP || protocol === ROUTING || protocol === DEST_OPTS || protocol === FRAGMENT) {
    if (off + 8 > end) throw new DecodeError(`extension header ${protocol} runs past the payload`, 'ipv6');
    extensions.push(protocol);
    const next = b[off] as number;
    off += protocol === FRAGMENT ? 8 : ((b[off + 1] as number) + 1) * 8;
    protocol = next;
  }
  if (off > end) throw new DecodeError('extension headers run past the payload', 'ipv6');
  return {
    src: formatIpv6(b.subarray(8, 24)),
    dst: formatIpv6(b.subarray(24, 40)),
    hopLimit: b[7] as number,
    trafficClass: (first >>> 20) & 0xff,
    flowLabel: first & 0xfffff,
    payloadLength,
    nextHeader,
    protocol,
    extensions,
    payload: b.subarray(off, end),
    srcBytes: b.subarray(8, 24),
    dstBytes: b.subarray(24, 40),
  };
}

/** ICMPv6 message types these helpers name (RFC 4443, RFC 4861, MLD). */
export const ICMPV6 = {
  DEST_UNREACH: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
  MLD_QUERY: 130,
  MLD_REPORT: 131,
  MLD_DONE: 132,
  ROUTER_SOLICITATION: 133,
  ROUTER_ADVERTISEMENT: 134,
  NEIGHBOR_SOLICITATION: 135,
  NEIGHBOR_ADVERTISEMENT: 136,
  REDIRECT: 137,
  MLD2_REPORT: 143,
} as const;

/** A decoded ICMPv6 message: type, code, checksum, and the fields of the types it knows. */
export interface Icmpv6 {
  type: number;
  code: number;
  checksum: number;
  /** Checked over the IPv6 pseudo header when the IPv6 header was given. */
  checksumOk?: boolean;
  /** Neighbour solicitation/advertisement and redirect: the target address. */
  target?: string;
  /** Neighbour advertisement: router, solicited, override bits. */
  router?: boolean;
  solicited?: boolean;
  override?: boolean;
  /** Echo: identifier and sequence number. */
  id?: number;
  seq?: number;
  /** MLDv2 report: number of multicast address records. */
  records?: number;
  /** MLDv1 report/done/query: the multicast address. */
  group?: string;
}

/** Decodes an ICMPv6 message; with `ip`, also verifies its checksum. */
export function decodeIcmpv6(b: Uint8Array, ip?: Pick<Ipv6, 'srcBytes' | 'dstBytes'>): Icmpv6 {
  need(b, 4, 'icmpv6');
  const v = viewOf(b);
  const out: Icmpv6 = { type: b[0] as number, code: b[1] as number, checksum: v.getUint16(2) };
  if (ip) {
    const pseudo = wordSum(ip.srcBytes) + wordSum(ip.dstBytes) + b.byteLength + IPPROTO.ICMPV6;
    out.checksumOk = internetChecksum(b, pseudo) === 0;
  }
  switch (out.type) {
    case ICMPV6.NEIGHBOR_SOLICITATION:
    case ICMPV6.NEIGHBOR_ADVERTISEMENT:
    case ICMPV6.REDIRECT:
      need(b, 24, 'icmpv6');
      out.target = formatIpv6(b.subarray(8, 24));
      if (out.type === ICMPV6.NEIGHBOR_ADVERTISEMENT) {
        const f = b[4] as number;
        out.router = (f & 0x80) !== 0;
        out.solicited = (f & 0x40) !== 0;
        out.override = (f & 0x20) !== 0;
      }
      break;
    case ICMPV6.ECHO_REQUEST:
    case ICMPV6.ECHO_REPLY:
      need(b, 8, 'icmpv6');
      out.id = v.getUint16(4);
      out.seq = v.getUint16(6);
      break;
    case ICMPV6.MLD2_REPORT:
      need(b, 8, 'icmpv6');
      out.records = v.getUint16(6);
      break;
    case ICMPV6.MLD_QUERY:
    case ICMPV6.MLD_REPORT:
    case ICMPV6.MLD_DONE:
      need(b, 24, 'icmpv6');
      out.group = formatIpv6(b.subarray(8, 24));
      break;
  }
  return out;
}

/** One line for an ICMPv6 message; with `ip`, a neighbour solicitation from `::` is marked as DAD. */
export function describeIcmpv6(m: Icmpv6, ip?: Pick<Ipv6, 'src'>): string {
  switch (m.type) {
    case ICMPV6.NEIGHBOR_SOLICITATION:
      // From the unspecified address it is duplicate address detection (RFC 4862).
      return `ICMPv6 neighbor solicitation, who has ${m.target}${ip?.src === '::' ? ' (DAD)' : ''}`;
    case ICMPV6.NEIGHBOR_ADVERTISEMENT:
      return `ICMPv6 neighbor advertisement, ${m.target}${m.solicited ? ' solicited' : ''}${m.override ? ' override' : ''}${m.router ? ' router' : ''}`;
    case ICMPV6.ROUTER_SOLICITATION:
      return 'ICMPv6 router solicitation';
    case ICMPV6.ROUTER_ADVERTISEMENT:
      return 'ICMPv6 router advertisement';
    case ICMPV6.ECHO_REQUEST:
      return `ICMPv6 echo request id ${m.id} seq ${m.seq}`;
    case ICMPV6.ECHO_REPLY:
      return `ICMPv6 echo reply id ${m.id} seq ${m.seq}`;
    case ICMPV6.MLD2_REPORT:
      return `ICMPv6 multicast listener report v2, ${m.records} group record(s)`;
    case ICMPV6.MLD_REPORT:
      return `ICMPv6 multicast listener report ${m.group}`;
    case ICMPV6.MLD_DONE:
      return `ICMPv6 multicast listener done ${m.group}`;
    case ICMPV6.MLD_QUERY:
      return `ICMPv6 multicast listener query ${m.group}`;
    case ICMPV6.DEST_UNREACH:
      return `ICMPv6 destination unreachable code ${m.code}`;
    case ICMPV6.PACKET_TOO_BIG:
      return 'ICMPv6 packet too big';
    case ICMPV6.TIME_EXCEEDED:
      return `ICMPv6 time exceeded code ${m.code}`;
    case ICMPV6.REDIRECT:
      return `ICMPv6 redirect ${m.target}`;
    default:
      return `ICMPv6 type ${m.type} code ${m.code}`;
  }
}
