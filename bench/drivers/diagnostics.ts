/**
 * Diagnostic measurements behind the analysis in docs/benchmarks.md: what
 * the shim alone costs (`rawget`), and where the decode of a link message
 * spends its time (`codecparts`), including `hotFields`, a one-pass reader
 * of the fields most callers use — the speed a lazy decoder could reach.
 */
import type { RtnlSocket } from '../../src/netlink/socket.js';
import { ByteWriter } from '../../src/netlink/writer.js';
import { NLM_F, NLMSG_HDRLEN } from '../../src/netlink/constants.js';
import { AF, RTM } from '../../src/rtnetlink/constants.js';
import { Buffer } from 'node:buffer';
import { getLink } from '../../src/ops/links/index.js';
import { linkMessage, toLink } from '../../src/rtnetlink/link/index.js';
import { RTEXT_FILTER, linkAttrs } from '../../src/rtnetlink/link/attrs.js';
import type { Link } from '../../src/rtnetlink/link/view.js';
import { readLinkAt } from '../../src/rtnetlink/link/read.js';
import { now, startClock } from './measure.js';

/**
 * The shim alone: pre-built GETLINK requests, send + recv (+ a second recv
 * for the ACK when `ack` is set), nothing decoded — the least any
 * JavaScript leg can cost on this backend.
 */
export function rawGet(s: RtnlSocket, count: number, prefix: string, mod: number, ack: boolean) {
  const shim = s.shim;
  const reqs = lookupRequests(Array.from({ length: mod }, (_, i) => `${prefix}a${i}`), NLM_F.REQUEST | (ack ? NLM_F.ACK : 0), RTEXT_FILTER.VF);
  const rbuf = new Uint8Array(65536);
  const fd = s.fileDescriptor;
  const loop = (n: number) => {
    for (let i = 0; i < n; i++) {
      const b = reqs[i % mod] as Uint8Array;
      shim.send(fd, b, b.length, 0);
      shim.recv(fd, rbuf, 0);
      if (ack) shim.recv(fd, rbuf, 0);
    }
  };
  loop(Math.min(count, 2000)); // warm-up
  const t0 = startClock();
  loop(count);
  return { ops: count, seconds: now() - t0, ack };
}

/**
 * Where a look-up's time goes, in place: the same GETLINK by name (over
 * PREFIXa<0..MOD-1>) run through ever more of the stack, the variants
 * alternating over `rounds` rounds of `count` requests, median µs per
 * request of each. `raw` is the shim alone; `walk` adds a pass over the
 * attribute headers; `latin1` the copy a lazy Link keeps; `read` a Link
 * built from the receive buffer (readLinkAt); `socket` the request through
 * RtnlSocket.requestRead (request encoded by the link table, sequence
 * routing); `api` getLink(name, { socket }) awaited.
 */
export async function lookupParts(s: RtnlSocket, count: number, prefix: string, mod: number, rounds: number) {
  const shim = s.shim;
  const fd = s.fileDescriptor;
  const names = Array.from({ length: mod }, (_, i) => `${prefix}a${i}`);
  const reqs = lookupRequests(names, NLM_F.REQUEST);
  const rbuf = new Uint8Array(65536);
  const rview = new DataView(rbuf.buffer);
  const rbufAsBuffer = Buffer.from(rbuf.buffer);
  let sink = 0;
  const exchange = (i: number): number => {
    const b = reqs[i % mod] as Uint8Array;
    shim.send(fd, b, b.length, 0);
    return shim.recv(fd, rbuf, 0);
  };
  const variants: Record<string, () => Promise<void> | void> = {
    raw() {
      for (let i = 0; i < count; i++) sink += exchange(i);
    },
    walk() {
      for (let i = 0; i < count; i++) sink += scanAttrs(rbuf.subarray(0, exchange(i)));
    },
    latin1() {
      for (let i = 0; i < count; i++) sink += rbufAsBuffer.toString('latin1', 0, exchange(i)).length;
    },
    read() {
      for (let i = 0; i < count; i++) sink += readLinkAt(rbuf, rview, 0, exchange(i)).mtu;
    },
    socket() {
      for (let i = 0; i < count; i++) {
        let link: Link | undefined;
        const msg = { header: LOOKUP_HEADER, attrs: { ifname: names[i % mod] as string } };
        s.requestRead(RTM.GETLINK, 0, (w) => linkMessage.encode(w, msg), { operation: 'getLink', attrs: linkAttrs, ack: false }, (buf, view, off, h) => {
          if (h.type === RTM.NEWLINK) link ??= readLinkAt(buf, view, off, h.len);
        });
        sink += link?.mtu ?? 0;
      }
    },
    async api() {
      for (let i = 0; i < count; i++) sink += (await getLink(names[i % mod] as string, { socket: s })).mtu;
    },
  };
  const samples: Record<string, number[]> = {};
  for (let r = 0; r <= rounds; r++) {
    for (const [name, run] of Object.entries(variants)) {
      const t0 = now();
      await run();
      // Round 0 is the warm-up: the JIT compiles every variant first.
      if (r > 0) (samples[name] ??= []).push(((now() - t0) * 1e6) / count);
    }
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1] as number;
  return { ops: count * rounds, perRequestUs: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])), sink };
}

const LOOKUP_HEADER = { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 };

/** RTM_GETLINK by name, one complete request per name, built before any clock starts. */
function lookupRequests(names: string[], flags: number, extMask?: number): Uint8Array[] {
  return names.map((ifname) => {
    const w = new ByteWriter(128);
    w.zeros(NLMSG_HDRLEN);
    linkMessage.encode(w, { header: LOOKUP_HEADER, attrs: extMask === undefined ? { ifname } : { ifname, extMask } });
    const b = w.finish().slice();
    const v = new DataView(b.buffer);
    v.setUint32(0, b.length, true);
    v.setUint16(4, RTM.GETLINK, true);
    v.setUint16(6, flags, true);
    return b;
  });
}

/**
 * Where decode time goes, per message of a recorded dump: walking the
 * attributes, copying the message (as the socket does), the full decode,
 * decode + toLink, the decode without IFLA_STATS (7), IFLA_STATS64 (23) and
 * IFLA_AF_SPEC (26) — about what RTEXT_FILTER_SKIP_STATS leaves — and
 * {@link hotFields}.
 */
export function codecParts(msgs: Uint8Array[], iter: number) {
  const lean = msgs.map((m) => stripAttrs(m, new Set([7, 23, 26])));
  const time = (fn: () => void): number => {
    fn(); // warm-up
    const t0 = now();
    for (let r = 0; r < iter; r++) fn();
    return (now() - t0) / (iter * msgs.length);
  };
  let sink = 0;
  const scan = time(() => {
    for (const m of msgs) sink += scanAttrs(m);
  });
  const hot = time(() => {
    for (const m of msgs) sink += hotFields(m).mtu;
  });
  const copy = time(() => {
    for (const m of msgs) sink += m.slice().length;
  });
  const decode = time(() => {
    for (const m of msgs) sink += linkMessage.decode(m).header.index;
  });
  const decodeToLink = time(() => {
    for (const m of msgs) sink += toLink(linkMessage.decode(m)).mtu;
  });
  const decodeLean = time(() => {
    for (const m of lean) sink += linkMessage.decode(m).header.index;
  });
  return {
    messages: msgs.length,
    bytesPerMessage: msgs.reduce((a, m) => a + m.length, 0) / msgs.length,
    leanBytesPerMessage: lean.reduce((a, m) => a + m.length, 0) / lean.length,
    perMessage: { scan, hot, copy, decode, decodeToLink, decodeLean },
    sink,
  };
}

/** Walks a link message's attributes without decoding any: the least a decoder can do. */
export function scanAttrs(m: Uint8Array): number {
  const v = new DataView(m.buffer, m.byteOffset, m.byteLength);
  let n = 0;
  for (let off = NLMSG_HDRLEN + 16; off + 4 <= m.length; ) {
    const len = v.getUint16(off, true);
    if (len < 4) break;
    n += v.getUint16(off + 2, true);
    off += (len + 3) & ~3;
  }
  return n;
}

const latin1 = new TextDecoder('latin1');

/**
 * The fields most callers read (name, index, flags, MTU, kind, master,
 * peer, group, oper state, address) in one pass over the attributes, the
 * rest left in the message bytes: how fast a lazy decoder could be.
 */
export function hotFields(m: Uint8Array) {
  const v = new DataView(m.buffer, m.byteOffset, m.byteLength);
  const out = { index: v.getInt32(20, true), flags: v.getUint32(24, true), name: '', mtu: 0, kind: '', master: 0, link: 0, group: 0, operstate: 0, address: '', bytes: m };
  for (let off = NLMSG_HDRLEN + 16; off + 4 <= m.length; ) {
    const len = v.getUint16(off, true);
    if (len < 4) break;
    const p = off + 4;
    switch (v.getUint16(off + 2, true) & 0x3fff) {
      case 3: out.name = latin1.decode(m.subarray(p, p + len - 5)); break;
      case 4: out.mtu = v.getUint32(p, true); break;
      case 5: out.link = v.getUint32(p, true); break;
      case 10: out.master = v.getUint32(p, true); break;
      case 16: out.operstate = v.getUint8(p); break;
      case 27: out.group = v.getUint32(p, true); break;
      case 1: {
        let a = '';
        for (let i = 0; i < len - 4; i++) a += (i ? ':' : '') + (m[p + i] as number).toString(16).padStart(2, '0');
        out.address = a;
        break;
      }
      case 18: {
        // IFLA_LINKINFO → IFLA_INFO_KIND
        const kl = v.getUint16(p, true);
        if ((v.getUint16(p + 2, true) & 0x3fff) === 1) out.kind = latin1.decode(m.subarray(p + 4, p + kl - 1));
        break;
      }
    }
    off += (len + 3) & ~3;
  }
  return out;
}

/** A copy of a link message without the top-level attributes of `drop`. */
export function stripAttrs(m: Uint8Array, drop: Set<number>): Uint8Array {
  const v = new DataView(m.buffer, m.byteOffset, m.byteLength);
  const parts: Uint8Array[] = [m.subarray(0, NLMSG_HDRLEN + 16)];
  for (let off = NLMSG_HDRLEN + 16; off + 4 <= m.length; ) {
    const len = v.getUint16(off, true);
    const next = Math.min(m.length, off + ((len + 3) & ~3));
    if (!drop.has(v.getUint16(off + 2, true) & 0x3fff)) parts.push(m.subarray(off, next));
    off = next;
  }
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  new DataView(out.buffer).setUint32(0, out.length, true);
  return out;
}
