/**
 * IFLA_LINKINFO: a nest whose contents depend on each other. IFLA_INFO_DATA
 * is laid out by the link's kind (IFLA_INFO_KIND, a sibling string) and
 * IFLA_INFO_SLAVE_DATA by the master's kind (IFLA_INFO_SLAVE_KIND). A plain
 * attribute table cannot express that, so this codec reads the two kind
 * strings first, then decodes the nest with a table whose `data` and
 * `slaveData` rows use the attribute sets registered for those kinds.
 *
 * Kinds without a registered set keep their data as raw bytes, and since
 * the chosen table is an ordinary attribute table, decode → encode
 * reproduces the kernel's bytes exactly (order, NLA_F_NESTED bits and
 * unknown attributes included).
 */
import { NLA_HDRLEN, NLA_TYPE_MASK, align4 } from '../../netlink/constants.js';
import { bytes, string } from '../../netlink/codecs.js';
import { type AttrSet, type Codec, type DecodeCtx, attr, attrSet, decodeAttrs, encodeAttrs, nest } from '../../netlink/schema.js';
import { orRaw } from './codecs.js';
/** IFLA_INFO_* (enum in <linux/if_link.h>). */
export const IFLA_INFO = { KIND: 1, DATA: 2, XSTATS: 3, SLAVE_KIND: 4, SLAVE_DATA: 5 } as const;

/** IFLA_LINKINFO: the kind, its data (a table's decoded object, or bytes), and the same for the master's kind. */
export interface LinkInfoOf<D, S> {
  kind?: string;
  data?: D;
  xstats?: Uint8Array;
  slaveKind?: string;
  slaveData?: S;
}

/** Which attribute set lays out IFLA_INFO_DATA per kind, and IFLA_INFO_SLAVE_DATA per master kind. */
export interface LinkKindRegistry {
  readonly kinds: Readonly<Record<string, { readonly data: AttrSet }>>;
  readonly slaveKinds: Readonly<Record<string, { readonly data: AttrSet }>>;
}

/** Reads the string payload of the first attribute of `type` in `[off, end)`, without failing. */
function peekString(ctx: DecodeCtx, off: number, end: number, type: number): string | undefined {
  const { view } = ctx;
  while (end - off >= NLA_HDRLEN) {
    const len = view.getUint16(off, true);
    if (len < NLA_HDRLEN || off + len > end) return undefined;
    if ((view.getUint16(off + 2, true) & NLA_TYPE_MASK) === type) return string.decode(ctx, off + NLA_HDRLEN, len - NLA_HDRLEN);
    off += align4(len);
  }
  return undefined;
}

/** The IFLA_LINKINFO codec over a kind registry. */
export function linkInfoCodec(registry: LinkKindRegistry): Codec<LinkInfoOf<unknown, unknown>> {
  const raw = orRaw(bytes);
  // One table per (data set, slave data set) pair: finitely many, since
  // unknown kinds all share the raw layout.
  const tables = new Map<AttrSet | undefined, Map<AttrSet | undefined, AttrSet>>();
  const tableFor = (kind: string | undefined, slaveKind: string | undefined): AttrSet => {
    const dataSet = kind === undefined || !Object.hasOwn(registry.kinds, kind) ? undefined : registry.kinds[kind]?.data;
    const slaveSet = slaveKind === undefined || !Object.hasOwn(registry.slaveKinds, slaveKind) ? undefined : registry.slaveKinds[slaveKind]?.data;
    let inner = tables.get(dataSet);
    if (!inner) tables.set(dataSet, (inner = new Map()));
    let table = inner.get(slaveSet);
    if (!table) {
      table = attrSet(`linkinfo`, {
        kind: attr(IFLA_INFO.KIND, string),
        data: attr(IFLA_INFO.DATA, dataSet ? orRaw(nest(dataSet)) : raw),
        xstats: attr(IFLA_INFO.XSTATS, bytes),
        slaveKind: attr(IFLA_INFO.SLAVE_KIND, string),
        slaveData: attr(IFLA_INFO.SLAVE_DATA, slaveSet ? orRaw(nest(slaveSet)) : raw),
      });
      inner.set(slaveSet, table);
    }
    return table;
  };
  const base = tableFor(undefined, undefined);
  return {
    kind: 'linkinfo',
    // Names attributes for error paths; the kind-specific tables share these numbers.
    set: base,
    decode(ctx, off, len) {
      const end = off + len;
      const table = tableFor(peekString(ctx, off, end, IFLA_INFO.KIND), peekString(ctx, off, end, IFLA_INFO.SLAVE_KIND));
      return decodeAttrs(table, ctx, off, end) as LinkInfoOf<unknown, unknown>;
    },
    encode(w, v) {
      encodeAttrs(w, tableFor(v.kind, v.slaveKind), v as Record<string, unknown>);
    },
  };
}
