import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBridge, createVethPair, deleteLink, deleteLinks, getLink, iterateLinks, listLinks, randomLinkName, setLink } from '../../../src/ops/links/index.js';
import { RtnlSocket } from '../../../src/netlink/socket.js';
import { getNsid, setNsid } from '../../../src/ops/netns/index.js';
import { NLM_F } from '../../../src/netlink/constants.js';
import { RTM } from '../../../src/rtnetlink/constants.js';
import { linkMessage } from '../../../src/rtnetlink/link/index.js';
import { kernelLacks } from '../../helpers/kernel.js';
import { canRunLive, ip, useNetns, liveTitle } from '../../helpers/live.js';
import { faultySocket, ipLink, ipLinks, ipNames, useSecondNetns } from './_helpers.js';

const ns = useNetns();

function statSafe(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}
const other = useSecondNetns();
const vxlanLacks = kernelLacks('vxlan');

describe.skipIf(!canRunLive)(liveTitle('getLink / listLinks / setLink / deleteLink'), () => {
  it('getLink reads a link by name and by index; a missing one is ENODEV', async () => {
    const lo = await getLink('lo', { netns: ns.name });
    expect(lo).toMatchObject({ name: 'lo', linkType: 'loopback', up: true, flags: expect.arrayContaining(['LOOPBACK', 'UP']) as unknown });
    expect(lo.index).toBe(ipLink('lo', ns.name).ifindex);
    expect((await getLink(lo.index, { netns: ns.name })).name).toBe('lo');
    await expect(getLink('nosuch0', { netns: ns.name })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENODEV', attrPath: 'ifname' });
    await expect(getLink(99999, { netns: ns.name })).rejects.toMatchObject({ code: 'ENODEV', attrPath: 'index' });
    await expect(getLink('bad name', { netns: ns.name })).rejects.toMatchObject({ name: 'ValidationError', field: 'link' });
  });

  it('listLinks filters by kind and master (kernel-side) and by group (client-side); iterateLinks streams', async () => {
    await createBridge('brl', { netns: ns.name });
    await createVethPair({ name: 'la0', peer: { name: 'la1' }, netns: ns.name, master: 'brl', group: 3 });
    await createVethPair({ name: 'lb0', peer: { name: 'lb1' }, netns: ns.name, group: 3 });
    const names = async (o: Parameters<typeof listLinks>[0]) => (await listLinks({ netns: ns.name, ...o })).map((l) => l.name).sort();
    expect(await names({})).toEqual(ipNames(ns.name));
    expect(await names({ kind: 'veth' })).toEqual(['la0', 'la1', 'lb0', 'lb1']);
    expect(await names({ kind: 'bridge' })).toEqual(['brl']);
    // A kind the kernel has no driver for: the kernel does not filter, we do.
    expect(await names({ kind: 'dummy' })).toEqual([]);
    expect(await names({ master: 'brl' })).toEqual(['la0']);
    expect(await names({ master: 'brl', kind: 'bridge' })).toEqual([]);
    expect(await names({ group: 3 })).toEqual(['la0', 'lb0']);
    expect(await names({ group: 3, kind: 'veth', master: 'brl' })).toEqual(['la0']);
    await expect(listLinks({ netns: ns.name, master: 'nobr' })).rejects.toMatchObject({ code: 'ENODEV', attrPath: 'master' });
    const streamed: string[] = [];
    for await (const l of iterateLinks({ netns: ns.name, kind: 'veth' })) {
      streamed.push(l.name);
      if (streamed.length === 2) break; // stopping early must release the dump
    }
    expect(streamed).toHaveLength(2);
    expect(await names({ kind: 'veth' })).toHaveLength(4);
    await deleteLink('la0', { netns: ns.name });
    await deleteLink('lb0', { netns: ns.name });
    await deleteLink('brl', { netns: ns.name });
  });

  it('setLink changes state, MTU, address, name, alias, queue length and group in one call', async () => {
    await createVethPair({ name: 'sa0', peer: { name: 'sa1' }, netns: ns.name });
    const l = await setLink('sa0', {
      netns: ns.name,
      up: true,
      mtu: 9000,
      address: '02:00:00:00:5a:00',
      name: 'uplink',
      alias: 'to the world',
      txQueueLen: 500,
      group: 9,
    });
    expect(l).toMatchObject({ name: 'uplink', up: true, mtu: 9000, address: '02:00:00:00:5a:00', alias: 'to the world', txQueueLen: 500, group: 9 });
    expect(ipLink('uplink', ns.name)).toMatchObject({ mtu: 9000, address: '02:00:00:00:5a:00', ifalias: 'to the world', txqlen: 500, group: '9' });
    expect(ipLink('uplink', ns.name).flags).toContain('UP');
    const down = await setLink(l.index, { netns: ns.name, up: false, alias: '' });
    expect(down.up).toBe(false);
    expect(down.alias).toBeUndefined();
    await deleteLink('uplink', { netns: ns.name });
  });

  it('setLink enslaves with master and releases with master: null', async () => {
    const br = await createBridge('brs', { netns: ns.name });
    await createVethPair({ name: 'sb0', peer: { name: 'sb1' }, netns: ns.name });
    expect((await setLink('sb0', { netns: ns.name, master: 'brs' })).master).toBe(br.index);
    expect(ipLink('sb0', ns.name).master).toBe('brs');
    const freed = await setLink('sb0', { netns: ns.name, master: null });
    expect(freed.master).toBeUndefined();
    expect(ipLink('sb0', ns.name).master).toBeUndefined();
    // Enslave and set port options in the same call (two requests: the kernel reads port options with the old master).
    const port = await setLink('sb0', { netns: ns.name, master: br.index, bridgePort: { cost: 33, learning: false } });
    expect(port.portInfo).toMatchObject({ cost: 33, learning: false });
    await expect(setLink('sb1', { netns: ns.name, bridgePort: { cost: 1 } })).rejects.toMatchObject({ name: 'ValidationError', field: 'bridgePort' });
    await deleteLink('sb0', { netns: ns.name });
    await deleteLink('brs', { netns: ns.name });
  });

  it('setLink moves a link into another namespace (by name, by fd, by pid) with rename and up', async () => {
    await createVethPair({ name: 'mv0', peer: { name: 'mv1' }, netns: ns.name });
    const moved = await setLink('mv0', { netns: ns.name, moveToNetns: other.name, name: 'eth7', up: true });
    expect(moved).toMatchObject({ name: 'eth7', up: true });
    expect(ipNames(other.name)).toContain('eth7');
    expect(ipNames(ns.name)).not.toContain('mv0');
    expect(ipLink('eth7', other.name).ifindex).toBe(moved.index);
    // Back by file descriptor.
    const fd = (await import('node:fs')).openSync(`/run/netns/${ns.name}`, 'r');
    try {
      const back = await setLink('eth7', { netns: other.name, moveToNetns: fd });
      expect(back.name).toBe('eth7');
      expect(ipNames(ns.name)).toContain('eth7');
    } finally {
      (await import('node:fs')).closeSync(fd);
    }
    // And by the namespace of a process living in `other`.
    const child = spawn('ip', ['netns', 'exec', other.name, 'sleep', '30'], { stdio: 'ignore' });
    try {
      const pid = child.pid as number;
      const target = statSync(`/run/netns/${other.name}`).ino;
      for (let i = 0; i < 200 && statSafe(`/proc/${pid}/ns/net`) !== target; i++) await new Promise((r) => setTimeout(r, 10));
      const byPid = await setLink('eth7', { netns: ns.name, moveToNetns: { pid } });
      expect(byPid.name).toBe('eth7');
      expect(ipNames(other.name)).toContain('eth7');
    } finally {
      child.kill();
    }
    await deleteLink('eth7', { netns: other.name });
  });

  it('setLink rejects conflicting and malformed options before any system call', async () => {
    const f = faultySocket(ns.name);
    try {
      for (const [opts, field] of [
        [{}, 'options'],
        [{ moveToNetns: other.name, master: 'x' }, 'moveToNetns'],
        [{ moveToNetns: other.name, bridgePort: { cost: 1 } }, 'moveToNetns'],
        [{ master: null, bridgePort: { cost: 1 } }, 'bridgePort'],
        [{ bridgePort: { cost: -1 } }, 'bridgePort.cost'],
        [{ bridgePort: { state: 'sleeping' } }, 'bridgePort.state'],
        [{ bridgePort: { designatedCost: 1 } }, 'bridgePort.designatedCost'],
        [{ mtu: 10 }, 'mtu'],
        [{ name: 'toolongname12345' }, 'name'],
        [{ address: 'ff:ff:ff:ff:ff:ff' }, 'address'],
        [{ alias: 'x'.repeat(256) }, 'alias'],
        [{ moveToNetns: 'no/such' }, 'moveToNetns'],
        [{ netns: ns.name, up: true }, 'netns'],
        [{ upp: true }, 'upp'],
      ] as const) {
        const before = f.sends();
        const err = await setLink('lo', { socket: f.socket, ...(opts as object) }).catch((e: unknown) => e);
        expect(err, JSON.stringify(opts)).toMatchObject({ name: 'ValidationError', field });
        expect(f.sends()).toBe(before);
      }
      // The device's own MTU range is checked once it is known, before the change is sent.
      await createVethPair({ name: 'mt0', peer: { name: 'mt1' }, socket: f.socket });
      const sends = f.sends();
      await expect(setLink('mt0', { socket: f.socket, mtu: 70000 })).rejects.toMatchObject({ name: 'ValidationError', field: 'mtu' });
      expect(f.sends()).toBe(sends + 1); // only the read
      await deleteLink('mt0', { socket: f.socket });
    } finally {
      f.socket.close();
    }
  });

  it('getLink / listLinks with targetNetnsId read another namespace through this one (IFLA_TARGET_NETNSID)', async () => {
    await createVethPair({ netns: other.name, name: 'tn0', peer: { name: 'tn1' } });
    // The id this namespace gives the other (an earlier test may have had one assigned).
    const id = (await getNsid(other.name, { netns: ns.name })) ?? (await setNsid(other.name, 'auto', { netns: ns.name }));
    const l = await getLink('tn0', { netns: ns.name, targetNetnsId: id });
    expect(l).toMatchObject({ name: 'tn0', kind: 'veth', netnsId: id });
    expect(l.index).toBe((await getLink('tn0', { netns: other.name })).index);
    const names = (await listLinks({ netns: ns.name, targetNetnsId: id, kind: 'veth' })).map((x) => x.name).sort();
    expect(names).toEqual(['tn0', 'tn1']);
    // The caller's own links carry no netnsId.
    expect((await getLink('lo', { netns: ns.name })).netnsId).toBeUndefined();
    await expect(getLink('tn0', { netns: ns.name, targetNetnsId: id + 1000 })).rejects.toMatchObject({ name: 'NetlinkError' });
    await expect(getLink('tn0', { netns: ns.name, targetNetnsId: -1 })).rejects.toMatchObject({ name: 'ValidationError', field: 'targetNetnsId' });
    await deleteLink('tn0', { netns: other.name });
  });

  it('bridge port options at creation (hairpin, cost), with a random host-side name as the CNI bridge plugin makes it', async () => {
    await createBridge('hpbr', { netns: ns.name });
    const name = randomLinkName();
    expect(name).toMatch(/^veth[0-9a-f]{8}$/);
    expect(randomLinkName('h')).toMatch(/^h[0-9a-f]{8}$/);
    expect(() => randomLinkName('toolongp')).toThrow(/7 bytes/);
    const { link } = await createVethPair({ netns: ns.name, name, peer: { name: 'hp1' }, master: 'hpbr', bridgePort: { hairpin: true, cost: 7 } });
    expect(link.portInfo).toMatchObject({ hairpin: true, cost: 7 });
    expect(ipLink(name, ns.name)).toMatchObject({ master: 'hpbr' });
    await expect(createVethPair({ netns: ns.name, name: 'hp2', peer: { name: 'hp3' }, bridgePort: { hairpin: true } })).rejects.toMatchObject({ name: 'ValidationError', field: 'bridgePort' });
    await expect(createVethPair({ netns: ns.name, name: 'hp2', peer: { name: 'hp3' }, master: 'hpbr', bridgePort: { colour: 1 } as never })).rejects.toMatchObject({ name: 'ValidationError', field: 'bridgePort.colour' });
    expect(ipNames(ns.name)).not.toContain('hp2');
    await deleteLink(name, { netns: ns.name });
    await deleteLink('hpbr', { netns: ns.name });
  });

  it('a created pair says where each end lives (the namespaces the call was given)', async () => {
    const r = await createVethPair({ netns: ns.name, name: 'wh0', peer: { name: 'wh1', netns: other.name } });
    expect(r.netns).toBe(ns.name);
    expect(r.peerNetns).toBe(other.name);
    const same = await createVethPair({ netns: ns.name, name: 'wh2', peer: { name: 'wh3' } });
    expect(same.peerNetns).toBe(ns.name);
    await deleteLink('wh0', { netns: ns.name });
    await deleteLink('wh2', { netns: ns.name });
  });

  it('link flags: promisc, allmulticast, multicast and arp at creation and through setLink, as ip shows them', async () => {
    const { link } = await createVethPair({ netns: ns.name, name: 'fl0', peer: { name: 'fl1' }, promisc: true, arp: false });
    expect(link.flags).toEqual(expect.arrayContaining(['PROMISC', 'NOARP']));
    expect(ipLink('fl0', ns.name).flags).toEqual(expect.arrayContaining(['PROMISC', 'NOARP']));
    const l = await setLink('fl0', { netns: ns.name, promisc: false, arp: true, allmulticast: true, multicast: false });
    expect(l.flags).toContain('ALLMULTI');
    expect(l.flags).not.toContain('PROMISC');
    expect(l.flags).not.toContain('NOARP');
    expect(l.flags).not.toContain('MULTICAST');
    const f = ipLink('fl0', ns.name).flags;
    expect(f).toContain('ALLMULTI');
    expect(f).not.toContain('MULTICAST');
    await expect(setLink('fl0', { netns: ns.name, promisc: 'yes' as never })).rejects.toMatchObject({ name: 'ValidationError', field: 'promisc' });
    await deleteLink('fl0', { netns: ns.name });
  });

  it('setLink puts everything back when a later step fails (rollback), and throws the original error', async () => {
    // STP on: the kernel refuses a manual port state (EBUSY) in the second request.
    await createBridge('brk', { netns: ns.name, stp: true });
    await createVethPair({ name: 'rb0', peer: { name: 'rb1' }, netns: ns.name, mtu: 1500 });
    const before = ipLink('rb0', ns.name);
    const err = await setLink('rb0', { netns: ns.name, mtu: 1400, alias: 'x', promisc: true, arp: false, master: 'brk', bridgePort: { state: 'forwarding' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'NetlinkError', code: 'EBUSY' });
    const after = ipLink('rb0', ns.name);
    expect(after.mtu).toBe(before.mtu);
    expect(after.flags).toEqual(before.flags);
    expect(after.flags).not.toContain('NOARP');
    expect(after.master).toBeUndefined();
    expect(after.ifalias).toBeUndefined();
    // An injected failure of the move request: the rename and MTU of the first request are undone.
    const f = faultySocket(ns.name);
    try {
      f.failSend(3); // 1 read, 2 settings, 3 the move → fails
      const e2 = await setLink('rb0', { socket: f.socket, mtu: 1300, name: 'renamed', moveToNetns: other.name }).catch((e: unknown) => e);
      expect(e2).toMatchObject({ code: 'EIO' });
      expect(ipLink('rb0', ns.name).mtu).toBe(1500);
      expect(ipNames(other.name)).not.toContain('renamed');
    } finally {
      f.socket.close();
    }
    await deleteLink('rb0', { netns: ns.name });
    await deleteLink('brk', { netns: ns.name });
  });

  it('deleteLink deletes by name or index; both veth ends go; missing is ENODEV', async () => {
    const { link } = await createVethPair({ name: 'da0', peer: { name: 'da1' }, netns: ns.name });
    await deleteLink(link.index, { netns: ns.name });
    expect(ipNames(ns.name)).not.toContain('da1');
    await expect(deleteLink('da0', { netns: ns.name })).rejects.toMatchObject({ code: 'ENODEV', attrPath: 'ifname' });
  });

  it('deleteLinks deletes a whole group with one request', async () => {
    const f = faultySocket(ns.name);
    try {
      for (let i = 0; i < 12; i++) await createVethPair({ name: `g${i}a`, peer: { name: `g${i}b` }, group: 42, socket: f.socket });
      await createBridge('gkeep', { group: 43, socket: f.socket });
      expect((await listLinks({ socket: f.socket, group: 42 })).length).toBe(12);
      const sends = f.sends();
      await deleteLinks({ group: 42 }, { socket: f.socket });
      expect(f.sends()).toBe(sends + 1);
      const left = ipLinks(ns.name);
      expect(left.filter((l) => /^g\d+[ab]$/.test(l.ifname))).toEqual([]);
      expect(left.map((l) => l.ifname)).toContain('gkeep');
      await expect(deleteLinks({ group: 42 }, { socket: f.socket })).rejects.toMatchObject({ code: 'ENODEV', attrPath: 'group' });
      await expect(deleteLinks({ group: 0 }, { socket: f.socket })).rejects.toMatchObject({ name: 'ValidationError', field: 'group' });
      await deleteLinks({ group: 43 }, { socket: f.socket });
    } finally {
      f.socket.close();
    }
  });

  it('works on a caller-provided socket and inside a namespace given by path', async () => {
    const sock = RtnlSocket.open({ netns: `/run/netns/${ns.name}` });
    try {
      await createBridge('bsock', { socket: sock });
      expect((await getLink('bsock', { socket: sock })).kind).toBe('bridge');
      await deleteLink('bsock', { socket: sock });
    } finally {
      sock.close();
    }
    ip(['link', 'add', 'bpath', 'type', 'bridge'], ns.name);
    expect((await getLink('bpath', { netns: `/run/netns/${ns.name}` })).kind).toBe('bridge');
    await deleteLink('bpath', { netns: ns.name });
  });

  it.skipIf(vxlanLacks !== undefined)(`maps a kernel error inside kind data back to the attribute path of our request${vxlanLacks ? ` — skipped: ${vxlanLacks}` : ''}`, async () => {
    // vxlan_validate (every kernel since 4.x): a VNI of 2^24 or more is
    // ERANGE "VXLAN ID must be lower than 16777216", with the extended-ACK
    // offset of IFLA_VXLAN_ID inside IFLA_INFO_DATA.
    const sock = RtnlSocket.open({ netns: ns.name });
    try {
      const err = await sock
        .request(RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL, (w) =>
          linkMessage.encode(w, {
            header: { family: 0, type: 0, index: 0, flags: 0, change: 0 },
            attrs: { ifname: 'vxr', linkinfo: { kind: 'vxlan', data: { id: 0x1000000, port: 4799 } } },
          }),
        )
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'NetlinkError', code: 'ERANGE', attrPath: 'linkinfo.data.id' });
      expect((err as { kernelMessage?: string }).kernelMessage).toMatch(/VXLAN ID/i);
    } finally {
      sock.close();
    }
    expect(ipNames(ns.name)).not.toContain('vxr');
  });

  it('names the kernel accepts although JavaScript calls them whitespace: U+2028 and U+3000 (no 0xA0 byte in their UTF-8)', async () => {
    for (const name of ['a\u2028b', 'a\u3000b']) {
      const made = await createBridge(name, { netns: ns.name });
      expect(made.name).toBe(name);
      expect(ipNames(ns.name)).toContain(name);
      await deleteLink(name, { netns: ns.name });
    }
  });
});
