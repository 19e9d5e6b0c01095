/**
 * fast-check arbitraries that turn recorded kernel messages into hostile
 * ones: structural edits on the attribute tree (insert zero-length or
 * random attributes, delete, duplicate, reorder, retype, replace payloads,
 * nest an attribute inside itself, wrap it in deep nests, splice in
 * attributes of other messages) and then byte edits that break the framing
 * on purpose (bit flips, byte stores, truncation, appended garbage,
 * nlmsg_len and nla_len fields pointing short, long, to zero or past the end).
 */
import fc from 'fast-check';
import type { Corpus, Seed } from './_corpus.js';
import { MAX_TREE_DEPTH, type TlvMessage, type TlvNode, cloneNode, lengthFields, lists, maxDepth, parseTlv, serialize } from './_tlv.js';
import { TARGET_LIST, type Target, targetForType } from './_targets.js';

const NESTED = 0x8000;

/** Attribute types worth trying: small known ones, with and without the flag bits, and extremes. */
const attrType = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 70 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 70 }).map((t) => t | NESTED) },
  { weight: 1, arbitrary: fc.constantFrom(0, 0x4000, 0x8000, 0xc000, 0x3fff, 0xffff) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
);

/** Payloads with the lengths decoders care about (0–9, 16, 17 …) and contents that hurt (no NUL, bad UTF-8). */
const payload = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 18, 24, 32).map((n) => new Uint8Array(n).fill(0xff)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => new TextEncoder().encode(s)) },
  { weight: 1, arbitrary: fc.constantFrom(Uint8Array.of(0xc3), Uint8Array.of(0xff, 0xfe, 0), Uint8Array.of(0xed, 0xa0, 0x80, 0), Uint8Array.of(0x61, 0, 0x62, 0)) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 200, maxLength: 2000 }) },
);

export type StructOp =
  | { k: 'insert'; list: number; at: number; node: TlvNode }
  | { k: 'delete'; list: number; at: number }
  | { k: 'duplicate'; list: number; at: number; times: number }
  | { k: 'swap'; list: number; at: number; with: number }
  | { k: 'retype'; list: number; at: number; type: number }
  | { k: 'repayload'; list: number; at: number; payload: Uint8Array }
  | { k: 'selfNest'; list: number; at: number; depth: number }
  | { k: 'wrap'; list: number; at: number; depth: number; type: number }
  | { k: 'splice'; list: number; at: number; from: number; pick: number }
  | { k: 'vethChain'; at: number; depth: number };

export type ByteOp =
  | { k: 'flip'; pos: number; bit: number }
  | { k: 'set'; pos: number; value: number }
  | { k: 'truncate'; keep: number }
  | { k: 'append'; bytes: Uint8Array }
  | { k: 'nlmsgLen'; value: number }
  | { k: 'nlaLen'; which: number; value: number; relative: boolean };

const idx = fc.nat({ max: 1 << 16 });

const leaf = fc.record({ type: attrType, payload }).map((n): TlvNode => n);
const tlvTree: fc.Arbitrary<TlvNode> = fc.letrec<{ node: TlvNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ type: attrType, kids: fc.array(tie('node'), { maxLength: 4 }) }).map(({ type, kids }): TlvNode => ({ type, payload: new Uint8Array(0), children: kids })),
  ),
})).node;

export const structOp: fc.Arbitrary<StructOp> = fc.oneof(
  fc.record({ k: fc.constant('insert' as const), list: idx, at: idx, node: fc.oneof(fc.record({ type: attrType, payload: fc.constant(new Uint8Array(0)) }), leaf, tlvTree) }),
  fc.record({ k: fc.constant('delete' as const), list: idx, at: idx }),
  fc.record({ k: fc.constant('duplicate' as const), list: idx, at: idx, times: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ k: fc.constant('swap' as const), list: idx, at: idx, with: idx }),
  fc.record({ k: fc.constant('retype' as const), list: idx, at: idx, type: attrType }),
  fc.record({ k: fc.constant('repayload' as const), list: idx, at: idx, payload }),
  fc.record({ k: fc.constant('selfNest' as const), list: idx, at: idx, depth: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 20, max: 2000 })) }),
  fc.record({ k: fc.constant('wrap' as const), list: idx, at: idx, depth: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 30, max: 2500 })), type: attrType }),
  fc.record({ k: fc.constant('splice' as const), list: idx, at: idx, from: idx, pick: idx }),
  fc.record({ k: fc.constant('vethChain' as const), at: idx, depth: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 25, max: 40 }), fc.integer({ min: 100, max: 1600 })) }),
);

/**
 * The one cycle in the attribute tables: IFLA_LINKINFO → IFLA_INFO_DATA (veth)
 * → VETH_INFO_PEER → ifinfomsg + link attributes → IFLA_LINKINFO … Random
 * nesting never follows the tables this far, so this builds the chain on
 * purpose, `depth` levels deep (within the 64 KiB a nest can frame).
 */
export function vethChain(depth: number): Uint8Array {
  // Each level is 40 bytes of headers around the next one, so the whole
  // chain is written front to back in one buffer (linear, not quadratic).
  //   IFLA_LINKINFO hdr (4) | IFLA_INFO_KIND "veth\0" (12) | IFLA_INFO_DATA hdr (4) | VETH_INFO_PEER hdr (4) | ifinfomsg (16) | next level
  const levels = Math.min(depth, 1500);
  const out = new Uint8Array(40 * levels);
  const v = new DataView(out.buffer);
  const veth = new TextEncoder().encode('veth\0');
  for (let i = 0; i < levels; i++) {
    const off = 40 * i;
    const size = 40 * (levels - i);
    v.setUint16(off, size, true);
    v.setUint16(off + 2, 18 | NESTED, true);
    v.setUint16(off + 4, 4 + veth.length, true);
    v.setUint16(off + 6, 1, true);
    out.set(veth, off + 8);
    v.setUint16(off + 16, size - 16, true);
    v.setUint16(off + 18, 2 | NESTED, true);
    v.setUint16(off + 20, size - 20, true);
    v.setUint16(off + 22, 1, true);
  }
  return out;
}

export const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('flip' as const), pos: idx, bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('set' as const), pos: idx, value: fc.oneof(fc.constantFrom(0, 1, 3, 4, 5, 0x7f, 0x80, 0xff), fc.integer({ min: 0, max: 255 })) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('truncate' as const), keep: idx }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant('nlmsgLen' as const), value: fc.oneof(fc.constantFrom(0, 1, 15, 16, 17, 19, 20, 0x7fffffff, 0x80000000, 0xffffffff), fc.nat({ max: 0xffffffff })) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('nlaLen' as const),
      which: idx,
      relative: fc.boolean(),
      value: fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 0xffff), fc.integer({ min: -8, max: 8 }), fc.integer({ min: 0, max: 0xffff })),
    }),
  },
);

function pickList(m: TlvMessage, i: number): TlvNode[] {
  const all = lists(m);
  return all[i % all.length] as TlvNode[];
}

/** Applies one structural edit in place. Bounded: no edit makes more than ~64 KiB. */
export function applyStruct(m: TlvMessage, op: StructOp, corpus: Corpus): void {
  if (op.k === 'vethChain') {
    // Only meaningful at the top level of a link message; elsewhere it is just another odd attribute.
    const chain = vethChain(op.depth);
    if (!chain.length) return;
    const v = new DataView(chain.buffer, chain.byteOffset);
    m.attrs.splice(op.at % (m.attrs.length + 1), 0, { type: v.getUint16(2, true), payload: chain.slice(4, v.getUint16(0, true)) });
    return;
  }
  const list = pickList(m, op.list);
  const at = list.length ? op.at % list.length : 0;
  const node = list[at];
  switch (op.k) {
    case 'insert':
      list.splice(op.at % (list.length + 1), 0, cloneNode(op.node));
      return;
    case 'delete':
      if (node) list.splice(at, 1);
      return;
    case 'duplicate':
      if (node) for (let i = 0; i < op.times; i++) list.splice(at, 0, cloneNode(node));
      return;
    case 'swap': {
      const j = list.length ? op.with % list.length : 0;
      if (node && list[j]) [list[at], list[j]] = [list[j] as TlvNode, node];
      return;
    }
    case 'retype':
      if (node) node.type = op.type;
      return;
    case 'repayload':
      if (node) {
        node.payload = op.payload;
        delete node.children;
      }
      return;
    case 'selfNest': {
      // The node's children become a copy of the node itself, `depth` times over.
      if (!node?.children) return;
      // Bounded so the result stays near the 64 KiB a nest can frame.
      const room = Math.floor((MAX_TREE_DEPTH - maxDepth(m.attrs)) / maxDepth([node]));
      if (room < 1) return;
      const levels = Math.min(op.depth, room, Math.max(1, Math.floor(60_000 / serialize({ head: new Uint8Array(0), attrs: [node] }).length)));
      let inner = cloneNode(node);
      for (let i = 1; i < levels; i++) {
        const outer = cloneNode(node);
        outer.children = [inner];
        inner = outer;
      }
      node.children = [inner];
      return;
    }
    case 'wrap': {
      if (!node) return;
      let cur = node;
      const levels = Math.min(op.depth, MAX_TREE_DEPTH - maxDepth(m.attrs));
      for (let i = 0; i < levels; i++) cur = { type: op.type, payload: new Uint8Array(0), children: [cur] };
      list[at] = cur;
      return;
    }
    case 'splice': {
      const donor = corpus.messages[op.from % corpus.messages.length] as Seed;
      const t = targetForType(donor.type);
      const tree = t && parseTlv(donor.bytes, t.attrStart);
      if (!tree) return;
      const dl = pickList(tree, op.pick);
      const d = dl[op.pick % Math.max(1, dl.length)];
      if (d) list.splice(op.at % (list.length + 1), 0, d);
      return;
    }
  }
}

export function applyBytes(b: Uint8Array, op: ByteOp, attrStart: number): Uint8Array {
  switch (op.k) {
    case 'flip':
      if (b.length) b[op.pos % b.length] = (b[op.pos % b.length] as number) ^ (1 << op.bit);
      return b;
    case 'set':
      if (b.length) b[op.pos % b.length] = op.value;
      return b;
    case 'truncate':
      return b.slice(0, op.keep % (b.length + 1));
    case 'append': {
      const out = new Uint8Array(b.length + op.bytes.length);
      out.set(b);
      out.set(op.bytes, b.length);
      return out;
    }
    case 'nlmsgLen':
      if (b.length >= 4) new DataView(b.buffer, b.byteOffset).setUint32(0, op.value >>> 0, true);
      return b;
    case 'nlaLen': {
      const fields = lengthFields(b, attrStart);
      if (!fields.length) return b;
      const off = fields[op.which % fields.length] as number;
      const v = new DataView(b.buffer, b.byteOffset);
      const value = op.relative ? v.getUint16(off, true) + op.value : op.value;
      v.setUint16(off, value & 0xffff, true);
      return b;
    }
  }
}

export interface MutationCase {
  seed: number;
  /** 0–8: decode with the seed's own decoder; 9: with another one (type confusion). */
  cross: number;
  crossTarget: number;
  structOps: StructOp[];
  byteOps: ByteOp[];
  /** Set nlmsg_len to the real length after the byte edits, so they reach the attributes instead of failing at the header. */
  fixLen?: boolean;
}

export const mutationCase: fc.Arbitrary<MutationCase> = fc
  .record({
    seed: idx,
    cross: fc.integer({ min: 0, max: 9 }),
    crossTarget: idx,
    structOps: fc.array(structOp, { maxLength: 4 }),
    byteOps: fc.array(byteOp, { maxLength: 4 }),
    fixLen: fc.boolean(),
  })
  .filter((c) => c.structOps.length + c.byteOps.length > 0);

/** Builds the hostile input of a case: the target to feed and the bytes. */
export function buildCase(c: MutationCase, corpus: Corpus): { target: Target; bytes: Uint8Array } {
  const seed = corpus.messages[c.seed % corpus.messages.length] as Seed;
  const own = targetForType(seed.type) ?? TARGET_LIST[0]!;
  const target = c.cross === 9 ? (TARGET_LIST[c.crossTarget % TARGET_LIST.length] as Target) : own;
  let bytes: Uint8Array = seed.bytes.slice();
  if (c.structOps.length) {
    const tree = parseTlv(bytes, own.attrStart);
    if (tree) {
      for (const op of c.structOps) applyStruct(tree, op, corpus);
      bytes = serialize(tree);
    }
  }
  for (const op of c.byteOps) bytes = applyBytes(bytes, op, own.attrStart);
  if (c.fixLen && bytes.length >= 4) new DataView(bytes.buffer, bytes.byteOffset).setUint32(0, bytes.length, true);
  return { target, bytes };
}

/** A datagram of 1–4 seed messages (some mutated), then byte edits over the whole. */
export interface DatagramCase {
  parts: MutationCase[];
  byteOps: ByteOp[];
}

export const datagramCase: fc.Arbitrary<DatagramCase> = fc.record({
  parts: fc.array(
    fc.record({ seed: idx, cross: fc.constant(0), crossTarget: fc.constant(0), structOps: fc.array(structOp, { maxLength: 1 }), byteOps: fc.constant([] as ByteOp[]) }),
    { minLength: 1, maxLength: 4 },
  ),
  byteOps: fc.array(byteOp, { maxLength: 3 }),
});

export function buildDatagram(c: DatagramCase, corpus: Corpus): Uint8Array {
  const parts = c.parts.map((p) => {
    const b = buildCase(p, corpus).bytes;
    const padded = new Uint8Array((b.length + 3) & ~3);
    padded.set(b);
    return padded;
  });
  let out: Uint8Array = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  for (const op of c.byteOps) out = applyBytes(out, op, 16);
  return out;
}

/** Bytes from nothing: a plausible nlmsghdr of a random type, a random family header and a random attribute tree. */
export const scratchCase = fc
  .record({
    target: idx,
    head: fc.uint8Array({ minLength: 0, maxLength: 20 }),
    attrs: fc.array(tlvTree, { maxLength: 6 }),
    raw: fc.boolean(),
    noise: fc.uint8Array({ maxLength: 64 }),
  })
  .map(({ target, head, attrs, raw, noise }) => {
    const t = TARGET_LIST[target % TARGET_LIST.length] as Target;
    if (raw) return { target: t, bytes: noise };
    const h = new Uint8Array(t.attrStart);
    h.set(head.subarray(0, Math.max(0, t.attrStart - 16)), 16);
    return { target: t, bytes: serialize({ head: h, attrs }) };
  });
