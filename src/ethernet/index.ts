/**
 * Ethernet frames as a TAP reads and writes them: the header (destination,
 * source, EtherType, 802.1Q/802.1ad VLAN tags), builders for the frames a
 * test or a toy stack writes (ARP, IPv4, UDP, ICMP echo), and a one-line
 * description of any frame, in the spirit of tcpdump, for logging what a TAP
 * sees. Decoders throw DecodeError on truncated input; describeFrame never
 * throws.
 */
import { DecodeError, ValidationError } from '../netlink/errors.js';
import { formatMac } from '../netlink/inet.js';
import { describeArp, decodeArp } from './arp.js';
import { mac, need, viewOf } from './bytes.js';
import { describeIcmp, IPPROTO, decodeIcmp, decodeIpv4, decodeTcp, decodeUdp, tcpFlags } from './ipv4.js';
import { describeIcmpv6, decodeIcmpv6, decodeIpv6 } from './ipv6.js';

export * from './arp.js';
export * from './ipv4.js';
export * from './ipv6.js';
export { internetChecksum } from './bytes.js';

/** EtherType values (IEEE registry; <linux/if_ether.h> ETH_P_*). */
export const ETHERTYPE = {
  IPV4: 0x0800,
  ARP: 0x0806,
  /** 802.1Q VLAN tag. */
  VLAN: 0x8100,
  IPV6: 0x86dd,
  /** 802.1ad service tag (QinQ outer tag). */
  QINQ: 0x88a8,
  LLDP: 0x88cc,
} as const;

/** The Ethernet broadcast address. */
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
/** ETH_HLEN: destination, source, EtherType. */
export const ETH_HEADER_LENGTH = 14;

/** A decoded 802.1Q / 802.1ad tag: its TPID and the fields of its TCI. */
export interface VlanTag {
  /** 0x8100 (802.1Q) or 0x88a8 (802.1ad). */
  tpid: number;
  /** VLAN id, 0–4095. */
  id: number;
  /** Priority code point, 0–7. */
  pcp: number;
  /** Drop-eligible indicator. */
  dei: boolean;
}

/** A decoded Ethernet header: addresses, EtherType and VLAN tags. */
export interface EthernetHeader {
  dst: string;
  src: string;
  /** The EtherType after any VLAN tags (a value < 0x0600 is an 802.3 length). */
  etherType: number;
  /** VLAN tags, outermost first. */
  vlans: VlanTag[];
}

/** A decoded frame: its header, the header's length and the payload after it. */
export interface EthernetFrame extends EthernetHeader {
  /** Bytes of header, tags included. */
  headerLength: number;
  /** Everything after the header (may include padding to 60 bytes). */
  payload: Uint8Array;
}

const isTagType = (t: number) => t === ETHERTYPE.VLAN || t === ETHERTYPE.QINQ;

/** Decodes the Ethernet header and VLAN tags of a frame. */
export function decodeEthernet(frame: Uint8Array): EthernetFrame {
  need(frame, ETH_HEADER_LENGTH, 'ethernet');
  const v = viewOf(frame);
  let off = 12;
  let etherType = v.getUint16(off);
  const vlans: VlanTag[] = [];
  while (isTagType(etherType)) {
    if (frame.byteLength < off + 6) throw new DecodeError(`VLAN tag at byte ${off} is truncated`, 'ethernet');
    const tci = v.getUint16(off + 2);
    vlans.push({ tpid: etherType, id: tci & 0xfff, pcp: tci >> 13, dei: (tci & 0x1000) !== 0 });
    off += 4;
    etherType = v.getUint16(off);
  }
  return {
    dst: formatMac(frame.subarray(0, 6)),
    src: formatMac(frame.subarray(6, 12)),
    etherType,
    vlans,
    headerLength: off + 2,
    payload: frame.subarray(off + 2),
  };
}

/** The header fields {@link encodeEthernet} writes. */
export interface EthernetInit {
  dst: string;
  src: string;
  etherType: number;
  /** Tags to insert, outermost first; `tpid` defaults to 0x8100. */
  vlans?: Array<{ id: number; pcp?: number; dei?: boolean; tpid?: number }>;
}

/** Builds a frame: header, VLAN tags, payload. No padding or FCS (the kernel needs neither from a TAP). */
export function encodeEthernet(h: EthernetInit, payload: Uint8Array): Uint8Array {
  if (!Number.isInteger(h.etherType) || h.etherType < 0 || h.etherType > 0xffff) throw new ValidationError('etherType', `expected 0–65535, got ${h.etherType}`);
  const tags = h.vlans ?? [];
  const out = new Uint8Array(ETH_HEADER_LENGTH + tags.length * 4 + payload.byteLength);
  const v = viewOf(out);
  out.set(mac(h.dst, 'dst'), 0);
  out.set(mac(h.src, 'src'), 6);
  let off = 12;
  for (const t of tags) {
    if (!Number.isInteger(t.id) || t.id < 0 || t.id > 4095) throw new ValidationError('vlans.id', `expected 0–4095, got ${t.id}`);
    const pcp = t.pcp ?? 0;
    if (!Number.isInteger(pcp) || pcp < 0 || pcp > 7) throw new ValidationError('vlans.pcp', `expected 0–7, got ${pcp}`);
    v.setUint16(off, t.tpid ?? ETHERTYPE.VLAN);
    v.setUint16(off + 2, (pcp << 13) | (t.dei ? 0x1000 : 0) | t.id);
    off += 4;
  }
  v.setUint16(off, h.etherType);
  out.set(payload, off + 2);
  return out;
}

/**
 * One line for a frame, e.g.
 * `02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff ARP who-has 10.9.0.2 tell 10.9.0.1`.
 * Pass `vnetHdrSize` for frames read from a TAP opened with vnetHdr.
 */
export function describeFrame(frame: Uint8Array, options: { vnetHdrSize?: number } = {}): string {
  const skip = options.vnetHdrSize ?? 0;
  let eth: EthernetFrame;
  try {
    eth = decodeEthernet(frame.subarray(skip));
  } catch {
    return `truncated frame (${frame.byteLength - skip} bytes)`;
  }
  const vlan = eth.vlans.map((t) => `vlan ${t.id}${t.pcp ? ` p ${t.pcp}` : ''}${t.tpid === ETHERTYPE.QINQ ? ' (802.1ad)' : ''}, `).join('');
  return `${eth.src} > ${eth.dst} ${vlan}${describePayload(eth.etherType, eth.payload)}`;
}

function describePayload(etherType: number, p: Uint8Array): string {
  try {
    switch (etherType) {
      case ETHERTYPE.ARP:
        return describeArp(decodeArp(p));
      case ETHERTYPE.IPV4: {
        const ip = decodeIpv4(p);
        const frag = ip.fragmentOffset > 0 ? ` fragment offset ${ip.fragmentOffset}` : '';
        return `IPv4 ${ip.src} > ${ip.dst}${frag} ${ip.fragmentOffset > 0 ? `proto ${ip.protocol}` : describeTransport(ip.protocol, ip.payload)}`;
      }
      case ETHERTYPE.IPV6: {
        const ip = decodeIpv6(p);
        const body = ip.protocol === IPPROTO.ICMPV6 ? describeIcmpv6(decodeIcmpv6(ip.payload), ip) : describeTransport(ip.protocol, ip.payload);
        return `IPv6 ${ip.src} > ${ip.dst} ${body}`;
      }
      case ETHERTYPE.LLDP:
        return `LLDP, length ${p.byteLength}`;
      default:
        return etherType < 0x0600 ? `802.3, length ${etherType}` : `ethertype 0x${etherType.toString(16).padStart(4, '0')}, length ${p.byteLength}`;
    }
  } catch (e) {
    return `${etherTypeName(etherType)} (malformed: ${(e as Error).message})`;
  }
}

function describeTransport(protocol: number, p: Uint8Array): string {
  switch (protocol) {
    case IPPROTO.UDP: {
      const u = decodeUdp(p);
      return `UDP ${u.srcPort} > ${u.dstPort}, length ${u.length - 8}`;
    }
    case IPPROTO.TCP: {
      const t = decodeTcp(p);
      return `TCP ${t.srcPort} > ${t.dstPort} ${tcpFlags(t.flags)}`;
    }
    case IPPROTO.ICMP:
      return describeIcmp(decodeIcmp(p));
    default:
      return `proto ${protocol}, length ${p.byteLength}`;
  }
}

function etherTypeName(t: number): string {
  return t === ETHERTYPE.ARP ? 'ARP' : t === ETHERTYPE.IPV4 ? 'IPv4' : t === ETHERTYPE.IPV6 ? 'IPv6' : `ethertype 0x${t.toString(16)}`;
}
