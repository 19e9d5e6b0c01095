/**
 * The socket's receive path under garbage: datagrams from a fake kernel
 * (a Shim whose recv() plays a script) are fed to RtnlSocket. Whatever
 * arrives, a pending request or dump must settle with a typed error — a
 * DecodeError for bytes that do not frame, a NetlinkError for a well-formed
 * refusal, a TimeoutError when the script runs dry — and never crash with
 * another error, hang, or spin on recv.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRtnlError } from '../../src/netlink/errors.js';
import { NLMSG } from '../../src/netlink/constants.js';
import { RtnlSocket } from '../../src/netlink/socket.js';
import { RTM } from '../../src/rtnetlink/constants.js';
import { getRoute } from '../../src/ops/routes/index.js';
import { loadCorpus } from './_corpus.js';
import { buildDatagram, datagramCase } from './_mutate.js';
import { fakeNetlink } from './_shim.js';
import { nlmsgFor } from '../helpers/nlmsg.js';

const corpus = loadCorpus();
const PORT = 4242;
const CASES = Number(process.env.RTNL_FUZZ_SOCKET_CASES ?? 1500);

/** Rewrites every well-framed message of `d` to answer `seq` on our port. */
function addressTo(d: Uint8Array, seq: number): Uint8Array {
  const out = d.slice();
  const v = new DataView(out.buffer);
  let off = 0;
  while (out.length - off >= 16) {
    const len = v.getUint32(off, true);
    v.setUint32(off + 8, seq, true);
    v.setUint32(off + 12, PORT, true);
    if (len < 16 || off + len > out.length) break;
    off += (len + 3) & ~3;
  }
  return out;
}

const { msg, ack, done } = nlmsgFor(PORT);

const noBody = () => {};

/** Requests the socket still tracks (a private field: nothing may be left behind). */
const pendingOf = (s: RtnlSocket) => (s as unknown as { pending: Map<number, unknown> }).pending.size;

async function settle(p: Promise<unknown>): Promise<{ ok: true } | { ok: false; error: unknown }> {
  try {
    await p;
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The errors a request may end with when the kernel's answer is garbage. */
function expectTyped(r: { ok: true } | { ok: false; error: unknown }): void {
  if (r.ok) return;
  const e = r.error as Error;
  expect(isRtnlError(e), `${e?.name}: ${e?.message}`).toBe(true);
  expect(['DecodeError', 'NetlinkError', 'TimeoutError', 'DumpInterruptedError']).toContain(e.name);
}

describe('RtnlSocket receive path fed garbage by a fake kernel', () => {
  it('rejects a request whose answer does not frame with a DecodeError, and stays usable', async () => {
    const fake = fakeNetlink(PORT);
    const sock = RtnlSocket.open({ shim: fake.shim });
    // nlmsg_len pointing past the end of the datagram.
    fake.script.push((seq) => {
      const m = ack(seq);
      new DataView(m.buffer).setUint32(0, 4096, true);
      return m;
    });
    await expect(sock.request(RTM.GETLINK, 0, noBody)).rejects.toMatchObject({ name: 'DecodeError' });
    // Zero nlmsg_len (a naive splitter would loop forever on it).
    fake.script.push((seq) => {
      const m = ack(seq);
      new DataView(m.buffer).setUint32(0, 0, true);
      return m;
    });
    await expect(sock.request(RTM.GETLINK, 0, noBody)).rejects.toMatchObject({ name: 'DecodeError' });
    // An NLMSG_ERROR too short to hold its error code.
    fake.script.push((seq) => msg(NLMSG.ERROR, 0, seq, [1, 2]));
    await expect(sock.request(RTM.GETLINK, 0, noBody)).rejects.toMatchObject({ name: 'DecodeError' });
    // A datagram larger than the receive buffer (MSG_TRUNC reports its real size).
    fake.script.push(() => new Uint8Array(200_000));
    await expect(sock.request(RTM.GETLINK, 0, noBody)).rejects.toMatchObject({ name: 'DecodeError', message: expect.stringMatching(/did not fit/) });
    // Three trailing bytes after a valid ACK.
    fake.script.push((seq) => Uint8Array.from([...ack(seq), 1, 2, 3]));
    await expect(sock.request(RTM.GETLINK, 0, noBody)).rejects.toMatchObject({ name: 'DecodeError' });
    // Still usable: a proper ACK resolves the next request.
    fake.script.push((seq) => ack(seq));
    await expect(sock.request(RTM.GETLINK, 0, noBody)).resolves.toEqual([]);
    expect(pendingOf(sock)).toBe(0);
    sock.close();
  });

  it('rejects a dump with a DecodeError when a chunk does not frame, after yielding what came before', async () => {
    const fake = fakeNetlink(PORT);
    const sock = RtnlSocket.open({ shim: fake.shim });
    const link = corpus.messages.find((m) => m.type === RTM.NEWLINK)!.bytes;
    fake.script.push((seq) => addressTo(link, seq));
    fake.script.push((seq) => addressTo(link, seq).subarray(0, 40));
    const seen: number[] = [];
    const r = await settle(
      (async () => {
        for await (const m of sock.dump(RTM.GETLINK, 0, noBody)) seen.push(m.type);
      })(),
    );
    expect(seen).toEqual([RTM.NEWLINK]);
    expect(r).toMatchObject({ ok: false, error: { name: 'DecodeError' } });
    // The next dump on the socket is not blocked by the failed one.
    fake.script.push((seq) => addressTo(link, seq), (seq) => done(seq));
    expect((await sock.dumpAll(RTM.GETLINK, 0, noBody)).length).toBe(1);
    sock.close();
  });

  it(`settles every request with a typed error for ${CASES} mutated datagrams, without looping`, async () => {
    const fake = fakeNetlink(PORT);
    const sock = RtnlSocket.open({ shim: fake.shim });
    let typed = 0;
    await fc.assert(
      fc.asyncProperty(datagramCase, fc.boolean(), fc.boolean(), async (c, asDump, thenAck) => {
        const d = buildDatagram(c, corpus);
        fake.script.length = 0;
        fake.script.push((seq) => addressTo(d, seq));
        // Sometimes a proper end follows, so the garbage is not always the last word.
        if (thenAck) fake.script.push((seq) => (asDump ? done(seq) : ack(seq)));
        const before = fake.recvCalls;
        const r = await settle(asDump ? sock.dumpAll(RTM.GETLINK, 0, noBody) : sock.request(RTM.GETLINK, 0, noBody));
        expectTyped(r);
        if (!r.ok) typed++;
        // Bounded work: one recv per scripted datagram, plus one that finds the script empty.
        expect(fake.recvCalls - before).toBeLessThanOrEqual(3);
        expect(pendingOf(sock)).toBe(0);
      }),
      { numRuns: CASES },
    );
    expect(typed).toBeGreaterThan(CASES / 10);
    sock.close();
  });

  it('a datagram mixing a reply for another request with garbage fails only the request it reaches', async () => {
    const fake = fakeNetlink(PORT);
    const sock = RtnlSocket.open({ shim: fake.shim });
    // A reply for an unknown sequence number is counted as stray and skipped.
    fake.script.push((seq) => ack(seq + 1000), (seq) => ack(seq));
    await expect(sock.request(RTM.GETLINK, 0, noBody)).resolves.toEqual([]);
    expect(sock.strayMessages).toBe(1);
    sock.close();
  });

  it('getRoute answered with a bare ACK (no route message) fails with a typed NetlinkError ENOMSG', async () => {
    const fake = fakeNetlink(PORT);
    const sock = RtnlSocket.open({ shim: fake.shim });
    fake.script.push((seq) => ack(seq));
    await expect(getRoute('192.0.2.1', { socket: sock })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENOMSG', operation: 'getRoute' });
    expect(pendingOf(sock)).toBe(0);
    sock.close();
  });
});
