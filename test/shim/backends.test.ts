/**
 * The shim contract (src/shim/types.ts) against the real kernel, for every
 * backend this runtime can load: the Node-API addon (any Node once built) and
 * node:ffi (Node 26+). Nothing here needs root; namespace and mount
 * primitives are covered by the live suites.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AF_NETLINK, MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC, O_CLOEXEC, O_RDWR, SOCK_CLOEXEC, SOCK_RAW, SOL_SOCKET, SO_RCVBUF } from '../../src/shim/constants.js';
import type { BackendName, Shim, SystemCallError } from '../../src/shim/types.js';
import { kernelLacks } from '../helpers/kernel.js';
import { toolsMissing } from '../helpers/tools.js';
import { backends } from './_backends.js';
import { NETLINK_ROUTE, getlinkDump, sockaddrNl } from './_netlink.js';
import { removeChildDir, runChild } from './_child.js';

const RTM_NEWLINK = 16;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const TUNGETFEATURES = 0x800454cf; // _IOR('T', 207, unsigned int): above 2^31
const IFF_TAP = 0x0002;

afterAll(removeChildDir);

/**
 * Contract violations known in a backend that is not fixed yet. Those tests
 * run as `it.fails`: they stay visible, and turn red once the bug is fixed so
 * the entry gets removed.
 */
const knownBugs: Partial<Record<BackendName, Partial<Record<'sendLength' | 'overrun', string>>>> = {};

/** `it`, or `it.fails` with the bug in the title when `backend` has it. */
function itUnlessKnownBug(backend: BackendName, bug: 'sendLength' | 'overrun', title: string, fn: () => void): void {
  const why = knownBugs[backend]?.[bug];
  // bun:test (when this file runs under `bun test`) names it `failing`.
  const fails = (it as unknown as { fails?: typeof it }).fails ?? (it as unknown as { failing?: typeof it }).failing ?? it.skip;
  if (why) fails(`${title} — KNOWN BUG: ${why}`, fn);
  else it(title, fn);
}

/** Calls `f`, expecting it to throw; returns the error. */
function thrown(f: () => unknown): SystemCallError {
  try {
    f();
  } catch (e) {
    return e as SystemCallError;
  }
  throw new Error('expected a throw');
}

/** Headers of every netlink message in `buf[0, n)`. */
function messages(buf: Uint8Array, n: number): { type: number; seq: number; len: number }[] {
  const v = new DataView(buf.buffer, buf.byteOffset, n);
  const out: { type: number; seq: number; len: number }[] = [];
  for (let o = 0; o + 16 <= n; ) {
    const len = v.getUint32(o, true);
    out.push({ len, type: v.getUint16(o + 4, true), seq: v.getUint32(o + 8, true) });
    if (len < 16) break;
    o += (len + 3) & ~3;
  }
  return out;
}

for (const b of backends) {
  describe.skipIf(!b.shim)(`shim backend ${b.name}${b.skipReason ? ` — SKIPPED: ${b.skipReason}` : ''}`, () => {
    const shim = b.shim as Shim;
    const open: number[] = [];
    const socket = (): number => {
      const fd = shim.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
      open.push(fd);
      return fd;
    };
    afterAll(() => {
      for (const fd of open) {
        try {
          shim.close(fd);
        } catch {
          // closed by the test itself
        }
      }
    });

    it('names itself', () => {
      expect(shim.backend).toBe(b.name);
    });

    it('opens a NETLINK_ROUTE socket, binds it and reads back a 12-byte sockaddr_nl with a kernel-assigned port id', () => {
      const fd = socket();
      expect(fd).toBeGreaterThan(2);
      shim.bind(fd, sockaddrNl());
      // A view with a byte offset: the backend must write at the view, not at
      // the start of its ArrayBuffer.
      const backing = new Uint8Array(24).fill(0xee);
      const sa = backing.subarray(4, 16);
      expect(shim.getsockname(fd, sa)).toBe(12);
      const v = new DataView(sa.buffer, sa.byteOffset, 12);
      expect(v.getUint16(0, true)).toBe(AF_NETLINK);
      expect(v.getUint32(4, true)).not.toBe(0); // nl_pid
      expect(v.getUint32(8, true)).toBe(0); // nl_groups
      expect([...backing.subarray(0, 4), ...backing.subarray(16)]).toEqual(new Array(12).fill(0xee));
    });

    it('round-trips SO_RCVBUF through setsockopt/getsockopt', () => {
      const fd = socket();
      const value = new Uint8Array(4);
      new DataView(value.buffer).setInt32(0, 65536, true);
      shim.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, value);
      const out = new Uint8Array(4);
      expect(shim.getsockopt(fd, SOL_SOCKET, SO_RCVBUF, out)).toBe(4);
      // socket(7): the kernel doubles the value to leave room for bookkeeping.
      expect(new DataView(out.buffer).getInt32(0, true)).toBe(131072);
    });

    it('sends an RTM_GETLINK dump request and receives RTM_NEWLINK replies up to NLMSG_DONE', () => {
      const fd = socket();
      shim.bind(fd, sockaddrNl());
      expect(shim.send(fd, getlinkDump(1), 32, 0)).toBe(32);
      // MSG_PEEK|MSG_TRUNC into a tiny buffer reports the datagram's full size.
      const full = shim.recv(fd, new Uint8Array(16), MSG_PEEK | MSG_TRUNC);
      expect(full).toBeGreaterThan(16);
      const buf = new Uint8Array(Math.max(full, 32768));
      let links = 0;
      let done = false;
      for (let chunks = 0; !done && chunks < 1000; chunks++) {
        const n = shim.recv(fd, buf, 0);
        expect(n).toBeGreaterThan(0);
        for (const m of messages(buf, n)) {
          expect(m.type).not.toBe(NLMSG_ERROR);
          expect(m.seq).toBe(1);
          if (m.type === RTM_NEWLINK) links++;
          if (m.type === NLMSG_DONE) done = true;
        }
      }
      expect(done).toBe(true);
      expect(links).toBeGreaterThanOrEqual(1); // at least lo
    });

    it('sends from and receives into the right memory as buffers change, reuse a view, or start at a byte offset', () => {
      // node:ffi caches the raw pointer of the last send buffer and a msghdr
      // for the last receive buffer, and sends without flags through write():
      // alternating buffers, views with offsets, a buffer reused after
      // another, with and without flags, must each reach the kernel at their
      // own address.
      const fd = socket();
      shim.bind(fd, sockaddrNl());
      const req = getlinkDump(7);
      const padded = new Uint8Array(req.length + 12).fill(0xaa);
      padded.set(req, 12);
      const atOffset = padded.subarray(12);
      const big = new Uint8Array(32768);
      const backing = new Uint8Array(32768 + 8).fill(0xee);
      const offsetRecv = backing.subarray(8);
      const seqs: number[] = [];
      for (const [send, recv, flags] of [
        [req, big, 0],
        [atOffset, offsetRecv, MSG_DONTWAIT],
        [req, big, 0],
        [atOffset, big, 0],
        [req, offsetRecv, MSG_DONTWAIT],
      ] as const) {
        expect(shim.send(fd, send, send.length, flags)).toBe(send.length);
        for (let done = false; !done; ) {
          // MSG_DONTWAIT: a reply landing in the wrong memory fails fast
          // (EAGAIN) instead of blocking the test in recv().
          const n = shim.recv(fd, recv, flags === 0 ? MSG_TRUNC | MSG_DONTWAIT : MSG_DONTWAIT);
          expect(n).toBeLessThanOrEqual(recv.length);
          for (const m of messages(recv, n)) {
            seqs.push(m.seq);
            if (m.type === NLMSG_DONE) done = true;
            expect(m.type).not.toBe(NLMSG_ERROR);
          }
        }
        expect([...backing.subarray(0, 8)]).toEqual(new Array(8).fill(0xee));
      }
      expect(new Set(seqs)).toEqual(new Set([7]));
    });

    itUnlessKnownBug(b.name, 'sendLength', 'send refuses a length beyond the buffer', () => {
      const fd = socket();
      expect(() => shim.send(fd, new Uint8Array(8), 9, 0)).toThrow();
    });

    it('throws Node-shaped errors: close(-1) → EBADF', () => {
      const e = thrown(() => shim.close(-1));
      expect(e).toBeInstanceOf(Error);
      expect(e.code).toBe('EBADF');
      expect(e.errno).toBe(-9);
      expect(e.syscall).toBe('close');
      expect(e.path).toBeUndefined();
    });

    it('open of a missing path → ENOENT with the path', () => {
      const path = '/nonexistent-rtnl-test/file';
      const e = thrown(() => shim.open(path, O_RDWR | O_CLOEXEC, 0));
      expect(e.code).toBe('ENOENT');
      expect(e.errno).toBe(-2);
      expect(e.syscall).toBe('open');
      expect(e.path).toBe(path);
    });

    it('recv with MSG_DONTWAIT on an empty socket → EAGAIN', () => {
      const fd = socket();
      shim.bind(fd, sockaddrNl());
      const e = thrown(() => shim.recv(fd, new Uint8Array(64), MSG_DONTWAIT));
      expect(e.code).toBe('EAGAIN');
      expect(e.syscall).toBe('recv');
    });

    it('opens, reads its own fd table entry and writes through read/write on a pipe-like file', () => {
      // /dev/null: write accepts everything, read returns 0 (EOF).
      const fd = shim.open('/dev/null', O_RDWR | O_CLOEXEC, 0);
      open.push(fd);
      expect(shim.write(fd, new Uint8Array(10), 7)).toBe(7);
      expect(shim.read(fd, new Uint8Array(10))).toBe(0);
    });

    it.skipIf(!canOpenTun())('passes ioctl request numbers above 2^31 intact (TUNGETFEATURES on /dev/net/tun)', () => {
      const fd = shim.open('/dev/net/tun', O_RDWR | O_CLOEXEC, 0);
      open.push(fd);
      const features = new Uint8Array(8).fill(0);
      const view = features.subarray(4); // offset view again
      expect(shim.ioctlPtr(fd, TUNGETFEATURES, view)).toBe(0);
      expect(new DataView(features.buffer).getUint32(4, true) & IFF_TAP).toBe(IFF_TAP);
      // By-value variant: TUNSETPERSIST on a file not attached to a device is
      // refused by the tun driver itself with EBADFD (77), i.e. the call got
      // there. (os.constants.errno has no EBADFD, so only the number is checked.)
      const e = thrown(() => shim.ioctlInt(fd, 0x400454cb, 0));
      expect(e.errno).toBe(-77);
      expect(e.syscall).toBe('ioctl');
    });

    it('poll fires when a reply is queued, again for the next one, and not after close()', async () => {
      const fd = socket();
      shim.bind(fd, sockaddrNl());
      const buf = new Uint8Array(32768);
      let fired = 0;
      let wake: (() => void) | undefined;
      const poller = shim.poll(fd, () => {
        fired++;
        // Drain: readiness is level-triggered.
        for (;;) {
          try {
            shim.recv(fd, buf, MSG_DONTWAIT);
          } catch (e) {
            if ((e as SystemCallError).code === 'EAGAIN') break;
            throw e;
          }
        }
        wake?.();
      });
      const next = (seq: number) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`poll did not fire for request ${seq}`)), 5000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
          shim.send(fd, getlinkDump(seq), 32, 0);
        });
      await next(1);
      expect(fired).toBe(1);
      await next(2);
      expect(fired).toBe(2);
      poller.close();
      poller.close(); // idempotent
      poller.ref(); // no-ops after close
      poller.unref();
      shim.send(fd, getlinkDump(3), 32, 0);
      await new Promise((r) => setTimeout(r, 200));
      expect(fired).toBe(2);
      // The reply is still queued: nobody consumed it.
      expect(shim.recv(fd, buf, MSG_DONTWAIT)).toBeGreaterThan(0);
    });

    it('a closed poller does not keep the process alive', () => {
      const r = runChild(b.name, 'close', b.childEnv, 10_000);
      expect(r.stderr).not.toMatch(/Error/);
      expect(r.report?.fired).toBe(1);
      expect(r.status).toBe(0);
    });

    it('an unref()ed poller does not keep the process alive, a ref()ed one does', () => {
      const unref = runChild(b.name, 'unref', b.childEnv, 10_000);
      expect(unref.report?.fired).toBe(0);
      expect(unref.status).toBe(0);
      const ref = runChild(b.name, 'ref', b.childEnv, 1500);
      expect(ref.report?.fired).toBe(0); // it got as far as polling…
      expect(ref.signal).toBe('SIGKILL'); // …and had to be killed
    });

    it('an exception thrown by onReadable is uncaught in the process and the poller keeps working', () => {
      const r = runChild(b.name, 'throw', b.childEnv, 10_000);
      expect(r.status).toBe(0);
      expect(r.report?.uncaught).toEqual(['thrown by onReadable']);
      expect(r.report?.fired).toBe(2);
      // A pending exception would make the loop spin at full CPU.
      expect(r.report?.cpuMs ?? Infinity).toBeLessThan(2000);
    });

    const overrunSkip = overrunSkipReason();
    const overrunTitle = 'poll keeps firing after a receive-buffer overrun (POLLERR/ENOBUFS)';
    const overrun = () => {
      const r = runChild(b.name, 'overrun', b.childEnv, 15_000, ['unshare', '-n']);
      expect(r.status).toBe(0);
      expect(r.report?.errors).toContain('ENOBUFS');
      // libuv stops a uv_poll on POLLERR; the backend must re-arm it.
      expect(r.report?.firedAfterLateEvent).toBeGreaterThanOrEqual(1);
    };
    if (overrunSkip) it.skip(`${overrunTitle} — SKIPPED: ${overrunSkip}`, overrun);
    else itUnlessKnownBug(b.name, 'overrun', overrunTitle, overrun);
  });
}

function canOpenTun(): boolean {
  return process.getuid?.() === 0 && kernelLacks('tun') === undefined;
}

function overrunSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (unshare -n, ip link set)';
  return toolsMissing('unshare', 'ip');
}
