/**
 * Socket-level faults against the real kernel: a socket closed in the middle
 * of a dump (by the iterating task and by another task), a thousand
 * concurrent requests on sockets in several namespaces, dumps interrupted by
 * changes (NLM_F_DUMP_INTR), event-socket overruns (ENOBUFS), and EPERM for a
 * caller without CAP_NET_ADMIN.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as rtnl from '../../src/index.js';
import { RtnlSocket } from '../../src/netlink/socket.js';
import { NLMSG, NLM_F } from '../../src/netlink/constants.js';
import { AF, RTM } from '../../src/rtnetlink/constants.js';
import { addrMessage } from '../../src/rtnetlink/addr/index.js';
import { AS_NOBODY, backendEnv, repoPath, unprivilegedMissing } from '../helpers/child.js';
import { canRunLive, ip, liveSkipReason, useNetns } from '../helpers/live.js';
import { toolMissing } from '../helpers/tools.js';
import { fakeNetlink } from './_shim.js';

const A = useNetns('rtnlsa');
const B = useNetns('rtnlsb');
const C = useNetns('rtnlsc');
const skip = liveSkipReason ? ` — skipped: ${liveSkipReason}` : '';
const tick = () => new Promise<void>((r) => setImmediate(r));

/** Links per namespace, with a distinct MTU each, so a misrouted reply is visible. */
const LINKS = 40;
const mtuOf = (nsIndex: number, i: number) => 1000 + nsIndex * 100 + i;

function batch(ns: string, lines: string[]): void {
  execFileSync('ip', ['-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
}

beforeAll(() => {
  if (!canRunLive) return;
  [A, B, C].forEach((ns, n) => {
    const lines: string[] = [];
    for (let i = 0; i < LINKS; i++) lines.push(`link add c${i} mtu ${mtuOf(n, i)} type bridge`);
    batch(ns.name, lines);
  });
});

describe.skipIf(!canRunLive)(`closing a socket with work in flight${skip}`, () => {
  it('close() inside a dump iteration ends it with a SocketClosedError, and the fd is gone', async () => {
    const sock = RtnlSocket.open({ netns: A.name });
    const fd = sock.fileDescriptor;
    let seen = 0;
    const run = async () => {
      for await (const _ of rtnl.iterateLinks({ socket: sock })) {
        if (++seen === 3) sock.close();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'SocketClosedError' });
    // What the kernel had already delivered may be yielded, nothing more: one chunk holds < 40 links with stats.
    expect(seen).toBeLessThan(LINKS);
    expect(readdirSync('/proc/self/fd')).not.toContain(String(fd));
  });

  it('close() from another async task rejects the running dump, the queued dumps and later requests', async () => {
    const sock = RtnlSocket.open({ netns: A.name });
    const slowDump = async () => {
      let n = 0;
      for await (const _ of rtnl.iterateLinks({ socket: sock })) {
        n++;
        await tick();
      }
      return n;
    };
    // Three dumps on one socket: the kernel runs one at a time, so two wait.
    const dumps = [slowDump(), slowDump(), slowDump()].map((p) => p.then((n) => ({ n }), (e: unknown) => ({ e })));
    const closer = (async () => {
      await tick();
      await tick();
      sock.close();
    })();
    const results = await Promise.all(dumps);
    await closer;
    for (const r of results) expect(r).toMatchObject({ e: { name: 'SocketClosedError' } });
    await expect(rtnl.getLink('c1', { socket: sock })).rejects.toMatchObject({ name: 'SocketClosedError' });
  });
});

describe.skipIf(!canRunLive)(`many concurrent requests stay correlated${skip}`, () => {
  it('1,000 requests from many async tasks on 4 sockets in 3 namespaces, mixed with dumps, each get their own answer', async () => {
    const nss = [A, B, C];
    const sockets = [0, 1, 2, 0].map((n) => ({ n, s: RtnlSocket.open({ netns: nss[n]!.name }) }));
    let checked = 0;
    let dumps = 0;
    try {
      const tasks = Array.from({ length: 1000 }, async (_, t) => {
        const { n, s } = sockets[t % sockets.length]!;
        for (let k = 0; k < t % 3; k++) await tick();
        if (t % 50 === 7) {
          // A dump on the same socket, interleaved with the requests.
          const names: string[] = [];
          for await (const l of rtnl.iterateLinks({ socket: s, kind: 'bridge' })) {
            names.push(l.name);
            expect(l.mtu).toBe(mtuOf(n, Number(l.name.slice(1))));
            await tick();
          }
          expect(names.length).toBe(LINKS);
          dumps++;
          return;
        }
        const i = (t * 7) % LINKS;
        // Half through the caller's socket, a quarter by netns (own socket), a quarter by ifindex.
        const link =
          t % 4 === 1
            ? await rtnl.getLink(`c${i}`, { netns: nss[n]!.name })
            : await rtnl.getLink(`c${i}`, { socket: s });
        expect(link.name).toBe(`c${i}`);
        expect(link.mtu).toBe(mtuOf(n, i));
        if (t % 4 === 3) {
          const again = await rtnl.getLink(link.index, { socket: s });
          expect(again.name).toBe(`c${i}`);
        }
        checked++;
      });
      await Promise.all(tasks);
    } finally {
      for (const { s } of sockets) s.close();
    }
    expect(checked + dumps).toBe(1000);
    expect(dumps).toBe(20);
    for (const { s } of sockets) expect(s.strayMessages).toBe(0);
  });
});

describe.skipIf(!canRunLive)(`NLM_F_DUMP_INTR is surfaced${skip}`, () => {
  it('provoked live: changing addresses between two chunks of an address dump', async () => {
    const lines = ['link add dbr type bridge'];
    for (let i = 0; i < 1500; i++) lines.push(`addr add 10.${(i >> 8) & 255}.${i & 255}.1/32 dev dbr`);
    batch(C.name, lines);
    const sock = RtnlSocket.open({ netns: C.name });
    let n = 0;
    let changed = false;
    const run = async () => {
      for await (const m of sock.dump(RTM.GETADDR, 0, (w) => addrMessage.encode(w, { header: { family: AF.INET, prefixLength: 0, flags: 0, scope: 0, index: 0 } }), { operation: 'listAddresses' })) {
        if (m.type === RTM.NEWADDR) n++;
        if (n === 10 && !changed) {
          // The dump is pulled chunk by chunk: change the table before the next chunk is built.
          changed = true;
          await rtnl.addAddress('dbr', '10.200.0.1/32', { netns: C.name });
        }
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'DumpInterruptedError', code: 'ERR_RTNL_DUMP_INTR' });
    expect(n).toBeGreaterThan(1000); // every message was still delivered before the error
    sock.close();
  });

  it('provoked live through the public API: a link created while iterateLinks is between chunks', async () => {
    const run = async () => {
      let i = 0;
      for await (const _ of rtnl.iterateLinks({ netns: A.name })) {
        if (++i === 2) ip(['link', 'add', 'intr0', 'type', 'bridge'], A.name);
      }
    };
    try {
      await expect(run()).rejects.toMatchObject({ name: 'DumpInterruptedError', message: expect.stringMatching(/^iterateLinks/) });
    } finally {
      ip(['link', 'del', 'intr0'], A.name);
    }
  });

  it('proved with a fake kernel: a flagged chunk makes the dump throw after its messages', async () => {
    const fake = fakeNetlink();
    const sock = RtnlSocket.open({ shim: fake.shim });
    const msg = (type: number, flags: number, seq: number, body: number[]) => {
      const b = new Uint8Array(16 + body.length);
      const v = new DataView(b.buffer);
      v.setUint32(0, b.length, true);
      v.setUint16(4, type, true);
      v.setUint16(6, flags, true);
      v.setUint32(8, seq, true);
      v.setUint32(12, 4242, true);
      b.set(body, 16);
      return b;
    };
    const addr = (seq: number, flags: number) => msg(RTM.NEWADDR, NLM_F.MULTI | flags, seq, [2, 32, 0, 0, 1, 0, 0, 0]);
    fake.script.push((seq) => addr(seq, 0), (seq) => addr(seq, NLM_F.DUMP_INTR), (seq) => msg(NLMSG.DONE, NLM_F.MULTI, seq, [0, 0, 0, 0]));
    const got: number[] = [];
    const run = async () => {
      for await (const m of sock.dump(RTM.GETADDR, 0, () => {}, { operation: 'listAddresses' })) got.push(m.flags);
    };
    await expect(run()).rejects.toMatchObject({ name: 'DumpInterruptedError', message: expect.stringMatching(/listAddresses.*NLM_F_DUMP_INTR/) });
    expect(got).toEqual([NLM_F.MULTI, NLM_F.MULTI | NLM_F.DUMP_INTR]);
    sock.close();
  });
});

describe.skipIf(!canRunLive)(`ENOBUFS on an event socket is surfaced${skip}`, () => {
  it('monitor() yields an overrun (enobufs) after a burst its small buffer cannot hold, then keeps going', async () => {
    const mon = rtnl.monitor(['link'], { netns: B.name, receiveBufferSize: 4096 });
    try {
      // execFileSync blocks the event loop: nothing reads while the burst arrives.
      batch(B.name, Array.from({ length: 60 }, (_, i) => `link add ob${i} type bridge`));
      const seen: string[] = [];
      const deadline = Date.now() + 10_000;
      for await (const ev of mon) {
        seen.push(ev.type === 'overrun' ? `overrun:${ev.reason}` : ev.type);
        if (seen.includes('overrun:enobufs') && seen.filter((s) => s === 'newlink').length > 0) break;
        if (Date.now() > deadline) break;
      }
      expect(seen).toContain('overrun:enobufs');
    } finally {
      mon.close();
      batch(B.name, Array.from({ length: 60 }, (_, i) => `link del ob${i}`));
    }
  });
});

/** Bundles a tiny program that calls the library, runnable by another user. */
function bundleProbe(dir: string, body: string): string {
  const src = join(dir, 'probe.ts');
  writeFileSync(
    src,
    `import * as rtnl from ${JSON.stringify(repoPath('src/index.ts'))};\n` +
      `const out = (e) => console.log(JSON.stringify(e === undefined ? { ok: true } : { name: e.name, code: e.code, message: e.message, hint: e.hint }));\n` +
      `try { ${body}; out(undefined); } catch (e) { out(e); }\n`,
  );
  const file = join(dir, 'probe.mjs');
  execFileSync(process.execPath, [
    '-e',
    `require(${JSON.stringify(repoPath('node_modules/esbuild'))}).buildSync({ entryPoints: [${JSON.stringify(src)}], bundle: true, platform: 'node', format: 'esm', outfile: ${JSON.stringify(file)}, logLevel: 'error' })`,
  ]);
  chmodSync(dir, 0o755);
  chmodSync(file, 0o644);
  return file;
}

describe.skipIf(!canRunLive)(`EPERM without CAP_NET_ADMIN says what is missing${skip}`, () => {
  let dir: string;
  beforeAll(() => {
    // Inside the checkout (which uid 65534 must be able to read anyway), not
    // TMPDIR: a private TMPDIR (mode 0700, as mktemp -d makes) would hide
    // the probe from that user.
    mkdirSync(repoPath('.cache'), { recursive: true });
    dir = mkdtempSync(join(repoPath('.cache'), 'rtnl-eperm-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const env = () => backendEnv();

  it('root with CAP_NET_ADMIN dropped from its bounding set: createBridge in a namespace → NetlinkError EPERM naming the capability', (ctx) => {
    const noSetpriv = toolMissing('setpriv');
    if (noSetpriv) return ctx.skip(noSetpriv);
    const probe = bundleProbe(dir, `await rtnl.createBridge('permbr0', { netns: ${JSON.stringify(A.name)} })`);
    const r = spawnSync('setpriv', ['--bounding-set', '-net_admin', '--inh-caps', '-net_admin', process.execPath, probe], { encoding: 'utf8', env: env() });
    const res = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    expect(res).toMatchObject({ name: 'NetlinkError', code: 'EPERM' });
    expect(res.message).toMatch(/CAP_NET_ADMIN/);
    expect(res.hint).toMatch(/CAP_NET_ADMIN/);
    expect(ip(['link', 'show'], A.name)).not.toContain('permbr0');
  });

  it('the unprivileged user 65534: namespaces, TAPs and other processes\' namespaces → typed SystemErrors naming what is missing', (ctx) => {
    const calls = {
      createNetns: `await rtnl.createNetns('rtnlpermns${process.pid % 100000}')`,
      pid1: 'await rtnl.getLink("lo", { netns: { pid: 1 } })',
      ownPid: 'await rtnl.getLink("lo", { netns: { pid: process.pid } })',
      createTap: 'await rtnl.createTap("rtnlpermtap0")',
    };
    const body = `const r = {}; for (const [k, f] of Object.entries({ ${Object.entries(calls)
      .map(([k, c]) => `${k}: async () => { ${c}; }`)
      .join(', ')} })) { try { await f(); r[k] = { ok: true }; } catch (e) { r[k] = { name: e.name, code: e.code, syscall: e.syscall, message: e.message, hint: e.hint }; } } console.log(JSON.stringify(r)); process.exit(0)`;
    const probe = bundleProbe(dir, body);
    const env0 = env();
    const cannot = unprivilegedMissing(probe, ...(env0.RTNL_ADDON_PATH ? [env0.RTNL_ADDON_PATH] : []));
    if (cannot) return ctx.skip(cannot);
    const r = spawnSync('setpriv', [...AS_NOBODY, process.execPath, probe], { encoding: 'utf8', env: env0 });
    const res = JSON.parse(r.stdout.trim().split('\n')[0] as string) as Record<string, { name?: string; code?: string; syscall?: string; hint?: string }>;
    // mount --make-shared /run/netns (or creating the file in it) is refused: CAP_SYS_ADMIN, root.
    expect(res.createNetns).toMatchObject({ name: 'SystemError', hint: expect.stringMatching(/CAP_SYS_ADMIN|only root/) });
    expect(['EPERM', 'EACCES']).toContain(res.createNetns!.code);
    // /proc/1/ns/net of root's init: ptrace access.
    expect(res.pid1).toMatchObject({ name: 'SystemError', code: 'EACCES', syscall: 'open', hint: expect.stringMatching(/ptrace/) });
    // Its own namespace opens, but setns wants CAP_SYS_ADMIN.
    expect(res.ownPid).toMatchObject({ name: 'SystemError', code: 'EPERM', syscall: 'setns', hint: expect.stringMatching(/CAP_SYS_ADMIN/) });
    // TUNSETIFF of a new device: CAP_NET_ADMIN — or, where /dev/net/tun is root-only (mode 0600), its open.
    const tunOpen = (statSync('/dev/net/tun').mode & 0o006) !== 0o006;
    expect(res.createTap).toMatchObject(
      tunOpen
        ? { name: 'SystemError', code: 'EACCES', syscall: 'open', hint: expect.stringMatching(/\/dev\/net\/tun must be readable and writable/) }
        : { name: 'SystemError', code: 'EPERM', syscall: 'ioctl', hint: expect.stringMatching(/CAP_NET_ADMIN/) },
    );
    expect(existsSync(`/run/netns/rtnlpermns${process.pid % 100000}`)).toBe(false);
  });

  it('the unprivileged user 65534: a change request → NetlinkError EPERM naming the capability', (ctx) => {
    // In that user's own (the root) namespace: the kernel refuses before touching anything.
    const name = `rtnlperm${process.pid % 100000}`;
    const probe = bundleProbe(dir, `await rtnl.createBridge(${JSON.stringify(name)})`);
    const env0 = env();
    const cannot = unprivilegedMissing(probe, ...(env0.RTNL_ADDON_PATH ? [env0.RTNL_ADDON_PATH] : []));
    if (cannot) return ctx.skip(cannot);
    const r = spawnSync('setpriv', [...AS_NOBODY, process.execPath, probe], {
      encoding: 'utf8',
      env: env0,
    });
    try {
      const res = JSON.parse(r.stdout.trim().split('\n').pop() as string);
      expect(res).toMatchObject({ name: 'NetlinkError', code: 'EPERM' });
      expect(res.message).toMatch(/needs CAP_NET_ADMIN/);
    } finally {
      try {
        ip(['link', 'del', name]);
      } catch {
        // not created, as expected
      }
    }
  });
});
