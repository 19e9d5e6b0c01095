import { describe, expect, it } from 'vitest';
import { vxlanAttrs, vxlanInfo } from '../../../src/rtnetlink/link/index.js';
import { decode, encode, hex } from './_golden.js';

/**
 * IFLA_INFO_DATA of a VXLAN device, captured from a 6.18 kernel after
 *   ip link add gvx address 02:00:00:00:00:d0 type vxlan id 42 dstport 4789 \
 *     dev lo local 127.0.0.1 ttl 64 ageing 100
 * `ip -d -j` showed: id 42, local "127.0.0.1", link "lo", port_range
 * {low 0, high 0}, port 4789, learning true, ttl 64, df "unset", ageing 100,
 * udp_csum true. Note the big-endian port (12 b5 = 4789), TTL_INHERIT sent
 * as a u8 although the kernel takes it as a flag, and attributes 31–33
 * (LOCALBYPASS, LABEL_POLICY, RESERVED_BITS) that the 6.1 headers lack.
 */
const BYTES = hex(
      // IFLA_VXLAN_ID (1), u32: 42
      '08 00 01 00 | 2a 00 00 00',
      // IFLA_VXLAN_LINK (3), u32: 1
      '08 00 03 00 | 01 00 00 00',
      // IFLA_VXLAN_LOCAL (4), ipaddr: "127.0.0.1"
      '08 00 04 00 | 7f 00 00 01',
      // IFLA_VXLAN_TTL (5), u8: 64
      '05 00 05 00 | 40 | 00 00 00',
      // IFLA_VXLAN_TTL_INHERIT (28), flag|u8: false
      '05 00 1c 00 | 00 | 00 00 00',
      // IFLA_VXLAN_TOS (6), u8: 0
      '05 00 06 00 | 00 | 00 00 00',
      // IFLA_VXLAN_DF (29), u8: 0
      '05 00 1d 00 | 00 | 00 00 00',
      // IFLA_VXLAN_LABEL (26), be32: 0
      '08 00 1a 00 | 00 00 00 00',
      // IFLA_VXLAN_LABEL_POLICY (32), u32: 0
      '08 00 20 00 | 00 00 00 00',
      // IFLA_VXLAN_LEARNING (7), u8: 1
      '05 00 07 00 | 01 | 00 00 00',
      // IFLA_VXLAN_PROXY (11), u8: 0
      '05 00 0b 00 | 00 | 00 00 00',
      // IFLA_VXLAN_RSC (12), u8: 0
      '05 00 0c 00 | 00 | 00 00 00',
      // IFLA_VXLAN_L2MISS (13), u8: 0
      '05 00 0d 00 | 00 | 00 00 00',
      // IFLA_VXLAN_L3MISS (14), u8: 0
      '05 00 0e 00 | 00 | 00 00 00',
      // IFLA_VXLAN_COLLECT_METADATA (25), u8: 0
      '05 00 19 00 | 00 | 00 00 00',
      // IFLA_VXLAN_AGEING (8), u32: 100
      '08 00 08 00 | 64 00 00 00',
      // IFLA_VXLAN_LIMIT (9), u32: 0
      '08 00 09 00 | 00 00 00 00',
      // IFLA_VXLAN_PORT (15), be16: 4789
      '06 00 0f 00 | 12 b5 | 00 00',
      // IFLA_VXLAN_UDP_CSUM (18), u8: 1
      '05 00 12 00 | 01 | 00 00 00',
      // IFLA_VXLAN_UDP_ZERO_CSUM6_TX (19), u8: 0
      '05 00 13 00 | 00 | 00 00 00',
      // IFLA_VXLAN_UDP_ZERO_CSUM6_RX (20), u8: 0
      '05 00 14 00 | 00 | 00 00 00',
      // IFLA_VXLAN_REMCSUM_TX (21), u8: 0
      '05 00 15 00 | 00 | 00 00 00',
      // IFLA_VXLAN_REMCSUM_RX (22), u8: 0
      '05 00 16 00 | 00 | 00 00 00',
      // IFLA_VXLAN_LOCALBYPASS (31), u8: 1
      '05 00 1f 00 | 01 | 00 00 00',
      // IFLA_VXLAN_PORT_RANGE (10), ifla_vxlan_port_range: {"low":0,"high":0}
      '08 00 0a 00 | 00 00 00 00',
      // IFLA_VXLAN_RESERVED_BITS (33), bytes: [8 bytes]
      '0c 00 21 00 | f7 ff ff ff 00 00 00 ff',
);

const EXPECTED = {
    id: 42,
    link: 1,
    local: '127.0.0.1',
    ttl: 64,
    ttlInherit: false,
    tos: 0,
    df: 0,
    label: 0,
    labelPolicy: 0,
    learning: 1,
    proxy: 0,
    rsc: 0,
    l2miss: 0,
    l3miss: 0,
    collectMetadata: 0,
    ageing: 100,
    limit: 0,
    port: 4789,
    udpCsum: 1,
    udpZeroCsum6Tx: 0,
    udpZeroCsum6Rx: 0,
    remcsumTx: 0,
    remcsumRx: 0,
    localbypass: 1,
    portRange: {
      low: 0,
      high: 0
    },
    reservedBits: Uint8Array.from([0xf7, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff])
  };

describe('vxlan link data (IFLA_VXLAN_*) golden bytes', () => {
  it('decodes the kernel bytes to the expected attributes', () => {
    expect(decode(vxlanAttrs, BYTES)).toEqual(EXPECTED);
  });

  it('re-encodes the decoded attributes byte for byte (TTL_INHERIT kept as the u8 it came as)', () => {
    expect(encode(vxlanAttrs, decode(vxlanAttrs, BYTES))).toEqual(BYTES);
  });

  it('encodes the expected attributes to the same bytes, except TTL_INHERIT, which a request carries as a flag', () => {
    const { ttlInherit, ...rest } = EXPECTED;
    expect(ttlInherit).toBe(false);
    const withoutTtlInherit = hex('05 00 1c 00 | 00 | 00 00 00');
    const at = indexOf(BYTES, withoutTtlInherit);
    expect(at).toBeGreaterThan(0);
    const want = new Uint8Array([...BYTES.subarray(0, at), ...BYTES.subarray(at + 8)]);
    expect(encode(vxlanAttrs, rest)).toEqual(want);
    // And set, it is a zero-length flag.
    expect(encode(vxlanAttrs, { ttlInherit: true })).toEqual(hex('04 00 1c 00'));
  });

  it('gives the friendly view', () => {
    expect(vxlanInfo(decode(vxlanAttrs, BYTES))).toMatchObject({
      kind: 'vxlan',
      id: 42,
      local: '127.0.0.1',
      link: 1,
      port: 4789,
      portRange: { low: 0, high: 0 },
      ttl: 64,
      ttlInherit: false,
      df: 'unset',
      learning: true,
      ageing: 100,
      udpCsum: true,
      localbypass: true,
      external: false,
    });
  });
});

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i += 4) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
