/**
 * The socket's lean paths, against a fake kernel (a Shim that answers from
 * a script): requests without NLM_F_ACK, replies read in place
 * (requestRead / dumpRead), and the one copy per datagram that Messages
 * share.
 */
import { describe, expect, it } from 'vitest';
import { NLM_F } from '../../src/netlink/constants.js';
import { RtnlSocket } from '../../src/netlink/socket.js';
import { ByteWriter } from '../../src/netlink/writer.js';
import type { Shim } from '../../src/shim/types.js';
import { nlmsgFor } from '../helpers/nlmsg.js';

const PORT = 777;

interface Sent {
  type: number;
  flags: number;
  seq: number;
  bytes: Uint8Array;
}

/** A fake netlink socket: every send() queues the datagrams `answer` returns for it. */
function fakeKernel(answer: (req: Sent) => Uint8Array[]) {
  const sent: Sent[] = [];
  const queue: Uint8Array[] = [];
  const fail = (code: string) => Object.assign(new Error(code), { code });
  const shim = {
    backend: 'fake',
    socket: () => 3,
    bind: () => {},
    getsockname(_fd: number, sa: Uint8Array) {
      new DataView(sa.buffer, sa.byteOffset).setUint32(4, PORT, true);
      return 12;
    },
    setsockopt: () => {},
    close: () => {},
    send(_fd: number, buf: Uint8Array, length: number) {
      const v = new DataView(buf.buffer, buf.byteOffset, length);
      const req = { type: v.getUint16(4, true), flags: v.getUint16(6, true), seq: v.getUint32(8, true), bytes: buf.slice(0, length) };
      sent.push(req);
      queue.push(...answer(req));
      return length;
    },
    recv(_fd: number, buf: Uint8Array) {
      const d = queue.shift();
      if (!d) throw fail('EAGAIN');
      buf.set(d);
      return d.length;
    },
  } as unknown as Shim;
  return { shim, sent, queue };
}

const { msg, errorMsg, done } = nlmsgFor(PORT);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const noBody = (_w: ByteWriter) => {};

describe('RtnlSocket without NLM_F_ACK (GET requests)', () => {
  it('sends no NLM_F_ACK and completes with the single reply, in one recv', async () => {
    const k = fakeKernel((r) => [msg(16, 0, r.seq, [1, 2, 3, 4])]);
    const s = RtnlSocket.open({ shim: k.shim });
    const replies = s.requestSync(18, 0, noBody, { ack: false });
    expect(k.sent[0]?.flags).toBe(NLM_F.REQUEST);
    expect(replies.map((m) => [m.type, [...m.bytes.subarray(16)]])).toEqual([[16, [1, 2, 3, 4]]]);
    expect(k.queue).toEqual([]);
    // With the default, the ACK is asked for and awaited.
    const k2 = fakeKernel((r) => [msg(16, 0, r.seq), errorMsg(r.seq, 0)]);
    const s2 = RtnlSocket.open({ shim: k2.shim });
    expect(s2.requestSync(18, 0, noBody).length).toBe(1);
    expect(k2.sent[0]?.flags).toBe(NLM_F.REQUEST | NLM_F.ACK);
    s.close();
    s2.close();
  });

  it('fails with the kernel error when the answer is NLMSG_ERROR', () => {
    const k = fakeKernel((r) => [errorMsg(r.seq, 19)]);
    const s = RtnlSocket.open({ shim: k.shim });
    expect(() => s.requestSync(18, 0, noBody, { operation: 'get', ack: false })).toThrow(expect.objectContaining({ name: 'NetlinkError', code: 'ENODEV' }));
    s.close();
  });

  it('waits for NLMSG_DONE when the reply is multi-part', () => {
    const k = fakeKernel((r) => [concat(msg(16, NLM_F.MULTI, r.seq), msg(16, NLM_F.MULTI, r.seq)), done(r.seq)]);
    const s = RtnlSocket.open({ shim: k.shim });
    expect(s.requestSync(18, 0, noBody, { ack: false }).length).toBe(2);
    expect(k.queue).toEqual([]);
    s.close();
  });

  it('skips a late reply to an earlier request (a stray) and takes its own', () => {
    const k = fakeKernel((r) => [msg(16, 0, r.seq + 100), msg(16, 0, r.seq, [9, 9, 9, 9])]);
    const s = RtnlSocket.open({ shim: k.shim });
    const [m] = s.requestSync(18, 0, noBody, { ack: false });
    expect([...(m?.bytes.subarray(16) ?? [])]).toEqual([9, 9, 9, 9]);
    expect(s.strayMessages).toBe(1);
    s.close();
  });
});

describe('replies read in place', () => {
  it('requestRead hands each reply over before the buffer is reused, without a Message', () => {
    const k = fakeKernel((r) => [msg(16, 0, r.seq, [5, 6, 7, 8])]);
    const s = RtnlSocket.open({ shim: k.shim });
    const seen: number[][] = [];
    s.requestRead(18, 0, noBody, { ack: false }, (buf, _view, off, h) => seen.push([h.type, ...buf.subarray(off + 16, off + h.len)]));
    expect(seen).toEqual([[16, 5, 6, 7, 8]]);
    s.close();
  });

  it('a reader that throws fails its request, and the socket stays in step', () => {
    const k = fakeKernel((r) => [msg(16, 0, r.seq), errorMsg(r.seq, 0)]);
    const s = RtnlSocket.open({ shim: k.shim });
    expect(() =>
      s.requestRead(18, 0, noBody, {}, () => {
        throw new RangeError('reader');
      }),
    ).toThrow('reader');
    // The ACK was consumed with the request: the next one gets its own answer.
    expect(k.queue).toEqual([]);
    expect(s.requestSync(18, 0, noBody).length).toBe(1);
    s.close();
  });

  it('dumpRead reads every message of every chunk, and datagram() is one shared copy per chunk', async () => {
    const k = fakeKernel((r) => [
      concat(msg(16, NLM_F.MULTI, r.seq, [1, 0, 0, 0]), msg(16, NLM_F.MULTI, r.seq, [2, 0, 0, 0])),
      concat(msg(16, NLM_F.MULTI, r.seq, [3, 0, 0, 0]), done(r.seq)),
    ]);
    const s = RtnlSocket.open({ shim: k.shim });
    const got: { n: number; copy: Uint8Array; off: number }[] = [];
    await s.dumpRead(18, 0, noBody, {}, (buf, _v, off, _h, datagram) => got.push({ n: buf[off + 16] as number, copy: datagram(), off }));
    expect(got.map((g) => g.n)).toEqual([1, 2, 3]);
    expect(got[0]?.copy).toBe(got[1]?.copy);
    expect(got[2]?.copy).not.toBe(got[0]?.copy);
    for (const g of got) expect(g.copy[g.off + 16]).toBe(g.n);
    expect(k.sent[0]?.flags).toBe(NLM_F.REQUEST | NLM_F.DUMP);
    s.close();
  });

  it('dumpRead drains the dump when its reader throws, then fails with that error', async () => {
    const k = fakeKernel((r) => [concat(msg(16, NLM_F.MULTI, r.seq), msg(16, NLM_F.MULTI, r.seq)), done(r.seq)]);
    const s = RtnlSocket.open({ shim: k.shim });
    let calls = 0;
    await expect(
      s.dumpRead(18, 0, noBody, {}, () => {
        calls++;
        throw new TypeError('bad reader');
      }),
    ).rejects.toThrow('bad reader');
    expect(calls).toBe(1);
    expect(k.queue).toEqual([]);
    // The socket can dump again.
    const k2msgs: number[] = [];
    await s.dumpEach(18, 0, noBody, {}, (m) => k2msgs.push(m.type));
    expect(k2msgs).toEqual([16, 16]);
    s.close();
  });

  it('Messages of one datagram are views of one copy, each exactly its message', async () => {
    const k = fakeKernel((r) => [concat(msg(16, NLM_F.MULTI, r.seq, [1, 1, 1, 1]), msg(16, NLM_F.MULTI, r.seq, [2, 2, 2, 2])), done(r.seq)]);
    const s = RtnlSocket.open({ shim: k.shim });
    const all = await s.dumpAll(18, 0, noBody);
    expect(all.map((m) => [...m.bytes.subarray(16)])).toEqual([
      [1, 1, 1, 1],
      [2, 2, 2, 2],
    ]);
    expect(all[0]?.bytes.buffer).toBe(all[1]?.bytes.buffer);
    expect(all.map((m) => m.bytes.length)).toEqual([20, 20]);
    s.close();
  });
});

describe('ByteWriter.cstring', () => {
  it('writes ASCII, and UTF-8 after an ASCII prefix, also when the buffer has to grow mid-string', () => {
    for (const s of ['', 'eth0', 'é', 'a😀b', ' 𑂚 𐀀', 'x'.repeat(40) + 'ü', '\ud800', 'abc\u20ac'.repeat(20)]) {
      const w = new ByteWriter(4);
      w.u8(7);
      w.cstring(s);
      const out = w.finish();
      expect([...out]).toEqual([7, ...new TextEncoder().encode(s), 0]);
    }
  });
});
