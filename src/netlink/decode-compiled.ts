/**
 * Attribute decoders generated per table. The table-driven loop in
 * schema.ts (decodeAttrs) stores every attribute under a key it looks up
 * at run time; V8 sees those stores as one site with hundreds of keys and
 * takes its slowest path for each, and a dump of 40,000 links spent most
 * of its decoding there. A decoder generated from the table has one store
 * per attribute, each with its key written in the code, one codec per call
 * site, and a switch on the attribute type — the same steps in the same
 * order, so its results, errors and attribute order are the loop's, and
 * the loop stays as the reference (and the fallback where code generation
 * is forbidden: `--disallow-code-generation-from-strings`).
 *
 * The generated source holds no text from the wire: only attribute keys
 * (identifiers of this library's tables, written as JSON string literals)
 * and numbers.
 */
import type { DecodeCtx } from './decode-attrs.js';

/** A table row as the generator sees it (schema.ts AttrDef). */
interface Row {
  readonly type: number;
  readonly key: string;
  readonly multi: boolean;
  readonly codec: { decode(ctx: DecodeCtx, off: number, len: number): unknown; canonical?(ctx: DecodeCtx, off: number, len: number): boolean };
}

/** What the generated code calls back into (kept in schema.ts, so both decoders share it). */
export interface DecoderHelpers {
  /** The error for a malformed attribute area (decodeAttrs's messages). */
  malformed(ctx: DecodeCtx, what: 'depth' | 'trailing' | 'length', a: number, b: number, c: number): Error;
  /** A new decoded set holding its attribute order (decode-attrs.ts). */
  attrObject(order: unknown[]): Record<string, unknown>;
  readonly maxDepth: number;
}

export type CompiledDecoder = (ctx: DecodeCtx, off: number, end: number) => Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;

/** A decoder for `rows`, or undefined when this runtime forbids generating code. */
export function compileDecoder(rows: readonly Row[], h: DecoderHelpers): CompiledDecoder | undefined {
  const cases = rows.map((r, i) => {
    const k = JSON.stringify(r.key);
    const store = r.multi ? `(out[${k}] ??= []).push(v);` : `out[${k}] = v;`;
    const repeat = r.multi ? '' : `if (out[${k}] !== undefined) { order.push({ type: rawType, data: buf.slice(payload, payload + plen) }); break; }`;
    const exact = r.codec.canonical ? `c${i}.canonical(ctx, payload, plen)` : 'true';
    return `      case ${r.type}: {
        ${repeat}
        if (skip !== undefined && hasOwn.call(skip, ${k})) {
          const s = skip[${k}];
          if (s === true) { order.push({ type: rawType, data: buf.subarray(payload, payload + plen) }); break; }
          ctx.skip = s;
        } else ctx.skip = undefined;
        path.push(${k});
        const v = c${i}.decode(ctx, payload, plen);
        const exact = ${exact};
        path.pop();
        ctx.skip = skip;
        ${store}
        order.push(exact ? rawType : { type: rawType, data: buf.slice(payload, payload + plen), key: ${k}, value: v });
        break;
      }`;
  });
  const body = `
  ${rows.map((_, i) => `const c${i} = rows[${i}].codec;`).join('\n  ')}
  const attrObject = h.attrObject;
  return function decodeAttrs(ctx, off, end) {
    const order = [];
    const out = attrObject(order);
    const view = ctx.view, path = ctx.path, buf = ctx.buf, skip = ctx.skip;
    if (path.length > h.maxDepth) throw h.malformed(ctx, 'depth', 0, 0, 0);
    while (off < end) {
      if (end - off < 4) throw h.malformed(ctx, 'trailing', end - off, 0, 0);
      const len = view.getUint16(off, true);
      const rawType = view.getUint16(off + 2, true);
      if (len < 4 || off + len > end) throw h.malformed(ctx, 'length', rawType & 0x3fff, len, end - off);
      const payload = off + 4;
      const plen = len - 4;
      switch (rawType & 0x3fff) {
${cases.join('\n')}
      default:
        order.push({ type: rawType, data: buf.slice(payload, payload + plen) });
      }
      off += (len + 3) & ~3;
    }
    return out;
  };`;
  try {
    return new Function('rows', 'h', 'hasOwn', body)(rows, h, hasOwn) as CompiledDecoder;
  } catch (e) {
    if (e instanceof EvalError) return undefined;
    throw e;
  }
}

/** DataView reads of a struct field kind (codecs.ts FieldType): method and little-endian flag. */
const READS: Record<string, [string, boolean]> = {
  u8: ['getUint8', false],
  u16: ['getUint16', true],
  u32: ['getUint32', true],
  u64: ['getBigUint64', true],
  s32: ['getInt32', true],
  s64: ['getBigInt64', true],
  be16: ['getUint16', false],
  be32: ['getUint32', false],
};

/**
 * A reader of a whole struct (every field present) as one object literal:
 * all decoded structs of a kind then share one shape. Undefined where code
 * cannot be generated; the struct codec's field loop does the work then,
 * and always for payloads shorter than the struct.
 */
export function compileStructReader(layout: readonly { key: string; t: string; at: number }[]): ((view: DataView, off: number) => Record<string, number | bigint>) | undefined {
  const fields = layout.map(({ key, t, at }) => {
    const [method, little] = READS[t] as [string, boolean];
    return `${JSON.stringify(key)}: view.${method}(off + ${at}${method === 'getUint8' ? '' : `, ${little}`})`;
  });
  try {
    return new Function('view', 'off', `return { ${fields.join(', ')} };`) as (view: DataView, off: number) => Record<string, number | bigint>;
  } catch (e) {
    if (e instanceof EvalError) return undefined;
    throw e;
  }
}
