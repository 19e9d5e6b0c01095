/** RTM_NEWNSID captured from a 6.18 kernel (`ip netns list-id` dump), both directions. */
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../src/netlink/writer.js';
import { reencode } from '../../../src/rtnetlink/family.js';
import { nsidMessage } from '../../../src/rtnetlink/nsid/index.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/#.*$/gm, '').replace(/\s+/g, ''), 'hex'));

const raw = hex(`
  1c000000 5800 0200 06000000 64520000   # nlmsghdr: len 28, RTM_NEWNSID, NLM_F_MULTI
  00 000000                              # rtgenmsg: AF_UNSPEC + NLMSG_ALIGN padding
  0800 0100 05000000                     # NETNSA_NSID 5
`);

describe('rtgenmsg + NETNSA_* golden bytes', () => {
  it('decodes', () => {
    expect(nsidMessage.decode(raw)).toEqual({ header: { family: 0 }, attrs: { nsid: 5 } });
  });
  it('encodes to the kernel\'s bytes', () => {
    expect(reencode(nsidMessage, raw, { header: { family: 0 }, attrs: { nsid: 5 } }, new ByteWriter())).toEqual(raw);
  });
  it('encodes a GETNSID request by fd, and negative ids as s32', () => {
    const w = new ByteWriter();
    nsidMessage.encode(w, { header: { family: 0 }, attrs: { fd: 7, nsid: -1 } });
    expect(Buffer.from(w.finish()).toString('hex')).toBe('00000000' + '08000300' + '07000000' + '08000100' + 'ffffffff');
  });
  it('keeps non-zero pad bytes', () => {
    const odd = raw.slice();
    odd[17] = 0xaa;
    const msg = nsidMessage.decode(odd);
    expect(msg.header.pad).toBe(0xaa);
    expect(reencode(nsidMessage, odd, msg, new ByteWriter())).toEqual(odd);
  });
});
