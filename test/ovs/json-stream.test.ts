import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonStreamSplitter } from '../../src/ovs/json-stream.js';

const enc = new TextEncoder();

function feedAll(chunks: Uint8Array[]): unknown[] {
  const s = new JsonStreamSplitter();
  return chunks.flatMap((c) => s.push(c)).map((t) => JSON.parse(t));
}

describe('JsonStreamSplitter', () => {
  it('splits back-to-back objects, ignoring brackets and quotes inside strings', () => {
    const a = { id: 1, result: ['{', '}', '"', '\\', '[', ']'], error: null };
    const b = { id: null, method: 'update', params: ['x', { t: { u: { new: { s: 'a"}{b' } } } }] };
    expect(feedAll([enc.encode(JSON.stringify(a) + JSON.stringify(b))])).toEqual([a, b]);
  });

  it('keeps a message cut anywhere, including inside a UTF-8 sequence and after a backslash', () => {
    const msg = { id: 7, result: [{ name: 'brü-€', details: 'quote \\" and \\\\ end' }], error: null };
    const bytes = enc.encode(JSON.stringify(msg));
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(feedAll([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual([msg]);
    }
  });

  it('tolerates whitespace between messages and rejects garbage', () => {
    expect(feedAll([enc.encode(' {"a":1}\n\r\t{"b":[2]} ')])).toEqual([{ a: 1 }, { b: [2] }]);
    expect(() => new JsonStreamSplitter().push(enc.encode('{"a":1}x'))).toThrow(SyntaxError);
  });

  it('reassembles any sequence of messages split into any chunks (property)', () => {
    const value = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), value), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 8 }), (msgs, cuts) => {
        // JSON.parse(JSON.stringify(x)) normalises -0 and the like, as the wire does.
        const expected = msgs.map((m) => JSON.parse(JSON.stringify(m)));
        const bytes = enc.encode(msgs.map((m) => JSON.stringify(m)).join(''));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
        const chunks: Uint8Array[] = [];
        let prev = 0;
        for (const p of [...points, bytes.length]) {
          chunks.push(bytes.subarray(prev, p));
          prev = p;
        }
        expect(feedAll(chunks)).toEqual(expected);
      }),
    );
  });
});
