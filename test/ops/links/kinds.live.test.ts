/**
 * The link kinds beyond veth and bridge, against the real kernel: each is
 * created by rtnl and by ip, read back by both, and `rtnl -j -d link show`
 * must equal `ip -j -d link show` field for field. Most of these modules
 * are missing from the development machines' kernel: there each suite
 * skips naming the module; the full-kernel lane (npm run test:kernel)
 * requires them.
 */
import { describe, expect, it } from 'vitest';
import { createDummy, createLink, createVlan, deleteLink, getLink } from '../../../src/ops/links/index.js';
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
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
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
