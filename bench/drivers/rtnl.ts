/**
 * The rtnl benchmark driver. Bundled by the harness into bench/out/rtnl.mjs
 * and run under Node 20 (Node-API addon) and Node 26 (node:ffi); modes and
 * arguments mirror bench/floor.c so every leg does the same work:
 *
 *   create   NS COUNT PREFIX GROUP   veth pairs PREFIXa<i>/PREFIXb<i>, one request each
 *   delete   NS COUNT PREFIX         one delete per pair
 *   groupdel NS GROUP                one group delete
 *   getlink  NS COUNT PREFIX MOD     COUNT look-ups by name over PREFIXa<0..MOD-1>
 *   getlinkpipe NS COUNT PREFIX MOD WINDOW   the same look-ups pipelined, WINDOW per send (getLinks)
 *   dump     NS REPEAT               REPEAT full dumps, every link decoded
 *   mem      NS streamed|collected   peak heap and RSS of one full dump (run with --expose-gc)
 *   codec    FILE ITER               decode and re-encode every message of a recorded dump, no kernel
 *   record   NS FILE                 one dump's raw messages into FILE (when the C floor is not built)
 *
 * Diagnostics (./diagnostics.ts): `rawget NS COUNT PREFIX MOD [ack]` (the
 * shim alone), `getparts NS COUNT PREFIX MOD [ROUNDS]` (where a look-up's
 * time goes, in place) and `codecparts FILE ITER` (where decode time goes).
 *
 * `--per-call` (getlink only) passes `{ netns }` to every call instead of a socket.
 * `--core` runs the same messages through RtnlSocket + linkMessage directly
 * instead of the public API (see ./lowlevel.ts). One socket is opened inside
 * NS before the clock starts and reused for every request, as the C floor does.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { RtnlSocket } from '../../src/netlink/socket.js';
import { getShim } from '../../src/shim/index.js';
import { ByteWriter } from '../../src/netlink/writer.js';
import { reencode } from '../../src/rtnetlink/family.js';
import { linkMessage } from '../../src/rtnetlink/link/index.js';
import { emit, gc, heapUsed, now, startClock, warmUpCreates } from './measure.js';
import { type Ops, apiOps, coreOps } from './ops.js';
import { dumpLinks } from './lowlevel.js';
import { codecParts, lookupParts, rawGet } from './diagnostics.js';
import { splitMessages } from './recorded.js';
import { getLink, getLinks } from '../../src/ops/links/index.js';

const argv = process.argv.slice(2);
const core = argv.includes('--core');
const perCall = argv.includes('--per-call');
const args = argv.filter((a) => a !== '--core' && a !== '--per-call');
const [mode, a1, a2, a3, a4] = args;

const ops: Ops = core ? coreOps : apiOps;
const tag = { impl: core ? 'core' : ops.impl, backend: getShim().backend, node: process.version };

/** Streamed memory runs take a live-heap sample (after a full GC) every this many links. */
const LIVE_EVERY = 250;

function need(v: string | undefined, what: string): string {
  if (v === undefined) throw new Error(`rtnl driver ${mode}: missing ${what}`);
  return v;
}

async function withSocket<T>(ns: string, fn: (s: RtnlSocket) => Promise<T>): Promise<T> {
  const s = RtnlSocket.open({ netns: ns });
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

async function main(): Promise<void> {
  switch (mode) {
    case 'create': {
      const ns = need(a1, 'NS');
      const count = Number(need(a2, 'COUNT'));
      const prefix = need(a3, 'PREFIX');
      const group = Number(need(a4, 'GROUP'));
      await withSocket(ns, async (s) => {
        await warmUpCreates((a, b, g) => ops.createVeth(s, a, b, g), (g) => ops.deleteGroup(s, g), prefix, group);
        const t0 = startClock();
        for (let i = 0; i < count; i++) await ops.createVeth(s, `${prefix}a${i}`, `${prefix}b${i}`, group);
        emit({ mode, ops: count, seconds: now() - t0, ...tag });
      });
      return;
    }
    case 'delete': {
      const ns = need(a1, 'NS');
      const count = Number(need(a2, 'COUNT'));
      const prefix = need(a3, 'PREFIX');
      await withSocket(ns, async (s) => {
        const t0 = startClock();
        for (let i = 0; i < count; i++) await ops.deleteLink(s, `${prefix}a${i}`);
        emit({ mode, ops: count, seconds: now() - t0, ...tag });
      });
      return;
    }
    case 'groupdel': {
      const ns = need(a1, 'NS');
      const group = Number(need(a2, 'GROUP'));
      await withSocket(ns, async (s) => {
        const t0 = startClock();
        await ops.deleteGroup(s, group);
        emit({ mode, ops: 1, seconds: now() - t0, ...tag });
      });
      return;
    }
    case 'getlink': {
      const ns = need(a1, 'NS');
      const count = Number(need(a2, 'COUNT'));
      const prefix = need(a3, 'PREFIX');
      const mod = Number(need(a4, 'MOD'));
      const names = Array.from({ length: mod }, (_, i) => `${prefix}a${i}`);
      if (perCall) {
        // The convenient form: every call opens (and closes) its own socket inside NS.
        for (let i = 0; i < Math.min(count, 500); i++) await getLink(names[i % mod] as string, { netns: ns });
        let check = 0;
        const t0 = startClock();
        for (let i = 0; i < count; i++) check += (await getLink(names[i % mod] as string, { netns: ns })).mtu;
        emit({ mode, ops: count, seconds: now() - t0, check, ...tag, impl: 'api, { netns } per call' });
        return;
      }
      await withSocket(ns, async (s) => {
        // Warm-up (untimed): the JIT compiles the request path first.
        for (let i = 0; i < Math.min(count, 2000); i++) await ops.getLink(s, names[i % mod] as string);
        let check = 0;
        const t0 = startClock();
        for (let i = 0; i < count; i++) check += (await ops.getLink(s, names[i % mod] as string)).mtu ?? 0;
        emit({ mode, ops: count, seconds: now() - t0, check, ...tag });
      });
      return;
    }
    case 'getlinkpipe': {
      const ns = need(a1, 'NS');
      const count = Number(need(a2, 'COUNT'));
      const prefix = need(a3, 'PREFIX');
      const mod = Number(need(a4, 'MOD'));
      const window = Number(need(args[5], 'WINDOW'));
      const names = Array.from({ length: count }, (_, i) => `${prefix}a${i % mod}`);
      await withSocket(ns, async (s) => {
        // The public bulk call, whole: validation, one batch, a Link per reply (counters included, as getLink's).
        const once = async (list: string[]) => {
          let check = 0;
          for (const r of await getLinks(list, { socket: s, window })) if (r.status === 'fulfilled') check += r.value.mtu;
          return check;
        };
        await once(names.slice(0, Math.min(count, 2000)));
        const t0 = startClock();
        const check = await once(names);
        emit({ mode, ops: count, seconds: now() - t0, check, window, ...tag });
      });
      return;
    }
    case 'getparts': {
      const ns = need(a1, 'NS');
      await withSocket(ns, async (s) =>
        emit({ mode, ...(await lookupParts(s, Number(need(a2, 'COUNT')), need(a3, 'PREFIX'), Number(need(a4, 'MOD')), Number(args[5] ?? 5))), ...tag }),
      );
      return;
    }
    case 'rawget': {
      const ns = need(a1, 'NS');
      await withSocket(ns, async (s) => emit({ mode, ...rawGet(s, Number(need(a2, 'COUNT')), need(a3, 'PREFIX'), Number(need(a4, 'MOD')), args[5] === 'ack'), ...tag }));
      return;
    }
    case 'dump': {
      const ns = need(a1, 'NS');
      const repeat = Number(need(a2, 'REPEAT'));
      await withSocket(ns, async (s) => {
        await ops.listLinks(s); // warm-up, untimed
        const samples: number[] = [];
        let links = 0;
        startClock();
        for (let r = 0; r < repeat; r++) {
          const t0 = now();
          links = (await ops.listLinks(s)).length;
          samples.push(now() - t0);
        }
        emit({ mode, ops: repeat, seconds: samples.reduce((a, b) => a + b, 0), samples, links, ...tag });
      });
      return;
    }
    case 'mem': {
      const ns = need(a1, 'NS');
      const how = need(a2, 'streamed|collected');
      await withSocket(ns, async (s) => {
        // Warm-up in its own frame: an awaited result can linger in the
        // caller's generator registers and would then sit in the baseline.
        const warmUp = async (): Promise<void> => {
          await ops.listLinks(s);
        };
        await warmUp();
        gc();
        gc();
        const base = heapUsed();
        let peak = base;
        let live = base;
        let links = 0;
        const liveSamples: number[] = [];
        if (how === 'streamed') {
          // Pass 1: heap as the program sees it (garbage included) every 256 links.
          await ops.streamLinks(s, () => {
            if (++links % 256 === 0) peak = Math.max(peak, heapUsed());
          });
          peak = Math.max(peak, heapUsed());
          // Pass 2: what is really kept alive, with a full GC every LIVE_EVERY links.
          let n = 0;
          await ops.streamLinks(s, () => {
            if (++n % LIVE_EVERY === 0) {
              gc();
              const h = heapUsed();
              liveSamples.push(h - base);
              live = Math.max(live, h);
            }
          });
        } else {
          const all = await ops.listLinks(s);
          links = all.length;
          peak = heapUsed();
          gc();
          live = heapUsed();
          if (all.length !== links) throw new Error('unreachable');
        }
        emit({ mode, how, links, heapPeakBytes: peak - base, heapLiveBytes: live - base, liveSamples, liveEvery: LIVE_EVERY, ...tag });
      });
      return;
    }
    case 'record': {
      // Fallback recorder when the C floor is not built: the raw messages of one dump, back to back.
      const ns = need(a1, 'NS');
      const file = need(a2, 'FILE');
      await withSocket(ns, async (s) => {
        const parts: Uint8Array[] = [];
        let bytes = 0;
        const links = await dumpLinks(s, (_m, raw) => {
          const padded = new Uint8Array((raw.length + 3) & ~3);
          padded.set(raw);
          parts.push(padded);
          bytes += raw.length;
        });
        writeFileSync(file, Buffer.concat(parts));
        emit({ mode, ops: 1, seconds: 0, links, bytes, ...tag });
      });
      return;
    }
    case 'codecparts': {
      emit({ mode, ...codecParts(splitMessages(readFileSync(need(a1, 'FILE'))), Number(need(a2, 'ITER'))), ...tag });
      return;
    }
    case 'codec': {
      const file = need(a1, 'FILE');
      const iter = Number(need(a2, 'ITER'));
      const data = readFileSync(file);
      const msgs = splitMessages(data);
      const w = new ByteWriter(65536);
      // Untimed check first: decode → encode must give the kernel's bytes back.
      for (const m of msgs) {
        const out = reencode(linkMessage, m, linkMessage.decode(m), w);
        if (out.length !== m.length || !out.every((b, i) => b === m[i])) throw new Error('re-encoded message differs from the recorded one');
      }
      let decoded = msgs.map((m) => linkMessage.decode(m)); // warm-up
      let t0 = now();
      for (let r = 0; r < iter; r++) decoded = msgs.map((m) => linkMessage.decode(m));
      const decodeSeconds = now() - t0;
      for (let i = 0; i < msgs.length; i++) reencode(linkMessage, msgs[i] as Uint8Array, decoded[i] as never, w); // warm-up
      let outBytes = 0;
      t0 = now();
      for (let r = 0; r < iter; r++) {
        for (let i = 0; i < msgs.length; i++) outBytes += reencode(linkMessage, msgs[i] as Uint8Array, decoded[i] as never, w).length;
      }
      const encodeSeconds = now() - t0;
      emit({
        mode,
        ops: msgs.length * iter,
        seconds: decodeSeconds + encodeSeconds,
        messages: msgs.length,
        bytes: data.length,
        iterations: iter,
        decodeSeconds,
        encodeSeconds,
        check: outBytes,
        ...tag,
      });
      return;
    }
    default:
      throw new Error(`rtnl driver: unknown mode ${String(mode)}`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`rtnl driver: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
