/**
 * IFLA_LINKINFO is decoded in context: IFLA_INFO_DATA by the sibling
 * IFLA_INFO_KIND, IFLA_INFO_SLAVE_DATA by IFLA_INFO_SLAVE_KIND. These tests
 * pin that down, including kinds we do not model (kept raw, byte-exact).
 */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/netlink/errors.js';
import { decodeCtx } from '../../../src/netlink/schema.js';
import { ByteWriter } from '../../../src/netlink/writer.js';
import { linkAttrs, toLink, type LinkInfo } from '../../../src/rtnetlink/link/index.js';
import { hex } from './_golden.js';

const codec = linkAttrs.byKey.linkinfo!.codec;

function decode(payload: Uint8Array): LinkInfo {
  return codec.decode(decodeCtx(payload), 0, payload.length) as LinkInfo;
}
function encode(v: LinkInfo): Uint8Array {
  const w = new ByteWriter();
  codec.encode(w, v as never);
  return w.finish().slice();
}

/** The payload of IFLA_LINKINFO for `ip link add gifb type ifb`, from a 6.18 kernel: the ifb driver has no fill_info. */
const IFB = hex(
  // IFLA_INFO_KIND (1) "ifb"
  '08 00 01 00 | 69 66 62 00',
);

/** One IFLA_INFO_DATA payload (IFLA_TUN_TYPE 2, IFLA_TUN_PERSIST 1), under different kinds. */
const DATA = hex('05 00 03 00 | 02 | 00 00 00', '05 00 06 00 | 01 | 00 00 00');
const withKind = (kind: string) =>
  new Uint8Array([
    ...hex(`${(4 + kind.length + 1).toString(16).padStart(2, '0')} 00 01 00`),
    ...new TextEncoder().encode(kind),
    0,
    ...new Uint8Array((4 - ((kind.length + 1) % 4)) % 4),
    // IFLA_INFO_DATA (2), kernel style: no NLA_F_NESTED
    ...hex('14 00 02 00'),
    ...DATA,
  ]);

describe('IFLA_LINKINFO: context-dependent decoding', () => {
  it('ifb: kind only, both ways', () => {
    expect(decode(IFB)).toEqual({ kind: 'ifb' });
    expect(encode({ kind: 'ifb' })).toEqual(IFB);
  });

  it('decodes the same IFLA_INFO_DATA by the kind it travels with', () => {
    expect(decode(withKind('tun'))).toEqual({ kind: 'tun', data: { type: 2, persist: 1 } });
    // A kind we do not model keeps its data as raw bytes…
    const other = decode(withKind('hsr'));
    expect(other).toEqual({ kind: 'hsr', data: DATA });
    // …and both re-encode to the kernel's bytes exactly (NLA_F_NESTED left as it came).
    expect(encode(decode(withKind('tun')))).toEqual(withKind('tun'));
    expect(encode(other)).toEqual(withKind('hsr'));
  });

  it('decodes IFLA_INFO_SLAVE_DATA by IFLA_INFO_SLAVE_KIND, in any attribute order', () => {
    const port = hex(
      // IFLA_INFO_SLAVE_KIND (4) "bridge" — before IFLA_INFO_KIND on purpose
      '0b 00 04 00 | 62 72 69 64 67 65 00 | 00',
      // IFLA_INFO_KIND (1) "veth"
      '09 00 01 00 | 76 65 74 68 00 | 00 00 00',
      // IFLA_INFO_SLAVE_DATA (5): IFLA_BRPORT_COST (3) 7, IFLA_BRPORT_LEARNING (8) 0
      '14 00 05 00',
      '08 00 03 00 | 07 00 00 00',
      '05 00 08 00 | 00 | 00 00 00',
    );
    const v = decode(port);
    expect(v).toEqual({ slaveKind: 'bridge', kind: 'veth', slaveData: { cost: 7, learning: 0 } });
    expect(encode(v)).toEqual(port);
    // A bond port: the bond table (IFLA_BOND_SLAVE_STATE 1: backup).
    const bond = hex('09 00 04 00 | 62 6f 6e 64 00 | 00 00 00', '0c 00 05 00', '05 00 01 00 | 01 | 00 00 00');
    expect(decode(bond)).toEqual({ slaveKind: 'bond', slaveData: { state: 1 } });
    expect(encode(decode(bond))).toEqual(bond);
    // A port of a master kind nobody models (team): slave data stays raw.
    const team = hex('09 00 04 00 | 74 65 61 6d 00 | 00 00 00', '0c 00 05 00', '05 00 01 00 | 01 | 00 00 00');
    expect(decode(team)).toEqual({ slaveKind: 'team', slaveData: hex('05 00 01 00 | 01 | 00 00 00') });
    expect(encode(decode(team))).toEqual(team);
  });

  it('encodes raw bytes given for a known kind verbatim', () => {
    const out = encode({ kind: 'tun', data: DATA });
    expect(out.subarray(out.length - DATA.length)).toEqual(DATA);
  });

  it('keeps unknown attributes inside a known kind', () => {
    const bytes = hex('08 00 01 00 | 74 75 6e 00', '14 00 02 00', '05 00 03 00 | 01 | 00 00 00', '05 00 63 00 | 09 | 00 00 00');
    const v = decode(bytes);
    expect(v.data).toEqual({ type: 1 });
    expect(encode(v)).toEqual(bytes);
  });

  it('reports malformed kind data with the attribute path', () => {
    // IFLA_TUN_TYPE with 4 bytes where a u8 belongs.
    const bad = hex('08 00 01 00 | 74 75 6e 00', '0c 00 02 00', '08 00 03 00 | 01 00 00 00');
    expect(() => decode(bad)).toThrow(DecodeError);
    expect(() => decode(bad)).toThrow(/data\.type/);
  });

  it('toLink leaves `info` out for kinds it does not model; the data stays in attrs', () => {
    const l = toLink({ header: { family: 0, type: 1, index: 9, flags: 0, change: 0 }, attrs: { ifname: 'wg0', linkinfo: { kind: 'hsr', data: DATA } } });
    expect(l.kind).toBe('hsr');
    expect(l.info).toBeUndefined();
    expect(l.attrs.linkinfo?.data).toEqual(DATA);
  });
});
