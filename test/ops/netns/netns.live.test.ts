import { existsSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createNetns, deleteNetns, getNsid, listNetns, listNsids, runInNetns, setNsid } from '../../../src/ops/netns/index.js';
import { canRunLive, deleteNetnsWithIp, ip, ipJson, liveSkipReason, uniqueName } from '../../helpers/live.js';
import { getShim } from '../../../src/shim/index.js';

const made: string[] = [];
function name(): string {
  const n = uniqueName('rtnlns');
  made.push(n);
  return n;
}
afterAll(() => {
  if (canRunLive) for (const n of made) deleteNetnsWithIp(n);
});

const selfNs = () => readlinkSync('/proc/thread-self/ns/net');
const nsInode = (n: string) => `net:[${statSync(`/run/netns/${n}`).ino}]`;

interface IpLink {
  ifname: string;
  flags: string[];
  operstate: string;
}

describe.skipIf(!canRunLive)(`named network namespaces (${canRunLive ? getShim().backend : 'no backend'})${liveSkipReason ? ` — skipped: ${liveSkipReason}` : ''}`, () => {
  it('creates a namespace that ip sees, with lo up, and leaves the thread where it was', async () => {
    // unshare(CLONE_NEWNET) is allowed in a multi-threaded process (unlike
    // CLONE_NEWUSER), and this one is: libuv and V8 run threads of their own.
    expect(readdirSync('/proc/self/task').length).toBeGreaterThan(1);
    const before = selfNs();
    const n = name();
    const info = await createNetns(n);
    expect(info).toEqual({ name: n, path: `/run/netns/${n}` });
    expect(selfNs()).toBe(before);
    expect(nsInode(n)).not.toBe(before);
    expect(ipJson<{ name: string }[]>(['netns', 'list']).map((x) => x.name)).toContain(n);
    const [lo] = ipJson<IpLink[]>(['link', 'show', 'lo'], n);
    expect(lo?.flags).toContain('UP');
    // Only lo: a fresh namespace, not a view of ours.
    expect(ipJson<IpLink[]>(['link', 'show'], n).map((l) => l.ifname)).toEqual(['lo']);
    await deleteNetns(n);
    expect(existsSync(`/run/netns/${n}`)).toBe(false);
    expect(ipJson<{ name: string }[]>(['netns', 'list']).map((x) => x.name)).not.toContain(n);
  });

  it('leaves lo down with loopback: false', async () => {
    const n = name();
    await createNetns(n, { loopback: false });
    const [lo] = ipJson<IpLink[]>(['link', 'show', 'lo'], n);
    expect(lo?.flags).not.toContain('UP');
    await deleteNetns(n);
  });

  it('deletes a namespace made by ip, and ip sees ours deleted', async () => {
    const n = name();
    ip(['netns', 'add', n]);
    await deleteNetns(n);
    expect(ipJson<{ name: string }[]>(['netns', 'list']).map((x) => x.name)).not.toContain(n);
  });

  it('rejects bad names with a ValidationError; duplicates (EEXIST) and unknown namespaces (ENOENT) as ip netns finds them', async () => {
    for (const bad of ['', '.', '..', 'a/b', '../x', 'a b', 'x'.repeat(256)]) {
      await expect(createNetns(bad)).rejects.toMatchObject({ name: 'ValidationError', field: 'name' });
    }
    const n = name();
    await createNetns(n);
    await expect(createNetns(n)).rejects.toMatchObject({ name: 'SystemError', code: 'EEXIST', errno: -17, syscall: 'open', field: 'name', path: `/run/netns/${n}`, message: expect.stringContaining('already exists') });
    await deleteNetns(n);
    await expect(deleteNetns(n)).rejects.toMatchObject({ name: 'SystemError', code: 'ENOENT', errno: -2, field: 'name', path: `/run/netns/${n}`, message: expect.stringContaining(n) });
    await expect(deleteNetns('../etc')).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('lists namespaces with the ids ip assigned, as ip -j netns list does', async () => {
    const a = name();
    const b = name();
    await createNetns(a);
    await createNetns(b);
    ip(['netns', 'set', a, '4242']);
    const ours = await listNetns();
    // Only this test's two: other test files make and remove namespaces meanwhile.
    const theirs = ipJson<{ name: string; id?: number }[]>(['netns', 'list']).filter((t) => t.name === a || t.name === b);
    expect(theirs).toHaveLength(2);
    for (const t of theirs) {
      const o = ours.find((x) => x.name === t.name);
      expect(o, t.name).toBeDefined();
      expect(o?.nsid).toBe(t.id);
    }
    expect(ours.find((x) => x.name === a)?.nsid).toBe(4242);
    expect(ours.find((x) => x.name === b)?.nsid).toBeUndefined();
    await deleteNetns(a);
    await deleteNetns(b);
  });

  it('runs synchronous code inside a namespace and moves the thread back, also on throw', async () => {
    const n = name();
    await createNetns(n);
    const before = selfNs();
    expect(runInNetns(n, () => selfNs())).toBe(nsInode(n));
    expect(selfNs()).toBe(before);
    expect(() =>
      runInNetns(n, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(selfNs()).toBe(before);
    expect(() => runInNetns(n, async () => 1)).toThrow(/synchronous/);
    expect(selfNs()).toBe(before);
    expect(() => runInNetns('no-such-ns-rtnl', () => 1)).toThrow(/no network namespace/);
    await deleteNetns(n);
  });

  it('sets, reads and lists namespace ids in the current and in another namespace', async () => {
    const a = name();
    const b = name();
    await createNetns(a);
    await createNetns(b);
    expect(await getNsid(b, { netns: a })).toBeUndefined();
    expect(await setNsid(b, 7, { netns: a })).toBe(7);
    expect(await getNsid(b, { netns: a })).toBe(7);
    expect(ipJson<{ nsid: number; name?: string }[]>(['netns', 'list-id'], a)).toContainEqual(expect.objectContaining({ nsid: 7 }));
    // Taken id, and a peer that already has one: EEXIST from the kernel.
    await expect(setNsid(b, 8, { netns: a })).rejects.toMatchObject({ name: 'NetlinkError', code: 'EEXIST' });
    const auto = await setNsid(a, 'auto', { netns: b });
    expect(auto).toBeGreaterThanOrEqual(0);
    expect(await getNsid(a, { netns: b })).toBe(auto);
    const list = await listNsids({ netns: a });
    expect(list).toContainEqual({ nsid: 7, name: b });
    await expect(setNsid(b, -3, { netns: a })).rejects.toMatchObject({ name: 'ValidationError', field: 'id' });
    await expect(getNsid('no-such-ns-rtnl')).rejects.toMatchObject({ name: 'SystemError', code: 'ENOENT', syscall: 'open', field: 'peer', path: '/run/netns/no-such-ns-rtnl' });
    await deleteNetns(a);
    await deleteNetns(b);
  });

  it('creates many namespaces concurrently without mixing them up', async () => {
    const names = Array.from({ length: 6 }, () => name());
    const before = selfNs();
    await Promise.all(names.map((n) => createNetns(n)));
    expect(selfNs()).toBe(before);
    const inodes = new Set(names.map(nsInode));
    expect(inodes.size).toBe(names.length);
    for (const n of names) expect(ipJson<IpLink[]>(['link', 'show', 'lo'], n)[0]?.flags).toContain('UP');
    await Promise.all(names.map((n) => deleteNetns(n)));
    for (const n of names) expect(existsSync(`/run/netns/${n}`)).toBe(false);
  });
});
