/**
 * The generated attribute decoders (src/netlink/decode-compiled.ts) against
 * the table-driven loop they replace (decodeAttrsByTable, run through
 * withTableDecoders): for every recorded kernel message and for mutated
 * ones (the decoder fuzzer's cases), both give the same value — keys,
 * values, the hidden attribute order with its raw and non-canonical
 * entries, struct tails — or the same error, with the same message and
 * attribute path. Also: a DecodeSkip leaves exactly the skipped attributes
 * out, and the message still re-encodes byte for byte.
 */
import assert from 'node:assert';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attrOrderOf, withTableDecoders } from '../../src/netlink/schema.js';
import { STRUCT_TAIL } from '../../src/netlink/codecs.js';
import { ByteWriter } from '../../src/netlink/writer.js';
import { reencode } from '../../src/rtnetlink/family.js';
import { RTM } from '../../src/rtnetlink/constants.js';
import { linkMessage } from '../../src/rtnetlink/link/index.js';
import { loadCorpus } from './_corpus.js';
import { buildCase, mutationCase } from './_mutate.js';
import { TARGETS, targetForType } from './_targets.js';

const corpus = loadCorpus();
const SEED = Number(process.env.RTNL_FUZZ_SEED ?? Date.now() % 2 ** 31);

/** A decoded value with what is hidden in it made visible: attribute order and struct tails. */
function visible(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? `${v}n` : v;
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('hex') };
  if (Array.isArray(v)) return v.map(visible);
  const o = v as Record<string | symbol, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[k] = visible(o[k]);
  const order = attrOrderOf(o);
  if (order !== undefined) out['[order]'] = visible(order);
  const tail = o[STRUCT_TAIL];
  if (tail !== undefined) out['[tail]'] = visible(tail);
  return out;
}

function outcome(decode: () => unknown): unknown {
  try {
    return { value: visible(decode()) };
  } catch (e) {
    const x = e as { name?: string; message?: string; attrPath?: string };
    return { error: { name: x.name, message: x.message, attrPath: x.attrPath } };
  }
}

function same(decode: (b: Uint8Array) => unknown, bytes: Uint8Array): void {
  const generated = outcome(() => decode(bytes));
  const table = withTableDecoders(() => outcome(() => decode(bytes)));
  expect(generated).toEqual(table);
}

describe('generated attribute decoders', () => {
  it('decode every recorded kernel message exactly as the table loop does', () => {
    let n = 0;
    for (const m of corpus.messages) {
      const t = targetForType(m.type);
      if (!t?.family) continue;
      const f = t.family;
      same((b) => f.decode(b), m.bytes);
      n++;
    }
    expect(n).toBeGreaterThan(100);
  });

  it(`decode mutated messages exactly as the table loop does: same value or same error (seed ${SEED})`, () => {
    const families = Object.values(TARGETS).flatMap((t) => ('family' in t && t.family ? [t.family] : []));
    fc.assert(
      fc.property(mutationCase, (c) => {
        const { bytes } = buildCase(c, corpus);
        for (const f of families) same((b) => f.decode(b), bytes);
      }),
      { numRuns: 1500, seed: SEED },
    );
  });

  it('a decoded set is a plain object: Object.prototype, strictly deep-equal to a literal, its order seen only through attrOrderOf', () => {
    const m = corpus.messages.find((x) => x.type === RTM.NEWLINK)!;
    const { attrs } = linkMessage.decode(m.bytes);
    expect(Object.getPrototypeOf(attrs)).toBe(Object.prototype);
    const literal = JSON.parse(JSON.stringify(attrs, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? [...v] : v)));
    expect(Object.keys(attrs)).toEqual(Object.keys(literal));
    expect(Object.getOwnPropertySymbols(attrs)).toEqual([]);
    expect(Object.getOwnPropertyNames(attrs)).toEqual(Object.keys(literal));
    expect(inspect(attrs)).not.toMatch(/order|Symbol|#/);
    const copy = { ...attrs };
    expect(attrOrderOf(copy)).toBeUndefined(); // a copy is a new object: re-encoded in table order
    expect(attrOrderOf(attrs)?.length).toBeGreaterThan(10);
    assert.deepStrictEqual(copy, attrs); // node:assert compares prototypes too
  });

  it('a DecodeSkip leaves out exactly what it names, and the message still re-encodes to the kernel\'s bytes', () => {
    const links = corpus.messages.filter((m) => m.type === RTM.NEWLINK);
    expect(links.length).toBeGreaterThan(10);
    const skip = { stats64: true, afSpec: { inet6: { conf: true } }, map: true } as const;
    const w = new ByteWriter();
    for (const m of links) {
      const full = linkMessage.decode(m.bytes);
      const part = linkMessage.decode(m.bytes, { skip });
      const expected = { ...full.attrs } as Record<string, unknown>;
      delete expected.stats64;
      delete expected.map;
      if (full.attrs.afSpec && !(full.attrs.afSpec instanceof Uint8Array) && full.attrs.afSpec.inet6) {
        const inet6 = { ...full.attrs.afSpec.inet6 } as Record<string, unknown>;
        delete inet6.conf;
        expected.afSpec = { ...full.attrs.afSpec, inet6 };
      }
      expect(part.attrs).toEqual(expected);
      for (const msg of [full, part]) expect(Buffer.from(reencode(linkMessage, m.bytes, msg, w))).toEqual(Buffer.from(m.bytes));
      // The same under the table loop.
      expect(visible(withTableDecoders(() => linkMessage.decode(m.bytes, { skip })))).toEqual(visible(part));
    }
  });
});
