/**
 * Bad input to createTap/openTap is a ValidationError naming the field,
 * raised before any system call: the shim installed here fails the test if
 * anything reaches it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTap, openTap, type CreateTapOptions } from '../../../src/ops/tap/index.js';
import { setShim } from '../../../src/shim/index.js';
import type { Shim } from '../../../src/shim/types.js';

const calls: string[] = [];
const tripwire = new Proxy({} as Shim, {
  get(_t, prop) {
    if (prop === 'backend') return 'node-ffi';
    if (prop === 'then') return undefined;
    return (...args: unknown[]) => {
      calls.push(`${String(prop)}(${args.length})`);
      throw new Error(`system call ${String(prop)} reached the shim`);
    };
  },
});
let previous: Shim | undefined;
beforeAll(() => {
  previous = setShim(tripwire);
});
afterAll(() => {
  setShim(previous);
});

async function rejectsBeforeSyscall(p: () => Promise<unknown>, field: string, message?: RegExp): Promise<void> {
  calls.length = 0;
  const err = await p().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected a ValidationError on ${field}`).toMatchObject({ name: 'ValidationError', code: 'ERR_RTNL_INVALID', field });
  if (message) expect((err as Error).message).toMatch(message);
  expect(calls).toEqual([]);
}

describe('createTap / openTap input validation', () => {
  it.each([
    ['', /1–15 bytes/],
    ['a'.repeat(16), /1–15 bytes/],
    ['é'.repeat(8), /1–15 bytes, is 16/],
    ['.', /may not be "." or ".."/],
    ['..', /may not be "." or ".."/],
    ['a/b', /may not contain "\/", ":", NUL or whitespace/],
    ['a b', /may not contain .*whitespace/],
    ['a\tb', /may not contain .*whitespace/],
    ['a:b', /may not contain .*":"/],
    ['a%s', /only allowed as one "%d"/],
    ['a%d%d', /only allowed as one "%d"/],
    [42 as unknown as string, /expected an interface name, got 42/],
  ])('refuses the name %j', async (name, message) => {
    await rejectsBeforeSyscall(() => createTap(name), 'name', message);
  });

  it('takes a 15-byte name and a %d template up to the syscall', async () => {
    for (const name of ['a'.repeat(15), 'tap%d', 'é'.repeat(7) + 'x']) {
      calls.length = 0;
      await expect(createTap(name)).rejects.toThrow(/reached the shim/);
      expect(calls.length).toBeGreaterThan(0);
    }
  });

  it.each<[CreateTapOptions, string]>([
    [{ owner: -1 }, 'owner'],
    [{ owner: 1.5 }, 'owner'],
    [{ owner: 2 ** 32 - 1 }, 'owner'],
    [{ owner: '0' as never }, 'owner'],
    [{ group: -2 }, 'group'],
    [{ mtu: 67 }, 'mtu'],
    [{ mtu: 65522 }, 'mtu'],
    [{ mtu: 1500.5 }, 'mtu'],
    [{ address: '01:00:5e:00:00:01' }, 'address'],
    [{ address: '00:00:00:00:00:00' }, 'address'],
    [{ address: '02:00:00:00:00' }, 'address'],
    [{ address: 'zz:00:00:00:00:01' }, 'address'],
    [{ master: 'br 0' }, 'master'],
    [{ master: 0 }, 'master'],
    [{ master: -3 }, 'master'],
    [{ multiQueue: 'yes' as never }, 'multiQueue'],
    [{ vnetHdr: 1 as never }, 'vnetHdr'],
    [{ up: 'true' as never }, 'up'],
    [{ persist: false }, 'persist'],
    [{ persist: false, open: false }, 'persist'],
    [{ open: true, queueSize: 0 }, 'queueSize'],
    [{ open: true, queueSize: 1.5 }, 'queueSize'],
    [{ open: true, signal: {} as never }, 'signal'],
    [{ netns: '../etc' }, 'netns'],
    [{ netns: 'x', socket: {} as never }, 'netns'],
  ])('refuses %j', async (options, field) => {
    await rejectsBeforeSyscall(() => createTap('tapv0', options), field);
  });

  it('openTap refuses templates, bad names and bad options before any syscall', async () => {
    await rejectsBeforeSyscall(() => openTap('tap%d'), 'name', /only createTap/);
    await rejectsBeforeSyscall(() => openTap('x'.repeat(16)), 'name');
    await rejectsBeforeSyscall(() => openTap('tap0', { multiQueue: 1 as never }), 'multiQueue');
    await rejectsBeforeSyscall(() => openTap('tap0', { vnetHdr: 'no' as never }), 'vnetHdr');
    await rejectsBeforeSyscall(() => openTap('tap0', { queueSize: 70000 }), 'queueSize');
    await rejectsBeforeSyscall(() => openTap('tap0', { netns: '/proc/../x' }), 'netns');
  });

  it('an already-aborted signal rejects with its reason before any syscall', async () => {
    calls.length = 0;
    const reason = new Error('gave up');
    await expect(openTap('tap0', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(createTap('tap0', { open: true, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(calls).toEqual([]);
  });
});
