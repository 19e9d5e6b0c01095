/**
 * A topology of the kinds container networking uses beyond veth and
 * bridges — dummy, vlan, macvlan (born in another namespace on a lower
 * device here, as the CNI macvlan plugin makes it), ipvlan, a VRF with its
 * port and a route in its table, a bond with two ports — applied, checked
 * with `ip -j -d`, planned again (empty), broken half-way and reverted, and
 * destroyed. The host kernel here lacks these modules; the full-kernel lane
 * runs this file, where it may not skip.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { topology } from '../../src/index.js';
import { kernelLacks } from '../helpers/kernel.js';
import { ip, ipJson, uniqueName, useNetns } from '../helpers/live.js';

const lacks = kernelLacks('dummy', 'vlan', 'macvlan', 'ipvlan', 'vrf', 'bond');
const BASE = useNetns('rtnltk');
const NS_C = uniqueName('rtk');
const journalDir = mkdtempSync(join(tmpdir(), 'rtnl-topo-kinds-'));

interface IpLink {
  ifname: string;
  flags: string[];
  master?: string;
  link?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown>; info_slave_kind?: string };
}

/**
 * The base namespace's links, without the fallback devices (gre0, sit0 …)
 * a tunnel module makes in every namespace when it loads — which another
 * test file may make happen at any moment.
 */
const FALLBACK = /^(gre0|gretap0|erspan0|ip_vti0|ip6_vti0|sit0|ip6tnl0|ip6gre0|tunl0)$/;
const names = (): string[] => ipJson<IpLink[]>(['link', 'show'], BASE.name).map((l) => l.ifname).filter((n) => !FALLBACK.test(n));

const doc = (): topology.Topology => ({
  namespaces: [NS_C],
  links: [
    { name: 'parent0', kind: 'dummy' },
    { name: 'parent0.10', kind: 'vlan', link: 'parent0', options: { id: 10 }, addresses: ['10.80.10.1/24'] },
    { name: 'eth0', kind: 'macvlan', netns: NS_C, link: { name: 'parent0' }, options: { mode: 'bridge' }, addresses: ['10.80.0.5/24'] },
    // Its own lower device: a device has one rx handler, which macvlan already took on parent0 (EBUSY).
    { name: 'parent1', kind: 'dummy' },
    { name: 'ipv0', kind: 'ipvlan', link: 'parent1', options: { mode: 'l2' } },
    { name: 'vrf-blue', kind: 'vrf', options: { table: 1010 } },
    { name: 'blue0', kind: 'dummy', master: 'vrf-blue', addresses: ['10.81.0.1/24'] },
    { name: 'bond0', kind: 'bond', options: { mode: 'active-backup' } },
    { name: 'p1', kind: 'dummy', master: 'bond0' },
    { name: 'p2', kind: 'dummy', master: 'bond0' },
  ],
  routes: [
    { dst: '10.99.0.0/16', gateway: '10.81.0.254', table: 1010 },
    { netns: NS_C, dst: 'default', gateway: '10.80.0.1' },
  ],
});

afterAll(async () => {
  if (!lacks) await topology.destroy(doc(), { netns: BASE.name }).catch(() => undefined);
  rmSync(journalDir, { recursive: true, force: true });
});

describe.skipIf(lacks !== undefined)(`topology of dummy, vlan, macvlan, ipvlan, vrf and bond links${lacks ? ` — skipped: ${lacks}` : ''}`, () => {
  it('applies, reads back as described, plans nothing more, and destroys', async () => {
    try {
      await appliedAndBack();
    } finally {
      // The next test starts from an empty base namespace, also when this one failed.
      await topology.destroy(doc(), { netns: BASE.name }).catch(() => undefined);
    }
  });

  async function appliedAndBack(): Promise<void> {
    const before = names();
    const { changes } = await topology.apply(doc(), { netns: BASE.name, journalDir });
    expect(changes.length).toBeGreaterThan(15);
    const base = new Map(ipJson<IpLink[]>(['-d', 'link', 'show'], BASE.name).map((l) => [l.ifname, l]));
    expect(base.get('parent0.10')?.linkinfo).toMatchObject({ info_kind: 'vlan', info_data: { id: 10 } });
    expect(base.get('parent0.10')?.link).toBe('parent0');
    expect(base.get('ipv0')?.linkinfo).toMatchObject({ info_kind: 'ipvlan', info_data: { mode: 'l2' } });
    expect(base.get('vrf-blue')?.linkinfo).toMatchObject({ info_kind: 'vrf', info_data: { table: 1010 } });
    expect([base.get('blue0')?.master, base.get('p1')?.master, base.get('p2')?.master]).toEqual(['vrf-blue', 'bond0', 'bond0']);
    expect(base.get('bond0')?.linkinfo).toMatchObject({ info_kind: 'bond', info_data: { mode: 'active-backup' } });
    for (const name of ['parent0', 'parent1', 'parent0.10', 'ipv0', 'vrf-blue', 'blue0', 'bond0', 'p1', 'p2']) expect(base.get(name)?.flags, name).toContain('UP');
    const [mv] = ipJson<IpLink[]>(['-d', 'link', 'show', 'eth0'], NS_C);
    expect(mv?.linkinfo).toMatchObject({ info_kind: 'macvlan', info_data: { mode: 'bridge' } });
    expect(ipJson<{ dst: string; gateway: string }[]>(['route', 'show', 'table', '1010'], BASE.name)).toContainEqual(expect.objectContaining({ dst: '10.99.0.0/16', gateway: '10.81.0.254' }));
    expect(ipJson<{ gateway: string }[]>(['route', 'show', 'default'], NS_C)[0]?.gateway).toBe('10.80.0.1');

    expect(await topology.plan(doc(), { netns: BASE.name })).toEqual([]);
    // A changed option of an existing link is one set, with the old value to revert to; applied, it reads back as asked.
    const changed = doc();
    changed.links![1] = { ...changed.links![1]!, options: { id: 10, flags: { reorderHdr: false } } };
    const planned = await topology.plan(changed, { netns: BASE.name });
    expect(planned).toMatchObject([{ action: 'set', object: 'link', name: 'parent0.10', to: { info: { kind: 'vlan', flags: { reorderHdr: false } } }, from: { info: { kind: 'vlan', flags: { reorderHdr: true } } } }]);
    await topology.apply(changed, { netns: BASE.name, journalDir });
    expect(ipJson<IpLink[]>(['-d', 'link', 'show', 'parent0.10'], BASE.name)[0]?.linkinfo?.info_data?.flags ?? []).not.toContain('REORDER_HDR');
    expect(await topology.plan(changed, { netns: BASE.name })).toEqual([]);

    await topology.destroy(doc(), { netns: BASE.name });
    expect(names()).toEqual(before);
    expect(ip(['netns', 'list'])).not.toContain(NS_C);
  }

  it('reverts everything when the kernel refuses the last change', async () => {
    const before = names();
    const broken = doc();
    // A second vlan 10 on parent0: vlan_check_real_dev refuses an id its lower device already has (EEXIST).
    broken.links!.push({ name: 'dup.10', kind: 'vlan', link: 'parent0', options: { id: 10 } });
    const e = await topology.apply(broken, { netns: BASE.name, journalDir }).then(
      () => undefined,
      (x: unknown) => x as { name: string; cause: { code: string }; revertErrors: unknown[] },
    );
    expect(e).toMatchObject({ name: 'TopologyError', revertErrors: [] });
    expect(e?.cause.code).toBe('EEXIST');
    expect(names()).toEqual(before);
    expect(ip(['netns', 'list'])).not.toContain(NS_C);
  });
});
