/**
 * Descriptor tables for netlink attribute sets. One row per attribute drives
 * decoding, encoding and the TypeScript type (`Decoded<typeof set>`).
 *
 * Lossless round trips: a decoded object remembers, in a hidden property,
 * the order and exact type bits (NLA_F_NESTED …) of the attributes it came
 * from, and keeps every attribute it does not model as raw bytes. Encoding
 * such an object replays that order, so decode → encode reproduces the
 * kernel's bytes exactly; fields added or changed by the caller are encoded
 * from their values, and new fields are appended.
 */
import { NLA_F_NESTED, NLA_HDRLEN, NLA_TYPE_MASK, align4 } from './constants.js';
import { DecodeError } from './errors.js';
import type { ByteWriter } from './writer.js';
import { type DecodeCtx, type RawAttr, attrOrderOf, decodeAttrs } from './decode-attrs.js';
import type { CompiledDecoder } from './decode-compiled.js';

export {
  ATTR_ORDER,
  attrOrderOf,
  MAX_NEST_DEPTH,
  decodeAttrs,
  decodeAttrsByTable,
  decodeCtx,
  decodeError,
  withTableDecoders,
  type DecodeCtx,
  type DecodeSkip,
  type RawAttr,
} from './decode-attrs.js';


/** Turns an attribute payload into a value and back. */
export interface Codec<T> {
  readonly kind: string;
  decode(ctx: DecodeCtx, off: number, len: number): T;
  encode(w: ByteWriter, value: T): void;
  /**
   * For variable-width codecs: whether `encode(decode(bytes))` gives back
   * exactly these bytes. When it does not, the raw bytes are kept so the
   * round trip stays exact.
   */
  canonical?(ctx: DecodeCtx, off: number, len: number): boolean;
  /** The attribute set of a nest codec. */
  readonly set?: AttrSet;
}


/**
 * How a wire value shows in the friendly view of its message (`Link.info`,
 * create options): `num` and `same` keep it; `bool` is 0 / non-0 ↔ false /
 * true; `seconds` is clock_t (USER_HZ = 1/100 s) ↔ seconds; an array of
 * names maps 0, 1, 2 … to those names; `{ read, write }` does anything else
 * (`read` may answer undefined: the field is then absent).
 */
export type Conv = 'num' | 'same' | 'bool' | 'seconds' | readonly string[] | ConvFns<any, any>;

/** A custom conversion between a wire value `W` and its friendly form `F`. */
export interface ConvFns<W, F> {
  read(wire: W): F | undefined;
  /** Friendly → wire, throwing a ValidationError naming `field`; absent for read-only views. */
  write?(value: unknown, field: string): W;
}

/** The friendly type a conversion gives for wire type `T`. */
export type ConvValue<C, T> = C extends 'num' | 'same'
  ? T
  : C extends 'bool'
    ? boolean
    : C extends 'seconds'
      ? number
      : C extends readonly (infer N)[]
        ? N | number
        : C extends ConvFns<any, infer F>
          ? F
          : never;

/** One friendly field of an attribute: its name in views and options, its conversion, whether options may set it. */
export interface FieldView {
  readonly name: string;
  readonly conv: Conv;
  readonly writable: boolean;
}

/** Type-level description of a view (phantom): name, friendly type, writability. */
export interface ViewType {
  name: string;
  value: unknown;
  writable: boolean;
}

/**
 * How iproute2 spells an attribute (`ip -d -j link show`): the JSON key,
 * the text label (defaults to the key), the value's shape in ip's output
 * (defaults from the codec), and the option name `ip link add|set … type
 * KIND` takes for it (defaults to the label when a view is writable;
 * `false` when ip has none).
 */
export interface IpSpelling {
  readonly key: string;
  readonly label: string;
  readonly shape?: string;
  /** Words by value (shape `words`) or by bit (shape `bits`), as ip prints them. */
  readonly names?: readonly string[];
  /** The value ip's text form leaves out (shape `toggle`: `nolearning` only when learning is off). */
  readonly default?: unknown;
  /**
   * For a view that is an object of booleans (a flag set): ip's option per
   * member, each taking on/off (`reorder_hdr on` → `{ reorderHdr: true }`).
   */
  readonly flagOptions?: Readonly<Record<string, string>>;
  /** Like flagOptions, for ip's bare keywords that switch a member on (`nopromisc` → `{ nopromisc: true }`). */
  readonly bareFlags?: Readonly<Record<string, string>>;
  /** ip's bare keywords that set the view to a value (ipvlan's `private` → `isolation: 'private'`). */
  readonly bareWords?: Readonly<Record<string, unknown>>;
  readonly option?: string | false;
}

/** One row of an attribute table: the attribute number (nla_type), its codec, whether it repeats, and its views. */
export interface AttrSpec<T = unknown, M extends boolean = boolean, V extends ViewType = never> {
  readonly type: number;
  readonly codec: Codec<T>;
  readonly multi: M;
  /** The friendly fields this attribute shows as (none: only in `attrs`). */
  readonly views: readonly FieldView[];
  /** Its spelling in iproute2's output and options, for the `rtnl` command. */
  readonly ip?: IpSpelling | undefined;
  /** Phantom (never set): the views' types, for ViewOf / OptionsOf; a function type so that `never` survives inference. */
  readonly __views?: ((v: V) => void) | undefined;
}

/** A row of a built table: its spec and its key (the decoded object's property name). */
export interface AttrDef extends AttrSpec {
  readonly key: string;
}

/** A table row under construction: `.view()` and `.ip()` add columns. */
export class Attr<T, M extends boolean, V extends ViewType = never> implements AttrSpec<T, M, V> {
  declare readonly __views?: ((v: V) => void) | undefined;
  constructor(
    readonly type: number,
    readonly codec: Codec<T>,
    readonly multi: M,
    readonly views: readonly FieldView[] = [],
    readonly ip?: IpSpelling,
  ) {}

  /** Adds a friendly field `name` shown through `conv`; `writable` makes it an option of create/set calls. */
  view<const N extends string, const C extends Conv, W extends boolean = false>(
    name: N,
    conv: C,
    opts?: { writable?: W },
  ): Attr<T, M, V | { name: N; value: ConvValue<C, T>; writable: W }> {
    return new Attr(this.type, this.codec, this.multi, [...this.views, { name, conv, writable: opts?.writable === true }], this.ip);
  }

  /** Sets iproute2's spelling of this attribute (JSON key; label, shape and option when they differ). */
  spelled(key: string, opts: Omit<IpSpelling, 'key' | 'label'> & { label?: string } = {}): Attr<T, M, V> {
    return new Attr(this.type, this.codec, this.multi, this.views, { ...opts, key, label: opts.label ?? key });
  }
}

/** An attribute: its number, its codec; `multi` when it may repeat (value becomes an array). */
export function attr<T>(type: number, codec: Codec<T>): Attr<T, false>;
export function attr<T>(type: number, codec: Codec<T>, opts: { multi: true }): Attr<T, true>;
export function attr<T>(type: number, codec: Codec<T>, opts?: { multi: boolean }): Attr<T, boolean> {
  // 0 is a real type in a few sets whose enum starts there (IFLA_BRIDGE_FLAGS in <linux/if_bridge.h>).
  if (!Number.isInteger(type) || type < 0 || type > NLA_TYPE_MASK) throw new RangeError(`bad attribute type ${type}`);
  return new Attr(type, codec, opts?.multi ?? false);
}

/** Rows of any views: a row's phantom `(v: V) => void` is assignable to `(v: never) => void` for every V. */
export type AttrSpecs = Record<string, AttrSpec<unknown, boolean, never>>;

/** A friendly field with the attribute it shows. */
export interface ViewDef extends FieldView {
  readonly key: string;
  readonly def: AttrDef;
}

/** A named attribute table, indexed by attribute number and by key, with the friendly fields of its rows. */
export class AttrSet<S extends AttrSpecs = AttrSpecs> {
  readonly byType: (AttrDef | undefined)[] = [];
  readonly byKey: Record<string, AttrDef> = Object.create(null) as Record<string, AttrDef>;
  /** Every friendly field, in table order (ViewOf / OptionsOf at run time). */
  readonly views: readonly ViewDef[];
  /** The generated decoder (decode-compiled.ts), made at first use; null where code cannot be generated. */
  decoder: CompiledDecoder | null | undefined = undefined;
  constructor(
    readonly name: string,
    readonly specs: S,
  ) {
    const views: ViewDef[] = [];
    const writable = new Set<string>();
    for (const [key, spec] of Object.entries(specs)) {
      if (this.byType[spec.type]) throw new Error(`${name}: type ${spec.type} used twice`);
      const def: AttrDef = { type: spec.type, codec: spec.codec, multi: spec.multi, views: spec.views ?? [], key, ip: spec.ip };
      this.byType[spec.type] = def;
      this.byKey[key] = def;
      for (const v of def.views) {
        // Two attributes may show as one read-only field (vxlan's group and
        // group6 are both `remote`), but an option must say which it sets.
        if (v.writable && writable.has(v.name)) throw new Error(`${name}: writable field ${v.name} twice`);
        if (v.writable) writable.add(v.name);
        views.push({ ...v, key, def });
      }
    }
    this.views = views;
  }
  nameOf(type: number): string | undefined {
    return this.byType[type & NLA_TYPE_MASK]?.key;
  }
}

/** Builds the attribute table `name` from its rows (`attr(…)`); a number used twice throws. */
export function attrSet<S extends AttrSpecs>(name: string, specs: S): AttrSet<S> {
  return new AttrSet(name, specs);
}

type ValueOfSpec<A> = A extends { readonly codec: Codec<infer T>; readonly multi: infer M } ? (M extends true ? T[] : T) : never;

/** The TypeScript type of a decoded attribute set: every attribute optional. */
export type Decoded<A> = A extends AttrSet<infer S> ? { -readonly [K in keyof S]?: ValueOfSpec<S[K]> } : never;

type ViewsOfSpecs<S> = { [K in keyof S]: S[K] extends { readonly __views?: ((v: infer V extends ViewType) => void) | undefined } ? V : never }[keyof S];

/** The friendly view of a decoded set: one optional field per view of its rows (`BridgeInfo` …). */
export type ViewOf<A> = A extends AttrSet<infer S> ? { -readonly [P in ViewsOfSpecs<S> as P['name']]?: P['value'] } : never;

/** The options a create or set call takes for a set: its writable views (`BridgeOptions` …). */
export type OptionsOf<A> = A extends AttrSet<infer S> ? { -readonly [P in ViewsOfSpecs<S> as P['writable'] extends true ? P['name'] : never]?: P['value'] } : never;


/** The attributes of a decoded object that its table does not model, in order. */
export function unknownAttrs(obj: object): RawAttr[] {
  const order = attrOrderOf(obj);
  if (!order) return [];
  return order.filter((e): e is RawAttr => typeof e !== 'number' && e.key === undefined);
}


function emit(w: ByteWriter, def: AttrDef, type: number, value: unknown): void {
  const start = w.beginAttr(type);
  w.path.push(def.key);
  if (w.trace) {
    const entry = { offset: start, path: w.path.length === 1 ? def.key : w.path.join('.') } as { offset: number; path: string; set?: AttrSet };
    if (def.codec.set) entry.set = def.codec.set;
    w.trace.push(entry);
  }
  def.codec.encode(w, value as never);
  w.path.pop();
  w.endAttr(start);
}

function defaultType(def: AttrDef): number {
  return def.codec.set ? def.type | NLA_F_NESTED : def.type;
}

/** Encodes an object of `set` as attributes. Unknown keys are an error. */
export function encodeAttrs<A extends AttrSet>(w: ByteWriter, set: A, obj: Decoded<A> | Record<string, unknown>): void {
  const values = obj as Record<string, unknown>;
  const order = attrOrderOf(obj);
  let done: Set<string> | undefined;
  let counts: Map<string, number> | undefined;
  if (order) {
    done = new Set();
    counts = new Map();
    for (const entry of order) {
      if (typeof entry === 'number') {
        const def = set.byType[entry & NLA_TYPE_MASK];
        if (!def) continue;
        if (def.multi) {
          const i = counts.get(def.key) ?? 0;
          counts.set(def.key, i + 1);
          const v = (values[def.key] as unknown[] | undefined)?.[i];
          if (v !== undefined) emit(w, def, entry, v);
        } else if (!done.has(def.key)) {
          done.add(def.key);
          if (values[def.key] !== undefined) emit(w, def, entry, values[def.key]);
        }
      } else if (entry.key === undefined) {
        w.attr(entry.type, (x) => x.bytes(entry.data));
      } else {
        const def = set.byKey[entry.key];
        if (!def) continue;
        if (def.multi) {
          // A repeated attribute kept verbatim (an alternative name that is
          // not plain ASCII, say) is one element of the array, not the
          // array: compare and emit element-wise, or re-encoding a decoded
          // message fails (found by test/hardening).
          const i = counts.get(def.key) ?? 0;
          counts.set(def.key, i + 1);
          const v = (values[def.key] as unknown[] | undefined)?.[i];
          if (v === entry.value) w.attr(entry.type, (x) => x.bytes(entry.data));
          else if (v !== undefined) emit(w, def, entry.type, v);
          continue;
        }
        if (done.has(def.key)) continue;
        done.add(def.key);
        const v = values[def.key];
        if (v === entry.value) w.attr(entry.type, (x) => x.bytes(entry.data));
        else if (v !== undefined) emit(w, def, entry.type, v);
      }
    }
  }
  for (const key of Object.keys(values)) {
    const v = values[key];
    if (v === undefined) continue;
    const def = set.byKey[key];
    if (!def) {
      w.fail(`${set.name}: unknown attribute "${key}"`);
      continue;
    }
    if (def.multi) {
      if (!Array.isArray(v)) {
        w.fail(`${set.name}.${key}: expected an array`);
        continue;
      }
      for (let i = counts?.get(key) ?? 0; i < v.length; i++) emit(w, def, defaultType(def), v[i]);
    } else if (!done?.has(key)) {
      emit(w, def, defaultType(def), v);
    }
  }
}

/** A nest whose payload is the attributes of `set`. */
export function nest<A extends AttrSet>(set: A): Codec<Decoded<A>> {
  return {
    kind: `nest(${set.name})`,
    set,
    decode: (ctx, off, len) => decodeAttrs(set, ctx, off, off + len),
    encode: (w, v) => encodeAttrs(w, set, v),
  };
}
