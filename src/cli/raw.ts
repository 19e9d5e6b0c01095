/**
 * Attribute payloads by number, whatever the library's tables model.
 *
 * `ip -j -d` prints ~80 link attributes, each with its own width and
 * spelling. The command keeps its own printing tables keyed by the
 * kernel's attribute numbers (IFLA_*, IFLA_BR_* …), so it needs each
 * attribute's payload bytes. A decoded object hands them over either way:
 * an attribute its table models is re-encoded through the table's codec
 * (decode → encode is lossless by construction, see netlink/schema.ts), and
 * one it does not model is kept raw beside it. So the output stays the same
 * when the library starts modelling more attributes.
 */
import { NLA_HDRLEN, NLA_TYPE_MASK, align4 } from '../wire.js';
import { type AttrSet, unknownAttrs } from '../wire.js';
import { ByteWriter } from '../wire.js';

/** Payloads of one attribute set, by attribute number. */
export type RawAttrs = Map<number, Uint8Array>;

/** Every attribute of a decoded object of `set`, as payload bytes by number. */
export function rawAttrsOf(set: AttrSet, obj: object): RawAttrs {
  const out: RawAttrs = new Map();
  const values = obj as Record<string, unknown>;
  for (const [key, def] of Object.entries(set.byKey)) {
    const v = values[key];
    if (v === undefined) continue;
    // A repeatable attribute: the first value is enough for printing.
    const one = def.multi && Array.isArray(v) ? v[0] : v;
    if (one === undefined) continue;
    const w = new ByteWriter(64);
    def.codec.encode(w, one as never);
    if (w.failed) continue;
    out.set(def.type, w.finish());
  }
  for (const r of unknownAttrs(obj)) {
    const t = r.type & NLA_TYPE_MASK;
    if (!out.has(t)) out.set(t, r.data);
  }
  return out;
}

/** Splits a nest's payload into its attributes (the first of each number wins). */
export function parseNest(payload: Uint8Array | undefined): RawAttrs {
  const out: RawAttrs = new Map();
  if (!payload) return out;
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let off = 0;
  while (off + NLA_HDRLEN <= payload.length) {
    const len = v.getUint16(off, true);
    const type = v.getUint16(off + 2, true) & NLA_TYPE_MASK;
    if (len < NLA_HDRLEN || off + len > payload.length) break;
    if (!out.has(type)) out.set(type, payload.subarray(off + NLA_HDRLEN, off + len));
    off += align4(len);
  }
  return out;
}

/** Readers for payloads; each returns undefined when the payload is too short. */
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
export const rd = {
  u8: (b: Uint8Array | undefined) => (b && b.length >= 1 ? b[0] : undefined),
  u16: (b: Uint8Array | undefined) => (b && b.length >= 2 ? view(b).getUint16(0, true) : undefined),
  be16: (b: Uint8Array | undefined) => (b && b.length >= 2 ? view(b).getUint16(0, false) : undefined),
  u32: (b: Uint8Array | undefined) => (b && b.length >= 4 ? view(b).getUint32(0, true) : undefined),
  s32: (b: Uint8Array | undefined) => (b && b.length >= 4 ? view(b).getInt32(0, true) : undefined),
  be32: (b: Uint8Array | undefined) => (b && b.length >= 4 ? view(b).getUint32(0, false) : undefined),
  u64: (b: Uint8Array | undefined) => (b && b.length >= 8 ? view(b).getBigUint64(0, true) : undefined),
  str: (b: Uint8Array | undefined) => {
    if (!b) return undefined;
    const nul = b.indexOf(0);
    return new TextDecoder().decode(nul >= 0 ? b.subarray(0, nul) : b);
  },
};
