/**
 * Resource safety: 10,000 open/close cycles of request sockets, namespace
 * handles and TAP file descriptors (and 1,000 of TAP devices and monitors)
 * leave the process's open file descriptors (/proc/self/fd) and its memory
 * (heap after a full GC) where they were.
 */
import { readdirSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as rtnl from '../../src/index.js';
import { openNetns } from '../../src/netlink/netns.js';
import { RtnlSocket } from '../../src/netlink/socket.js';
import { getShim } from '../../src/shim/index.js';
import { kernelLacks } from '../helpers/kernel.js';
import { canRunLive, ip, liveSkipReason, useNetns } from '../helpers/live.js';

const ns = useNetns('rtnlres');
const CYCLES = Number(process.env.RTNL_RESOURCE_CYCLES ?? 10_000);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const tick = () => new Promise<void>((r) => setImmediate(r));

const fds = () => readdirSync('/proc/self/fd').length;

async function settle(): Promise<{ fds: number; heap: number; buffers: number; rss: number }> {
  // Let closed pollers finish their uv_close callbacks, then collect.
  for (let i = 0; i < 5; i++) await tick();
  gc();
  gc();
  const m = process.memoryUsage();
  return { fds: fds(), heap: m.heapUsed, buffers: m.arrayBuffers, rss: m.rss };
}

/** Runs `cycle` n times (yielding to the event loop now and then) and returns the growth. */
interface Growth {
  fds: number;
  heapMiB: number;
  /** ArrayBuffer backing stores (receive buffers live there, outside the heap). */
  buffersMiB: number;
  rssMiB: number;
}

async function measure(n: number, cycle: (i: number) => unknown): Promise<Growth> {
  // Warm up: JIT, lazily created buffers and caches are not leaks.
  for (let i = 0; i < Math.min(200, n); i++) await cycle(i);
  const before = await settle();
  for (let i = 0; i < n; i++) {
    await cycle(i);
    if (i % 500 === 499) await tick();
  }
  const after = await settle();
  const mib = (x: number) => x / 2 ** 20;
  const r = { fds: after.fds - before.fds, heapMiB: mib(after.heap - before.heap), buffersMiB: mib(after.buffers - before.buffers), rssMiB: mib(after.rss - before.rss) };
  if (process.env.RTNL_HARDENING_VERBOSE) console.log(`${n} cycles:`, JSON.stringify(r));
  return r;
}

function expectFlat(r: Growth): void {
  expect(r.fds).toBe(0);
  // A leak of one small object per cycle would already be ~1 MiB over 10,000 cycles.
  expect(r.heapMiB).toBeLessThan(1);
  expect(r.buffersMiB).toBeLessThan(1);
}

/**
 * Native memory (the backends' buffers and poll handles) shows only in RSS,
 * which is noisy: each socket allocates a 64 KiB receive buffer, so the first
 * round raises the allocator's high-water mark (~90 MiB here) and later ones
 * wobble with GC timing and the other test workers. A leak grows every
 * round; so at least one of three more rounds must stay under 16 MiB.
 */
async function expectRssPlateau(cycle: (i: number) => unknown): Promise<void> {
  const rounds: number[] = [];
  for (let r = 0; r < 3; r++) {
    const g = await measure(CYCLES, cycle);
    expectFlat(g);
    rounds.push(g.rssMiB);
    if (g.rssMiB < 16) return;
  }
  expect(Math.min(...rounds), `RSS growth per round of ${CYCLES} cycles: ${rounds.map((x) => x.toFixed(1)).join(', ')} MiB`).toBeLessThan(16);
}

const tunLacks = kernelLacks('tun');

describe.skipIf(!canRunLive)(`${CYCLES} open/close cycles leak neither fds nor memory${liveSkipReason ? ` — skipped: ${liveSkipReason}` : ''}`, () => {
  beforeAll(() => {
    if (!canRunLive) return;
    if (!tunLacks) ip(['tuntap', 'add', 'mode', 'tap', 'name', 'rt0'], ns.name);
    ip(['link', 'add', 'br0', 'type', 'bridge'], ns.name);
  });

  it('RtnlSocket.open / close inside a namespace; resident memory plateaus', async () => {
    const cycle = () => RtnlSocket.open({ netns: ns.name }).close();
    expectFlat(await measure(CYCLES, cycle));
    await expectRssPlateau(cycle);
  });

  it('an operation opening its own socket (getLink by netns), answered and closed', async () => {
    expectFlat(await measure(CYCLES, () => rtnl.getLink('br0', { netns: ns.name })));
  });

  it('an operation that fails (ENODEV) still closes its socket', async () => {
    expectFlat(await measure(CYCLES, () => rtnl.getLink('nope0', { netns: ns.name }).catch(() => undefined)));
  });

  it('a dump abandoned after the first link (break) releases the socket', async () => {
    expectFlat(
      await measure(CYCLES / 10, async () => {
        for await (const _ of rtnl.iterateLinks({ netns: ns.name })) break;
      }),
    );
  });

  it('openNetns handles', async () => {
    const shim = getShim();
    expectFlat(await measure(CYCLES, () => openNetns(shim, ns.name).close()));
  });

  it('runInNetns round trips', async () => {
    expectFlat(await measure(CYCLES, () => rtnl.runInNetns(ns.name, () => 1)));
  });

  it.skipIf(tunLacks !== undefined)(`openTap / close of a persistent TAP (fd + poller)${tunLacks ? ` — skipped: ${tunLacks}` : ''}`, async () => {
    expectFlat(
      await measure(CYCLES, async () => {
        const tap = await rtnl.openTap('rt0', { netns: ns.name });
        tap.close();
      }),
    );
    await expectRssPlateau(async () => (await rtnl.openTap('rt0', { netns: ns.name })).close());
  });

  it.skipIf(tunLacks !== undefined)(`createTap (non-persistent, open) / close: the device goes with its fd${tunLacks ? ` — skipped: ${tunLacks}` : ''}`, async () => {
    expectFlat(
      // Slow (the kernel waits for an RCU grace period per device): fewer cycles.
      await measure(CYCLES / 25, async () => {
        const { tap } = await rtnl.createTap('rx0', { netns: ns.name, open: true, persist: false });
        tap.close();
      }),
    );
    expect(ip(['link', 'show'], ns.name)).not.toContain('rx0');
  });

  it('monitor() / close (event socket + poller + request socket)', async () => {
    expectFlat(await measure(CYCLES / 10, () => rtnl.monitor(['link', 'address'], { netns: ns.name }).close()));
  });

  /**
   * Growth of ArrayBuffer memory over `n` cycles run without letting the
   * event loop turn (awaits of settled promises are microtasks, not turns):
   * libuv runs the close callbacks of the cycles' poll handles only on a
   * later turn, so any buffer still reachable from a closed handle's
   * callback is still counted here.
   */
  async function buffersHeldWithinOneTurn(n: number, cycle: () => unknown): Promise<number> {
    for (let i = 0; i < 3; i++) gc();
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < n; i++) await cycle();
    // Several collections: one leaves freed backing stores counted.
    for (let i = 0; i < 3; i++) gc();
    const grown = (process.memoryUsage().arrayBuffers - before) / 2 ** 20;
    await settle();
    return grown;
  }

  it('a closed monitor lets go of its 64 KiB receive buffer at close, not when libuv\'s close callback runs', async () => {
    // 2,000 × 64 KiB would be 125 MiB.
    expect(await buffersHeldWithinOneTurn(2000, () => rtnl.monitor(['link'], { netns: ns.name }).close())).toBeLessThan(8);
  });

  it.skipIf(tunLacks !== undefined)(`a closed TAP lets go of its read buffer at close${tunLacks ? ` — skipped: ${tunLacks}` : ''}`, async () => {
    expect(await buffersHeldWithinOneTurn(2000, async () => (await rtnl.openTap('rt0', { netns: ns.name })).close())).toBeLessThan(8);
  });
});
