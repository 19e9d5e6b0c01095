/**
 * Poller.close() then close(fd) must release the file at once, on every
 * backend, as it does with libuv's epoll-based uv_poll: owners (Tap,
 * EventSocket) close the poller, then the fd, and the next operation may
 * depend on the kernel having run the file's release hook (a single-queue
 * TAP's queue freed, a netlink port id unbound).
 *
 * A netlink socket makes that observable without root: its port id is
 * unbound only when its file is released, so binding a new socket to the
 * same explicit port id fails with EADDRINUSE until then. A poller blocked
 * in poll(2) holds a reference to the file it sleeps on (fs/select.c,
 * __pollwait), so a backend that leaves its poll(2) running after close()
 * fails here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AF_NETLINK, MSG_DONTWAIT, SOCK_CLOEXEC, SOCK_RAW } from '../../src/shim/constants.js';
import type { Shim, SystemCallError } from '../../src/shim/types.js';
import { backends } from './_backends.js';
import { NETLINK_ROUTE, getlinkDump, sockaddrNl } from './_netlink.js';


for (const b of backends) {
  describe.skipIf(!b.shim)(`poller close (${b.name})${b.skipReason ? ` — SKIPPED: ${b.skipReason}` : ''}`, () => {
    const shim = b.shim as Shim;
    const open: number[] = [];
    afterAll(() => {
      for (const fd of open) {
        try {
          shim.close(fd);
        } catch {
          // closed by the test itself
        }
      }
    });
    const socket = (): number => {
      const fd = shim.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
      open.push(fd);
      return fd;
    };
    const buf = new Uint8Array(32768);
    const drain = (fd: number) => {
      for (;;) {
        try {
          shim.recv(fd, buf, MSG_DONTWAIT);
        } catch (e) {
          if ((e as SystemCallError).code === 'EAGAIN') return;
          throw e;
        }
      }
    };

    it('releases the file as soon as close(fd) follows poller.close(), even while the poller was waiting', async () => {
      for (let round = 1; round <= 3; round++) {
        const fd = socket();
        shim.bind(fd, sockaddrNl());
        const sa = new Uint8Array(12);
        shim.getsockname(fd, sa);
        const portId = new DataView(sa.buffer).getUint32(4, true);
        expect(portId).not.toBe(0);

        // One readiness proves the poller is watching; after it is drained
        // the poller goes back to waiting on the now silent socket.
        let fired = 0;
        let woke: (() => void) | undefined;
        const poller = shim.poll(fd, () => {
          fired++;
          drain(fd);
          woke?.();
        });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('poll did not fire')), 5000);
          woke = () => {
            clearTimeout(timer);
            resolve();
          };
          shim.send(fd, getlinkDump(round), 32, 0);
        });
        await new Promise((r) => setTimeout(r, 50));

        poller.close();
        shim.close(fd);
        // No await in between: the release must have happened synchronously.
        const again = socket();
        let bindError: SystemCallError | undefined;
        try {
          shim.bind(again, sockaddrNl(portId));
        } catch (e) {
          bindError = e as SystemCallError;
        }
        expect(bindError?.code, `round ${round}: the closed socket still held port id ${portId}`).toBeUndefined();
        expect(fired).toBe(1);
        shim.close(again);
      }
    });
  });
}
