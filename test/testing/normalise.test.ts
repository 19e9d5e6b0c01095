/**
 * The recorder's normalisation, on synthetic messages: kernel-chosen MACs
 * (and their EUI-64 forms) become canonical while MACs the program chose
 * stay; ports and sequence numbers are renumbered consistently; counters
 * and timestamps are zeroed; fds inside requests follow the fd numbering.
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../src/netlink/writer.js';
import { NLM_F } from '../../src/netlink/constants.js';
import { AF, RTM } from '../../src/rtnetlink/constants.js';
import { linkMessage } from '../../src/rtnetlink/link/index.js';
import { addrMessage } from '../../src/rtnetlink/addr/index.js';
import { nsidMessage } from '../../src/rtnetlink/nsid/index.js';
import { Normaliser } from '../../src/testing/normalise.js';

function message(type: number, flags: number, seq: number, pid: number, body: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter();
  w.zeros(16);
  body(w);
  const out = w.finish().slice();
  const v = new DataView(out.buffer);
  v.setUint32(0, out.length, true);
  v.setUint16(4, type, true);
  v.setUint16(6, flags, true);
  v.setUint32(8, seq, true);
  v.setUint32(12, pid, true);
  return out;
}
const hdr = { family: AF.UNSPEC, type: 1, index: 3, flags: 0, change: 0 };
const REAL_PORT = 0x9abc_def0;

describe('Normaliser', () => {
  it('replaces kernel-chosen MACs everywhere, also as EUI-64, and keeps the program’s own', () => {
    const n = new Normaliser();
    n.port(REAL_PORT);
    // The program chose 02:00:00:00:00:07 for one device (it appears first in a request).
    n.request(message(RTM.NEWLINK, NLM_F.REQUEST, 1, 0, (w) => linkMessage.encode(w, { header: hdr, attrs: { ifname: 'a', address: '02:00:00:00:00:07' } })), REAL_PORT);
    const reply = n.reply(
      message(RTM.NEWLINK, 0, 1, REAL_PORT, (w) => linkMessage.encode(w, { header: hdr, attrs: { ifname: 'v0', address: 'ae:11:22:33:44:55', broadcast: 'ff:ff:ff:ff:ff:ff' } })),
      Infinity,
      REAL_PORT,
    );
    const link = linkMessage.decode(reply);
    expect(link.attrs.address).toBe('02:72:74:6e:00:01');
    expect(link.attrs.broadcast).toBe('ff:ff:ff:ff:ff:ff');
    const mine = n.reply(message(RTM.NEWLINK, 0, 2, REAL_PORT, (w) => linkMessage.encode(w, { header: hdr, attrs: { address: '02:00:00:00:00:07' } })), Infinity, REAL_PORT);
    expect(linkMessage.decode(mine).attrs.address).toBe('02:00:00:00:00:07');
    // The link-local address derived from the random MAC (ae ^ 02 = ac) follows.
    const addr = n.reply(
      message(RTM.NEWADDR, 0, 0, 0, (w) =>
        addrMessage.encode(w, { header: { family: AF.INET6, prefixLength: 64, flags: 0, scope: 253, index: 3 }, attrs: { address: 'fe80::ac11:22ff:fe33:4455' } }),
      ),
      Infinity,
      REAL_PORT,
    );
    // canonical 02:72:74:6e:00:01 → EUI-64 0072:74ff:fe6e:0001
    expect(addrMessage.decode(addr).attrs.address).toBe('fe80::72:74ff:fe6e:1');
    // A request echoing the random MAC is rewritten the same way.
    const echo = n.request(message(RTM.SETLINK, NLM_F.REQUEST, 3, 0, (w) => linkMessage.encode(w, { header: hdr, attrs: { address: 'ae:11:22:33:44:55' } })), REAL_PORT);
    expect(linkMessage.decode(echo).attrs.address).toBe('02:72:74:6e:00:01');
  });

  it('renumbers ports and sequence numbers consistently across requests, replies and echoed headers', () => {
    const n = new Normaliser();
    expect(n.port(REAL_PORT)).toBe(1);
    const req = n.request(message(RTM.GETLINK, NLM_F.REQUEST | NLM_F.ACK, 777, 0, (w) => linkMessage.encode(w, { header: hdr })), REAL_PORT);
    expect(new DataView(req.buffer).getUint32(8, true)).toBe(1);
    const ack = message(2, 0x100, 777, REAL_PORT, (w) => {
      w.s32(0);
      w.bytes(new Uint8Array(req.subarray(0, 16)));
      new DataView(w.buf.buffer).setUint32(16 + 4 + 8, 777, true);
    });
    const out = n.reply(ack, ack.length, REAL_PORT);
    const v = new DataView(out.buffer);
    expect(v.getUint32(8, true)).toBe(1);
    expect(v.getUint32(12, true)).toBe(1);
    expect(v.getUint32(16 + 4 + 8, true)).toBe(1);
    // A notification caused by some other socket gets the next port number, and its own sequence count.
    const other = n.reply(message(RTM.NEWLINK, 0, 4242, 0x1234, (w) => linkMessage.encode(w, { header: hdr })), Infinity, REAL_PORT);
    expect(new DataView(other.buffer).getUint32(12, true)).toBe(2);
    expect(new DataView(other.buffer).getUint32(8, true)).toBe(1);
  });

  it('zeroes counters and timestamps, and only those', () => {
    const n = new Normaliser();
    const addr = n.reply(
      message(RTM.NEWADDR, 0, 0, 0, (w) =>
        addrMessage.encode(w, {
          header: { family: AF.INET, prefixLength: 24, flags: 0, scope: 0, index: 3 },
          attrs: { local: '10.0.0.1', cacheinfo: { preferred: 100, valid: 200, cstamp: 123456, tstamp: 654321 } },
        }),
      ),
      Infinity,
      0,
    );
    expect(addrMessage.decode(addr).attrs.cacheinfo).toEqual({ preferred: 100, valid: 200, cstamp: 0, tstamp: 0 });
    expect([...n.applied].some((s) => s.startsWith('zeroed addr.cacheinfo.cstamp,tstamp'))).toBe(true);
  });

  it('renumbers file descriptors inside requests', () => {
    const n = new Normaliser();
    n.openFd(40);
    const ns = n.openFd(41);
    expect(ns).toBe(4);
    const req = n.request(message(RTM.NEWNSID, NLM_F.REQUEST, 1, 0, (w) => nsidMessage.encode(w, { header: { family: AF.UNSPEC }, attrs: { fd: 41, nsid: 7 } })), 0);
    expect(nsidMessage.decode(req).attrs).toMatchObject({ fd: 4, nsid: 7 });
    const peer = n.request(message(RTM.NEWLINK, NLM_F.REQUEST, 2, 0, (w) => linkMessage.encode(w, { header: hdr, attrs: { netNsFd: 40 } })), 0);
    expect(linkMessage.decode(peer).attrs.netNsFd).toBe(3);
  });
});
