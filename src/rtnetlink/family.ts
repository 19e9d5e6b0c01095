/**
 * An rtnetlink message body: a fixed family header (ifinfomsg, ifaddrmsg,
 * rtmsg, ndmsg, rtgenmsg …) followed by attributes. One descriptor pairs the
 * header struct with the attribute table, and gives decode and encode of
 * whole messages.
 */
import { NLMSG_HDRLEN } from '../netlink/constants.js';
import { type Codec, type Decoded, type AttrSet, type DecodeSkip, decodeAttrs, decodeCtx, decodeError, encodeAttrs } from '../netlink/schema.js';
import type { ByteWriter } from '../netlink/writer.js';
import { DecodeError } from '../netlink/errors.js';

/** A decoded rtnetlink message body: its family header and its attributes. */
export interface FamilyMessage<H, A extends AttrSet> {
  /** The family header, e.g. `{ family, type, index, flags, change }` for ifinfomsg. */
  header: H;
  attrs: Decoded<A>;
}

/** An rtnetlink message descriptor: the family header's codec and size, and the attribute table after it. */
export interface Family<H, A extends AttrSet> {
  readonly name: string;
  readonly headerSize: number;
  readonly header: Codec<H>;
  readonly attrs: A;
  /** Decodes a whole netlink message (nlmsghdr included); `skip` leaves attributes undecoded (DecodeSkip). */
  decode(bytes: Uint8Array, options?: { skip?: DecodeSkip }): FamilyMessage<H, A>;
  /** Writes header and attributes (the nlmsghdr is the socket's). */
  encode(w: ByteWriter, msg: { header: H; attrs?: Decoded<A> | undefined }): void;
}

/** Builds a message descriptor from a header codec of `headerSize` bytes and the attribute table `attrs`. */
export function family<H, A extends AttrSet>(name: string, headerSize: number, header: Codec<H>, attrs: A): Family<H, A> {
  return {
    name,
    headerSize,
    header,
    attrs,
    decode(bytes, options) {
      const ctx = decodeCtx(bytes, options?.skip);
      if (bytes.length < NLMSG_HDRLEN + headerSize) {
        throw new DecodeError(`${name}: message of ${bytes.length} bytes is shorter than its ${headerSize}-byte header`);
      }
      const len = ctx.view.getUint32(0, true);
      if (len > bytes.length || len < NLMSG_HDRLEN + headerSize) throw decodeError(ctx, `${name}: bad nlmsg_len ${len}`);
      ctx.path.push(name);
      const h = header.decode(ctx, NLMSG_HDRLEN, headerSize);
      ctx.path.pop();
      // decodeAttrs narrows ctx.skip per nest and restores it, so here it is still the whole DecodeSkip.
      const a = decodeAttrs(attrs, ctx, NLMSG_HDRLEN + headerSize, len) as Decoded<A>;
      return { header: h, attrs: a };
    },
    encode(w, msg) {
      const start = w.pos;
      header.encode(w, msg.header);
      if (w.pos - start !== headerSize) w.fail(`${name}: header wrote ${w.pos - start} bytes, expected ${headerSize}`);
      if (msg.attrs) encodeAttrs(w, attrs, msg.attrs);
    },
  };
}

/**
 * Re-encodes a decoded message with its original nlmsghdr fields: the
 * lossless round-trip check (decode → encode gives the kernel's bytes).
 */
export function reencode<H, A extends AttrSet>(f: Family<H, A>, original: Uint8Array, msg: FamilyMessage<H, A>, w: ByteWriter): Uint8Array {
  w.reset();
  w.bytes(original.subarray(0, NLMSG_HDRLEN));
  f.encode(w, msg);
  const out = w.finish();
  new DataView(out.buffer, out.byteOffset).setUint32(0, out.length, true);
  return out;
}
