/**
 * Table-driven conversion between the wire form of an attribute set (what
 * the kernel sends: u8 0/1, clock_t ticks, enum numbers) and the friendly
 * form of `Link` views and API options (booleans, seconds, names).
 * One row per field drives both directions, so they cannot drift apart.
 */
import { ValidationError } from './errors.js';

/** clock_t ticks per second (USER_HZ): the unit of bridge times and timers. */
export const USER_HZ = 100;

export type Conv =
  | 'u8'
  | 'u16'
  | 'u32'
  /** u8 0/1 ↔ boolean. */
  | 'bool'
  /** u32 clock_t ↔ seconds. */
  | 'cs32'
  /** u64 clock_t ↔ seconds. */
  | 'cs64'
  /** any value, unchanged (strings, structs). */
  | 'same';

export interface FieldDef {
  /** Key in the attribute table. */
  attr: string;
  conv: Conv;
  /** Accepted in options (requests); fields without it are read-only. */
  writable?: boolean;
  /** For enums: names by number (read) and back (write). */
  names?: readonly string[];
}

export type FieldTable = Record<string, FieldDef>;

const MAX: Record<'u8' | 'u16' | 'u32', number> = { u8: 0xff, u16: 0xffff, u32: 0xffffffff };

function readOne(def: FieldDef, v: unknown): unknown {
  if (def.names && typeof v === 'number') return def.names[v] ?? v;
  switch (def.conv) {
    case 'bool':
      return v !== 0;
    case 'cs32':
    case 'cs64':
      return Number(v as number | bigint) / USER_HZ;
    default:
      return v;
  }
}

/** Wire attributes → friendly fields (absent attributes stay absent). */
export function readFields(attrs: Record<string, unknown> | undefined, table: FieldTable): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!attrs || attrs instanceof Uint8Array) return out;
  for (const [key, def] of Object.entries(table)) {
    const v = attrs[def.attr];
    if (v !== undefined) out[key] = readOne(def, v);
  }
  return out;
}

/**
 * Friendly options → wire attributes, validating each value before any
 * system call. `prefix` names the option group in errors (`bridgePort.cost`).
 * Unknown or read-only keys are rejected.
 */
export function writeFields(opts: Record<string, unknown>, table: FieldTable, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(opts)) {
    if (v === undefined) continue;
    const field = prefix ? `${prefix}.${key}` : key;
    const def = table[key];
    if (!def || !def.writable) throw new ValidationError(field, def ? 'is read-only' : 'is not a known option');
    out[def.attr] = writeOne(def, v, field);
  }
  return out;
}

function writeOne(def: FieldDef, v: unknown, field: string): unknown {
  if (def.names) {
    const i = typeof v === 'string' ? def.names.indexOf(v) : typeof v === 'number' ? v : -1;
    if (!Number.isInteger(i) || i < 0 || i >= def.names.length) {
      throw new ValidationError(field, `expected one of ${def.names.map((n) => JSON.stringify(n)).join(', ')}, got ${JSON.stringify(v)}`);
    }
    return i;
  }
  switch (def.conv) {
    case 'bool':
      if (typeof v !== 'boolean') throw new ValidationError(field, `expected a boolean, got ${JSON.stringify(v)}`);
      return v ? 1 : 0;
    case 'u8':
    case 'u16':
    case 'u32':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX[def.conv]) {
        throw new ValidationError(field, `expected an integer 0..${MAX[def.conv]}, got ${JSON.stringify(v)}`);
      }
      return v;
    case 'cs32':
    case 'cs64': {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ValidationError(field, `expected a number of seconds ≥ 0, got ${JSON.stringify(v)}`);
      const ticks = Math.round(v * USER_HZ);
      if (def.conv === 'cs32') {
        if (ticks > MAX.u32) throw new ValidationError(field, `${v} s is too large`);
        return ticks;
      }
      return BigInt(ticks);
    }
    default:
      return v;
  }
}
