/**
 * The short decoder fuzz run for CI (the long one is `npm run fuzz`), the
 * recorded seeds themselves, and regression tests for what fuzzing found.
 * Rule: for any bytes, a decoder returns a value or throws a DecodeError;
 * see _targets.ts for the exact checks.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/netlink/errors.js';
import { NLMSG, NLM_F } from '../../src/netlink/constants.js';
import { readErrorMessage, readHeader } from '../../src/netlink/message.js';
import { MAX_NEST_DEPTH } from '../../src/netlink/schema.js';
import { ByteWriter } from '../../src/netlink/writer.js';
import { reencode } from '../../src/rtnetlink/family.js';
import { RTM } from '../../src/rtnetlink/constants.js';
import { linkMessage } from '../../src/rtnetlink/link/index.js';
import { neighMessage } from '../../src/rtnetlink/neigh/index.js';
import { loadCorpus } from './_corpus.js';
import { runFuzz } from './_fuzz.js';
import { TARGETS, check, targetForType } from './_targets.js';
import { type TlvNode, parseTlv, serialize } from './_tlv.js';

const corpus = loadCorpus();
const CASES = Number(process.env.RTNL_FUZZ_CASES ?? 4000);
const SEED = Number(process.env.RTNL_FUZZ_SEED ?? Date.now() % 2 ** 31);

describe('recorded kernel messages (the fuzz seeds)', () => {
  it('cover links (veth, bridge, bridge port, tun, vxlan, ifb), addresses, routes, neighbours, nsids, ACKs and errors', () => {
    const types = new Set(corpus.messages.map((m) => m.type));
    for (const t of [RTM.NEWLINK, RTM.NEWADDR, RTM.NEWROUTE, RTM.NEWNEIGH, RTM.NEWNSID, NLMSG.ERROR, NLMSG.DONE]) expect(types).toContain(t);
    const kinds = new Set(
      corpus.messages.filter((m) => m.type === RTM.NEWLINK).map((m) => linkMessage.decode(m.bytes).attrs.linkinfo?.kind ?? '-'),
    );
    for (const k of ['veth', 'bridge', 'tun', 'vxlan', 'ifb']) expect(kinds).toContain(k);
  });

  it('all decode, and re-encode to the very bytes the kernel sent', () => {
    const w = new ByteWriter();
    let n = 0;
    for (const m of corpus.messages) {
      const t = targetForType(m.type);
      expect(t, `message type ${m.type}`).toBeDefined();
      expect(check(t!, m.bytes)).toBe('decoded');
      if (t!.family) {
        expect(Buffer.from(reencode(t!.family, m.bytes, t!.family.decode(m.bytes) as never, w)).toString('hex')).toBe(Buffer.from(m.bytes).toString('hex'));
        n++;
      }
    }
    expect(n).toBeGreaterThan(50);
  });
});

describe(`decoder fuzzing, short run (${CASES} cases, seed ${SEED}; RTNL_FUZZ_SEED replays)`, () => {
  it('no input makes a decoder fail with anything but a DecodeError, hang or blow up', () => {
    const report = runFuzz(corpus, { cases: CASES, seed: SEED, batch: 2000, maxFailures: 3 });
    expect(report.failures).toEqual([]);
    expect(report.cases).toBeGreaterThanOrEqual(CASES);
    // Both outcomes occur for every decoder: the mutations reach past the header.
    for (const name of ['linkMessage', 'addrMessage', 'routeMessage', 'neighMessage', 'datagram']) {
      expect(report.outcomes[name]?.decoded, name).toBeGreaterThan(0);
      expect(report.outcomes[name]?.rejected, name).toBeGreaterThan(0);
    }
  });
});

/** A link message with the given attributes after a zero ifinfomsg. */
function linkWith(attrs: TlvNode[]): Uint8Array {
  const head = new Uint8Array(32);
  new DataView(head.buffer).setUint16(4, RTM.NEWLINK, true);
  return serialize({ head, attrs });
}
const str = (s: string) => new TextEncoder().encode(`${s}\0`);

describe('hostile shapes, one by one', () => {
  it('a veth peer nested in itself 1,600 times is a DecodeError, not a stack overflow (bug found by fuzzing)', () => {
    // IFLA_LINKINFO { KIND "veth", DATA { VETH_INFO_PEER { ifinfomsg, IFLA_LINKINFO { … } } } }
    const tlv = (type: number, ...parts: Uint8Array[]) => {
      const len = 4 + parts.reduce((n, p) => n + p.length, 0);
      const out = new Uint8Array((len + 3) & ~3);
      new DataView(out.buffer).setUint16(0, len, true);
      new DataView(out.buffer).setUint16(2, type, true);
      let off = 4;
      for (const p of parts) {
        out.set(p, off);
        off += p.length;
      }
      return out;
    };
    let level = new Uint8Array(0);
    let depth = 0;
    for (; depth < 5000; depth++) {
      const next = tlv(18 | 0x8000, tlv(1, str('veth')), tlv(2 | 0x8000, tlv(1, new Uint8Array(16), level)));
      if (next.length > 65_000) break;
      level = next;
    }
    expect(depth).toBeGreaterThan(1000);
    const inner: TlvNode[] = [{ type: 3, payload: str('v0') }];
    const bytes = Uint8Array.from([...linkWith(inner), ...level]);
    new DataView(bytes.buffer).setUint32(0, bytes.length, true);
    expect(() => linkMessage.decode(bytes)).toThrow(DecodeError);
    expect(() => linkMessage.decode(bytes)).toThrow(new RegExp(`more than ${MAX_NEST_DEPTH} levels`));
    expect(check(TARGETS.link, bytes)).toBe('rejected');
  });

  it('a legitimately nested veth peer (depth 3) still decodes', () => {
    const peer = Uint8Array.from([...new Uint8Array(16), ...serialize({ head: new Uint8Array(0), attrs: [{ type: 3, payload: str('p0') }] })]);
    const bytes = linkWith([
      { type: 3, payload: str('v0') },
      { type: 18 | 0x8000, payload: new Uint8Array(0), children: [{ type: 1, payload: str('veth') }, { type: 2 | 0x8000, payload: new Uint8Array(0), children: [{ type: 1, payload: peer }] }] },
    ]);
    const d = linkMessage.decode(bytes);
    expect((d.attrs.linkinfo?.data as { peer?: { attrs: { ifname?: string } } }).peer?.attrs.ifname).toBe('p0');
  });

  it('NLMSG_ERROR echoing a request length ≥ 2^31 is read without a RangeError (bug found by fuzzing)', () => {
    const b = Uint8Array.from(Buffer.from('2c0000000200003a0d000000e9340000edffffff2c000080120005000d00000000000000070003006c6f0000', 'hex'));
    const v = new DataView(b.buffer);
    const e = readErrorMessage(b, v, 0, readHeader(v, 0));
    expect(e.errno).toBe(19);
    expect(e.extack).toEqual({});
  });

  it('an NLMSG_ERROR whose echo overruns the message yields no extended ACK, a correct one still does', () => {
    const mk = (origLen: number) => {
      const b = new Uint8Array(16 + 4 + 16 + 12);
      const v = new DataView(b.buffer);
      v.setUint32(0, b.length, true);
      v.setUint16(4, NLMSG.ERROR, true);
      v.setUint16(6, NLM_F.ACK_TLVS, true);
      v.setInt32(16, -22, true);
      v.setUint32(20, origLen, true);
      b.set([12, 0, 1, 0, ...str('bad!').subarray(0, 5), 0, 0, 0], 36);
      return b;
    };
    const read = (b: Uint8Array) => readErrorMessage(b, new DataView(b.buffer), 0, readHeader(new DataView(b.buffer), 0));
    expect(read(mk(16)).extack).toEqual({ message: 'bad!' });
    for (const bad of [0, 15, 17 + 12 + 100, 0x7fffffff, 0x80000000, 0xffffffff]) expect(read(mk(bad)).errno).toBe(22);
  });

  it('a zero-length hardware address (NDA_LLADDR of a neighbour on a tun device) re-encodes (bug found by fuzzing)', () => {
    const b = Uint8Array.from(Buffer.from('200000001c00020009000000e934000007000000020000008000020004000200', 'hex'));
    const d = neighMessage.decode(b);
    expect(d.attrs.lladdr).toBe('');
    expect(reencode(neighMessage, b, d, new ByteWriter())).toEqual(b);
  });

  it('an alternative name that is not ASCII survives decode → encode byte for byte (bug found by fuzzing)', () => {
    // IFLA_PROP_LIST { IFLA_ALT_IFNAME "café", IFLA_ALT_IFNAME "plain" }: the first is kept verbatim.
    const b = linkWith([{ type: 52 | 0x8000, payload: new Uint8Array(0), children: [{ type: 53, payload: str('café') }, { type: 53, payload: str('plain') }] }]);
    const d = linkMessage.decode(b);
    expect(d.attrs.propList?.altIfname).toEqual(['café', 'plain']);
    expect(reencode(linkMessage, b, d, new ByteWriter())).toEqual(b);
    // …and a changed element is encoded from its new value.
    d.attrs.propList!.altIfname = ['naïve', 'plain'];
    expect(linkMessage.decode(reencode(linkMessage, b, d, new ByteWriter())).attrs.propList?.altIfname).toEqual(['naïve', 'plain']);
  });

  it('zero-length attributes of every row of the link table: a value or a DecodeError', () => {
    for (let type = 1; type <= 70; type++) {
      for (const nested of [0, 0x8000]) expect(['decoded', 'rejected']).toContain(check(TARGETS.link, linkWith([{ type: type | nested, payload: new Uint8Array(0) }])));
    }
  });

  it('attribute and message lengths pointing past the end, to zero and to 1–3 are DecodeErrors', () => {
    const seed = corpus.messages.find((m) => m.type === RTM.NEWLINK)!.bytes;
    const tree = parseTlv(seed, 32)!;
    const good = serialize(tree);
    for (const len of [0, 1, 2, 3, good.length - 32 + 100, 0xffff]) {
      const b = good.slice();
      new DataView(b.buffer).setUint16(32, len, true);
      expect(check(TARGETS.link, b)).toBe('rejected');
    }
    for (const len of [0, 15, 16, 31, good.length + 1, 0xffffffff]) {
      const b = good.slice();
      new DataView(b.buffer).setUint32(0, len, true);
      expect(check(TARGETS.link, b)).toBe('rejected');
    }
  });
});
