/**
 * Decoding attribute areas: the decode context, the hidden attribute order
 * every decoded set carries, and decodeAttrs — through the decoder
 * generated for each table (decode-compiled.ts), or the table-driven loop
 * that is its reference and fallback. The tables themselves, and encoding,
 * are schema.ts's (which re-exports all of this).
 */
import { NLA_HDRLEN, NLA_TYPE_MASK, align4 } from './constants.js';
import { DecodeError } from './errors.js';
import { type CompiledDecoder, type DecoderHelpers, compileDecoder } from './decode-compiled.js';
import type { AttrDef, AttrSet, Decoded } from './schema.js';

/** Where a decoder reads: the whole message buffer, a view of it, and the path so far. */
export interface DecodeCtx {
  readonly buf: Uint8Array;
  readonly view: DataView;
  readonly path: string[];
  /** What to leave undecoded at the current level (see DecodeSkip); decodeAttrs narrows it as it enters nests. */
  skip?: DecodeSkip | undefined;
}

/**
 * Attributes a decode leaves undecoded, by key: `true` skips that
 * attribute — its bytes are kept as an unknown attribute's are, so the
 * message still re-encodes byte for byte, but the decoded object lacks
 * the key — and an object skips inside that nest. For readers that need a
 * few fields of many messages (the command's `link show` skips the
 * per-family configuration and the counters it does not print).
 */
export interface DecodeSkip {
  readonly [key: string]: true | DecodeSkip;
}

/** A decode context over `buf`, with an empty path. */
export function decodeCtx(buf: Uint8Array, skip?: DecodeSkip): DecodeCtx {
  return { buf, view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength), path: [], skip };
}

const hasOwn = Object.prototype.hasOwnProperty;

/** A DecodeError naming the attribute path `ctx` has reached (`linkinfo.data.mode` …). */
export function decodeError(ctx: DecodeCtx, message: string): DecodeError {
  return new DecodeError(message, ctx.path.length ? ctx.path.join('.') : undefined);
}

/** A raw attribute: unknown to the table, or kept verbatim. `type` includes the flag bits. */
export interface RawAttr {
  type: number;
  data: Uint8Array;
  /** For a known attribute kept verbatim: its key and the value it decoded to. */
  key?: string;
  value?: unknown;
}

/**
 * The key of a decoded set's attribute order (flag bits, raw attributes)
 * for objects made by hand; decoded sets keep theirs in a private stamp —
 * read either with attrOrderOf.
 */
export const ATTR_ORDER: unique symbol = Symbol.for('rtnl.attrOrder');

export type OrderEntry = number | RawAttr;

export interface WithOrder {
  [ATTR_ORDER]?: OrderEntry[];
}

/**
 * Where a decoded set's attribute order is kept: a private field stamped
 * onto the plain object (a base constructor that returns the object it is
 * given lets a subclass add its private field to it). The object stays
 * plain — Object.prototype, no own property more, so deep equality (also
 * node:assert's strict one), spreading, JSON and util.inspect see just the
 * attributes, as when the order was a non-enumerable property — but
 * defining that property on each of the ~10 objects of a link message was
 * the largest single cost of decoding a dump, and the stamp costs about
 * nothing. Kept in a registry slot, so the ESM and CJS copies of rtnl
 * share it (a set decoded by one re-encodes losslessly through the other).
 */
interface OrderStamp {
  stamp(obj: object, order: OrderEntry[]): void;
  orderOf(obj: object): OrderEntry[] | undefined;
}
const ORDER_STAMP = Symbol.for('rtnl.attrOrderStamp');
const orderStamp: OrderStamp = ((globalThis as Record<symbol, unknown>)[ORDER_STAMP] ??= (() => {
  class Target {
    constructor(obj: object) {
      return obj;
    }
  }
  class Stamped extends Target {
    #order: OrderEntry[];
    constructor(obj: object, order: OrderEntry[]) {
      super(obj);
      this.#order = order;
    }
    static orderOf(obj: object): OrderEntry[] | undefined {
      return #order in obj ? (obj as Stamped).#order : undefined;
    }
  }
  return { stamp: (obj: object, order: OrderEntry[]) => void new Stamped(obj, order), orderOf: (obj: object) => Stamped.orderOf(obj) } satisfies OrderStamp;
})()) as OrderStamp;

/** A new decoded set, its attribute order attached. */
function attrObject(order: OrderEntry[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  orderStamp.stamp(out, order);
  return out;
}

/**
 * The attribute order a decoded set came with (or one set as
 * `obj[ATTR_ORDER]` by hand); undefined for an object that was not decoded.
 */
export function attrOrderOf(obj: object): OrderEntry[] | undefined {
  return orderStamp.orderOf(obj) ?? (obj as WithOrder)[ATTR_ORDER];
}

/**
 * How deep nests may go. Tables can contain themselves (a veth peer holds
 * link attributes, which hold IFLA_LINKINFO, which holds a veth peer …), so
 * without a bound a crafted 64 KiB message nests ~1,600 levels and overflows
 * the JavaScript stack with a RangeError instead of a DecodeError (found by
 * test/hardening). Real rtnetlink messages nest fewer than 8 levels; the
 * kernel itself stops validating nested policies at 10
 * (MAX_POLICY_RECURSION_DEPTH in lib/nlattr.c).
 */
export const MAX_NEST_DEPTH = 32;

/**
 * Decodes the attributes in `[off, end)` with `set` — through the decoder
 * generated for the table (decode-compiled.ts), or the table-driven loop
 * where code cannot be generated; both give the same result.
 */
export function decodeAttrs<A extends AttrSet>(set: A, ctx: DecodeCtx, off: number, end: number): Decoded<A> {
  if (byTableOnly) return decodeAttrsByTable(set, ctx, off, end);
  let fn = set.decoder;
  if (fn === undefined) fn = set.decoder = compileDecoder(set.byType.filter((d): d is AttrDef => d !== undefined), helpersFor(set)) ?? null;
  return (fn ? fn(ctx, off, end) : decodeAttrsByTable(set, ctx, off, end)) as Decoded<A>;
}

let byTableOnly = false;

/**
 * Runs `fn` with every decode going through the table-driven loop instead
 * of the generated decoders — the reference the equivalence test and the
 * codec benchmark compare them with.
 */
export function withTableDecoders<T>(fn: () => T): T {
  const prev = byTableOnly;
  byTableOnly = true;
  try {
    return fn();
  } finally {
    byTableOnly = prev;
  }
}

function malformed(set: AttrSet, ctx: DecodeCtx, what: 'depth' | 'trailing' | 'length', a: number, b: number, c: number): Error {
  if (what === 'depth') return decodeError(ctx, `${set.name}: attributes nested more than ${MAX_NEST_DEPTH} levels deep`);
  if (what === 'trailing') return decodeError(ctx, `${set.name}: ${a} trailing bytes, too short for an attribute header`);
  return decodeError(ctx, `${set.name}: attribute type ${a} has length ${b}, ${c} bytes left`);
}

function helpersFor(set: AttrSet): DecoderHelpers {
  return { malformed: (ctx, what, a, b, c) => malformed(set, ctx, what, a, b, c), attrObject, maxDepth: MAX_NEST_DEPTH };
}

/** decodeAttrs as a loop over the table: the reference the generated decoders are tested against, and their fallback. */
export function decodeAttrsByTable<A extends AttrSet>(set: A, ctx: DecodeCtx, off: number, end: number): Decoded<A> {
  const order: OrderEntry[] = [];
  const out = attrObject(order);
  const { view, path } = ctx;
  const skip = ctx.skip;
  if (path.length > MAX_NEST_DEPTH) throw malformed(set, ctx, 'depth', 0, 0, 0);
  while (off < end) {
    if (end - off < NLA_HDRLEN) throw malformed(set, ctx, 'trailing', end - off, 0, 0);
    const len = view.getUint16(off, true);
    const rawType = view.getUint16(off + 2, true);
    if (len < NLA_HDRLEN || off + len > end) throw malformed(set, ctx, 'length', rawType & NLA_TYPE_MASK, len, end - off);
    const type = rawType & NLA_TYPE_MASK;
    const def = set.byType[type];
    const payload = off + NLA_HDRLEN;
    const plen = len - NLA_HDRLEN;
    if (def === undefined || (!def.multi && out[def.key] !== undefined)) {
      // Unknown, or a repeat of a single-valued attribute: kept verbatim.
      order.push({ type: rawType, data: ctx.buf.slice(payload, payload + plen) });
    } else {
      const sk = skip !== undefined && hasOwn.call(skip, def.key) ? skip[def.key] : undefined;
      if (sk === true) {
        // Left undecoded (DecodeSkip): kept as bytes, as an unknown attribute is.
        order.push({ type: rawType, data: ctx.buf.subarray(payload, payload + plen) });
        off += align4(len);
        continue;
      }
      ctx.skip = sk;
      path.push(def.key);
      const value = def.codec.decode(ctx, payload, plen);
      const exact = def.codec.canonical ? def.codec.canonical(ctx, payload, plen) : true;
      path.pop();
      ctx.skip = skip;
      if (def.multi) {
        const arr = (out[def.key] as unknown[] | undefined) ?? (out[def.key] = []);
        (arr as unknown[]).push(value);
      } else {
        out[def.key] = value;
      }
      order.push(exact ? rawType : { type: rawType, data: ctx.buf.slice(payload, payload + plen), key: def.key, value });
    }
    off += align4(len);
  }
  return out as Decoded<A>;
}
