/**
 * The friendly form of an attribute set, driven by its table: each row's
 * views (schema.ts `.view(name, conv)`) say what field the attribute shows
 * as in `Link.info` and create options — booleans, seconds, names — and the
 * same row converts both ways, so the view, the options, their types
 * (ViewOf / OptionsOf) and the wire cannot drift apart.
 */
import { ValidationError } from './errors.js';
import { formatValue } from './format-value.js';
import type { AttrSet, Conv, ConvFns, ViewDef } from './schema.js';

/** clock_t ticks per second (USER_HZ): the unit of bridge times and timers. */
export const USER_HZ = 100;

/** Wire attributes → friendly fields (absent attributes stay absent). */
export function readView(set: AttrSet, attrs: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!attrs || attrs instanceof Uint8Array) return out;
  for (const v of set.views) {
    if (out[v.name] !== undefined) continue; // the first attribute that has a value wins (vxlan group / group6)
    const wire = attrs[v.key];
    if (wire === undefined) continue;
    const f = readOne(v.conv, wire);
    if (f !== undefined) out[v.name] = f;
  }
  return out;
}

/** One wire value → its friendly form. */
export function readOne(conv: Conv, v: unknown): unknown {
  if (Array.isArray(conv)) return typeof v === 'number' ? (conv[v] ?? v) : v;
  switch (conv) {
    case 'bool':
      return typeof v === 'bigint' ? v !== 0n : v !== 0 && v !== false;
    case 'seconds':
      return Number(v as number | bigint) / USER_HZ;
    case 'num':
    case 'same':
      return v;
    default:
      return (conv as ConvFns<unknown, unknown>).read(v);
  }
}

/**
 * Friendly options → wire attributes, validating each value before any
 * system call. `prefix` names the option group in errors (`bridgePort.cost`).
 * Unknown and read-only keys are rejected; two options for one attribute
 * (`stp` and `stpState`) are refused rather than one silently winning.
 */
export function writeView(set: AttrSet, opts: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  for (const [name, value] of Object.entries(opts)) {
    if (value === undefined) continue;
    const field = prefix ? `${prefix}.${name}` : name;
    const views = set.views.filter((v) => v.name === name);
    const view = views.find((v) => v.writable);
    if (!view) throw new ValidationError(field, views.length ? 'is read-only' : 'is not a known option');
    const seen = from[view.key];
    if (seen !== undefined) throw new ValidationError(field, `sets the same attribute as ${seen}: give one of them`);
    from[view.key] = field;
    out[view.key] = writeOne(view, value, field);
  }
  return out;
}

/** Integer ranges of the codecs a `num` or `bool` view may write. */
const RANGE: Record<string, [number, number]> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  be16: [0, 0xffff],
  u32: [0, 0xffffffff],
  be32: [0, 0xffffffff],
  s8: [-0x80, 0x7f],
  s16: [-0x8000, 0x7fff],
  s32: [-0x80000000, 0x7fffffff],
};

/** One friendly value → its wire form, for the codec of the view's attribute. */
export function writeOne(view: ViewDef, v: unknown, field: string): unknown {
  const { conv } = view;
  const kind = view.def.codec.kind;
  if (Array.isArray(conv)) {
    const i = typeof v === 'string' ? conv.indexOf(v) : typeof v === 'number' ? v : -1;
    if (!Number.isInteger(i) || i < 0 || i >= conv.length) {
      throw new ValidationError(field, `expected one of ${conv.map((n) => JSON.stringify(n)).join(', ')}, got ${formatValue(v)}`);
    }
    return i;
  }
  switch (conv) {
    case 'bool':
      if (typeof v !== 'boolean') throw new ValidationError(field, `expected a boolean, got ${formatValue(v)}`);
      return kind === 'u64' ? BigInt(v ? 1 : 0) : v ? 1 : 0;
    case 'num':
      return integer(kind, v, field);
    case 'seconds': {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ValidationError(field, `expected a number of seconds ≥ 0, got ${formatValue(v)}`);
      const ticks = Math.round(v * USER_HZ);
      if (kind === 'u64') return BigInt(ticks);
      if (ticks > 0xffffffff) throw new ValidationError(field, `${v} s is too large`);
      return ticks;
    }
    case 'same':
      return v;
    default: {
      const fns = conv as ConvFns<unknown, unknown>;
      if (!fns.write) throw new ValidationError(field, 'is read-only');
      return fns.write(v, field);
    }
  }
}

function integer(kind: string, v: unknown, field: string): number | bigint {
  if (kind === 'u64') {
    if (typeof v === 'bigint' && v >= 0n && v < 1n << 64n) return v;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    throw new ValidationError(field, `expected an integer 0..2^64-1, got ${formatValue(v)}`);
  }
  const range = RANGE[kind];
  if (!range) return v as number; // other codecs validate when encoding
  const [lo, hi] = range;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new ValidationError(field, `expected an integer ${lo}..${hi}, got ${formatValue(v)}`);
  return v;
}
