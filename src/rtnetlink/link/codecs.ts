/**
 * Payload codecs that only link messages need: bridge identifiers, arrays of
 * integers (devconf tables, ICMPv6 counters), flags the kernel sends back as
 * u8, and a wrapper that lets any attribute also be written from raw bytes.
 */
import { formatMac, parseMac } from '../../netlink/inet.js';
import { type Codec, decodeError } from '../../netlink/schema.js';

/**
 * struct ifla_bridge_id { __u8 prio[2]; __u8 addr[6]; } as `ip` prints it:
 * the priority as four hex digits (prio[0] is the high byte), a dot, then
 * the MAC: `8000.be:b5:ff:4a:4e:c6`.
 */
export const bridgeId: Codec<string> = {
  kind: 'ifla_bridge_id',
  decode(ctx, off, len) {
    if (len !== 8) throw decodeError(ctx, `ifla_bridge_id wants 8 bytes, got ${len}`);
    const b = ctx.buf;
    const prio = (((b[off] as number) << 8) | (b[off + 1] as number)).toString(16).padStart(4, '0');
    return `${prio}.${formatMac(b.subarray(off + 2, off + 8))}`;
  },
  encode(w, v) {
    const m = typeof v === 'string' ? /^([0-9a-fA-F]{1,4})\.(.+)$/.exec(v) : null;
    const mac = m ? parseMac(m[2]) : undefined;
    if (!m || !mac || mac.length !== 6) {
      w.fail(`invalid bridge id ${JSON.stringify(v)}: want PPPP.aa:bb:cc:dd:ee:ff`);
      w.zeros(8);
      return;
    }
    const prio = parseInt(m[1] as string, 16);
    w.u8(prio >> 8);
    w.u8(prio & 0xff);
    w.bytes(mac);
  },
};

type IntKind = 'u32' | 's32';

function intArray(kind: IntKind): Codec<number[]> {
  return {
    kind: `${kind}[]`,
    decode(ctx, off, len) {
      if (len % 4) throw decodeError(ctx, `${kind} array of ${len} bytes is not a multiple of 4`);
      const out: number[] = new Array<number>(len / 4);
      for (let i = 0; i < len / 4; i++) out[i] = kind === 'u32' ? ctx.view.getUint32(off + i * 4, true) : ctx.view.getInt32(off + i * 4, true);
      return out;
    },
    encode(w, v) {
      if (!Array.isArray(v)) return w.fail(`expected an array of ${kind}`);
      for (const x of v) kind === 'u32' ? w.u32(x) : w.s32(x);
    },
  };
}

/** A packed array of u32 (ipv4 devconf: one value per IPV4_DEVCONF_* entry). */
export const u32Array = intArray('u32');
/** A packed array of s32 (ipv6 devconf: one value per DEVCONF_* entry). */
export const s32Array = intArray('s32');

/** A packed array of u64 (IPv6 and ICMPv6 counters), as bigints. */
export const u64Array: Codec<bigint[]> = {
  kind: 'u64[]',
  decode(ctx, off, len) {
    if (len % 8) throw decodeError(ctx, `u64 array of ${len} bytes is not a multiple of 8`);
    const out: bigint[] = new Array<bigint>(len / 8);
    for (let i = 0; i < len / 8; i++) out[i] = ctx.view.getBigUint64(off + i * 8, true);
    return out;
  },
  encode(w, v) {
    if (!Array.isArray(v)) return w.fail('expected an array of bigint');
    for (const x of v) w.u64(x);
  },
};

/**
 * A boolean the kernel takes as an NLA_FLAG (present = on) but reports as a
 * u8 0/1 (vxlan's IFLA_VXLAN_TTL_INHERIT). Decodes either form; encodes the
 * flag form, and a decoded u8 is kept verbatim so round trips stay exact.
 */
export const flagOrU8: Codec<boolean> = {
  kind: 'flag|u8',
  decode(ctx, off, len) {
    if (len === 0) return true;
    if (len !== 1) throw decodeError(ctx, `flag or u8 wants 0 or 1 bytes, got ${len}`);
    return ctx.view.getUint8(off) !== 0;
  },
  encode(w, v) {
    if (v !== true) w.fail('this flag can only be set (omit it to leave it off)');
  },
  canonical: (_ctx, _off, len) => len === 0,
};

/**
 * Wraps a codec so that a Uint8Array value is written verbatim. Used where
 * the decoded form depends on context the caller may not have (an unknown
 * link kind, a protinfo of another family): raw bytes always encode.
 */
export function orRaw<T>(codec: Codec<T>): Codec<T | Uint8Array> {
  const out: { -readonly [K in keyof Codec<T | Uint8Array>]: Codec<T | Uint8Array>[K] } = {
    kind: codec.kind,
    decode: (ctx, off, len) => codec.decode(ctx, off, len),
    encode(w, v) {
      if (v instanceof Uint8Array) w.bytes(v);
      else codec.encode(w, v);
    },
  };
  if (codec.canonical) out.canonical = codec.canonical.bind(codec);
  if (codec.set) out.set = codec.set;
  return out;
}
