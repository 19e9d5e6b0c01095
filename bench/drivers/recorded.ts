/** Recorded dumps: link messages back to back at 4-byte alignment, as they sit in datagrams. */
import { NLMSG_HDRLEN } from '../../src/netlink/constants.js';

/** One view per message of a recorded dump (no copies). */
export function splitMessages(data: Uint8Array): Uint8Array[] {
  const buf = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const msgs: Uint8Array[] = [];
  for (let off = 0; off < buf.length; ) {
    const len = view.getUint32(off, true);
    if (len < NLMSG_HDRLEN || off + len > buf.length) throw new Error(`bad message length ${len} at offset ${off}`);
    msgs.push(buf.subarray(off, off + len));
    off += (len + 3) & ~3;
  }
  return msgs;
}
