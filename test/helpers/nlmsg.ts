/**
 * Netlink messages as a fake kernel sends them, for tests that drive an
 * RtnlSocket through a fake shim: a header addressed to `port`, a payload,
 * and the control messages (ACK/error, DONE).
 */
import { NLMSG, NLM_F } from '../../src/netlink/constants.js';

export function nlmsgFor(port: number) {
  const msg = (type: number, flags: number, seq: number, payload: number[] = []): Uint8Array => {
    const out = new Uint8Array(16 + payload.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, out.length, true);
    v.setUint16(4, type, true);
    v.setUint16(6, flags, true);
    v.setUint32(8, seq, true);
    v.setUint32(12, port, true);
    out.set(payload, 16);
    return out;
  };
  /** NLMSG_ERROR with a capped echo: errno 0 is an ACK. */
  const errorMsg = (seq: number, errno = 0): Uint8Array => {
    const m = msg(NLMSG.ERROR, NLM_F.CAPPED, seq, new Array(4 + 16).fill(0));
    new DataView(m.buffer).setInt32(16, -errno, true);
    return m;
  };
  const done = (seq: number): Uint8Array => msg(NLMSG.DONE, NLM_F.MULTI, seq, [0, 0, 0, 0]);
  return { msg, errorMsg, ack: (seq: number) => errorMsg(seq, 0), done };
}
