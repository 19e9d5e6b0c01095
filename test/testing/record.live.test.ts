/**
 * withRecording against the real kernel: the throwaway namespaces it makes
 * (prepared, labelled, removed afterwards), what it writes and what it
 * does not write, and that a fresh recording replays. Needs root.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLink } from '../../src/ops/links/index.js';
import { NETNS_RUN_DIR } from '../../src/netlink/netns.js';
import { readFixture, withRecording, withReplay } from '../../src/testing/index.js';
import { canRunLive, liveSkipReason } from '../helpers/live.js';

// Made before the tests, not at import: the file is collected also where
// it is skipped (as an unprivileged user, whose TMPDIR may not be writable).
let dir = '';
beforeAll(() => {
  if (canRunLive) dir = mkdtempSync(join(tmpdir(), 'rtnl-record-live-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!canRunLive)(`withRecording on the real kernel${liveSkipReason ? ` — skipped: ${liveSkipReason}` : ''}`, () => {
  it('records inside a prepared throwaway namespace, labels it, and removes it afterwards', async () => {
    const file = join(dir, 'lo.rtnl');
    let real = '';
    const lo = await withRecording(
      file,
      async (fx) => {
        real = fx.netns('x');
        expect(fx.netns('x')).toBe(real); // one namespace per label
        expect(existsSync(`${NETNS_RUN_DIR}/${real}`)).toBe(true);
        const sysctl = (key: string) => execFileSync('ip', ['netns', 'exec', real, 'cat', `/proc/sys/net/ipv6/conf/${key}`], { encoding: 'utf8' }).trim();
        expect(sysctl('default/addr_gen_mode')).toBe('1');
        expect(sysctl('default/accept_dad')).toBe('0');
        return getLink('lo', { netns: real });
      },
      { operation: 'getLink(lo)' },
    );
    expect(lo.up).toBe(true); // the scratch namespace brings lo up
    expect(existsSync(`${NETNS_RUN_DIR}/${real}`)).toBe(false);
    const f = readFixture(file);
    expect(f.operation).toBe('getLink(lo)');
    expect(f.netns.map((n) => n.label)).toEqual(['x']);
    expect(f.events.find((e) => e.kind === 'open')).toMatchObject({ path: '/run/netns/x', netns: 'x' });
    expect(f.events.find((e) => e.kind === 'socket')).toMatchObject({ netns: 'x', port: 1 });
    // The fresh recording replays.
    const again = await withReplay(file, (fx) => getLink('lo', { netns: fx.netns('x') }));
    expect(again.index).toBe(1);
  });

  it('names its namespaces with the caller\'s prefix (netnsPrefix); the fixture only has the label', async () => {
    const file = join(dir, 'prefix.rtnl');
    let real = '';
    await withRecording(
      file,
      async (fx) => {
        real = fx.netns('p');
        return getLink('lo', { netns: real });
      },
      { netnsPrefix: 'mytool' },
    );
    expect(real).toMatch(new RegExp(`^mytool-${process.pid}-\\d+-p$`));
    expect(readFileSync(file, 'utf8')).not.toContain('mytool');
    await expect(withRecording(file, () => undefined, { netnsPrefix: 'bad prefix' })).rejects.toMatchObject({ name: 'ValidationError', field: 'netnsPrefix' });
  });

  it('writes nothing and still removes its namespaces when the body throws', async () => {
    const file = join(dir, 'fails.rtnl');
    let real = '';
    await expect(
      withRecording(file, (fx) => {
        real = fx.netns('y');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(file)).toBe(false);
    expect(real).not.toBe('');
    expect(existsSync(`${NETNS_RUN_DIR}/${real}`)).toBe(false);
  });

  it('does not record what fx.setup does', async () => {
    const file = join(dir, 'setup.rtnl');
    await withRecording(file, async (fx) => {
      const ns = fx.netns('z');
      await fx.setup(() => getLink('lo', { netns: ns }));
    });
    expect(readFixture(file).events).toEqual([]);
  });
});
