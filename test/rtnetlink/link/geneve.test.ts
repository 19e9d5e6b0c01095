import { describe, expect, it } from 'vitest';
import { decode, encode, hex } from './_golden.js';
import { writeView } from '../../../src/netlink/fields.js';
import { geneveAttrs, geneveInfo } from '../../../src/rtnetlink/link/index.js';

/**
 * IFLA_INFO_DATA of three geneve devices, captured from Debian's 6.1 kernel
 * (the full-kernel lane, test/rtnetlink/link/capture-kinds.mjs) after
 *   ip link add gg0 type geneve id 77 remote 192.0.2.9 ttl 33 tos 0x10 df set dstport 6082 noudpcsum
 *   ip link add gg1 type geneve id 78 remote 2001:db8::9 ttl inherit flowlabel 0x12 udp6zerocsumtx
 *   ip link add gg2 type geneve external innerprotoinherit
 * The kernel sends REMOTE (an in_addr) or REMOTE6 by the remote's family,
 * UDP_CSUM only for an IPv4 remote and UDP_ZERO_CSUM6_TX only for an IPv6
 * one, and refuses a flow label on an IPv4 device.
 */
const V4 = hex(
  '08 00 01 00 | 4d 00 00 00', // ID 77
  '08 00 02 00 | c0 00 02 09', // REMOTE 192.0.2.9
  '05 00 08 00 | 00 | 00 00 00', // UDP_CSUM off
  '05 00 03 00 | 21 | 00 00 00', // TTL 33
  '05 00 04 00 | 10 | 00 00 00', // TOS 0x10
  '08 00 0b 00 | 00 00 00 00', // LABEL
  '05 00 0d 00 | 01 | 00 00 00', // DF set
  '06 00 05 00 | 17 c2 | 00 00', // PORT 6082 (be16)
  '05 00 0a 00 | 01 | 00 00 00', // UDP_ZERO_CSUM6_RX
  '05 00 0c 00 | 00 | 00 00 00', // TTL_INHERIT off
);
const V6 = hex(
  '08 00 01 00 | 4e 00 00 00',
  '14 00 07 00 | 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 09', // REMOTE6
  '05 00 09 00 | 01 | 00 00 00', // UDP_ZERO_CSUM6_TX
  '05 00 03 00 | 00 | 00 00 00',
  '05 00 04 00 | 00 | 00 00 00',
  '08 00 0b 00 | 00 00 00 12', // LABEL 0x12 (be32)
  '05 00 0d 00 | 00 | 00 00 00',
  '06 00 05 00 | 17 c1 | 00 00',
  '05 00 0a 00 | 00 | 00 00 00',
  '05 00 0c 00 | 01 | 00 00 00', // TTL_INHERIT on
);
const EXTERNAL = hex(
  '08 00 01 00 | 00 00 00 00',
  '05 00 03 00 | 00 | 00 00 00',
  '05 00 04 00 | 00 | 00 00 00',
  '08 00 0b 00 | 00 00 00 00',
  '05 00 0d 00 | 00 | 00 00 00',
  '06 00 05 00 | 17 c1 | 00 00',
  '04 00 06 00', // COLLECT_METADATA (flag)
  '05 00 0a 00 | 01 | 00 00 00',
  '05 00 0c 00 | 00 | 00 00 00',
  '04 00 0e 00', // INNER_PROTO_INHERIT (flag)
);

describe('geneve golden bytes', () => {
  it('decodes each device and its friendly view', () => {
    expect(geneveInfo(decode(geneveAttrs, V4))).toEqual({
      kind: 'geneve',
      id: 77,
      remote: '192.0.2.9',
      udpCsum: false,
      ttl: 33,
      tos: 16,
      label: 0,
      df: 'set',
      port: 6082,
      udpZeroCsum6Rx: true,
      ttlInherit: false,
    });
    expect(geneveInfo(decode(geneveAttrs, V6))).toMatchObject({ id: 78, remote6: '2001:db8::9', udpZeroCsum6Tx: true, label: 0x12, ttlInherit: true, df: 'unset' });
    expect(geneveInfo(decode(geneveAttrs, EXTERNAL))).toMatchObject({ external: true, innerProtoInherit: true, port: 6081 });
  });

  it('re-encodes the kernel messages byte for byte', () => {
    for (const b of [V4, V6, EXTERNAL]) expect(encode(geneveAttrs, decode(geneveAttrs, b))).toEqual(b);
  });

  it('encodes createGeneve options; an address of the other family is refused before any system call', () => {
    expect(writeView(geneveAttrs, { id: 77, remote: '192.0.2.9', port: 6082, df: 'set', udpCsum: false }, '')).toEqual({ id: 77, remote: '192.0.2.9', port: 6082, df: 1, udpCsum: 0 });
    expect(encode(geneveAttrs, writeView(geneveAttrs, { external: true }, ''))).toEqual(hex('04 00 06 00'));
    expect(() => writeView(geneveAttrs, { remote: '2001:db8::9' }, '')).toThrow(/remote: expected an IPv4 address \(an IPv6 one goes in remote6\)/);
    expect(() => writeView(geneveAttrs, { df: 'maybe' }, '')).toThrow(/df: expected one of "unset", "set", "inherit"/);
  });
});
