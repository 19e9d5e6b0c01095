/**
 * The frame helpers: encode/decode round trips, checksums, one-line
 * descriptions, and robustness on arbitrary bytes. Real kernel frames are
 * decoded in tap.live.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ARP_REPLY,
  ARP_REQUEST,
  ETHERTYPE,
  ICMP,
  ICMPV6,
  IPPROTO,
  decodeArp,
  decodeEthernet,
  decodeIcmp,
  decodeIcmpv6,
  decodeIpv4,
  decodeIpv6,
  decodeTcp,
  decodeUdp,
  describeFrame,
  encodeArp,
  encodeEthernet,
  encodeIcmpEcho,
  encodeIpv4,
  encodeUdp4,
  internetChecksum,
  tcpFlags,
} from '../../src/ethernet/index.js';
import { formatMac, parseIpv6 } from '../../src/netlink/inet.js';

const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';
const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => formatMac(b));
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));

/** An IPv6 packet around `payload`, built independently of the decoder. */
function ipv6Packet(src: string, dst: string, nextHeader: number, payload: Uint8Array, hopLimit = 255): Uint8Array {
  const out = new Uint8Array(40 + payload.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x60000000);
  v.setUint16(4, payload.length);
  out[6] = nextHeader;
  out[7] = hopLimit;
  out.set(parseIpv6(src)!, 8);
  out.set(parseIpv6(dst)!, 24);
  out.set(payload, 40);
  return out;
}

/** The ICMPv6 checksum, computed the long way: over an explicit pseudo-header buffer (RFC 8200 §8.1). */
function icmpv6Checksum(src: string, dst: string, msg: Uint8Array): number {
  const pseudo = new Uint8Array(40 + msg.length);
  pseudo.set(parseIpv6(src)!, 0);
  pseudo.set(parseIpv6(dst)!, 16);
  new DataView(pseudo.buffer).setUint32(32, msg.length);
  pseudo[39] = IPPROTO.ICMPV6;
  pseudo.set(msg, 40);
  return internetChecksum(pseudo);
}

describe('Internet checksum', () => {
  it('gives the RFC 1071 worked example', () => {
    // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (one's complement), so the checksum is 220d.
    expect(internetChecksum(new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]))).toBe(0x220d);
  });
  it('verifies to zero once inserted, for any even-length data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 200 }).filter((b) => b.length % 2 === 0), (b) => {
        const copy = b.slice();
        copy[0] = 0;
        copy[1] = 0;
        const sum = internetChecksum(copy);
        copy[0] = sum >> 8;
        copy[1] = sum & 0xff;
        return internetChecksum(copy) === 0;
      }),
    );
  });
});

describe('Ethernet header', () => {
  it('round-trips addresses, EtherType and stacked VLAN tags', () => {
    fc.assert(
      fc.property(
        mac,
        mac,
        fc.integer({ min: 0x0600, max: 0xffff }).filter((t) => t !== ETHERTYPE.VLAN && t !== ETHERTYPE.QINQ),
        fc.array(fc.record({ id: fc.integer({ min: 0, max: 4095 }), pcp: fc.integer({ min: 0, max: 7 }), dei: fc.boolean(), tpid: fc.constantFrom(ETHERTYPE.VLAN, ETHERTYPE.QINQ) }), { maxLength: 3 }),
        fc.uint8Array({ maxLength: 64 }),
        (dst, src, etherType, vlans, payload) => {
          const frame = encodeEthernet({ dst, src, etherType, vlans }, payload);
          const d = decodeEthernet(frame);
          expect(d).toMatchObject({ dst, src, etherType, vlans, headerLength: 14 + 4 * vlans.length });
          expect(d.payload).toEqual(payload);
        },
      ),
    );
  });

  it('decodes the wire layout byte for byte', () => {
    const frame = encodeEthernet({ dst: 'ff:ff:ff:ff:ff:ff', src: A, etherType: ETHERTYPE.ARP, vlans: [{ id: 100, pcp: 5 }] }, new Uint8Array([1, 2]));
    expect(Array.from(frame)).toEqual([
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // destination
      0x02, 0, 0, 0, 0, 0x0a, // source
      0x81, 0x00, 0xa0, 0x64, // 802.1Q tag: PCP 5, VID 100
      0x08, 0x06, // ARP
      1, 2,
    ]);
  });

  it('refuses truncated headers and out-of-range tags', () => {
    expect(() => decodeEthernet(new Uint8Array(13))).toThrow(expect.objectContaining({ name: 'DecodeError' }));
    expect(() => decodeEthernet(new Uint8Array([...new Uint8Array(12), 0x81, 0x00, 0, 1]))).toThrow(/truncated/);
    expect(() => encodeEthernet({ dst: A, src: B, etherType: 0x800, vlans: [{ id: 4096 }] }, new Uint8Array())).toThrow(/0–4095/);
    expect(() => encodeEthernet({ dst: 'nope', src: B, etherType: 0x800 }, new Uint8Array())).toThrow(/MAC/);
  });
});

describe('ARP', () => {
  it('round-trips requests and replies, and describes them', () => {
    fc.assert(
      fc.property(fc.constantFrom(ARP_REQUEST, ARP_REPLY), mac, ipv4, mac, ipv4, (op, senderMac, senderIp, targetMac, targetIp) => {
        const a = { op, senderMac, senderIp, targetMac, targetIp };
        expect(decodeArp(encodeArp(a))).toEqual(a);
      }),
    );
    const req = encodeEthernet({ dst: 'ff:ff:ff:ff:ff:ff', src: A, etherType: ETHERTYPE.ARP }, encodeArp({ op: ARP_REQUEST, senderMac: A, senderIp: '10.0.0.1', targetMac: '00:00:00:00:00:00', targetIp: '10.0.0.2' }));
    expect(describeFrame(req)).toBe(`${A} > ff:ff:ff:ff:ff:ff ARP who-has 10.0.0.2 tell 10.0.0.1`);
    const rep = encodeEthernet({ dst: A, src: B, etherType: ETHERTYPE.ARP }, encodeArp({ op: ARP_REPLY, senderMac: B, senderIp: '10.0.0.2', targetMac: A, targetIp: '10.0.0.1' }));
    expect(describeFrame(rep)).toBe(`${B} > ${A} ARP reply 10.0.0.2 is-at ${B}`);
  });
  it('refuses non-Ethernet/IPv4 ARP', () => {
    const a = encodeArp({ op: 1, senderMac: A, senderIp: '1.2.3.4', targetMac: B, targetIp: '5.6.7.8' });
    a[1] = 6; // htype 6 (IEEE 802)
    expect(() => decodeArp(a)).toThrow(/not Ethernet\/IPv4 ARP/);
  });
});

describe('IPv4, UDP, ICMP', () => {
  it('builds headers whose checksum verifies, and decodes every field back', () => {
    fc.assert(
      fc.property(ipv4, ipv4, fc.nat(255), fc.integer({ min: 1, max: 255 }), fc.nat(0xffff), fc.uint8Array({ maxLength: 100 }), (src, dst, protocol, ttl, id, payload) => {
        const p = decodeIpv4(encodeIpv4({ src, dst, protocol, ttl, id }, payload));
        expect(p).toMatchObject({ src, dst, protocol, ttl, id, dontFragment: true, headerLength: 20, totalLength: 20 + payload.length, checksumOk: true });
        expect(p.payload).toEqual(payload);
      }),
    );
  });
  it('detects any single flipped bit in a header', () => {
    const packet = encodeIpv4({ src: '192.0.2.1', dst: '198.51.100.7', protocol: IPPROTO.UDP }, new Uint8Array(4));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 159 }), (bit) => {
        const bad = packet.slice();
        bad[bit >> 3]! ^= 1 << (bit & 7);
        let ok: boolean;
        try {
          ok = decodeIpv4(bad).checksumOk;
        } catch {
          return true; // the flip broke version or a length: refused outright
        }
        return ok === false;
      }),
    );
  });
  it('checksums UDP over the IPv4 pseudo header', () => {
    const data = new TextEncoder().encode('hello');
    const udp = encodeUdp4('10.0.0.1', '10.0.0.2', 40000, 53, data);
    const d = decodeUdp(udp);
    expect(d).toMatchObject({ srcPort: 40000, dstPort: 53, length: 13 });
    expect(d.payload).toEqual(data);
    // Verify with an explicit pseudo-header buffer (RFC 768).
    const pseudo = new Uint8Array(12 + udp.length);
    pseudo.set([10, 0, 0, 1, 10, 0, 0, 2, 0, IPPROTO.UDP, 0, udp.length], 0);
    pseudo.set(udp, 12);
    expect(internetChecksum(pseudo)).toBe(0);
    const frame = encodeEthernet({ dst: B, src: A, etherType: ETHERTYPE.IPV4 }, encodeIpv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: IPPROTO.UDP }, udp));
    expect(describeFrame(frame)).toBe(`${A} > ${B} IPv4 10.0.0.1 > 10.0.0.2 UDP 40000 > 53, length 5`);
  });
  it('builds and decodes ICMP echo', () => {
    const echo = encodeIcmpEcho(0x1234, 9, new Uint8Array([1, 2, 3]));
    expect(decodeIcmp(echo)).toMatchObject({ type: ICMP.ECHO_REQUEST, code: 0, id: 0x1234, seq: 9, checksumOk: true });
    expect(decodeIcmp(encodeIcmpEcho(1, 2, new Uint8Array(), true))).toMatchObject({ type: ICMP.ECHO_REPLY, checksumOk: true });
    const frame = encodeEthernet({ dst: B, src: A, etherType: ETHERTYPE.IPV4 }, encodeIpv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: IPPROTO.ICMP }, echo));
    expect(describeFrame(frame)).toBe(`${A} > ${B} IPv4 10.0.0.1 > 10.0.0.2 ICMP echo request id 4660 seq 9`);
  });
  it('describes TCP flags as tcpdump does', () => {
    const tcp = new Uint8Array(20);
    new DataView(tcp.buffer).setUint16(0, 443);
    new DataView(tcp.buffer).setUint16(2, 51000);
    tcp[12] = 5 << 4;
    tcp[13] = 0x12; // SYN+ACK
    expect(decodeTcp(tcp)).toMatchObject({ srcPort: 443, dstPort: 51000, headerLength: 20 });
    expect(tcpFlags(0x12)).toBe('[S.]');
    expect(tcpFlags(0x18)).toBe('[P.]');
    const frame = encodeEthernet({ dst: B, src: A, etherType: ETHERTYPE.IPV4 }, encodeIpv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: IPPROTO.TCP }, tcp));
    expect(describeFrame(frame)).toBe(`${A} > ${B} IPv4 10.0.0.1 > 10.0.0.2 TCP 443 > 51000 [S.]`);
  });
});

describe('IPv6 and ICMPv6', () => {
  it('decodes a DAD neighbour solicitation and verifies its checksum', () => {
    const target = 'fe80::1';
    const dst = 'ff02::1:ff00:1';
    const ns = new Uint8Array(24);
    ns[0] = ICMPV6.NEIGHBOR_SOLICITATION;
    ns.set(parseIpv6(target)!, 8);
    const sum = icmpv6Checksum('::', dst, ns);
    ns[2] = sum >> 8;
    ns[3] = sum & 0xff;
    const packet = ipv6Packet('::', dst, IPPROTO.ICMPV6, ns);
    const ip = decodeIpv6(packet);
    expect(ip).toMatchObject({ src: '::', dst, hopLimit: 255, protocol: IPPROTO.ICMPV6, extensions: [] });
    expect(decodeIcmpv6(ip.payload, ip)).toMatchObject({ type: ICMPV6.NEIGHBOR_SOLICITATION, target, checksumOk: true });
    const frame = encodeEthernet({ dst: '33:33:ff:00:00:01', src: A, etherType: ETHERTYPE.IPV6 }, packet);
    expect(describeFrame(frame)).toBe(`${A} > 33:33:ff:00:00:01 IPv6 :: > ${dst} ICMPv6 neighbor solicitation, who has ${target} (DAD)`);
    ns[10]! ^= 0x40;
    expect(decodeIcmpv6(ns, ip).checksumOk).toBe(false);
  });
  it('walks a hop-by-hop header to an MLDv2 report', () => {
    const report = new Uint8Array(8);
    report[0] = ICMPV6.MLD2_REPORT;
    new DataView(report.buffer).setUint16(6, 2);
    const hbh = new Uint8Array([IPPROTO.ICMPV6, 0, 5, 2, 0, 0, 1, 0]); // router alert option, padded to 8
    const packet = ipv6Packet('fe80::1', 'ff02::16', 0, new Uint8Array([...hbh, ...report]), 1);
    const ip = decodeIpv6(packet);
    expect(ip.extensions).toEqual([0]);
    expect(ip.protocol).toBe(IPPROTO.ICMPV6);
    expect(decodeIcmpv6(ip.payload)).toMatchObject({ type: ICMPV6.MLD2_REPORT, records: 2 });
  });
  it('refuses truncated and inconsistent packets', () => {
    expect(() => decodeIpv6(new Uint8Array(39))).toThrow(/needs 40 bytes/);
    const p = ipv6Packet('::1', '::2', IPPROTO.UDP, new Uint8Array(8));
    expect(() => decodeIpv6(p.subarray(0, 44))).toThrow(/payload length/);
    const bad = p.slice();
    bad[0] = 0x40;
    expect(() => decodeIpv6(bad)).toThrow(/version 4/);
  });
});

describe('describeFrame', () => {
  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.constantFrom(0x0800, 0x0806, 0x86dd, 0x8100, 0x88cc, 0x1234, 0x0010), (bytes, t) => {
        const s1 = describeFrame(bytes);
        const framed = bytes.slice();
        if (framed.length >= 14) new DataView(framed.buffer).setUint16(12, t);
        const s2 = describeFrame(framed);
        return typeof s1 === 'string' && typeof s2 === 'string';
      }),
      { numRuns: 2000 },
    );
  });
  it('names what it cannot decode', () => {
    expect(describeFrame(new Uint8Array(5))).toBe('truncated frame (5 bytes)');
    const ip = encodeEthernet({ dst: B, src: A, etherType: ETHERTYPE.IPV4 }, new Uint8Array([0x45, 0, 0, 10]));
    expect(describeFrame(ip)).toMatch(/IPv4 \(malformed: .*needs 20 bytes/);
    expect(describeFrame(encodeEthernet({ dst: B, src: A, etherType: 0x88b5 }, new Uint8Array(3)))).toBe(`${A} > ${B} ethertype 0x88b5, length 3`);
    expect(describeFrame(encodeEthernet({ dst: B, src: A, etherType: 46 }, new Uint8Array(46)))).toBe(`${A} > ${B} 802.3, length 46`);
  });
  it('prints VLAN tags and skips a virtio_net_hdr', () => {
    const arp = encodeArp({ op: ARP_REQUEST, senderMac: A, senderIp: '10.0.0.1', targetMac: '00:00:00:00:00:00', targetIp: '10.0.0.2' });
    const frame = encodeEthernet({ dst: 'ff:ff:ff:ff:ff:ff', src: A, etherType: ETHERTYPE.ARP, vlans: [{ id: 10, tpid: ETHERTYPE.QINQ }, { id: 20, pcp: 3 }] }, arp);
    const withHdr = new Uint8Array(10 + frame.length);
    withHdr.set(frame, 10);
    expect(describeFrame(withHdr, { vnetHdrSize: 10 })).toBe(`${A} > ff:ff:ff:ff:ff:ff vlan 10 (802.1ad), vlan 20 p 3, ARP who-has 10.0.0.2 tell 10.0.0.1`);
  });
});
