import { describe, expect, it } from 'vitest';
import { decode, encode, hex } from './_golden.js';
import { writeView } from '../../../src/netlink/fields.js';
import { vlanAttrs, vlanInfo } from '../../../src/rtnetlink/link/index.js';

/**
 * IFLA_INFO_DATA of a vlan, captured from Debian's 6.1 kernel (the
 * full-kernel lane) after
 *   ip link add link gp0 name gv0 type vlan id 42 protocol 802.1ad \
 *     gvrp on loose_binding on ingress-qos-map 1:2 3:4 egress-qos-map 5:6
 * `ip -d -j` showed: protocol "802.1ad", id 42, flags [REORDER_HDR, GVRP,
 * LOOSE_BINDING], ingress_qos [{1,2},{3,4}], egress_qos [{5,6}]. The QoS
 * nests come without NLA_F_NESTED; the flags' mask is ~0 in a reply.
 */
const BYTES = hex(
  // IFLA_VLAN_PROTOCOL (5), be16: 0x88a8
  '06 00 05 00 | 88 a8 | 00 00',
  // IFLA_VLAN_ID (1), u16: 42
  '06 00 01 00 | 2a 00 | 00 00',
  // IFLA_VLAN_FLAGS (2), ifla_vlan_flags: { flags: 0x7, mask: ~0 }
  '0c 00 02 00 | 07 00 00 00 ff ff ff ff',
  // IFLA_VLAN_INGRESS_QOS (4): two IFLA_VLAN_QOS_MAPPING (1) { from, to }
  '1c 00 04 00 | 0c 00 01 00 01 00 00 00 02 00 00 00 0c 00 01 00 03 00 00 00 04 00 00 00',
  // IFLA_VLAN_EGRESS_QOS (3): one mapping
  '10 00 03 00 | 0c 00 01 00 05 00 00 00 06 00 00 00',
);

describe('vlan golden bytes', () => {
  it('decodes what the kernel sent, and its friendly view', () => {
    const d = decode(vlanAttrs, BYTES);
    expect(d).toMatchObject({
      protocol: 0x88a8,
      id: 42,
      flags: { flags: 7, mask: 0xffffffff },
      ingressQos: { mapping: [{ from: 1, to: 2 }, { from: 3, to: 4 }] },
      egressQos: { mapping: [{ from: 5, to: 6 }] },
    });
    expect(vlanInfo(d)).toEqual({
      kind: 'vlan',
      id: 42,
      protocol: '802.1ad',
      flags: { reorderHdr: true, gvrp: true, looseBinding: true, mvrp: false, bridgeBinding: false },
      ingressQos: [{ from: 1, to: 2 }, { from: 3, to: 4 }],
      egressQos: [{ from: 5, to: 6 }],
    });
  });

  it('re-encodes the kernel message byte for byte', () => {
    expect(encode(vlanAttrs, decode(vlanAttrs, BYTES))).toEqual(BYTES);
  });

  it('encodes createVlan options as the request ip sends: only the named flags in the mask', () => {
    const wire = writeView(vlanAttrs, { id: 42, protocol: '802.1ad', flags: { gvrp: true, looseBinding: true }, egressQos: [{ from: 5, to: 6 }] }, '');
    expect(wire).toEqual({ id: 42, protocol: 0x88a8, flags: { flags: 6, mask: 6 }, egressQos: { mapping: [{ from: 5, to: 6 }] } });
    expect(encode(vlanAttrs, wire)).toEqual(
      hex(
        '06 00 01 00 | 2a 00 | 00 00',
        '06 00 05 00 | 88 a8 | 00 00',
        '0c 00 02 00 | 06 00 00 00 06 00 00 00',
        // IFLA_VLAN_EGRESS_QOS, written with NLA_F_NESTED (0x8003); the kernel parses it either way.
        '10 00 03 80 | 0c 00 01 00 05 00 00 00 06 00 00 00',
      ),
    );
  });

  it('refuses bad options before any system call', () => {
    expect(() => writeView(vlanAttrs, { protocol: '802.1x' }, '')).toThrow(/protocol: expected "802.1Q" or "802.1ad"/);
    expect(() => writeView(vlanAttrs, { flags: { gvpr: true } }, '')).toThrow(/flags.gvpr: is not one of reorderHdr, gvrp/);
    expect(() => writeView(vlanAttrs, { ingressQos: [{ from: 1 }] }, '')).toThrow(/ingressQos\[0\]: expected \{ from, to \}/);
  });
});
