/**
 * Table-driven printing of a kind's attributes (IFLA_INFO_DATA and
 * IFLA_INFO_SLAVE_DATA): one row per attribute, in the order ip prints
 * them, with ip's JSON key, its text label and the value's shape. The
 * shapes are iproute2's print helpers, as seen from a script reading JSON:
 *
 *   uint     print_uint         → JSON number, text `label N`
 *   onoff    print_on_off       → JSON true/false, text `label on|off`
 *   xhex     print_0xhex        → JSON string "0x1f" ("0" for zero), text `label 0x1f`
 *   timer    jiffies to seconds → JSON number with two decimals (`270.42`), text `label  270.42`
 *   brid     bridge id          → "8000.aa:bb:cc:d:e:f" (ether_ntoa: no zero padding)
 *   mac      link-layer address → "01:80:c2:00:00:00"
 */
import { JsonRaw } from '../json.js';
import type { Out } from '../out.js';
import { type RawAttrs, rd } from '../raw.js';

export type Shape = 'u8' | 'u16' | 'u32' | 'u64' | 'onoff' | 'xhex16' | 'timer' | 'brid' | 'mac' | 'string';

/** [attribute number, JSON key, text label, shape]. */
export type Row = readonly [number, string, string, Shape];

/** A row's value as ip's JSON shows it, and as its text shows it; undefined when absent or malformed. */
export function shaped(raw: Uint8Array | undefined, shape: Shape): { json: string | number | boolean | JsonRaw; text: string } | undefined {
  if (!raw) return undefined;
  switch (shape) {
    case 'u8':
    case 'u16':
    case 'u32': {
      const v = shape === 'u8' ? rd.u8(raw) : shape === 'u16' ? rd.u16(raw) : rd.u32(raw);
      return v === undefined ? undefined : { json: v, text: String(v) };
    }
    case 'u64': {
      const v = rd.u64(raw);
      return v === undefined ? undefined : { json: Number(v), text: v.toString() };
    }
    case 'onoff': {
      const v = rd.u8(raw);
      return v === undefined ? undefined : { json: v !== 0, text: v ? 'on' : 'off' };
    }
    case 'xhex16': {
      const v = rd.u16(raw);
      return v === undefined ? undefined : { json: hex0x(v), text: hex0x(v) };
    }
    case 'timer': {
      const v = rd.u64(raw);
      if (v === undefined) return undefined;
      const t = centiseconds(v);
      return { json: new JsonRaw(t), text: t.padStart(7) };
    }
    case 'brid':
      return raw.length >= 8 ? { json: bridgeId(raw), text: bridgeId(raw) } : undefined;
    case 'mac':
      return { json: colonHex(raw), text: colonHex(raw) };
    case 'string': {
      const s = rd.str(raw) ?? '';
      return { json: s, text: s };
    }
  }
}

/** Prints every present row. */
export function printRows(o: Out, attrs: RawAttrs, rows: readonly Row[]): void {
  for (const [type, key, label, shape] of rows) printRow(o, attrs, type, key, label, shape);
}

export function printRow(o: Out, attrs: RawAttrs, type: number, key: string, label: string, shape: Shape): void {
  const v = shaped(attrs.get(type), shape);
  if (v) o.field(key, v.json, `${label} ${v.text} `);
}

/** C's `%#llx`: `0` for zero, `0x…` otherwise. */
export function hex0x(v: number | bigint): string {
  return v === 0 || v === 0n ? '0' : `0x${v.toString(16)}`;
}

/** Clock ticks (1/100 s, the unit of the kernel's bridge timers) as ip prints them: `%i.%.2i`. */
export function centiseconds(v: bigint): string {
  const sec = v / 100n;
  const cs = v % 100n;
  return `${sec}.${cs.toString().padStart(2, '0')}`;
}

export function colonHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

/** struct ifla_bridge_id { u8 prio[2]; u8 addr[6] } as `8000.32:44:35:3b:1:93` (ether_ntoa does not pad). */
export function bridgeId(b: Uint8Array): string {
  const prio = Array.from(b.subarray(0, 2), (x) => x.toString(16).padStart(2, '0')).join('');
  const addr = Array.from(b.subarray(2, 8), (x) => x.toString(16)).join(':');
  return `${prio}.${addr}`;
}
