/**
 * readLink / readLinkAt (src/route/link/read.ts): the Link built straight
 * from a message's bytes, with `attrs`, `stats`, `info` and `portInfo`
 * decoded on first access, must be the Link `toLink(linkMessage.decode())`
 * builds — same keys, same order, same values — and `attrs` must re-encode
 * to the kernel's bytes.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/netlink/errors.js';
import { attrOrderOf, unknownAttrs } from '../../../src/netlink/schema.js';
import { ByteWriter } from '../../../src/netlink/writer.js';
import { RTM } from '../../../src/rtnetlink/constants.js';
import { reencode } from '../../../src/rtnetlink/family.js';
import { type Link, linkMessage, readLink, readLinkAt, toLink } from '../../../src/rtnetlink/link/index.js';
import { loadCorpus } from '../../hardening/_corpus.js';

const links = loadCorpus()
  .messages.filter((m) => m.type === RTM.NEWLINK)
  .map((m) => m.bytes);

/** JSON with bigints as strings: what a program printing a Link sees. */
const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

/** Appends one attribute (type, payload) to a link message, fixing nlmsg_len. */
function withAttr(msg: Uint8Array, type: number, payload: number[]): Uint8Array {
  const len = 4 + payload.length;
  const out = new Uint8Array(msg.length + ((len + 3) & ~3));
  out.set(msg);
  const v = new DataView(out.buffer);
  v.setUint16(msg.length, len, true);
  v.setUint16(msg.length + 2, type, true);
  out.set(payload, msg.length + 4);
  v.setUint32(0, out.length, true);
  return out;
}

/** Byte offset of the first top-level attribute of `type` in a link message. */
function attrOffset(msg: Uint8Array, type: number): number {
  const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  for (let off = 32; off + 4 <= msg.length; off += (v.getUint16(off, true) + 3) & ~3) {
    if ((v.getUint16(off + 2, true) & 0x3fff) === type) return off;
  }
  return -1;
}

describe('readLink', () => {
  it('has link messages of every modelled kind to check against (veth, bridge, bridge port, tun, vxlan, ifb)', () => {
    const kinds = new Set(links.map((b) => readLink(b).kind));
    for (const k of ['veth', 'bridge', 'tun', 'vxlan', 'ifb']) expect(kinds).toContain(k);
    expect(links.some((b) => readLink(b).portInfo !== undefined)).toBe(true);
  });

  it('builds the same Link as toLink(linkMessage.decode()): keys, order, values', () => {
    for (const bytes of links) {
      const eager = toLink(linkMessage.decode(bytes));
      const lazy = readLink(bytes);
      expect(Object.keys(lazy)).toEqual(Object.keys(eager));
      expect(lazy).toEqual(eager);
      expect(json(lazy)).toBe(json(eager));
      expect({ ...readLink(bytes) }).toEqual({ ...eager });
    }
  });

  it('decodes attrs on first access, into a plain data property, and re-encodes them to the kernel bytes', () => {
    const w = new ByteWriter();
    for (const bytes of links) {
      const link = readLink(bytes);
      expect(Object.getOwnPropertyDescriptor(link, 'attrs')?.get).toBeTypeOf('function');
      const attrs = link.attrs;
      expect(Object.getOwnPropertyDescriptor(link, 'attrs')).toMatchObject({ value: attrs, enumerable: true, writable: true });
      expect(link.attrs).toBe(attrs);
      const again = reencode(linkMessage, bytes, { header: link.header, attrs }, w);
      expect(Buffer.from(again).toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
    }
  });

  it('keeps attributes it does not model, and their order, through the lazy decode', () => {
    const bytes = withAttr(links[0] as Uint8Array, 0x3ff0, [1, 2, 3, 4, 5]);
    const link = readLink(bytes);
    expect(unknownAttrs(link.attrs).map((a) => [a.type, [...a.data]])).toEqual([[0x3ff0, [1, 2, 3, 4, 5]]]);
    expect(attrOrderOf(link.attrs)).toBeDefined();
    const again = reencode(linkMessage, bytes, { header: link.header, attrs: link.attrs }, new ByteWriter());
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });

  it('gives stats and attrs.stats64 as one object, whichever is read first', () => {
    const bytes = links.find((b) => readLink(b).stats !== undefined) as Uint8Array;
    const a = readLink(bytes);
    const s = a.stats;
    expect(a.attrs.stats64).toBe(s);
    const b = readLink(bytes);
    const attrs = b.attrs;
    expect(b.stats).toBe(attrs.stats64);
    expect(a.stats).toEqual(b.stats);
    expect(typeof s?.rxBytes).toBe('bigint');
  });

  it('is a plain object: Object.prototype, no own symbols, assignable, freezable, structured-cloneable', () => {
    const bytes = links[0] as Uint8Array;
    const link = readLink(bytes);
    expect(Object.getPrototypeOf(link)).toBe(Object.prototype);
    expect(Object.getOwnPropertySymbols(link)).toEqual([]);
    const mine = { ifname: 'x' } as Link['attrs'];
    link.attrs = mine;
    expect(link.attrs).toBe(mine);
    link.mtu = 1234;
    expect(link.mtu).toBe(1234);
    const frozen = Object.freeze(readLink(bytes));
    expect(frozen.attrs).toEqual(linkMessage.decode(bytes).attrs);
    expect(structuredClone(readLink(bytes))).toEqual(toLink(linkMessage.decode(bytes)));
  });

  it('reads in place from a buffer that is overwritten afterwards (readLinkAt)', () => {
    const bytes = links[0] as Uint8Array;
    const buf = new Uint8Array(bytes.length + 64);
    buf.set(bytes, 64);
    const link = readLinkAt(buf, new DataView(buf.buffer), 64, bytes.length);
    const kept = readLinkAt(buf, new DataView(buf.buffer), 64, bytes.length, buf.slice());
    buf.fill(0xee);
    expect(link).toEqual(toLink(linkMessage.decode(bytes)));
    expect(kept).toEqual(toLink(linkMessage.decode(bytes)));
  });

  it('rejects what linkMessage.decode rejects at the top level, with the same DecodeError', () => {
    const bytes = links[0] as Uint8Array;
    const cases: Uint8Array[] = [bytes.subarray(0, 20)];
    const short = bytes.slice();
    new DataView(short.buffer).setUint32(0, bytes.length + 8, true);
    cases.push(short);
    const badLen = bytes.slice();
    new DataView(badLen.buffer).setUint16(32, 2, true);
    cases.push(badLen);
    // The first IFLA_MTU two bytes short (its padded size stays 8).
    const mtu = attrOffset(bytes, 4);
    expect(mtu).toBeGreaterThan(0);
    const narrowMtu = bytes.slice();
    new DataView(narrowMtu.buffer).setUint16(mtu, 6, true);
    cases.push(narrowMtu);
    for (const c of cases) {
      let eager: unknown;
      try {
        linkMessage.decode(c);
      } catch (e) {
        eager = e;
      }
      expect(eager, Buffer.from(c).toString('hex').slice(0, 80)).toBeInstanceOf(DecodeError);
      expect(() => readLink(c)).toThrow(DecodeError);
      try {
        readLink(c);
      } catch (e) {
        expect((e as DecodeError).message).toBe((eager as DecodeError).message);
      }
    }
    // A second IFLA_MTU of the wrong width is kept raw by both: not an error.
    expect(() => linkMessage.decode(withAttr(bytes, 4, [1, 2]))).not.toThrow();
    expect(() => readLink(withAttr(bytes, 4, [1, 2]))).not.toThrow();
  });

  it('throws a malformed nested attribute’s DecodeError when the lazy part is read', () => {
    const bytes = links.find((b) => readLink(b).stats !== undefined) as Uint8Array;
    // IFLA_AF_SPEC whose first nest claims more bytes than there are.
    const afSpec = attrOffset(bytes, 26);
    expect(afSpec).toBeGreaterThan(0);
    const broken = bytes.slice();
    new DataView(broken.buffer).setUint16(afSpec + 4, 0xfff0, true);
    expect(() => linkMessage.decode(broken)).toThrow(DecodeError);
    const link = readLink(broken);
    expect(link.name).toBe(readLink(bytes).name);
    expect(() => link.attrs).toThrow(DecodeError);
    expect(link.stats).toEqual(readLink(bytes).stats);
  });

  it('agrees with the eager decoder on mutated messages: same Link or both reject', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let compared = 0;
    for (let i = 0; i < 3000; i++) {
      const src = links[rnd(links.length)] as Uint8Array;
      const m = src.slice();
      for (let k = 1 + rnd(3); k > 0; k--) m[32 + rnd(m.length - 32)] = rnd(256);
      let eager: Link | undefined;
      try {
        eager = toLink(linkMessage.decode(m));
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
      }
      let lazy: Link | undefined;
      try {
        lazy = readLink(m);
        if (eager) lazy = { ...lazy };
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
      }
      if (eager) {
        expect(lazy).toEqual(eager);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(300);
  });
});
