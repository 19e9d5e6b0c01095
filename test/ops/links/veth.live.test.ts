import { describe, expect, it } from 'vitest';
import { createBridge, createVethPair, deleteLink, getLink, listLinks } from '../../../src/ops/links/index.js';
import { canRunLive, ip, ipJson, useNetns, liveTitle } from '../../helpers/live.js';
import { faultySocket, ipLink, ipNames, useSecondNetns } from './_helpers.js';

const ns = useNetns();
const other = useSecondNetns();

describe.skipIf(!canRunLive)(liveTitle('createVethPair'), () => {
  it('creates both ends in one namespace and returns them as the kernel reports them', async () => {
    const { link, peer } = await createVethPair({ name: 'va0', peer: { name: 'va1' }, netns: ns.name, mtu: 1400, address: '02:00:00:00:0a:00' });
    expect(link).toMatchObject({ name: 'va0', kind: 'veth', mtu: 1400, address: '02:00:00:00:0a:00', up: false });
    expect(peer).toMatchObject({ name: 'va1', kind: 'veth' });
    // Each end names the other through IFLA_LINK.
    expect(link.info).toEqual({ kind: 'veth', peerIndex: peer.index });
    expect(peer.info).toEqual({ kind: 'veth', peerIndex: link.index });
    const seen = ipLink('va0', ns.name);
    expect(seen.ifindex).toBe(link.index);
    expect(seen.mtu).toBe(1400);
    expect(seen.link).toBe('va1');
    await deleteLink('va0', { netns: ns.name });
    expect(ipNames(ns.name)).not.toContain('va1');
  });

  it('creates the peer directly inside another namespace, with its own address and MTU', async () => {
    const { link, peer } = await createVethPair({
      name: 'vb0',
      netns: ns.name,
      peer: { name: 'eth0', netns: other.name, address: '02:00:00:00:0b:01', mtu: 1300 },
    });
    expect(peer).toMatchObject({ name: 'eth0', address: '02:00:00:00:0b:01', mtu: 1300, kind: 'veth' });
    // The peer lives in the other namespace: the first end points at it with a namespace id.
    expect(link.linkNetnsId).toBeTypeOf('number');
    expect(link.info).toMatchObject({ kind: 'veth', peerIndex: peer.index });
    expect(ipLink('eth0', other.name)).toMatchObject({ ifindex: peer.index, address: '02:00:00:00:0b:01', mtu: 1300 });
    expect(ipNames(ns.name)).not.toContain('eth0');
    await deleteLink(peer.index, { netns: other.name });
    expect(ipNames(ns.name)).not.toContain('vb0');
  });

  it('enslaves and brings up the first end in the same request, and the peer up after', async () => {
    const br = await createBridge('brv', { netns: ns.name, up: true });
    const { link, peer } = await createVethPair({ name: 'vc0', peer: { name: 'vc1', up: true }, netns: ns.name, master: 'brv', up: true });
    expect(link.master).toBe(br.index);
    expect(link.up).toBe(true);
    expect(link.slaveKind).toBe('bridge');
    expect(link.portInfo?.learning).toBe(true);
    expect(peer.up).toBe(true);
    expect(ipLink('vc0', ns.name).master).toBe('brv');
    expect(ipLink('vc1', ns.name).flags).toContain('UP');
    await deleteLink('vc0', { netns: ns.name });
    await deleteLink('brv', { netns: ns.name });
  });

  it('names the peer when its name is taken (EEXIST), in the same and in another namespace', async () => {
    ip(['link', 'add', 'taken', 'type', 'bridge'], ns.name);
    ip(['link', 'add', 'taken2', 'type', 'bridge'], other.name);
    const same = await createVethPair({ name: 'vd0', peer: { name: 'taken' }, netns: ns.name }).catch((e: unknown) => e);
    expect(same).toMatchObject({ name: 'NetlinkError', code: 'EEXIST', attrPath: 'linkinfo.data.peer.ifname' });
    expect(String((same as Error).message)).toMatch(/"taken" already exists/);
    const far = await createVethPair({ name: 'vd0', peer: { name: 'taken2', netns: other.name }, netns: ns.name }).catch((e: unknown) => e);
    expect(far).toMatchObject({ code: 'EEXIST', attrPath: 'linkinfo.data.peer.ifname' });
    const first = await createVethPair({ name: 'taken', peer: { name: 'vd1' }, netns: ns.name }).catch((e: unknown) => e);
    expect(first).toMatchObject({ code: 'EEXIST', attrPath: 'ifname' });
    // Nothing half-made is left behind.
    expect(ipNames(ns.name)).not.toContain('vd0');
    expect(ipNames(ns.name)).not.toContain('vd1');
    ip(['link', 'del', 'taken'], ns.name);
    ip(['link', 'del', 'taken2'], other.name);
  });

  it('rolls back (deletes the pair) when a step after the creation fails, and rethrows that error', async () => {
    const f = faultySocket(ns.name);
    try {
      // Sends: 1 NEWLINK (creates), 2 GETLINK peer → fails; the rollback then deletes.
      f.failSend(2);
      const err = await createVethPair({ name: 've0', peer: { name: 've1' }, socket: f.socket }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'EIO', message: 'injected send failure' });
      const names = ipNames(ns.name);
      expect(names).not.toContain('ve0');
      expect(names).not.toContain('ve1');
      expect((await listLinks({ netns: ns.name, kind: 'veth' })).map((l) => l.name)).not.toContain('ve0');
    } finally {
      f.socket.close();
    }
  });

  it('when the rollback fails too, the original error is thrown with the undo failure attached, never swallowed', async () => {
    const f = faultySocket(ns.name);
    try {
      // Sends: 1 NEWLINK (creates), 2 GETLINK peer → fails, 3 the rollback's DELLINK → fails too.
      f.failSend(2, 3);
      const err = (await createVethPair({ name: 'vu0', peer: { name: 'vu1' }, socket: f.socket }).catch((e: unknown) => e)) as Error & { undoErrors?: unknown[] };
      expect(err).toMatchObject({ code: 'EIO', message: 'injected send failure' });
      expect(err.undoErrors).toHaveLength(1);
      expect(err.undoErrors?.[0]).toMatchObject({ code: 'EIO', syscall: 'send' });
      // The undo really failed: the pair is still there, and the caller was told.
      expect(ipNames(ns.name)).toContain('vu0');
    } finally {
      f.socket.close();
      ip(['link', 'del', 'vu0'], ns.name);
    }
  });

  it('rolls back a pair whose peer was already made and brought up in another namespace when a later step fails', async () => {
    const f = faultySocket(ns.name);
    try {
      // The peer is read and brought up through a socket in its namespace; then
      // re-reading the first end (send 2 on this socket) fails.
      f.failSend(2);
      const err = await createVethPair({ name: 'vf0', peer: { name: 'vf1', netns: other.name, up: true }, socket: f.socket }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'EIO' });
      expect(ipNames(ns.name)).not.toContain('vf0');
      expect(ipNames(other.name)).not.toContain('vf1');
    } finally {
      f.socket.close();
    }
  });

  it('validates before any system call', async () => {
    const f = faultySocket(ns.name);
    try {
      const bad = async (o: Record<string, unknown>, field: string, name = 'ValidationError') => {
        const before = f.sends();
        const err = await createVethPair({ name: 'vg0', peer: { name: 'vg1' }, socket: f.socket, ...o } as never).catch((e: unknown) => e);
        expect(err).toMatchObject({ name, field });
        expect(f.sends()).toBe(before);
      };
      await bad({ name: 'a-name-that-is-too-long' }, 'name');
      await bad({ name: 'has space' }, 'name');
      await bad({ name: 'a/b' }, 'name');
      await bad({ name: 'a:b' }, 'name');
      await bad({ name: '' }, 'name');
      await bad({ peer: { name: 'x'.repeat(16) } }, 'peer.name');
      await bad({ peer: { name: 'vg0' } }, 'peer.name');
      await bad({ mtu: 67 }, 'mtu');
      await bad({ mtu: 65536 }, 'mtu');
      await bad({ peer: { name: 'vg1', mtu: 1.5 } }, 'peer.mtu');
      await bad({ address: '01:00:5e:00:00:01' }, 'address');
      await bad({ address: '02:00:00:00:00' }, 'address');
      await bad({ peer: { name: 'vg1', address: 'zz:00:00:00:00:00' } }, 'peer.address');
      await bad({ peer: { name: 'vg1', netns: 'no-such-namespace-rtnl' } }, 'peer.netns', 'SystemError'); // ENOENT, as open(2) found it
      await bad({ peer: { name: 'vg1', netns: '../x' } }, 'peer.netns');
      await bad({ mater: 'br0' }, 'mater');
      await bad({ up: 'yes' }, 'up');
    } finally {
      f.socket.close();
    }
  });

  it('reports an unknown master as ENODEV on `master`', async () => {
    const err = await createVethPair({ name: 'vh0', peer: { name: 'vh1' }, netns: ns.name, master: 'nosuchbr' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENODEV', attrPath: 'master' });
    expect(ipNames(ns.name)).not.toContain('vh0');
  });

  it('getLink finds both ends afterwards by name and index', async () => {
    const { link, peer } = await createVethPair({ name: 'vi0', peer: { name: 'vi1' }, netns: ns.name });
    expect((await getLink('vi1', { netns: ns.name })).index).toBe(peer.index);
    expect((await getLink(link.index, { netns: ns.name })).name).toBe('vi0');
    const seen = ipJson<{ ifname: string }[]>(['link', 'show', 'type', 'veth'], ns.name).map((l) => l.ifname);
    expect(seen).toEqual(expect.arrayContaining(['vi0', 'vi1']));
    await deleteLink('vi1', { netns: ns.name });
  });
});
