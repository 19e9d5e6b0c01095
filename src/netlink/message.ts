/**
 * The netlink message header (struct nlmsghdr, 16 bytes) and the control
 * messages every family shares: NLMSG_ERROR (errors and ACKs, with extended
 * ACK TLVs) and NLMSG_DONE (end of dump, which may carry an error too).
 *
 *   0       4       6       8              12             16
 *   | len   | type  | flags | seq          | pid          | payload …
 */
import { NLMSG_HDRLEN, NLM_F, NLMSGERR_ATTR, NLA_HDRLEN, NLA_TYPE_MASK, align4 } from './constants.js';
import { DecodeError, type ExtAck } from './errors.js';

/** A decoded struct nlmsghdr: nlmsg_len, nlmsg_type, nlmsg_flags, nlmsg_seq, nlmsg_pid. */
export interface NlHeader {
  len: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
}

/** Reads the struct nlmsghdr at `off` (host byte order); does not check the length. */
export function readHeader(view: DataView, off: number): NlHeader {
  return {
    len: view.getUint32(off, true),
    type: view.getUint16(off + 4, true),
    flags: view.getUint16(off + 6, true),
    seq: view.getUint32(off + 8, true),
    pid: view.getUint32(off + 12, true),
  };
}

/**
 * Splits a datagram into messages, calling `fn(offset, header)` for each.
 * Malformed lengths end in a DecodeError, never in a loop.
 */
export function forEachMessage(view: DataView, length: number, fn: (off: number, h: NlHeader) => void): void {
  let off = 0;
  while (off < length) {
    if (length - off < NLMSG_HDRLEN) throw new DecodeError(`${length - off} trailing bytes, too short for a netlink header`);
    const h = readHeader(view, off);
    if (h.len < NLMSG_HDRLEN || off + h.len > length) {
      throw new DecodeError(`netlink message at offset ${off} has length ${h.len}, ${length - off} bytes left`);
    }
    fn(off, h);
    off += align4(h.len);
  }
}

/** The error code and extended-ACK TLVs of an NLMSG_ERROR or NLMSG_DONE message. */
export interface ErrorPayload {
  /** Positive errno; 0 for an ACK. */
  errno: number;
  extack: ExtAck;
}

/** Reads extended-ACK TLVs in `[off, end)`. Unknown TLVs are ignored. */
function readExtAck(buf: Uint8Array, view: DataView, off: number, end: number): ExtAck {
  const out: ExtAck = {};
  while (off + NLA_HDRLEN <= end) {
    const len = view.getUint16(off, true);
    const type = view.getUint16(off + 2, true) & NLA_TYPE_MASK;
    if (len < NLA_HDRLEN || off + len > end) break;
    const p = off + NLA_HDRLEN;
    const plen = len - NLA_HDRLEN;
    switch (type) {
      case NLMSGERR_ATTR.MSG: {
        let e = p;
        while (e < p + plen && buf[e] !== 0) e++;
        out.message = new TextDecoder().decode(buf.subarray(p, e));
        break;
      }
      case NLMSGERR_ATTR.OFFS:
        if (plen === 4) out.offset = view.getUint32(p, true);
        break;
      case NLMSGERR_ATTR.MISS_TYPE:
        if (plen === 4) out.missingType = view.getUint32(p, true);
        break;
      case NLMSGERR_ATTR.MISS_NEST:
        if (plen === 4) out.missingNestOffset = view.getUint32(p, true);
        break;
      case NLMSGERR_ATTR.COOKIE:
        out.cookie = buf.slice(p, p + plen);
        break;
    }
    off += align4(len);
  }
  return out;
}

/**
 * Parses the payload of NLMSG_ERROR at `off` (the message start): struct
 * nlmsgerr { int error; struct nlmsghdr msg; } followed, when
 * NLM_F_ACK_TLVS is set, by TLVs. With NLM_F_CAPPED only the original
 * header is echoed, otherwise the whole original request.
 */
export function readErrorMessage(buf: Uint8Array, view: DataView, off: number, h: NlHeader): ErrorPayload {
  const p = off + NLMSG_HDRLEN;
  const end = off + h.len;
  if (end - p < 4) throw new DecodeError(`NLMSG_ERROR too short: ${h.len} bytes`);
  const errno = -view.getInt32(p, true);
  let extack: ExtAck = {};
  if (h.flags & NLM_F.ACK_TLVS && end - p >= 4 + NLMSG_HDRLEN) {
    const origLen = view.getUint32(p + 4, true);
    // The echoed length comes from the wire: bound it before aligning, as
    // align4 works in 32-bit signed arithmetic and turns a length ≥ 2^31
    // negative, which pointed the TLV reader before the buffer (a RangeError
    // from DataView, found by test/hardening). An echo that overruns the
    // message leaves no room for TLVs.
    const echoed = h.flags & NLM_F.CAPPED ? NLMSG_HDRLEN : origLen;
    if (echoed >= NLMSG_HDRLEN && echoed <= end - (p + 4)) extack = readExtAck(buf, view, p + 4 + align4(echoed), end);
  }
  return { errno, extack };
}

/** Parses NLMSG_DONE: an int error code (0 or -errno), then optional TLVs. */
export function readDoneMessage(buf: Uint8Array, view: DataView, off: number, h: NlHeader): ErrorPayload {
  const p = off + NLMSG_HDRLEN;
  const end = off + h.len;
  if (end - p < 4) return { errno: 0, extack: {} };
  const errno = -view.getInt32(p, true);
  const extack = h.flags & NLM_F.ACK_TLVS ? readExtAck(buf, view, p + 4, end) : {};
  return { errno, extack };
}
