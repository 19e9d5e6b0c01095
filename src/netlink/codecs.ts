/**
 * Attribute payload codecs: fixed-width integers (strict widths: a u32 wants
 * exactly four bytes), big-endian fields, flags, strings, raw bytes,
 * hardware and IP addresses, and C structs.
 */
import { compileStructReader } from './decode-compiled.js';
import { formatIp, formatMac, parseIp, parseMac } from './inet.js';
import { NLA_HDRLEN, align4 } from './constants.js';
import { type Codec, type DecodeCtx, decodeError } from './schema.js';

function exact(ctx: DecodeCtx, len: number, want: number, kind: string): void {
  if (len !== want) throw decodeError(ctx, `${kind} wants ${want} bytes, got ${len}`);
}

/** An unsigned 8-bit integer (u8), as a number. */
export const u8: Codec<number> = {
  kind: 'u8',
  decode(ctx, off, len) {
    exact(ctx, len, 1, 'u8');
    return ctx.view.getUint8(off);
  },
  encode: (w, v) => w.u8(v),
};
/** A signed 8-bit integer (s8), as a number. */
export const s8: Codec<number> = {
  kind: 's8',
  decode(ctx, off, len) {
    exact(ctx, len, 1, 's8');
    return ctx.view.getInt8(off);
  },
  encode: (w, v) => w.s8(v),
};
/** An unsigned 16-bit integer in host (little-endian) byte order, as a number. */
export const u16: Codec<number> = {
  kind: 'u16',
  decode(ctx, off, len) {
    exact(ctx, len, 2, 'u16');
    return ctx.view.getUint16(off, true);
  },
  encode: (w, v) => w.u16(v),
};
/** A signed 16-bit integer in host (little-endian) byte order, as a number. */
export const s16: Codec<number> = {
  kind: 's16',
  decode(ctx, off, len) {
    exact(ctx, len, 2, 's16');
    return ctx.view.getInt16(off, true);
  },
  encode: (w, v) => w.s16(v),
};
/** A u16 in network byte order (ports, VLAN protocols). */
export const be16: Codec<number> = {
  kind: 'be16',
  decode(ctx, off, len) {
    exact(ctx, len, 2, 'be16');
    return ctx.view.getUint16(off, false);
  },
  encode: (w, v) => w.u16(v, true),
};
/** An unsigned 32-bit integer in host (little-endian) byte order, as a number. */
export const u32: Codec<number> = {
  kind: 'u32',
  decode(ctx, off, len) {
    exact(ctx, len, 4, 'u32');
    return ctx.view.getUint32(off, true);
  },
  encode: (w, v) => w.u32(v),
};
/** A signed 32-bit integer in host (little-endian) byte order, as a number. */
export const s32: Codec<number> = {
  kind: 's32',
  decode(ctx, off, len) {
    exact(ctx, len, 4, 's32');
    return ctx.view.getInt32(off, true);
  },
  encode: (w, v) => w.s32(v),
};
/** A u32 in network byte order (__be32), as a number. */
export const be32: Codec<number> = {
  kind: 'be32',
  decode(ctx, off, len) {
    exact(ctx, len, 4, 'be32');
    return ctx.view.getUint32(off, false);
  },
  encode: (w, v) => w.u32(v, true),
};
/** An unsigned 64-bit integer in host (little-endian) byte order, as a bigint. */
export const u64: Codec<bigint> = {
  kind: 'u64',
  decode(ctx, off, len) {
    exact(ctx, len, 8, 'u64');
    return ctx.view.getBigUint64(off, true);
  },
  encode: (w, v) => w.u64(v),
};
/** A u64 in network byte order (__be64, e.g. a rule's tunnel id FRA_TUN_ID), as a bigint. */
export const be64: Codec<bigint> = {
  kind: 'be64',
  decode(ctx, off, len) {
    exact(ctx, len, 8, 'be64');
    return ctx.view.getBigUint64(off, false);
  },
  encode: (w, v) => w.u64(v, true),
};
/** A signed 64-bit integer in host (little-endian) byte order, as a bigint. */
export const s64: Codec<bigint> = {
  kind: 's64',
  decode(ctx, off, len) {
    exact(ctx, len, 8, 's64');
    return ctx.view.getBigInt64(off, true);
  },
  encode: (w, v) => w.s64(v),
};
/**
 * A u32 or a u64 by length: the kernel sends some 64-bit counters as u32
 * when they fit (nla_put_uint). Always a bigint.
 */
export const uint: Codec<bigint> = {
  kind: 'uint',
  decode(ctx, off, len) {
    if (len === 4) return BigInt(ctx.view.getUint32(off, true));
    exact(ctx, len, 8, 'uint');
    return ctx.view.getBigUint64(off, true);
  },
  encode(w, v) {
    if (typeof v === 'bigint' && v >= 0n && v <= 0xffffffffn) w.u32(Number(v));
    else w.u64(v);
  },
  canonical(ctx, off, len) {
    return len === 4 || ctx.view.getBigUint64(off, true) > 0xffffffffn;
  },
};

/** A zero-length attribute whose presence means true. */
export const flag: Codec<true> = {
  kind: 'flag',
  decode(ctx, _off, len) {
    exact(ctx, len, 0, 'flag');
    return true;
  },
  encode(w, v) {
    if (v !== true) w.fail(`flag must be true (omit it for false), got ${String(v)}`);
  },
};

const utf8 = new TextDecoder('utf-8', { fatal: false });

function nulIndex(buf: Uint8Array, off: number, len: number): number {
  for (let i = 0; i < len; i++) if (buf[off + i] === 0) return i;
  return -1;
}

/** A NUL-terminated string (nla_put_string). */
export const string: Codec<string> = {
  kind: 'string',
  decode(ctx, off, len) {
    const n = nulIndex(ctx.buf, off, len);
    const end = n < 0 ? len : n;
    // Most names are short ASCII: a plain loop beats the TextDecoder (and
    // String.fromCharCode(...spread), which costs 5× the loop) for them.
    if (end <= 32) {
      const buf = ctx.buf;
      let s = '';
      let i = 0;
      for (; i < end; i++) {
        const c = buf[off + i] as number;
        if (c >= 0x80) break;
        s += String.fromCharCode(c);
      }
      if (i === end) return s;
    }
    return utf8.decode(ctx.buf.subarray(off, off + end));
  },
  encode: (w, v) => w.cstring(v),
  canonical(ctx, off, len) {
    if (nulIndex(ctx.buf, off, len) !== len - 1) return false;
    // Invalid UTF-8 would not re-encode to the same bytes.
    for (let i = 0; i < len - 1; i++) if ((ctx.buf[off + i] as number) >= 0x80) return false;
    return true;
  },
};

/** Raw bytes (a copy: receive buffers are reused). */
export const bytes: Codec<Uint8Array> = {
  kind: 'bytes',
  decode: (ctx, off, len) => ctx.buf.slice(off, off + len),
  encode(w, v) {
    if (!(v instanceof Uint8Array)) w.fail(`expected a Uint8Array, got ${typeof v}`);
    else w.bytes(v);
  },
};

/** A link-layer address of any length, as `aa:bb:cc:dd:ee:ff`. */
export const hwaddr: Codec<string> = {
  kind: 'hwaddr',
  decode: (ctx, off, len) => formatMac(ctx.buf.subarray(off, off + len)),
  encode(w, v) {
    // The kernel sends zero-length addresses for devices without one
    // (addr_len 0: tun, ipip; e.g. NDA_LLADDR of a neighbour on a tun
    // device), which decode to ''. '' must encode back to zero bytes, or a
    // decoded message could not be re-encoded (found by test/hardening).
    if (v === '') return;
    const b = parseMac(v);
    if (!b) w.fail(`invalid hardware address: ${JSON.stringify(v)}`);
    else w.bytes(b);
  },
};

/** An IPv4 or IPv6 address by length (4 or 16 bytes), as text. */
export const ipaddr: Codec<string> = {
  kind: 'ipaddr',
  decode(ctx, off, len) {
    if (len !== 4 && len !== 16) throw decodeError(ctx, `an IP address wants 4 or 16 bytes, got ${len}`);
    return formatIp(ctx.buf.subarray(off, off + len));
  },
  encode(w, v) {
    const b = parseIp(v);
    if (!b) w.fail(`invalid IP address: ${JSON.stringify(v)}`);
    else w.bytes(b);
  },
};

type FieldType = 'u8' | 'u16' | 'u32' | 'u64' | 's32' | 's64' | 'be16' | 'be32';
type FieldValue<F extends FieldType> = F extends 'u64' | 's64' ? bigint : number;
const widths: Record<FieldType, number> = { u8: 1, u16: 2, u32: 4, u64: 8, s32: 4, s64: 8, be16: 2, be32: 4 };
/** Field kinds by number, for the struct decoder's switch. */
const FIELD_KINDS: readonly FieldType[] = ['u8', 'u16', 'u32', 'u64', 's32', 's64', 'be16', 'be32'];

/** Hidden property of a decoded struct: its original length and any bytes past the known fields. */
export const STRUCT_TAIL: unique symbol = Symbol.for('rtnl.structTail');

interface Tail {
  len: number;
  extra: Uint8Array;
}

/**
 * A packed C struct of integer fields. Structs grow across kernel versions
 * (rtnl_link_stats64 gained fields in 6.x): a shorter payload decodes the
 * fields that fit, a longer one keeps the extra bytes, and both re-encode to
 * the same length.
 */
export function struct<F extends Record<string, FieldType>>(
  kind: string,
  fields: F,
): Codec<{ [K in keyof F]: FieldValue<F[K]> }> {
  const list = Object.entries(fields) as [string, FieldType][];
  let size = 0;
  const layout = list.map(([key, t]) => {
    const at = size;
    size += widths[t];
    return { key, t, at };
  });
  // The decoder walks parallel arrays with numeric field kinds: counters
  // structs (rtnl_link_stats64: 25 fields) are decoded per link.
  const keys = layout.map((f) => f.key);
  const kinds = layout.map((f) => FIELD_KINDS.indexOf(f.t));
  const ats = layout.map((f) => f.at);
  const ends = layout.map((f) => f.at + widths[f.t]);
  // Whole structs (the usual case) are read by generated code: one object literal, one shape.
  const whole = compileStructReader(layout);
  return {
    kind,
    decode(ctx, off, len) {
      if (whole && len >= size) {
        const out = whole(ctx.view, off);
        if (len !== size) Object.defineProperty(out, STRUCT_TAIL, { value: { len, extra: ctx.buf.slice(off + size, off + len) } satisfies Tail, enumerable: false });
        return out as { [K in keyof F]: FieldValue<F[K]> };
      }
      const out: Record<string, number | bigint> = {};
      const v = ctx.view;
      let covered = 0;
      for (let i = 0; i < keys.length; i++) {
        const e = ends[i] as number;
        if (e > len) break;
        covered = e;
        const p = off + (ats[i] as number);
        const key = keys[i] as string;
        switch (kinds[i]) {
          case 0: out[key] = v.getUint8(p); break;
          case 1: out[key] = v.getUint16(p, true); break;
          case 2: out[key] = v.getUint32(p, true); break;
          case 3: out[key] = v.getBigUint64(p, true); break;
          case 4: out[key] = v.getInt32(p, true); break;
          case 5: out[key] = v.getBigInt64(p, true); break;
          case 6: out[key] = v.getUint16(p, false); break;
          case 7: out[key] = v.getUint32(p, false); break;
        }
      }
      if (len !== size) {
        // Bytes past the last whole field (newer fields, or a partial one) are kept verbatim.
        const tail: Tail = { len, extra: ctx.buf.slice(off + covered, off + len) };
        Object.defineProperty(out, STRUCT_TAIL, { value: tail, enumerable: false });
      }
      return out as { [K in keyof F]: FieldValue<F[K]> };
    },
    encode(w, value) {
      const obj = value as Record<string, number | bigint | undefined>;
      const tail = (value as { [STRUCT_TAIL]?: Tail })[STRUCT_TAIL];
      const limit = tail ? Math.min(tail.len, size) : size;
      for (const { key, t, at } of layout) {
        if (at + widths[t] > limit) break;
        const x = obj[key] ?? (t === 'u64' || t === 's64' ? 0n : 0);
        switch (t) {
          case 'u8': w.u8(x as number); break;
          case 'u16': w.u16(x as number); break;
          case 'u32': w.u32(x as number); break;
          case 's32': w.s32(x as number); break;
          case 'u64': w.u64(x as bigint); break;
          case 's64': w.s64(x as bigint); break;
          case 'be16': w.u16(x as number, true); break;
          case 'be32': w.u32(x as number, true); break;
        }
      }
      if (tail) w.bytes(tail.extra);
    },
  };
}

/**
 * The YNL `indexed-array`: a nest whose attributes are numbered 0, 1, 2 …
 * by position, each holding one `item` (bond's IFLA_BOND_ARP_IP_TARGET and
 * IFLA_BOND_NS_IP6_TARGET: bond_fill_info() puts target i as attribute i).
 * Decodes to an array; a nest whose numbers are not 0..n-1 in order is not
 * canonical, so the message keeps its raw bytes and round-trips exactly.
 */
export function indexed<T>(item: Codec<T>): Codec<T[]> & { readonly item: Codec<T> } {
  const entries = (ctx: DecodeCtx, off: number, len: number) => {
    const out: { type: number; off: number; len: number; size: number }[] = [];
    const end = off + len;
    while (off < end) {
      if (end - off < NLA_HDRLEN) throw decodeError(ctx, `indexed array: ${end - off} trailing bytes`);
      const size = ctx.view.getUint16(off, true);
      if (size < NLA_HDRLEN || off + size > end) throw decodeError(ctx, `indexed array: entry length ${size} out of bounds`);
      out.push({ type: ctx.view.getUint16(off + 2, true), off: off + NLA_HDRLEN, len: size - NLA_HDRLEN, size });
      off += align4(size);
    }
    return out;
  };
  return {
    kind: `indexed(${item.kind})`,
    item,
    decode: (ctx, off, len) => entries(ctx, off, len).map((e) => item.decode(ctx, e.off, e.len)),
    encode(w, v) {
      if (!Array.isArray(v)) return w.fail(`expected an array, got ${typeof v}`);
      v.forEach((x, i) => w.attr(i, () => item.encode(w, x)));
    },
    canonical: (ctx, off, len) =>
      entries(ctx, off, len).every((e, i) => e.type === i && (!item.canonical || item.canonical(ctx, e.off, e.len))),
  };
}
