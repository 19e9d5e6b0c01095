/**
 * Results that JSON.stringify can write. Counters are bigints (they pass
 * 2^53 — 9 PB — within days on a fast link) and raw attributes are bytes;
 * JSON has neither, and `JSON.stringify(await getLink('lo'))` threw. Each
 * result object (Link, Address, Route, Neighbour) carries a non-enumerable
 * `toJSON` that writes a bigint as a number where that is exact and as a
 * decimal string where it is not, and bytes as a hex string. Being
 * non-enumerable, it stays out of keys, spread, deep equality and
 * structuredClone; the object keeps Object.prototype.
 */

import { formatHex } from './inet.js';

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** `v` with bigints and bytes made JSON values (see the file comment). */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return v <= MAX && v >= -MAX ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return formatHex(v);
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = jsonSafe((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

function toJSON(this: object): unknown {
  return jsonSafe(this);
}

const DESCRIPTOR: PropertyDescriptor = { value: toJSON, enumerable: false, writable: true, configurable: true };

/** Gives a result object its `toJSON`; returns it. */
export function withToJSON<T extends object>(o: T): T {
  Object.defineProperty(o, 'toJSON', DESCRIPTOR);
  return o;
}
