import { describe, expect, it } from 'vitest';
import { forEachMessage, readDoneMessage, readErrorMessage, readHeader } from '../../src/netlink/message.js';
import { hex } from '../helpers/hex.js';
import { DecodeError } from '../../src/netlink/errors.js';


describe('netlink messages', () => {
  // An extended-ACK error as the kernel sends it with CAP_ACK + EXT_ACK:
  const errorMsg = hex(`
    44000000 0200 0003 07000000 39300000   nlmsghdr: len 68, NLMSG_ERROR, flags CAPPED|ACK_TLVS, seq 7, pid 12345
    deffffff                               error = -34 (ERANGE)
    20000000 1000 0506 07000000 00000000   the request's header, echoed (capped)
    1500 0100 41747472696275746520666169   NLMSGERR_ATTR_MSG, len 21: "Attribute fai…
    6c6564 00 000000                       … led\\0" + 3 pad
    0800 0200 20000000                     NLMSGERR_ATTR_OFFS = 32
  `);

  it('reads the header', () => {
    const v = new DataView(errorMsg.buffer);
    expect(readHeader(v, 0)).toEqual({ len: 68, type: 2, flags: 0x300, seq: 7, pid: 12345 });
  });

  it('reads errno, message and offset from an extended ACK', () => {
    const v = new DataView(errorMsg.buffer);
    const e = readErrorMessage(errorMsg, v, 0, readHeader(v, 0));
    expect(e.errno).toBe(34);
    expect(e.extack).toEqual({ message: 'Attribute failed', offset: 32 });
  });

  it('reads an error carried by NLMSG_DONE (failed dump)', () => {
    const done = hex('20000000 0300 0202 01000000 00000000 a1ffffff 0900 0100 6e6f7065 00 000000');
    const v = new DataView(done.buffer);
    expect(readDoneMessage(done, v, 0, readHeader(v, 0))).toEqual({ errno: 95, extack: { message: 'nope' } });
  });

  it('splits datagrams and rejects bad lengths without looping', () => {
    const two = new Uint8Array([...hex('14000000 0300 0000 01000000 00000000 00000000'), ...hex('14000000 0300 0000 02000000 00000000 00000000')]);
    const seen: number[] = [];
    forEachMessage(new DataView(two.buffer), two.length, (_o, h) => seen.push(h.seq));
    expect(seen).toEqual([1, 2]);
    const zero = hex('00000000 0300 0000 01000000 00000000');
    expect(() => forEachMessage(new DataView(zero.buffer), zero.length, () => {})).toThrow(DecodeError);
    const past = hex('40000000 0300 0000 01000000 00000000');
    expect(() => forEachMessage(new DataView(past.buffer), past.length, () => {})).toThrow(/length 64/);
  });
});
