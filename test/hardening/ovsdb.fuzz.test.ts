/**
 * The OVSDB client parses what a Unix-socket peer sends: a hostile or broken
 * ovsdb-server must not crash the process or leave a call hanging. A fake
 * server answers every request of `listBridges`, `listPorts` and
 * `addBridge` with one fast-check case — a plausible reply with up to four
 * edits anywhere in its JSON tree (any JSON value, wrong types, deep
 * nesting, `__proto__` keys), random `update` notifications, or raw bytes
 * cut at random places — and each call must settle, within its timeout,
 * with a result or an rtnl/OVS error; never a TypeError, RangeError or
 * SyntaxError, never an uncaught exception.
 */
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRtnlError } from '../../src/netlink/errors.js';
import * as ovs from '../../src/ovs/index.js';
import { JsonStreamSplitter } from '../../src/ovs/json-stream.js';
import { socketDir } from '../../examples/ovs-daemons.js';

const CASES = Number(process.env.RTNL_FUZZ_CASES ?? 200);
const dir = socketDir('rtnl-ovs-fuzz');
const path = join(dir, 'db.sock');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** What the fake does with each request of the current case. */
interface Case {
  /** Replaces the reply of each request, by method; raw bytes are written as they are. */
  reply: (method: string, id: Json) => Uint8Array[];
  /** Notifications sent after the first request (an `update` stream, hostile). */
  notes: Json[];
}

let current: Case | undefined;
let server: Server;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const splitter = new JsonStreamSplitter();
    let first = true;
    socket.on('data', (chunk) => {
      let texts: string[];
      try {
        texts = splitter.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const t of texts) {
        const m = JSON.parse(t) as { method?: string; id?: Json };
        if (m.method === undefined || !current) continue;
        for (const piece of current.reply(m.method, m.id ?? null)) if (!socket.destroyed) socket.write(piece);
        if (first) {
          first = false;
          for (const n of current.notes) if (!socket.destroyed) socket.write(JSON.stringify({ method: 'update', params: n, id: null }));
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(path, r));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const uuid = (n: number) => `00000000-0000-0000-0000-${n.toString(16).padStart(12, '0')}`;

/** The four selects of a read, as a real server answers them: one bridge br0 with its local port. */
function snapshot(): Json {
  return [
    { rows: [{ _uuid: ['uuid', uuid(0xaa)], bridges: ['uuid', uuid(0xbb)], cur_cfg: 3, next_cfg: 3 }] },
    { rows: [{ _uuid: ['uuid', uuid(0xbb)], name: 'br0', datapath_type: '', ports: ['set', [['uuid', uuid(0xcc)]]], external_ids: ['map', [['a', 'b']]] }] },
    { rows: [{ _uuid: ['uuid', uuid(0xcc)], name: 'br0', interfaces: ['uuid', uuid(0xcf)], external_ids: ['map', []] }] },
    { rows: [{ _uuid: ['uuid', uuid(0xcf)], name: 'br0', type: 'internal', ofport: 65534, error: ['set', []], mac_in_use: '02:00:00:00:00:01', external_ids: ['map', []] }] },
  ];
}

/** Every path to a value inside `v`, down to 40 levels (a deep nest planted by an earlier edit is not walked). */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (at.length >= 40) return out;
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

/** `v` with the value at path `p` replaced by `x` (or, for `undefined`, removed). */
function edit(v: Json, p: (string | number)[], x: Json | undefined): Json {
  if (p.length === 0) return x === undefined ? null : x;
  const [head, ...rest] = p;
  if (Array.isArray(v)) {
    const c = [...v];
    if (rest.length === 0 && x === undefined) c.splice(head as number, 1);
    else c[head as number] = edit(c[head as number] as Json, rest, x);
    return c;
  }
  if (v && typeof v === 'object') {
    const c: { [k: string]: Json } = {};
    for (const [k, y] of Object.entries(v)) c[k] = y;
    if (rest.length === 0 && x === undefined) delete c[head as string];
    else c[head as string] = edit(c[head as string] as Json, rest, x);
    return c;
  }
  return v;
}

const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(null, '', -1, 2 ** 53, 1e308, 'uuid', ['uuid'], ['set'], ['map', [[1]]], ['uuid', 'not-a-uuid'], { __proto__: { polluted: true } } as unknown as Json, ['set', [['uuid', uuid(0xbb)]]]),
  fc.integer({ min: 1, max: 3000 }).map((d) => {
    let x: Json = 0;
    for (let i = 0; i < d; i++) x = [x];
    return x;
  }),
);

/** A reply: the snapshot (or another result) with up to four edits. */
const mutatedResult = fc.tuple(fc.constantFrom<'snapshot' | 'other'>('snapshot', 'snapshot', 'other'), fc.array(fc.tuple(fc.nat(), hostileValue, fc.boolean()), { maxLength: 4 })).map(([base, edits]) => {
  let v: Json = base === 'snapshot' ? snapshot() : [{}, { count: 1 }, { uuid: ['uuid', uuid(1)] }];
  for (const [i, x, remove] of edits) {
    const ps = paths(v);
    v = edit(v, ps[i % ps.length]!, remove ? undefined : x);
  }
  return v;
});

const rawBytes = fc.oneof(
  fc.uint8Array({ maxLength: 256 }),
  fc.constantFrom('{"id":', '{"id":1,"result":[', '}}}}', '{"id":1,"result":"\\', '{"id":1e999,"result":null,"error":null}', '\u0000{').map((s) => new TextEncoder().encode(s)),
);

const caseArb: fc.Arbitrary<Case> = fc
  .tuple(fc.oneof(mutatedResult.map((r) => ({ r })), rawBytes.map((b) => ({ b }))), fc.option(hostileValue, { nil: null }), fc.array(hostileValue, { maxLength: 3 }), fc.nat({ max: 20 }))
  .map(([what, error, notes, cut]) => ({
    notes,
    reply: (_method: string, id: Json) => {
      const bytes = 'b' in what ? what.b : enc({ id, result: what.r, error });
      // Cut the reply in two writes at a random place (a UTF-8 sequence or a token may straddle them).
      const at = Math.min(cut, bytes.length);
      return [bytes.subarray(0, at), bytes.subarray(at)];
    },
  }));

const allowed = (e: unknown) => isRtnlError(e) || ovs.isOvsError(e);

describe(`the OVSDB client against a hostile server (${CASES} cases)`, () => {
  it('every call settles with a result or an rtnl/OVS error', async () => {
    const outcomes: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(caseArb, fc.constantFrom('listBridges', 'listPorts', 'addBridge'), async (c, op) => {
        current = c;
        const opts = { socket: path, timeout: 150 };
        const call = op === 'listBridges' ? ovs.listBridges(opts) : op === 'listPorts' ? ovs.listPorts('br0', opts) : ovs.addBridge('brfz', opts);
        const r = await call.then(
          () => 'ok',
          (e: unknown) => {
            expect(allowed(e), `${(e as Error)?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack}`).toBe(true);
            return (e as Error).name;
          },
        );
        outcomes[r] = (outcomes[r] ?? 0) + 1;
        for (const s of sockets) s.destroy();
      }),
      { numRuns: CASES },
    );
    if (process.env.RTNL_HARDENING_VERBOSE) console.log('OVSDB fuzz outcomes:', outcomes);
    // The cases reach the parser's failure paths, not only timeouts.
    expect(Object.keys(outcomes).length).toBeGreaterThan(2);
  }, 120_000);
});
