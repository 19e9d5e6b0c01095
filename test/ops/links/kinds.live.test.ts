/**
 * The link kinds beyond veth and bridge, against the real kernel: each is
 * created by rtnl and by ip, read back by both, and `rtnl -j -d link show`
 * must equal `ip -j -d link show` field for field. Most of these modules
 * are missing from the development machines' kernel: there each suite
 * skips naming the module; the full-kernel lane (npm run test:kernel)
 * requires them.
 */
import { describe, expect, it } from 'vitest';
import {
  createBond,
  createDummy,
  createGeneve,
  createGre,
  createGretap,
  createIp6gre,
  createIp6gretap,
  createIp6tnl,
  createIpip,
  createIpvlan,
  createIpvtap,
  createLink,
  createMacvlan,
  createMacvtap,
  createSit,
  createVethPair,
  createVlan,
  createVrf,
  createWireguard,
  deleteLink,
  getLink,
  setLink,
} from '../../../src/ops/links/index.js';
import { compareLinks } from '../../cli/_compare.js';
import { rtnlOk, useCli } from '../../cli/_cli.js';
import { kernelLacks } from '../../helpers/kernel.js';
import { oracleUnvalidated } from '../../helpers/iproute2.js';
import { ip, ipJson, useNetns } from '../../helpers/live.js';

useCli();
const ns = useNetns('rtnlkind');
const far = useNetns('rtnlkind2');
const oracle = oracleUnvalidated();

interface IpLink {
  ifname: string;
  link?: string;
  link_index?: number;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown>; info_slave_kind?: string; info_slave_data?: Record<string, unknown> };
}
const ipLink = (name: string, netns = ns.name) => ipJson<IpLink[]>(['-d', 'link', 'show', 'dev', name], netns)[0] as IpLink;

/** `rtnl -j -d link show` and `ip -j -d link show` agree on the namespace, field for field. */
function expectSameAsIp(netns: string): void {
  if (oracle) return void console.warn(`not compared with ip: ${oracle}`);
  const c = compareLinks(netns);
  expect(c.missing, 'fields ip prints and rtnl does not').toEqual([]);
  expect(c.different, 'values that differ').toEqual([]);
  expect(c.extra, 'fields rtnl prints that no iproute2 prints').toEqual([]);
}

const dummyLacks = kernelLacks('dummy');
describe.skipIf(dummyLacks !== undefined)(`dummy${dummyLacks ? ` — skipped: ${dummyLacks}` : ''}`, () => {
  it('createDummy makes a dummy device; ip sees kind dummy; delete removes it', async () => {
    const { link, parent } = await createDummy('dm0', { netns: ns.name, mtu: 9000, up: true });
    expect(link).toMatchObject({ name: 'dm0', kind: 'dummy', mtu: 9000, up: true, info: { kind: 'dummy' } });
    expect(parent).toBeUndefined();
    expect(ipLink('dm0').linkinfo?.info_kind).toBe('dummy');
    expect((await getLink('dm0', { netns: ns.name })).info).toEqual({ kind: 'dummy' });
    await deleteLink('dm0', { netns: ns.name });
  });
});

const vlanLacks = kernelLacks('dummy', 'vlan');
describe.skipIf(vlanLacks !== undefined)(`vlan${vlanLacks ? ` — skipped: ${vlanLacks}` : ''}`, () => {
  it('createVlan on a dummy: protocol, id, flags and QoS maps as ip shows them; the parent is returned', async () => {
    await createDummy('vp0', { netns: ns.name });
    const { link, parent } = await createVlan({
      netns: ns.name,
      name: 'vp0.42',
      link: 'vp0',
      id: 42,
      protocol: '802.1ad',
      flags: { gvrp: true, looseBinding: true },
      ingressQos: [{ from: 1, to: 2 }],
      egressQos: [{ from: 5, to: 6 }],
    });
    expect(parent).toMatchObject({ name: 'vp0', kind: 'dummy' });
    expect(link).toMatchObject({ name: 'vp0.42', kind: 'vlan', link: parent?.index });
    expect(link.info).toEqual({
      kind: 'vlan',
      id: 42,
      protocol: '802.1ad',
      flags: { reorderHdr: true, gvrp: true, looseBinding: true, mvrp: false, bridgeBinding: false },
      ingressQos: [{ from: 1, to: 2 }],
      egressQos: [{ from: 5, to: 6 }],
    });
    expect(ipLink('vp0.42').linkinfo?.info_data).toMatchObject({ protocol: '802.1ad', id: 42, flags: ['REORDER_HDR', 'GVRP', 'LOOSE_BINDING'] });
  });

  it('setLink changes a vlan\'s flags and egress QoS map through info, as ip then shows them', async () => {
    const l = await setLink('vp0.42', { netns: ns.name, info: { kind: 'vlan', flags: { gvrp: false }, egressQos: [{ from: 5, to: 7 }] } });
    expect(l.info).toMatchObject({ kind: 'vlan', id: 42, flags: { reorderHdr: true, gvrp: false, looseBinding: true }, egressQos: [{ from: 5, to: 7 }] });
    expect(ipLink('vp0.42').linkinfo?.info_data).toMatchObject({ flags: ['REORDER_HDR', 'LOOSE_BINDING'], egress_qos: [{ from: 5, to: 7 }] });
    // vlan_changelink ignores the id: refused before any request rather than reported as done.
    await expect(setLink('vp0.42', { netns: ns.name, info: { kind: 'vlan', id: 43 } })).rejects.toMatchObject({ name: 'ValidationError', field: 'info.id' });
    expect((await setLink('vp0.42', { netns: ns.name, info: { kind: 'vlan', id: 42, ingressQos: [{ from: 1, to: 3 }] } })).info).toMatchObject({ id: 42, ingressQos: [{ from: 1, to: 3 }] });
  });

  it('is born inside another namespace on a parent here (what the CNI vlan and macvlan plugins do)', async () => {
    const { link, parent } = await createVlan({ netns: ns.name, name: 'inside0', link: 'vp0', id: 7, targetNetns: far.name });
    expect(link).toMatchObject({ name: 'inside0', kind: 'vlan', info: { id: 7, protocol: '802.1Q' } });
    expect(parent?.name).toBe('vp0');
    expect(ipJson<IpLink[]>(['link', 'show'], ns.name).map((l) => l.ifname)).not.toContain('inside0');
    expect(ipLink('inside0', far.name).link_index).toBe(parent?.index);
  });

  it('refuses a missing parent with the one ENODEV, a bad id before any system call, and an existing name with EEXIST', async () => {
    await expect(createVlan({ netns: ns.name, name: 'x0', link: 'nosuch0', id: 1 })).rejects.toMatchObject({ code: 'ENODEV', attrPath: 'link' });
    await expect(createVlan({ netns: ns.name, name: 'x0', link: 'vp0', id: 4095 })).rejects.toMatchObject({ name: 'ValidationError', field: 'id' });
    await expect(createVlan({ netns: ns.name, name: 'vp0.42', link: 'vp0', id: 43 })).rejects.toMatchObject({ code: 'EEXIST', attrPath: 'ifname' });
    await expect(createLink('vlan', { netns: ns.name, name: 'x1', link: 'vp0', id: 3, colour: 'blue' })).rejects.toMatchObject({ name: 'ValidationError', field: 'colour' });
  });

  it('the command makes a vlan as ip does, and prints every vlan field ip prints', () => {
    rtnlOk(['-n', ns.name, 'link', 'add', 'link', 'vp0', 'name', 'vp0.9', 'type', 'vlan', 'id', '9', 'protocol', '802.1q', 'reorder_hdr', 'off', 'mvrp', 'on']);
    expect(ipLink('vp0.9').linkinfo?.info_data).toMatchObject({ protocol: '802.1Q', id: 9, flags: ['MVRP'] });
    ip(['link', 'add', 'link', 'vp0', 'name', 'vp0.10', 'type', 'vlan', 'id', '10', 'ingress-qos-map', '0:1', '2:3', 'egress-qos-map', '4:5'], ns.name);
    expectSameAsIp(ns.name);
  });
});

const macvlanLacks = kernelLacks('macvlan');
describe.skipIf(macvlanLacks !== undefined)(`macvlan and macvtap${macvlanLacks ? ` — skipped: ${macvlanLacks}` : ''}`, () => {
  it('createMacvlan in bridge mode on a veth end, born inside a container namespace, with its parent returned', async () => {
    await createVethPair({ netns: ns.name, name: 'mvp0', peer: { name: 'mvp1' } });
    const { link, parent } = await createMacvlan({ netns: ns.name, name: 'eth0', link: 'mvp0', mode: 'bridge', targetNetns: far.name, address: '02:00:00:00:00:a1' });
    expect(parent?.name).toBe('mvp0');
    expect(link).toMatchObject({ name: 'eth0', kind: 'macvlan', address: '02:00:00:00:00:a1', info: { kind: 'macvlan', mode: 'bridge', flags: { nopromisc: false, nodst: false } } });
    expect(ipLink('eth0', far.name).linkinfo?.info_data).toMatchObject({ mode: 'bridge' });
    expect(ipJson<IpLink[]>(['link', 'show'], ns.name).map((l) => l.ifname)).not.toContain('eth0');
  });

  it('source mode: the source list is set with the link and read back', async () => {
    const { link } = await createMacvlan({ netns: ns.name, name: 'mvs0', link: 'mvp0', mode: 'source', sourceMacs: ['02:00:00:00:00:e1', '02:00:00:00:00:e2'], bcQueueLen: 64 });
    // The kernel keeps the list in a hash table: it reports it in hash order.
    expect(link.info).toMatchObject({ kind: 'macvlan', mode: 'source', sourceMacCount: 2 });
    expect([...((link.info as { sourceMacs?: string[] }).sourceMacs ?? [])].sort()).toEqual(['02:00:00:00:00:e1', '02:00:00:00:00:e2']);
    const d = ipLink('mvs0').linkinfo?.info_data as { mode: string; macaddr_count: number; macaddr_data: string[] };
    expect(d).toMatchObject({ mode: 'source', macaddr_count: 2 });
    expect([...d.macaddr_data].sort()).toEqual(['02:00:00:00:00:e1', '02:00:00:00:00:e2']);
  });

  it('macvtap in passthru mode with nopromisc; bad modes refused before any system call', async () => {
    const { link } = await createMacvtap({ netns: ns.name, name: 'mvt0', link: 'mvp1', mode: 'passthru', flags: { nopromisc: true } });
    expect(link).toMatchObject({ kind: 'macvtap', info: { kind: 'macvtap', mode: 'passthru', flags: { nopromisc: true, nodst: false } } });
    await expect(createMacvlan({ netns: ns.name, name: 'mvx', link: 'mvp0', mode: 'bridged' as never })).rejects.toMatchObject({ name: 'ValidationError', field: 'mode' });
    await expect(createMacvlan({ netns: ns.name, name: 'mvx' } as never)).rejects.toMatchObject({ name: 'ValidationError', field: 'link' });
  });

  it('the command adds them as ip does (mode, nopromisc, bcqueuelen) and prints what ip prints', () => {
    rtnlOk(['-n', ns.name, 'link', 'add', 'link', 'mvp0', 'name', 'mvc0', 'type', 'macvlan', 'mode', 'private', 'bcqueuelen', '128']);
    expect(ipLink('mvc0').linkinfo?.info_data).toMatchObject({ mode: 'private', bcqueuelen: 128 });
    ip(['link', 'add', 'link', 'mvp0', 'name', 'mvc1', 'type', 'macvlan', 'mode', 'vepa'], ns.name);
    ip(['link', 'add', 'link', 'mvp0', 'name', 'mvc2', 'type', 'macvlan', 'mode', 'source', 'macaddr', 'add', '02:00:00:00:00:f1'], ns.name);
    expectSameAsIp(ns.name);
  });

  it('the command edits a source list as ip does: macaddr set, add, del, flush (on link add and link set)', () => {
    const sources = (dev: string) => {
      const d = ipLink(dev).linkinfo?.info_data as { macaddr_count?: number; macaddr_data?: string[] };
      return { count: d.macaddr_count ?? 0, macs: [...(d.macaddr_data ?? [])].sort() };
    };
    const both = (args: string[], macs: string[]) => {
      rtnlOk(['-n', ns.name, 'link', ...args.map((a) => (a === 'DEV' ? 'mvr0' : a))]);
      ip(['link', ...args.map((a) => (a === 'DEV' ? 'mvi0' : a))], ns.name);
      expect(sources('mvr0')).toEqual(sources('mvi0'));
      expect(sources('mvr0').macs).toEqual(macs);
    };
    both(['add', 'link', 'mvp0', 'name', 'DEV', 'type', 'macvlan', 'mode', 'source', 'macaddr', 'set', '02:00:00:00:00:f2', '02:00:00:00:00:f3'], ['02:00:00:00:00:f2', '02:00:00:00:00:f3']);
    both(['set', 'DEV', 'type', 'macvlan', 'macaddr', 'add', '02:00:00:00:00:f4'], ['02:00:00:00:00:f2', '02:00:00:00:00:f3', '02:00:00:00:00:f4']);
    both(['set', 'DEV', 'type', 'macvlan', 'macaddr', 'del', '02:00:00:00:00:f2'], ['02:00:00:00:00:f3', '02:00:00:00:00:f4']);
    both(['set', 'DEV', 'type', 'macvlan', 'macaddr', 'flush'], []);
  });

  it('setLink edits the source list: sourceMacs replaces it (MACADDR_MODE set goes with it), sourceMacOp adds and deletes one', async () => {
    await createMacvlan({ netns: ns.name, name: 'mvs1', link: 'mvp0', mode: 'source' });
    const macs = async () => [...(((await getLink('mvs1', { netns: ns.name })).info as { sourceMacs?: string[] }).sourceMacs ?? [])].sort();
    await setLink('mvs1', { netns: ns.name, info: { kind: 'macvlan', sourceMacs: ['02:00:00:00:00:d1', '02:00:00:00:00:d2'] } });
    expect(await macs()).toEqual(['02:00:00:00:00:d1', '02:00:00:00:00:d2']);
    await setLink('mvs1', { netns: ns.name, info: { kind: 'macvlan', sourceMacOp: 'add', sourceMac: '02:00:00:00:00:d3' } });
    await setLink('mvs1', { netns: ns.name, info: { kind: 'macvlan', sourceMacOp: 'del', sourceMac: '02:00:00:00:00:d1' } });
    expect(await macs()).toEqual(['02:00:00:00:00:d2', '02:00:00:00:00:d3']);
    await expect(setLink('mvs1', { netns: ns.name, info: { kind: 'macvlan', sourceMacOp: 'add' } })).rejects.toMatchObject({ name: 'ValidationError', field: 'sourceMacOp' });
    await setLink('mvs1', { netns: ns.name, info: { kind: 'macvlan', sourceMacOp: 'flush' } });
    expect(await macs()).toEqual([]);
  });
});

const ipvlanLacks = kernelLacks('dummy', 'ipvlan', 'ipvtap');
describe.skipIf(ipvlanLacks !== undefined)(`ipvlan and ipvtap${ipvlanLacks ? ` — skipped: ${ipvlanLacks}` : ''}`, () => {
  it('createIpvlan in l2 mode, born inside a container namespace on a parent here, as the CNI ipvlan plugin makes it', async () => {
    const { link: parentDev } = await createDummy('ivp0', { netns: ns.name, address: '02:00:00:00:01:01' });
    const { link, parent } = await createIpvlan({ netns: ns.name, name: 'ieth0', link: 'ivp0', mode: 'l2', targetNetns: far.name });
    expect(parent?.index).toBe(parentDev.index);
    // An ipvlan shares its lower device's MAC address.
    expect(link).toMatchObject({ name: 'ieth0', kind: 'ipvlan', address: '02:00:00:00:01:01', info: { kind: 'ipvlan', mode: 'l2', isolation: 'bridge' } });
    expect(ipLink('ieth0', far.name).linkinfo?.info_data).toEqual({ mode: 'l2', bridge: true });
  });

  it('the kernel default mode is l3; ipvtap with vepa; private and vepa as ip shows them; bad words refused before any system call', async () => {
    const { link } = await createIpvlan({ netns: ns.name, name: 'iv3', link: 'ivp0' });
    expect(link.info).toEqual({ kind: 'ipvlan', mode: 'l3', isolation: 'bridge' });
    const tap = await createIpvtap({ netns: ns.name, name: 'ivt0', link: 'ivp0', mode: 'l3s', isolation: 'vepa' });
    expect(tap.link.info).toEqual({ kind: 'ipvtap', mode: 'l3s', isolation: 'vepa' });
    expect(ipLink('ivt0').linkinfo?.info_data).toEqual({ mode: 'l3s', vepa: true });
    await expect(createIpvlan({ netns: ns.name, name: 'ivx', link: 'ivp0', isolation: 'isolated' as never })).rejects.toMatchObject({ name: 'ValidationError', field: 'isolation' });
    await expect(createIpvlan({ netns: ns.name, name: 'ivx' } as never)).rejects.toMatchObject({ name: 'ValidationError', field: 'link' });
  });

  it('the command adds them as ip does (mode, private) and prints what ip prints', () => {
    rtnlOk(['-n', ns.name, 'link', 'add', 'link', 'ivp0', 'name', 'ivc0', 'type', 'ipvlan', 'mode', 'l2', 'private']);
    expect(ipLink('ivc0').linkinfo?.info_data).toEqual({ mode: 'l2', private: true });
    ip(['link', 'add', 'link', 'ivp0', 'name', 'ivc1', 'type', 'ipvtap', 'mode', 'l3', 'vepa'], ns.name);
    expectSameAsIp(ns.name);
  });
});

const vrfLacks = kernelLacks('dummy', 'vrf');
describe.skipIf(vrfLacks !== undefined)(`vrf${vrfLacks ? ` — skipped: ${vrfLacks}` : ''}`, () => {
  it('createVrf with a table; a port enslaved to it reports the table as vrf slave data', async () => {
    const { link } = await createVrf({ netns: ns.name, name: 'vrf-blue', table: 1001, up: true });
    expect(link).toMatchObject({ kind: 'vrf', up: true, info: { kind: 'vrf', table: 1001 } });
    await createDummy('vrfp0', { netns: ns.name });
    const port = await setLink('vrfp0', { netns: ns.name, master: 'vrf-blue' });
    expect(port).toMatchObject({ master: link.index, slaveKind: 'vrf' });
    expect(port.attrs.linkinfo?.slaveData).toEqual({ table: 1001 });
    expect(ipLink('vrfp0').linkinfo).toMatchObject({ info_slave_kind: 'vrf', info_slave_data: { table: 1001 } });
  });

  it('a vrf cannot be changed after it is made (no changelink): setLink says so, naming the data', async () => {
    await expect(setLink('vrf-blue', { netns: ns.name, info: { kind: 'vrf', table: 1002 } })).rejects.toMatchObject({ code: 'EOPNOTSUPP', attrPath: 'linkinfo.data', message: expect.stringContaining('vrf links cannot be changed after they are made') });
    expect((await getLink('vrf-blue', { netns: ns.name })).info).toMatchObject({ table: 1001 });
  });

  it('refuses a missing table before any system call (the kernel requires one)', async () => {
    await expect(createVrf({ netns: ns.name, name: 'vrf-x' } as never)).rejects.toMatchObject({ name: 'ValidationError', field: 'table' });
    await expect(createVrf({ netns: ns.name, name: 'vrf-x', table: 0 })).rejects.toMatchObject({ name: 'ValidationError', field: 'table' });
  });

  it('the command adds a vrf as ip does and prints the vrf and its ports as ip prints them', () => {
    rtnlOk(['-n', ns.name, 'link', 'add', 'vrf-red', 'type', 'vrf', 'table', '1002']);
    expect(ipLink('vrf-red').linkinfo?.info_data).toEqual({ table: 1002 });
    ip(['link', 'add', 'vrfp1', 'type', 'dummy'], ns.name);
    ip(['link', 'set', 'vrfp1', 'master', 'vrf-red'], ns.name);
    expectSameAsIp(ns.name);
  });
});

const wgLacks = kernelLacks('wireguard');
describe.skipIf(wgLacks !== undefined)(`wireguard${wgLacks ? ` — skipped: ${wgLacks}` : ''}`, () => {
  it('createWireguard makes the link (keys and peers are generic netlink\'s); ip sees kind wireguard', async () => {
    const { link } = await createWireguard('wg0', { netns: ns.name, mtu: 1420 });
    expect(link).toMatchObject({ name: 'wg0', kind: 'wireguard', mtu: 1420, info: { kind: 'wireguard' } });
    expect(ipLink('wg0').linkinfo?.info_kind).toBe('wireguard');
    rtnlOk(['-n', ns.name, 'link', 'add', 'wg1', 'type', 'wireguard']);
    expectSameAsIp(ns.name);
    await deleteLink('wg0', { netns: ns.name });
  });
});

const bondLacks = kernelLacks('dummy', 'bond');
describe.skipIf(bondLacks !== undefined)(`bond${bondLacks ? ` — skipped: ${bondLacks}` : ''}`, () => {
  it('createBond in 802.3ad mode with two ports: options by name, the ports enslaved and reported as bond ports', async () => {
    await createDummy('bp0', { netns: ns.name });
    await createDummy('bp1', { netns: ns.name });
    const { link, ports } = await createBond({ netns: ns.name, name: 'bond0', mode: '802.3ad', miimon: 100, lacpRate: 'fast', xmitHashPolicy: 'layer3+4', minLinks: 1, ports: ['bp0', 'bp1'], up: true });
    expect(link).toMatchObject({ name: 'bond0', kind: 'bond', up: true, info: { kind: 'bond', mode: '802.3ad', miimon: 100, lacpRate: 'fast', xmitHashPolicy: 'layer3+4', minLinks: 1 } });
    expect(ports.map((p) => [p.name, p.master, p.slaveKind])).toEqual([
      ['bp0', link.index, 'bond'],
      ['bp1', link.index, 'bond'],
    ]);
    expect(ports[0]?.attrs.linkinfo?.slaveData).toMatchObject({ miiStatus: expect.any(Number), permHwaddr: expect.any(String) });
    const d = ipLink('bond0').linkinfo?.info_data as Record<string, unknown>;
    expect(d).toMatchObject({ mode: '802.3ad', miimon: 100, ad_lacp_rate: 'fast', xmit_hash_policy: 'layer3+4', min_links: 1 });
  });

  it('setLink changes a bond port\'s queue id (port; 802.3ad refuses a priority) and the bond\'s miimon (info); the command does the same with type bond_slave / type bond', async () => {
    const port = await setLink('bp0', { netns: ns.name, port: { kind: 'bond', queueId: 3 } });
    expect(port.attrs.linkinfo?.slaveData).toMatchObject({ queueId: 3 });
    expect(ipLink('bp0').linkinfo?.info_slave_data).toMatchObject({ queue_id: 3 });
    // A port priority is for the modes that pick an active port; 802.3ad refuses it, naming the attribute, and nothing changes.
    await expect(setLink('bp0', { netns: ns.name, port: { kind: 'bond', queueId: 5, prio: 7 } })).rejects.toMatchObject({ code: 'EACCES', attrPath: 'linkinfo.slaveData.prio' });
    expect(ipLink('bp0').linkinfo?.info_slave_data).toMatchObject({ queue_id: 3 });
    expect((await setLink('bond0', { netns: ns.name, info: { kind: 'bond', miimon: 200 } })).info).toMatchObject({ miimon: 200, mode: '802.3ad' });
    rtnlOk(['-n', ns.name, 'link', 'set', 'bp1', 'type', 'bond_slave', 'queue_id', '4']);
    rtnlOk(['-n', ns.name, 'link', 'set', 'bond0', 'type', 'bond', 'miimon', '300']);
    expect(ipLink('bp1').linkinfo?.info_slave_data).toMatchObject({ queue_id: 4 });
    expect(ipLink('bond0').linkinfo?.info_data).toMatchObject({ miimon: 300 });
    await expect(setLink('bp0', { netns: ns.name, port: { kind: 'bridge', cost: 5 } })).rejects.toMatchObject({ name: 'ValidationError', field: 'port', message: expect.stringContaining('bp0 is not a bridge port') });
  });

  it('active-backup with ARP and NS targets, as ip shows them', async () => {
    const { link } = await createBond({ netns: ns.name, name: 'bond1', mode: 'active-backup', arpInterval: 200, arpValidate: 'active', arpIpTargets: ['10.0.0.1', '10.0.0.2'], nsIp6Targets: ['2001:db8::1'], primaryReselect: 'better' });
    expect(link.info).toMatchObject({ mode: 'active-backup', arpInterval: 200, arpValidate: 'active', arpIpTargets: ['10.0.0.1', '10.0.0.2'], nsIp6Targets: ['2001:db8::1'], primaryReselect: 'better' });
    expect(ipLink('bond1').linkinfo?.info_data).toMatchObject({ arp_ip_target: ['10.0.0.1', '10.0.0.2'], ns_ip6_target: ['2001:db8::1'], arp_validate: 'active' });
  });

  it('a port that cannot be enslaved deletes the bond again (the ports already in it are released), the error names the port', async () => {
    await createDummy('bp2', { netns: ns.name });
    const err = await createBond({ netns: ns.name, name: 'bond2', mode: 'balance-xor', ports: ['bp2', 'nosuch0'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENODEV' });
    expect(ipJson<IpLink[]>(['link', 'show'], ns.name).map((l) => l.ifname)).not.toContain('bond2');
    expect(ipLink('bp2')).not.toHaveProperty('master');
    await expect(createBond({ netns: ns.name, name: 'bond3', mode: 'round-robin' as never })).rejects.toMatchObject({ name: 'ValidationError', field: 'mode' });
    await expect(createBond({ netns: ns.name, name: 'bond3', ports: [''] })).rejects.toMatchObject({ name: 'ValidationError', field: 'ports[0]' });
    expect(ipJson<IpLink[]>(['link', 'show'], ns.name).map((l) => l.ifname)).not.toContain('bond3');
  });

  it('the command adds a bond as ip does and prints bonds and bond ports as ip prints them', () => {
    rtnlOk(['-n', ns.name, 'link', 'add', 'bond4', 'type', 'bond', 'mode', '802.3ad', 'miimon', '50', 'lacp_active', 'off', 'num_grat_arp', '2']);
    expect(ipLink('bond4').linkinfo?.info_data).toMatchObject({ mode: '802.3ad', miimon: 50, ad_lacp_active: 'off', num_peer_notif: 2 });
    ip(['link', 'add', 'bond5', 'type', 'bond', 'mode', 'active-backup', 'arp_interval', '100', 'arp_ip_target', '10.1.0.1'], ns.name);
    ip(['link', 'add', 'bp3', 'type', 'dummy'], ns.name);
    ip(['link', 'set', 'bp3', 'master', 'bond5'], ns.name);
    ip(['link', 'set', 'bond0', 'up'], ns.name);
    expectSameAsIp(ns.name);
    // Target lists, as ip takes them (comma-separated): the same data as ip's own.
    rtnlOk(['-n', ns.name, 'link', 'add', 'bond6', 'type', 'bond', 'mode', 'active-backup', 'arp_interval', '100', 'arp_ip_target', '10.1.0.1,10.1.0.2', 'ns_ip6_target', 'fd00::1,fd00::2']);
    ip(['link', 'add', 'bond7', 'type', 'bond', 'mode', 'active-backup', 'arp_interval', '100', 'arp_ip_target', '10.1.0.1,10.1.0.2', 'ns_ip6_target', 'fd00::1,fd00::2'], ns.name);
    expect(ipLink('bond6').linkinfo?.info_data).toMatchObject({ arp_ip_target: ['10.1.0.1', '10.1.0.2'], ns_ip6_target: ['fd00::1', 'fd00::2'] });
    expect(ipLink('bond6').linkinfo?.info_data).toEqual(ipLink('bond7').linkinfo?.info_data);
  });
});

const geneveLacks = kernelLacks('geneve');
describe.skipIf(geneveLacks !== undefined)(`geneve${geneveLacks ? ` — skipped: ${geneveLacks}` : ''}`, () => {
  it('createGeneve to an IPv4 and an IPv6 remote, and an external one, as ip shows them', async () => {
    const v4 = await createGeneve({ netns: ns.name, name: 'gnv0', id: 5001, remote: '192.0.2.7', ttl: 20, df: 'set', port: 6082 });
    expect(v4.link.info).toMatchObject({ kind: 'geneve', id: 5001, remote: '192.0.2.7', ttl: 20, df: 'set', port: 6082, ttlInherit: false });
    expect(ipLink('gnv0').linkinfo?.info_data).toMatchObject({ id: 5001, remote: '192.0.2.7', ttl: 20, df: 'set', port: 6082 });
    const v6 = await createGeneve({ netns: ns.name, name: 'gnv1', id: 5002, remote6: '2001:db8::7', label: 0x34, ttlInherit: true });
    expect(v6.link.info).toMatchObject({ remote6: '2001:db8::7', label: 0x34, ttlInherit: true });
    const ext = await createGeneve({ netns: ns.name, name: 'gnv2', external: true, port: 6200 });
    expect(ext.link.info).toMatchObject({ external: true, port: 6200 });
    // An external device wants its port to itself: the kernel's EPERM carries its reason, and no capability hint.
    const taken = await createGeneve({ netns: ns.name, name: 'gnv9', external: true, port: 6082 }).catch((e: unknown) => e);
    expect(taken).toMatchObject({ code: 'EPERM', kernelMessage: expect.stringContaining('only one externally controlled device') });
    expect(taken).not.toHaveProperty('hint');
    await expect(createGeneve({ netns: ns.name, name: 'gnvx', id: 1 << 24 })).rejects.toMatchObject({ name: 'ValidationError', field: 'id' });
    await expect(createGeneve({ netns: ns.name, name: 'gnvx', id: 1, remote: '2001:db8::1' })).rejects.toMatchObject({ name: 'ValidationError', field: 'remote' });
  });

  it('the kernel refuses a flow label on an IPv4 device, with its reason and the attribute', async () => {
    const err = await createGeneve({ netns: ns.name, name: 'gnvy', id: 9, remote: '192.0.2.8', label: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'NetlinkError', kernelMessage: expect.stringContaining('Label attribute only applies for IPv6') });
  });

  it('the command adds geneve devices as ip does and prints what ip prints', async () => {
    rtnlOk(['-n', ns.name, 'link', 'add', 'gnv3', 'type', 'geneve', 'id', '44', 'remote', '198.51.100.1', 'dstport', '6090', 'tos', '16']);
    expect(ipLink('gnv3').linkinfo?.info_data).toMatchObject({ id: 44, remote: '198.51.100.1', port: 6090, tos: '0x10' });
    ip(['link', 'add', 'gnv4', 'type', 'geneve', 'id', '45', 'remote', '2001:db8::45', 'ttl', 'inherit', 'udp6zerocsumtx'], ns.name);
    ip(['link', 'add', 'gnv5', 'type', 'geneve', 'external', 'dstport', '6100', 'innerprotoinherit'], ns.name);
    expectSameAsIp(ns.name);
    rtnlOk(['-n', ns.name, 'link', 'add', 'gnv6', 'type', 'geneve', 'id', '46', 'remote', '198.51.100.6', 'ttl', 'inherit']);
    rtnlOk(['-n', ns.name, 'link', 'add', 'gnv7', 'type', 'geneve', 'id', '47', 'remote', '198.51.100.7', 'ttl', 'auto']);
    // ip prints `ttl inherit` and `ttl auto` in its text only (JSON: no ttl, and ttl 0).
    expect(ip(['-d', 'link', 'show', 'dev', 'gnv6'], ns.name)).toMatch(/ ttl inherit /);
    expect(ip(['-d', 'link', 'show', 'dev', 'gnv7'], ns.name)).toMatch(/ ttl auto /);
    expect((await getLink('gnv6', { netns: ns.name })).info).toMatchObject({ ttlInherit: true });
    expectSameAsIp(ns.name);
  });
});

const greLacks = kernelLacks('dummy', 'gre');
describe.skipIf(greLacks !== undefined)(`gre and gretap${greLacks ? ` — skipped: ${greLacks}` : ''}`, () => {
  it('createGre with endpoints, keys, sequence numbers and an underlay device, as ip shows them', async () => {
    const { link: under } = await createDummy('grd0', { netns: ns.name });
    const { link } = await createGre({ netns: ns.name, name: 'gre10', remote: '192.0.2.1', local: '192.0.2.2', ttl: 64, ikey: 42, okey: 43, inFlags: { seq: true }, device: under.index, pmtudisc: false });
    expect(link.info).toMatchObject({ kind: 'gre', remote: '192.0.2.1', local: '192.0.2.2', ttl: 64, ikey: 42, okey: 43, inFlags: { key: true, seq: true }, outFlags: { key: true }, device: under.index, pmtudisc: false });
    expect(ipLink('gre10').linkinfo?.info_data).toMatchObject({ remote: '192.0.2.1', local: '192.0.2.2', link: 'grd0', ttl: 64, ikey: '0.0.0.42', okey: '0.0.0.43', iseq: true, pmtudisc: false });
  });

  it('setLink of one gre setting keeps the others (the kernel resets what a change leaves out, so the current data goes with it)', async () => {
    const l = await setLink('gre10', { netns: ns.name, info: { kind: 'gre', ttl: 9 } });
    expect(l.info).toMatchObject({ kind: 'gre', remote: '192.0.2.1', local: '192.0.2.2', ttl: 9, ikey: 42, okey: 43, inFlags: { key: true, seq: true }, pmtudisc: false });
    expect(ipLink('gre10').linkinfo?.info_data).toMatchObject({ remote: '192.0.2.1', local: '192.0.2.2', link: 'grd0', ttl: 9, ikey: '0.0.0.42', okey: '0.0.0.43', iseq: true });
    rtnlOk(['-n', ns.name, 'link', 'set', 'gre10', 'type', 'gre', 'ttl', '12']);
    expect(ipLink('gre10').linkinfo?.info_data).toMatchObject({ remote: '192.0.2.1', ttl: 12, ikey: '0.0.0.42', iseq: true });
    // A flag word changes in the bits named only: iseq and the keys stay.
    expect((await setLink('gre10', { netns: ns.name, info: { kind: 'gre', outFlags: { csum: true } } })).info).toMatchObject({ inFlags: { seq: true, key: true }, outFlags: { csum: true, key: true } });
    expect(ipLink('gre10').linkinfo?.info_data).toMatchObject({ iseq: true, ocsum: true, okey: '0.0.0.43' });
  });

  it('createGretap is an Ethernet device that can be a bridge port; bad keys are refused before any system call', async () => {
    const { link } = await createGretap({ netns: ns.name, name: 'gtap0', remote: '198.51.100.1', ignoreDf: true, pmtudisc: false });
    expect(link).toMatchObject({ kind: 'gretap', info: { kind: 'gretap', remote: '198.51.100.1', ignoreDf: true } });
    expect(link.address).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    await expect(createGre({ netns: ns.name, name: 'grex', ikey: -1 })).rejects.toMatchObject({ name: 'ValidationError', field: 'ikey' });
  });

  it('the command adds gre devices as ip does and prints what ip prints', () => {
    rtnlOk(['-n', ns.name, 'link', 'add', 'gre11', 'type', 'gre', 'remote', '192.0.2.9', 'ttl', '30', 'ikey', '7', 'iseq', 'ocsum', 'nopmtudisc']);
    expect(ipLink('gre11').linkinfo?.info_data).toMatchObject({ remote: '192.0.2.9', ttl: 30, ikey: '0.0.0.7', iseq: true, ocsum: true, pmtudisc: false });
    ip(['link', 'add', 'gre12', 'type', 'gre', 'external'], ns.name);
    ip(['link', 'add', 'gtap1', 'type', 'gretap', 'remote', '198.51.100.2', 'local', '198.51.100.3', 'key', '1.2.3.4', 'tos', '0x20', 'fwmark', '5'], ns.name);
    expectSameAsIp(ns.name);
    // `key` is both keys, as for ip.
    rtnlOk(['-n', ns.name, 'link', 'add', 'gtap2', 'type', 'gretap', 'remote', '198.51.100.4', 'key', '9']);
    ip(['link', 'add', 'gtap3', 'type', 'gretap', 'remote', '198.51.100.5', 'key', '9'], ns.name);
    expect(ipLink('gtap2').linkinfo?.info_data).toMatchObject({ ikey: '0.0.0.9', okey: '0.0.0.9' });
    const { remote: _a, ...rtnlData } = ipLink('gtap2').linkinfo?.info_data ?? {};
    const { remote: _b, ...ipData } = ipLink('gtap3').linkinfo?.info_data ?? {};
    expect(rtnlData).toEqual(ipData);
  });
});

const iptunLacks = kernelLacks('dummy', 'ipip', 'sit');
describe.skipIf(iptunLacks !== undefined)(`ipip and sit${iptunLacks ? ` — skipped: ${iptunLacks}` : ''}`, () => {
  it('createIpip and createSit (ISATAP; IPv6 in IPv4 by default) as ip shows them', async () => {
    const { link: under } = await createDummy('ipd0', { netns: ns.name });
    const { link } = await createIpip({ netns: ns.name, name: 'ipip10', remote: '192.0.2.5', local: '192.0.2.6', ttl: 40, device: under.index, fwmark: 3 });
    expect(link.info).toMatchObject({ kind: 'ipip', remote: '192.0.2.5', local: '192.0.2.6', ttl: 40, device: under.index, fwmark: 3, proto: 'ipip' }); // the kernel's default inner protocol
    expect(ipLink('ipip10').linkinfo?.info_data).toMatchObject({ remote: '192.0.2.5', local: '192.0.2.6', link: 'ipd0', ttl: 40, fwmark: '0x3' });
    const sit = await createSit({ netns: ns.name, name: 'sit10', local: '203.0.113.2', isatap: true });
    expect(sit.link.info).toMatchObject({ kind: 'sit', isatap: true, local: '203.0.113.2' });
    expect(ipLink('sit10').linkinfo?.info_data).toMatchObject({ isatap: true, local: '203.0.113.2' });
    await expect(createSit({ netns: ns.name, name: 'sitx', proto: 'gre' as never })).rejects.toMatchObject({ name: 'ValidationError', field: 'proto' });
  });

  it('the command adds ipip and sit tunnels as ip does and prints what ip prints', () => {
    rtnlOk(['-n', ns.name, 'link', 'add', 'ipip11', 'type', 'ipip', 'remote', '192.0.2.9', 'mode', 'mplsip', 'nopmtudisc']);
    // A TTL makes the kernel set DF (pmtudisc) whatever was asked: nopmtudisc goes with ttl inherit.
    expect(ipLink('ipip11').linkinfo?.info_data).toMatchObject({ proto: 'mplsip', remote: '192.0.2.9', pmtudisc: false, ttl: 0 });
    ip(['link', 'add', 'sit11', 'type', 'sit', 'remote', '203.0.113.1', 'mode', 'ip6ip', 'ttl', '64'], ns.name);
    ip(['link', 'add', 'sit12', 'type', 'sit', 'local', '203.0.113.3'], ns.name);
    ip(['link', 'set', 'sit12', 'type', 'sit', '6rd-prefix', '2001:db8::/32', '6rd-relay_prefix', '203.0.0.0/8'], ns.name);
    expectSameAsIp(ns.name);
  });
});

const ip6tunLacks = kernelLacks('dummy', 'ipv6', 'ip6tnl', 'ip6gre');
describe.skipIf(ip6tunLacks !== undefined)(`ip6tnl, ip6gre and ip6gretap${ip6tunLacks ? ` — skipped: ${ip6tunLacks}` : ''}`, () => {
  it('createIp6tnl: ip\'s hop and encapsulation limits by default, flow information and flags as ip shows them', async () => {
    const { link: under } = await createDummy('i6u0', { netns: ns.name });
    const { link } = await createIp6tnl({ netns: ns.name, name: 'ip6t10', remote: '2001:db8::1', local: '2001:db8::2', device: under.index, proto: 'ip6ip6', flowinfo: { tclass: 0x20, flowlabel: 0x12345 }, fwmark: 3 });
    expect(link.info).toMatchObject({ kind: 'ip6tnl', remote: '2001:db8::1', local: '2001:db8::2', device: under.index, proto: 'ip6ip6', ttl: 64, encapLimit: 4, flowinfo: { tclass: 0x20, flowlabel: 0x12345 }, fwmark: 3 });
    expect(ipLink('ip6t10').linkinfo?.info_data).toMatchObject({ proto: 'ip6ip6', remote: '2001:db8::1', link: 'i6u0', ttl: 64, encap_limit: 4, tclass: '0x20', flowlabel: '0x12345', fwmark: '0x3' });
    const inherit = await createIp6tnl({ netns: ns.name, name: 'ip6t11', remote: '2001:db8::5', ttl: 0, tunnelFlags: { ignEncapLimit: true, useOrigTclass: true, useOrigFlowlabel: true, rcvDscpCopy: true, allowLocalRemote: true } });
    expect(inherit.link.info).toMatchObject({ ttl: 0, proto: 'any', tunnelFlags: { ignEncapLimit: true, useOrigTclass: true, useOrigFlowlabel: true, rcvDscpCopy: true, allowLocalRemote: true, mip6Dev: false } });
    expect(ipLink('ip6t11').linkinfo?.info_data).toMatchObject({ ip6_tnl_f_ign_encap_limit: true, ip6_tnl_f_use_orig_tclass: true, ip6_tnl_f_use_orig_flowlabel: true, ip6_tnl_f_rcv_dscp_copy: true, ip6_tnl_f_allow_local_remote: true });
    await expect(createIp6tnl({ netns: ns.name, name: 'ip6tx', remote: '192.0.2.1' })).rejects.toMatchObject({ name: 'ValidationError', field: 'remote' });
    await expect(createIp6tnl({ netns: ns.name, name: 'ip6tx', flowinfo: { tclass: 0, flowlabel: 0x100000 } })).rejects.toMatchObject({ name: 'ValidationError', field: 'flowinfo.flowlabel' });
  });

  it('createIp6gre and createIp6gretap: keys, GRE flags and the IPv6 rows as ip shows them', async () => {
    const { link } = await createIp6gre({ netns: ns.name, name: 'ip6g10', remote: '2001:db8::7', local: '2001:db8::8', ikey: 0x01020304, okey: 5, inFlags: { seq: true }, ttl: 9 });
    expect(link.info).toMatchObject({ kind: 'ip6gre', ikey: 0x01020304, okey: 5, inFlags: { key: true, seq: true }, outFlags: { key: true }, ttl: 9, encapLimit: 4 });
    expect(ipLink('ip6g10').linkinfo?.info_data).toMatchObject({ ikey: '1.2.3.4', okey: '0.0.0.5', iseq: true, ttl: 9, encap_limit: 4 });
    const tap = await createIp6gretap({ netns: ns.name, name: 'ip6gt10', remote: '2001:db8::9', tunnelFlags: { useOrigFwmark: true } });
    expect(tap.link.info).toMatchObject({ kind: 'ip6gretap', remote: '2001:db8::9', tunnelFlags: { useOrigFwmark: true } });
    expect(ipLink('ip6gt10').linkinfo?.info_data).toMatchObject({ remote: '2001:db8::9', ip6_tnl_f_use_orig_fwmark: true });
  });

  it('the command adds IPv6 tunnels as ip does and prints what ip prints', () => {
    rtnlOk(['-n', ns.name, 'link', 'add', 'ip6t12', 'type', 'ip6tnl', 'remote', '2001:db8::11', 'mode', 'ipip6', 'hoplimit', '7', 'encaplimit', '2', 'allow-localremote']);
    expect(ipLink('ip6t12').linkinfo?.info_data).toMatchObject({ proto: 'ipip6', remote: '2001:db8::11', ttl: 7, encap_limit: 2, ip6_tnl_f_allow_local_remote: true });
    // ip's two-attribute words: one part of the flow information or one flag changes, the rest stays.
    rtnlOk(['-n', ns.name, 'link', 'set', 'ip6t12', 'type', 'ip6tnl', 'tclass', '28', 'flowlabel', '0x12']);
    expect(ipLink('ip6t12').linkinfo?.info_data).toMatchObject({ tclass: '0x28', flowlabel: '0x00012', encap_limit: 2, ttl: 7, ip6_tnl_f_allow_local_remote: true });
    rtnlOk(['-n', ns.name, 'link', 'set', 'ip6t12', 'type', 'ip6tnl', 'flowlabel', '0x34', 'dscp', 'inherit', 'encaplimit', 'none']);
    expect(ipLink('ip6t12').linkinfo?.info_data).toMatchObject({ tclass: '0x28', flowlabel: '0x00034', ip6_tnl_f_rcv_dscp_copy: true, ip6_tnl_f_ign_encap_limit: true, ip6_tnl_f_allow_local_remote: true });
    // The same words give the same device whether rtnl or ip reads them.
    const words = ['remote', '2001:db8::21', 'tclass', 'inherit', 'flowlabel', '0xabc', 'fwmark', 'inherit', 'hlim', '33', 'noallow-localremote'];
    rtnlOk(['-n', ns.name, 'link', 'add', 'ip6t15', 'type', 'ip6tnl', ...words]);
    ip(['link', 'add', 'ip6t16', 'type', 'ip6tnl', ...words.map((w) => (w === '2001:db8::21' ? '2001:db8::22' : w))], ns.name);
    expect({ ...ipLink('ip6t15').linkinfo?.info_data, remote: 'x' }).toEqual({ ...ipLink('ip6t16').linkinfo?.info_data, remote: 'x' });
    rtnlOk(['-n', ns.name, 'link', 'add', 'ip6g12', 'type', 'ip6gre', 'remote', '2001:db8::12', 'ikey', '9', 'hoplimit', 'inherit']);
    expect(ipLink('ip6g12').linkinfo?.info_data).toMatchObject({ ikey: '0.0.0.9', ttl: 0 });
    ip(['link', 'add', 'ip6t13', 'type', 'ip6tnl', 'remote', '2001:db8::13', 'local', '2001:db8::14', 'encaplimit', 'none', 'tclass', 'inherit', 'flowlabel', '0xabc', 'dscp', 'inherit', 'fwmark', 'inherit', 'mode', 'any'], ns.name);
    ip(['link', 'add', 'ip6g13', 'type', 'ip6gretap', 'remote', '2001:db8::15', 'key', '1.2.3.4', 'iseq', 'ocsum', 'tclass', '0x10', 'fwmark', '6'], ns.name);
    ip(['link', 'add', 'ip6e13', 'type', 'ip6erspan', 'remote', '2001:db8::16', 'local', '2001:db8::17', 'erspan_ver', '2', 'erspan_dir', 'egress', 'erspan_hwid', '7', 'seq', 'key', '10'], ns.name);
    expectSameAsIp(ns.name);
  });
});
