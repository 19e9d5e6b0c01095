/**
 * OVSDB values on the wire (RFC 7047 §5.1). Atoms are JSON strings, numbers
 * and booleans, plus two tagged arrays for row references: ["uuid", "…"]
 * and, inside one transaction, ["named-uuid", "name"] for a row an earlier
 * or later `insert` of the same transaction labels with "uuid-name".
 * Sets are ["set", [atoms]] — but a set of exactly one element may be, and
 * by ovsdb-server is, sent as the bare atom; maps are ["map", [[k, v]…]].
 * Optional columns (min 0, max 1) are sets of zero or one atom.
 */
import type { Json } from './jsonrpc.js';

export type Uuid = ['uuid', string];
export type NamedUuid = ['named-uuid', string];
export type Atom = string | number | boolean | Uuid | NamedUuid;
export type OvsdbSet = ['set', Atom[]];
export type OvsdbMap = ['map', [Atom, Atom][]];
export type Datum = Atom | OvsdbSet | OvsdbMap;

export const uuid = (id: string): Uuid => ['uuid', id];
export const namedUuid = (name: string): NamedUuid => ['named-uuid', name];
export const set = (atoms: Atom[]): OvsdbSet => ['set', atoms];
export const map = (entries: Iterable<[Atom, Atom]>): OvsdbMap => ['map', [...entries]];

function isTagged(v: Json, tag: string): v is [string, Json] {
  return Array.isArray(v) && v.length === 2 && v[0] === tag;
}

/** The elements of a set column, whichever of the two encodings the server used. */
export function setElements(v: Json | undefined): Json[] {
  if (v === undefined || v === null) return [];
  if (isTagged(v, 'set')) return Array.isArray(v[1]) ? v[1] : [];
  return [v];
}

/** The uuid string of a ["uuid", "…"] atom, or undefined for anything else. */
export function uuidOf(v: Json | undefined): string | undefined {
  return v !== undefined && isTagged(v, 'uuid') && typeof v[1] === 'string' ? v[1] : undefined;
}

/** The uuids of a set-of-references column. */
export function uuidSet(v: Json | undefined): string[] {
  const out: string[] = [];
  for (const e of setElements(v)) {
    const u = uuidOf(e);
    if (u !== undefined) out.push(u);
  }
  return out;
}

/** The value of an optional (0-or-1 element) column. */
export function optional(v: Json | undefined): Json | undefined {
  return setElements(v)[0];
}

/** A map column as a plain object of string keys (OVSDB's string→string maps: external_ids, options…). */
export function mapObject(v: Json | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || !isTagged(v, 'map') || !Array.isArray(v[1])) return out;
  for (const pair of v[1]) {
    if (Array.isArray(pair) && pair.length === 2) out[String(pair[0])] = String(pair[1]);
  }
  return out;
}
