/**
 * A growable byte writer for netlink messages. Lengths are back-patched:
 * `begin()` reserves a header and returns its offset, `end()` writes the
 * final length there. Range errors are sticky (the first one is recorded and
 * `finish()` throws it), so encoders stay linear.
 */
import { EncodeError } from './errors.js';
import { NLA_F_NESTED, NLA_HDRLEN, align4 } from './constants.js';

const encoder = new TextEncoder();

/** Where each attribute of a request was written: maps kernel error offsets back to paths. */
export interface AttrTrace {
  offset: number;
  path: string;
  /** The attribute set of the nest this attribute opens, when it is one. */
  set?: { readonly name: string; nameOf(type: number): string | undefined };
}

/**
 * The growable buffer netlink messages are encoded into: nlmsghdr and
 * nlattr lengths are back-patched, and the first encoding error is kept
 * until the message is finished.
 */
export class ByteWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  private error: Error | undefined;
  /** Set to an array to record attribute offsets and paths. */
  trace: AttrTrace[] | undefined;
  /** Path of the nest being written, for traces and errors. */
  path: string[] = [];

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Starts over, keeping the allocated memory. */
  reset(): this {
    this.pos = 0;
    this.error = undefined;
    this.trace = undefined;
    // Setting an array's length is a runtime call; the path is empty after a complete message.
    if (this.path.length) this.path.length = 0;
    return this;
  }

  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Records the first error; later writes still advance so offsets stay sane. */
  fail(message: string): void {
    if (!this.error) this.error = new EncodeError(message, this.path.join('.') || undefined);
  }

  private checkInt(v: number, min: number, max: number, what: string): number {
    if (!Number.isInteger(v) || v < min || v > max) {
      this.fail(`invalid ${what}: ${String(v)}`);
      return 0;
    }
    return v;
  }

  u8(v: number): void {
    this.ensure(1);
    this.view.setUint8(this.pos, this.checkInt(v, 0, 0xff, 'u8'));
    this.pos += 1;
  }
  u16(v: number, bigEndian = false): void {
    this.ensure(2);
    this.view.setUint16(this.pos, this.checkInt(v, 0, 0xffff, 'u16'), !bigEndian);
    this.pos += 2;
  }
  u32(v: number, bigEndian = false): void {
    this.ensure(4);
    this.view.setUint32(this.pos, this.checkInt(v, 0, 0xffffffff, 'u32'), !bigEndian);
    this.pos += 4;
  }
  s8(v: number): void {
    this.ensure(1);
    this.view.setInt8(this.pos, this.checkInt(v, -0x80, 0x7f, 's8'));
    this.pos += 1;
  }
  s16(v: number): void {
    this.ensure(2);
    this.view.setInt16(this.pos, this.checkInt(v, -0x8000, 0x7fff, 's16'), true);
    this.pos += 2;
  }
  s32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, this.checkInt(v, -0x80000000, 0x7fffffff, 's32'), true);
    this.pos += 4;
  }
  u64(v: bigint, bigEndian = false): void {
    this.ensure(8);
    if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) {
      this.fail(`invalid u64: ${String(v)}`);
      v = 0n;
    }
    this.view.setBigUint64(this.pos, v, !bigEndian);
    this.pos += 8;
  }
  s64(v: bigint): void {
    this.ensure(8);
    if (typeof v !== 'bigint' || v < -0x8000000000000000n || v > 0x7fffffffffffffffn) {
      this.fail(`invalid s64: ${String(v)}`);
      v = 0n;
    }
    this.view.setBigInt64(this.pos, v, true);
    this.pos += 8;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  zeros(n: number): void {
    this.ensure(n);
    // Padding and headers are a few bytes: a loop is cheaper than fill()'s call.
    if (n <= 32) for (let i = 0; i < n; i++) this.buf[this.pos + i] = 0;
    else this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }
  /** A NUL-terminated string. */
  cstring(s: string): void {
    if (typeof s !== 'string') {
      this.fail(`invalid string: ${String(s)}`);
      s = '';
    }
    // ASCII (interface names, kinds) is copied byte by byte: TextEncoder.encode
    // allocates an ArrayBuffer per call, which costs more than a whole
    // GETLINK round trip. Anything else is encoded in place.
    const n = s.length;
    this.ensure(n + 1);
    const buf = this.buf;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[this.pos + i] = c;
    }
    this.pos += i;
    if (i < n) {
      // At most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
      const rest = s.slice(i);
      this.ensure(3 * rest.length + 1);
      this.pos += encoder.encodeInto(rest, this.buf.subarray(this.pos)).written;
    }
    this.u8(0);
  }
  /** Pads with zero bytes to the next 4-byte boundary. */
  align(): void {
    const pad = align4(this.pos) - this.pos;
    if (pad) this.zeros(pad);
  }

  /** Writes an attribute header with a placeholder length; returns its offset. */
  beginAttr(type: number): number {
    const start = this.pos;
    this.ensure(NLA_HDRLEN);
    this.view.setUint16(start + 2, type & 0xffff, true);
    this.pos += NLA_HDRLEN;
    return start;
  }
  /** Patches nla_len (unpadded, as the kernel expects) and pads to alignment. */
  endAttr(start: number): void {
    const len = this.pos - start;
    if (len > 0xffff) this.fail(`attribute too long: ${len} bytes`);
    this.view.setUint16(start, len & 0xffff, true);
    this.align();
  }

  /** One attribute whose payload `fn` writes. */
  attr(type: number, fn: (w: this) => void): void {
    const start = this.beginAttr(type);
    fn(this);
    this.endAttr(start);
  }
  /** A nest: NLA_F_NESTED is set unless `flag` is false. */
  nest(type: number, fn: (w: this) => void, flag = true): void {
    this.attr(flag ? type | NLA_F_NESTED : type, fn);
  }

  /** The written bytes (a view of the internal buffer); throws the first recorded error. */
  finish(): Uint8Array {
    if (this.error) throw this.error;
    return this.buf.subarray(0, this.pos);
  }

  /** {@link finish} without the view: the number of bytes written, which start at `buf[0]`. */
  finishLength(): number {
    if (this.error) throw this.error;
    return this.pos;
  }

  get failed(): Error | undefined {
    return this.error;
  }
}
