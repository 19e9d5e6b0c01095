/**
 * ARP for IPv4 over Ethernet (RFC 826): the 28-byte packet the kernel sends
 * to resolve a neighbour ("who-has") and the reply that answers it.
 */
import { DecodeError } from '../netlink/errors.js';
import { formatIpv4, formatMac } from '../netlink/inet.js';
import { ip4, mac, need, viewOf } from './bytes.js';

/** ARP opcode of a request (ARPOP_REQUEST). */
export const ARP_REQUEST = 1;
/** ARP opcode of a reply (ARPOP_REPLY). */
export const ARP_REPLY = 2;
const ARPHRD_ETHER = 1;
const ETH_P_IP = 0x0800;
const ARP_LEN = 28;

/** An Ethernet/IPv4 ARP packet's opcode and sender and target addresses. */
export interface Arp {
  /** 1 request, 2 reply. */
  op: number;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

/** Decodes an Ethernet/IPv4 ARP packet (the payload after the Ethernet header). */
export function decodeArp(b: Uint8Array): Arp {
  need(b, ARP_LEN, 'arp');
  const v = viewOf(b);
  const htype = v.getUint16(0);
  const ptype = v.getUint16(2);
  if (htype !== ARPHRD_ETHER || ptype !== ETH_P_IP || b[4] !== 6 || b[5] !== 4) {
    throw new DecodeError(`not Ethernet/IPv4 ARP (htype ${htype}, ptype 0x${ptype.toString(16)}, hlen ${b[4]}, plen ${b[5]})`, 'arp');
  }
  return {
    op: v.getUint16(6),
    senderMac: formatMac(b.subarray(8, 14)),
    senderIp: formatIpv4(b.subarray(14, 18)),
    targetMac: formatMac(b.subarray(18, 24)),
    targetIp: formatIpv4(b.subarray(24, 28)),
  };
}

/** Encodes an Ethernet/IPv4 ARP packet. */
export function encodeArp(a: Arp): Uint8Array {
  const out = new Uint8Array(ARP_LEN);
  const v = viewOf(out);
  v.setUint16(0, ARPHRD_ETHER);
  v.setUint16(2, ETH_P_IP);
  out[4] = 6;
  out[5] = 4;
  v.setUint16(6, a.op);
  out.set(mac(a.senderMac, 'senderMac'), 8);
  out.set(ip4(a.senderIp, 'senderIp'), 14);
  out.set(mac(a.targetMac, 'targetMac'), 18);
  out.set(ip4(a.targetIp, 'targetIp'), 24);
  return out;
}

/** One line: `who-has 10.0.0.2 tell 10.0.0.1` or `reply 10.0.0.2 is-at 02:…`. */
export function describeArp(a: Arp): string {
  if (a.op === ARP_REQUEST) return `ARP who-has ${a.targetIp} tell ${a.senderIp}`;
  if (a.op === ARP_REPLY) return `ARP reply ${a.senderIp} is-at ${a.senderMac}`;
  return `ARP op ${a.op} ${a.senderIp} (${a.senderMac}) > ${a.targetIp} (${a.targetMac})`;
}
