/**
 * Encoders: every value a table admits encodes, and decodes back equal —
 * with values generated from the descriptor tables themselves (see
 * _arbitraries.ts), so a new attribute set or row is covered automatically.
 * A second encode of the decoded value gives the very same bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AttrSet, type Codec, decodeCtx } from '../../src/netlink/schema.js';
import { ByteWriter } from '../../src/netlink/writer.js';
import type { Family } from '../../src/rtnetlink/family.js';
import { AF } from '../../src/rtnetlink/constants.js';
import { bridgeLinkAttrs, inet6LinkAttrs, linkAttrs, linkMessage } from '../../src/rtnetlink/link/index.js';
import { addrMessage } from '../../src/rtnetlink/addr/index.js';
import { routeMessage } from '../../src/rtnetlink/route/index.js';
import { neighMessage } from '../../src/rtnetlink/neigh/index.js';
import { nsidMessage } from '../../src/rtnetlink/nsid/index.js';
import { ruleMessage } from '../../src/rtnetlink/rule/index.js';
import { codecArbitrary, newCoverage, setArbitrary } from './_arbitraries.js';
import { deepEqual } from './_targets.js';

const RUNS = Number(process.env.RTNL_ROUNDTRIP_RUNS ?? 300);
const cov = newCoverage();

function encodeMessage(f: Family<unknown, AttrSet>, msg: { header: unknown; attrs: Record<string, unknown> }): Uint8Array {
  const w = new ByteWriter();
  w.zeros(16);
  f.encode(w, msg as never);
  const out = w.finish().slice();
  new DataView(out.buffer).setUint32(0, out.length, true);
  return out;
}

/** Headers are codecs too: generated from random bytes of the header's size, through its own decoder. */
function headerArbitrary(f: Family<unknown, AttrSet>): fc.Arbitrary<unknown> {
  return fc.uint8Array({ minLength: f.headerSize, maxLength: f.headerSize }).map((b) => (f.header as Codec<unknown>).decode(decodeCtx(b), 0, b.length));
}

const families: [string, Family<unknown, AttrSet>, AttrSet, number | undefined][] = [
  ['link (AF_UNSPEC)', linkMessage as never, linkAttrs, AF.UNSPEC],
  ['link (AF_BRIDGE: protinfo = bridge port)', linkMessage as never, bridgeLinkAttrs, AF.BRIDGE],
  ['link (AF_INET6: protinfo = inet6)', linkMessage as never, inet6LinkAttrs, AF.INET6],
  ['addr', addrMessage as never, addrMessage.attrs, undefined],
  ['route', routeMessage as never, routeMessage.attrs, undefined],
  ['neigh', neighMessage as never, neighMessage.attrs, undefined],
  ['rule', ruleMessage as never, ruleMessage.attrs, undefined],
  ['nsid', nsidMessage as never, nsidMessage.attrs, undefined],
];

describe('encoders: generated values round-trip through every table', () => {
  for (const [name, f, attrs, family] of families) {
    it(`${name}: encode → decode gives the value back, and re-encoding gives the same bytes`, () => {
      const arb = fc.record({ header: headerArbitrary(f), attrs: setArbitrary(attrs, cov) }).map((m) => {
        if (family !== undefined) (m.header as { family: number }).family = family;
        return m;
      });
      fc.assert(
        fc.property(arb, (msg) => {
          const bytes = encodeMessage(f, msg);
          const back = f.decode(bytes);
          if (!deepEqual(back, msg)) {
            expect(back).toEqual(msg); // a readable diff
          }
          expect(encodeMessage(f, back as never)).toEqual(bytes);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('walked every codec kind with a real generator (the decode-driven fallback only for fixed structs)', () => {
    // Runs after the family tests: the walk above filled `cov`.
    expect(cov.sets.size).toBeGreaterThan(15);
    const kinds = [...cov.kinds.keys()];
    for (const k of ['u8', 'u16', 'u32', 's32', 'uint', 'be64', 'string', 'bytes', 'hwaddr', 'ipaddr', 'linkinfo', 'ifinfomsg+link', 'multipath', 'rtvia', 'ifla_bridge_id']) {
      expect(kinds).toContain(k);
    }
    // Struct codecs (rtnl_link_stats64, ifa_cacheinfo …) have fixed layouts that
    // every byte pattern satisfies; anything else falling back would mean a
    // codec kind without a generator.
    const structLike = /^(rtnl_|ifla_|ifa_|nda_|rta_|br_|fib_rule_|nest\(metrics\)|ifinfomsg|ndmsg|rtgenmsg|rtmsg|ifaddrmsg)/;
    expect([...cov.fallback].filter((k) => !structLike.test(k))).toEqual([]);
  });
});

describe('encoders: individual codecs', () => {
  it('every generated value of a codec survives encode → decode on its own', () => {
    // Rows of the link table, one codec at a time: a failure names the row.
    for (const [key, def] of Object.entries(linkAttrs.byKey)) {
      const arb = codecArbitrary(def.codec as Codec<unknown>, newCoverage(), 2);
      fc.assert(
        fc.property(arb, (v) => {
          const w = new ByteWriter();
          def.codec.encode(w, v as never);
          const b = w.finish();
          const back = def.codec.decode(decodeCtx(b), 0, b.length);
          if (!deepEqual(back, v)) expect({ key, back }).toEqual({ key, back: v });
        }),
        { numRuns: 30 },
      );
    }
  });
});
