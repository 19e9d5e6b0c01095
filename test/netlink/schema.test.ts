import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../src/netlink/writer.js';
import { attr, attrOrderOf, attrSet, decodeAttrs, decodeCtx, encodeAttrs, nest, unknownAttrs } from '../../src/netlink/schema.js';
import { be16, bytes, flag, hwaddr, ipaddr, s32, string, struct, u16, u32, u64, u8, uint } from '../../src/netlink/codecs.js';
import { hex, toHex } from '../helpers/hex.js';
import { DecodeError, EncodeError } from '../../src/netlink/errors.js';
import { NLA_F_NESTED } from '../../src/netlink/constants.js';

const inner = attrSet('inner', {
  name: attr(1, string),
  port: attr(2, be16),
});
const outer = attrSet('outer', {
  mtu: attr(1, u32),
  label: attr(2, string),
  on: attr(3, flag),
  big: attr(4, u64),
  mac: attr(5, hwaddr),
  child: attr(6, nest(inner)),
  tag: attr(7, u16, { multi: true }),
  ip: attr(8, ipaddr),
  small: attr(9, u8),
  signed: attr(10, s32),
  stats: attr(11, struct('pair', { a: 'u32', b: 'u64' })),
  counter: attr(12, uint),
  blob: attr(13, bytes),
});


function encode(obj: Parameters<typeof encodeAttrs<typeof outer>>[2]): Uint8Array {
  const w = new ByteWriter();
  encodeAttrs(w, outer, obj);
  return w.finish().slice();
}
const decode = (b: Uint8Array) => decodeAttrs(outer, decodeCtx(b), 0, b.length);

describe('attribute tables', () => {
  // Golden bytes, field by field (little-endian nla_len, nla_type; payloads padded to 4).
  const golden = hex(`
    0800 0100 dc050000                 mtu = 1500
    0900 0200 65746830 00 000000       label = "eth0\\0" + 3 pad
    0400 0300                          on (flag, no payload)
    0c00 0400 0100000000000080         big = 2^63 + 1
    0a00 0500 02aabbccddee 0000        mac = 02:aa:bb:cc:dd:ee + 2 pad
    1400 0680                          child: nest, NLA_F_NESTED, len 20
      0700 0100 6272 00 00               name = "br\\0" + pad
      0600 0200 12b5 0000                port = 4789 big-endian + pad
    0600 0700 0100 0000                tag[0] = 1
    0600 0700 0200 0000                tag[1] = 2
    0800 0800 0a000001                 ip = 10.0.0.1
  `);
  const value = {
    mtu: 1500,
    label: 'eth0',
    on: true as const,
    big: 2n ** 63n + 1n,
    mac: '02:aa:bb:cc:dd:ee',
    child: { name: 'br', port: 4789 },
    tag: [1, 2],
    ip: '10.0.0.1',
  };

  it('encodes to the golden bytes', () => {
    expect(toHex(encode(value))).toBe(toHex(golden));
  });

  it('decodes the golden bytes', () => {
    expect(decode(golden)).toEqual(value);
  });

  it('keeps unknown attributes and re-encodes byte for byte', () => {
    const withUnknown = new Uint8Array([...golden, ...hex('0800 6300 deadbeef'), ...hex('0500 6400 7f 000000')]);
    const d = decode(withUnknown);
    expect(unknownAttrs(d).map((a) => a.type)).toEqual([0x63, 0x64]);
    expect(toHex(encode(d))).toBe(toHex(withUnknown));
  });

  it('preserves attribute order and flag bits, and applies edits', () => {
    // child without NLA_F_NESTED (as the kernel sends IFLA_LINKINFO), before mtu.
    const src = hex('0c00 0600 0700 0100 6272 00 00   0800 0100 dc050000');
    const d = decode(src);
    expect(toHex(encode(d))).toBe(toHex(src));
    d.mtu = 9000;
    d.label = 'x';
    const edited = decode(encode(d));
    expect(edited).toEqual({ child: { name: 'br' }, mtu: 9000, label: 'x' });
    const order = attrOrderOf(edited);
    expect(order).toEqual([6, 1, 2]);
    // A new nest gets NLA_F_NESTED.
    const fresh = encode({ child: { name: 'a' } });
    expect(new DataView(fresh.buffer).getUint16(2, true)).toBe(6 | NLA_F_NESTED);
  });

  it('keeps non-canonical strings verbatim', () => {
    const src = hex('0c00 0200 6162 00 00 00 00 00 00'); // "ab" + 6 NULs
    const d = decode(src);
    expect(d.label).toBe('ab');
    expect(toHex(encode(d))).toBe(toHex(src));
  });

  it('round-trips structs shorter and longer than the known layout', () => {
    const full = hex('1000 0b00 01000000 0200000000000000');
    expect(decode(full).stats).toEqual({ a: 1, b: 2n });
    const short = hex('0800 0b00 07000000');
    expect(decode(short).stats).toEqual({ a: 7 });
    expect(toHex(encode(decode(short)))).toBe(toHex(short));
    const long = hex('1400 0b00 01000000 0200000000000000 aabbccdd');
    expect(toHex(encode(decode(long)))).toBe(toHex(long));
  });

  it('decodes uint as u32 or u64 and round-trips both widths', () => {
    const four = hex('0800 0c00 05000000');
    const eight = hex('0c00 0c00 0500000000000000');
    expect(decode(four).counter).toBe(5n);
    expect(decode(eight).counter).toBe(5n);
    expect(toHex(encode(decode(four)))).toBe(toHex(four));
    expect(toHex(encode(decode(eight)))).toBe(toHex(eight));
  });

  it('rejects wrong widths with the attribute path', () => {
    const bad = hex('1000 0680 0c00 0200 01020304 05060708');
    expect(() => decode(bad)).toThrow(DecodeError);
    try {
      decode(bad);
    } catch (e) {
      expect((e as DecodeError).path).toBe('child.port');
      expect((e as Error).message).toMatch(/be16 wants 2 bytes, got 8/);
    }
  });

  it('rejects lengths that run past the end or below the header', () => {
    expect(() => decode(hex('0c00 0100 dc050000'))).toThrow(/length 12, 8 bytes left/);
    expect(() => decode(hex('0200 0100'))).toThrow(DecodeError);
    expect(() => decode(hex('0800 01'))).toThrow(/too short for an attribute header/);
  });

  it('records the first encode error and throws it at finish', () => {
    const w = new ByteWriter();
    encodeAttrs(w, outer, { mtu: -1, small: 300, label: 'ok' });
    expect(() => w.finish()).toThrow(EncodeError);
    expect(() => w.finish()).toThrow(/invalid u32: -1 \(at mtu\)/);
  });

  it('rejects keys the table does not know', () => {
    const w = new ByteWriter();
    encodeAttrs(w, outer, { nope: 1 } as never);
    expect(() => w.finish()).toThrow(/unknown attribute "nope"/);
  });

  it('traces attribute offsets and paths for error mapping', () => {
    const w = new ByteWriter();
    w.trace = [];
    encodeAttrs(w, outer, { mtu: 1, child: { name: 'x', port: 1 } });
    expect(w.trace.map((t) => [t.offset, t.path])).toEqual([
      [0, 'mtu'],
      [8, 'child'],
      [12, 'child.name'],
      [20, 'child.port'],
    ]);
  });
});
