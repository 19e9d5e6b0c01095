import { beforeAll, describe, expect, it } from 'vitest';
import { addAddress, deleteAddress, listAddresses, type Address } from '../../../src/ops/addresses/index.js';
import { canRunLive, ip, ipJson, useNetns, liveTitle } from '../../helpers/live.js';

const ns = useNetns('rtnladdr');

interface IpAddrInfo {
  family: string;
  local: string;
  address?: string;
  prefixlen: number;
  broadcast?: string;
  scope: string;
  label?: string;
  valid_life_time?: number;
  preferred_life_time?: number;
  dynamic?: boolean;
  metric?: number;
  [flag: string]: unknown;
}
interface IpAddrLink {
  ifindex: number;
  ifname: string;
  addr_info: IpAddrInfo[];
}

const FLAG_KEYS = ['secondary', 'temporary', 'nodad', 'optimistic', 'dadfailed', 'home', 'deprecated', 'tentative', 'mngtmpaddr', 'noprefixroute', 'autojoin', 'stable-privacy'];

function ipAddrs(dev?: string): (IpAddrInfo & { ifindex: number; ifname: string })[] {
  const links = ipJson<IpAddrLink[]>(['addr', 'show', ...(dev ? ['dev', dev] : [])], ns.name);
  return links.flatMap((l) => l.addr_info.map((a) => ({ ...a, ifindex: l.ifindex, ifname: l.ifname })));
}

const lifetime = (v: number | undefined) => (v === 4294967295 ? 'forever' : v);

/** Compares one of ours with ip's view of the same address, field by field. */
function expectSame(ours: Address, theirs: IpAddrInfo & { ifindex: number; ifname: string }): void {
  expect(ours.index).toBe(theirs.ifindex);
  expect(ours.link).toBe(theirs.ifname);
  expect(ours.family).toBe(theirs.family);
  expect(ours.local).toBe(theirs.local);
  expect(ours.prefixLength).toBe(theirs.prefixlen);
  expect(ours.peer).toBe(theirs.address);
  expect(ours.broadcast).toBe(theirs.broadcast);
  expect(ours.scope).toBe(theirs.scope);
  expect(ours.label).toBe(theirs.label);
  expect(ours.metric).toBe(theirs.metric);
  expect(ours.flags.includes('permanent')).toBe(!theirs.dynamic);
  for (const f of FLAG_KEYS) expect(ours.flags.includes(f), `${ours.local} ${f}`).toBe(theirs[f] === true);
  for (const [mine, key] of [
    [ours.validLifetime, 'valid_life_time'],
    [ours.preferredLifetime, 'preferred_life_time'],
  ] as const) {
    const t = lifetime(theirs[key] as number | undefined);
    // Finite lifetimes count down between the two reads.
    if (typeof t === 'number' && typeof mine === 'number') expect(Math.abs(mine - t)).toBeLessThanOrEqual(1);
    else expect(mine).toBe(t);
  }
}

describe.skipIf(!canRunLive)(liveTitle('addresses against the real kernel'), () => {
  beforeAll(() => {
    if (!canRunLive) return;
    ip(['link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'a1'], ns.name);
    ip(['link', 'set', 'a0', 'up'], ns.name);
    ip(['link', 'set', 'a1', 'up'], ns.name);
    ip(['link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1'], ns.name);
  });

  it('adds IPv4 and IPv6 addresses that ip sees with the same fields', async () => {
    await addAddress('a0', '10.20.0.1/24', { netns: ns.name, broadcast: true, label: 'a0:web' });
    await addAddress('a0', '10.20.0.2/24', { netns: ns.name, validLifetime: 3600, preferredLifetime: 1800, metric: 77 });
    await addAddress('a0', 'fd00:20::1/64', { netns: ns.name, flags: ['nodad', 'noprefixroute'] });
    await addAddress('a0', 'fd00:21::1/64', { netns: ns.name, validLifetime: 600 });
    await addAddress('a0', 'fe80::1234/64', { netns: ns.name });
    await addAddress('a0', '10.21.0.1/16', { netns: ns.name, scope: 'link' });
    const theirs = ipAddrs('a0');
    const a1 = theirs.find((a) => a.local === '10.20.0.1');
    expect(a1).toMatchObject({ prefixlen: 24, broadcast: '10.20.0.255', label: 'a0:web', scope: 'global' });
    expect(theirs.find((a) => a.local === '10.20.0.2')).toMatchObject({ valid_life_time: expect.any(Number), metric: 77, secondary: true });
    expect(theirs.find((a) => a.local === 'fd00:20::1')).toMatchObject({ nodad: true, noprefixroute: true });
    expect(theirs.find((a) => a.local === 'fe80::1234')).toMatchObject({ scope: 'link' });
    expect(theirs.find((a) => a.local === '10.21.0.1')).toMatchObject({ scope: 'link' });
    const ours = await listAddresses({ netns: ns.name, link: 'a0' });
    expect(ours.map((a) => a.local).sort()).toEqual(theirs.map((a) => a.local).sort());
    for (const t of theirs) expectSame(ours.find((o) => o.local === t.local)!, t);
  });

  it('decodes addresses ip added exactly as ip -j prints them', async () => {
    ip(['addr', 'add', '192.168.77.1', 'peer', '192.168.77.2/32', 'dev', 'p0'], ns.name);
    ip(['addr', 'add', '172.30.1.1/16', 'brd', '172.30.255.255', 'scope', 'link', 'label', 'p0:x', 'dev', 'p0'], ns.name);
    ip(['addr', 'add', 'fd00:77::5/80', 'valid_lft', '900', 'preferred_lft', '0', 'dev', 'p0'], ns.name);
    ip(['addr', 'add', 'fd00:78::5/64', 'home', 'mngtmpaddr', 'nodad', 'dev', 'p0'], ns.name);
    const theirs = ipAddrs();
    const ours = await listAddresses({ netns: ns.name });
    expect(ours.length).toBe(theirs.length);
    for (const t of theirs) {
      const o = ours.find((x) => x.local === t.local && x.index === t.ifindex && x.prefixLength === t.prefixlen);
      expect(o, `${t.ifname} ${t.local}`).toBeDefined();
      expectSame(o!, t);
    }
    const p = ours.find((a) => a.local === '192.168.77.1');
    expect(p).toMatchObject({ peer: '192.168.77.2', prefixLength: 32, family: 'inet', link: 'p0' });
    expect(ours.find((a) => a.local === 'fd00:77::5')?.flags).toContain('deprecated');
  });

  it('adds a point-to-point address with a peer, as ip addr add A peer B', async () => {
    await addAddress('p0', '192.168.78.1/32', { netns: ns.name, peer: '192.168.78.2' });
    const t = ipAddrs('p0').find((a) => a.local === '192.168.78.1');
    expect(t).toMatchObject({ address: '192.168.78.2', prefixlen: 32 });
    const o = (await listAddresses({ netns: ns.name, link: 'p0' })).find((a) => a.local === '192.168.78.1');
    expectSame(o!, t!);
    await deleteAddress('p0', '192.168.78.1/32', { netns: ns.name, peer: '192.168.78.2' });
    expect(ipAddrs('p0').find((a) => a.local === '192.168.78.1')).toBeUndefined();
  });

  it('filters by link and by family', async () => {
    const v6 = await listAddresses({ netns: ns.name, family: 'inet6', link: 'p0' });
    expect(v6.length).toBeGreaterThan(0);
    expect(v6.every((a) => a.family === 'inet6' && a.link === 'p0')).toBe(true);
    const lo = await listAddresses({ netns: ns.name, link: 1, family: 'inet' });
    expect(lo.map((a) => `${a.local}/${a.prefixLength}`)).toEqual(['127.0.0.1/8']);
    expect(lo[0]?.scope).toBe('host');
  });

  it('deletes addresses by CIDR and by bare address; ip sees them gone', async () => {
    await deleteAddress('a0', '10.20.0.2/24', { netns: ns.name });
    await deleteAddress('a0', 'fd00:21::1', { netns: ns.name });
    await deleteAddress('p0', '192.168.77.1', { netns: ns.name, peer: '192.168.77.2' });
    const locals = ipAddrs().map((a) => a.local);
    expect(locals).not.toContain('10.20.0.2');
    expect(locals).not.toContain('fd00:21::1');
    expect(locals).not.toContain('192.168.77.1');
    expect(locals).toContain('10.20.0.1');
    await expect(deleteAddress('a0', '10.20.0.99/24', { netns: ns.name })).rejects.toMatchObject({ name: 'NetlinkError', code: 'EADDRNOTAVAIL', operation: 'deleteAddress' });
  });

  it('fails with EEXIST on a duplicate, and replaces with replace: true', async () => {
    await expect(addAddress('a0', '10.20.0.1/24', { netns: ns.name })).rejects.toMatchObject({ name: 'NetlinkError', code: 'EEXIST' });
    await addAddress('a0', '10.20.0.1/24', { netns: ns.name, replace: true, validLifetime: 500, broadcast: true, label: 'a0:web' });
    const t = ipAddrs('a0').find((a) => a.local === '10.20.0.1');
    expect(t?.valid_life_time).toBeLessThanOrEqual(500);
  });

  it('validates before any system call', async () => {
    const bad: [string | number, string, object, string][] = [
      ['a0', '10.0.0.300/24', {}, 'address'],
      ['a0', '10.0.0.1/33', {}, 'address'],
      ['a0', 'fd00::1/64', { broadcast: '10.0.0.255' }, 'broadcast'],
      ['a0', '10.0.0.1/24', { broadcast: 'fd00::ff' }, 'broadcast'],
      ['a0', '10.0.0.1/24', { peer: 'fd00::2' }, 'peer'],
      ['a0', '10.0.0.1/24', { flags: ['nodad'] }, 'flags'],
      ['a0', '10.0.0.1/24', { flags: ['permanent'] }, 'flags'],
      ['a0', '10.0.0.1/24', { scope: 'galaxy' }, 'scope'],
      ['a0', 'fd00::1/64', { scope: 'link' }, 'scope'],
      ['a0', '10.0.0.1/24', { label: 'x'.repeat(16) }, 'label'],
      ['a0', 'fd00::1/64', { validLifetime: 10, preferredLifetime: 20 }, 'preferredLifetime'],
      ['bad/name', '10.0.0.1/24', {}, 'link'],
      [0, '10.0.0.1/24', {}, 'link'],
    ];
    for (const [link, cidr, opts, field] of bad) {
      await expect(addAddress(link, cidr, { netns: ns.name, ...opts }), `${cidr} ${JSON.stringify(opts)}`).rejects.toMatchObject({ name: 'ValidationError', field });
    }
    await expect(addAddress('nosuch0', '10.0.0.1/24', { netns: ns.name })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENODEV', attrPath: 'link', message: expect.stringContaining('no link "nosuch0"') });
    await expect(listAddresses({ netns: ns.name, family: 'ipx' as never })).rejects.toMatchObject({ name: 'ValidationError', field: 'family' });
  });

  it('reports the kernel\'s reason for refusing an address', async () => {
    const err = await addAddress(99999, '10.9.9.9/24', { netns: ns.name }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'NetlinkError', code: 'ENODEV', operation: 'addAddress' });
    const e2 = (await addAddress('a0', 'fd00:99::1/64', { netns: ns.name, validLifetime: 0 }).catch((e: unknown) => e)) as { code?: string; kernelMessage?: string };
    expect(e2).toMatchObject({ name: 'NetlinkError', code: 'EINVAL' });
    expect(e2.kernelMessage).toMatch(/lifetime/);
  });
});
