/**
 * Bridge VLAN filtering against the real kernel: VLANs added to ports and
 * to the bridge itself, ranges, PVID and untagged flags, deletion, and
 * VLAN-to-VNI mappings on a vxlan port, each checked against `bridge -j
 * vlan show` (the oracle). The development machines' kernel has no
 * CONFIG_BRIDGE_VLAN_FILTERING: there the suite skips naming it; the
 * full-kernel lane requires it.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { addBridgeVlan, addBridgeVlanTunnel, deleteBridgeVlan, deleteBridgeVlanTunnel, listBridgeVlans } from '../../../src/ops/bridge/vlans.js';
import { createBridge, createVethPair, setLink } from '../../../src/ops/links/index.js';
import { rtnl, rtnlOk, useCli } from '../../cli/_cli.js';
import { kernelLacks } from '../../helpers/kernel.js';
import { ip, useNetns } from '../../helpers/live.js';

const ns = useNetns('rtnlbrvlan');
useCli();
const lacks = kernelLacks('bridge-vlan-filtering', 'vxlan');

interface BridgeVlanJson {
  ifname: string;
  vlans?: { vlan: number; vlanEnd?: number; flags?: string[] }[];
  tunnels?: { vlan: number; vlanEnd?: number; tunid: number; tunidEnd?: number }[];
}
const bridgeJson = (args: string[]): BridgeVlanJson[] => {
  const out = execFileSync('bridge', ['-n', ns.name, '-j', ...args], { encoding: 'utf8' }).trim();
  return out ? (JSON.parse(out) as BridgeVlanJson[]) : [];
};
/** `bridge -j vlan show`, one entry per VLAN as { vid, pvid, untagged }, by port name. */
function oracle(): Record<string, { vid: number; pvid: boolean; untagged: boolean }[]> {
  const out: Record<string, { vid: number; pvid: boolean; untagged: boolean }[]> = {};
  for (const p of bridgeJson(['vlan', 'show'])) {
    out[p.ifname] = (p.vlans ?? []).flatMap((v) => {
      const flags = v.flags ?? [];
      const ids = Array.from({ length: (v.vlanEnd ?? v.vlan) - v.vlan + 1 }, (_, i) => v.vlan + i);
      return ids.map((vid) => ({ vid, pvid: flags.includes('PVID'), untagged: flags.includes('Egress Untagged') }));
    });
  }
  return out;
}
const ours = async () => Object.fromEntries((await listBridgeVlans({ netns: ns.name })).map((p) => [p.name, p.vlans]));

describe.skipIf(lacks !== undefined)(`bridge VLAN filtering${lacks ? ` — skipped: ${lacks}` : ''}`, () => {
  it('a filtering bridge and its ports start with the default VLAN 1 (PVID, untagged), as bridge vlan show says', async () => {
    await createBridge('vbr', { netns: ns.name, vlanFiltering: true, up: true });
    await createVethPair({ netns: ns.name, name: 'vp0', peer: { name: 'vp1' }, master: 'vbr' });
    const listed = await listBridgeVlans({ netns: ns.name });
    expect(listed.find((p) => p.name === 'vbr')).toMatchObject({ self: true, vlans: [{ vid: 1, pvid: true, untagged: true }] });
    expect(listed.find((p) => p.name === 'vp0')).toMatchObject({ self: false, vlans: [{ vid: 1, pvid: true, untagged: true }] });
    expect(await ours()).toEqual(oracle());
  });

  it('adds VLANs, ranges, PVID and untagged to a port and to the bridge itself; deletes them', async () => {
    await addBridgeVlan('vp0', [{ vid: 10, pvid: true, untagged: true }, { vid: 20, vidEnd: 23 }], { netns: ns.name });
    await addBridgeVlan('vbr', { vid: 20 }, { netns: ns.name });
    const vp0 = (await listBridgeVlans({ netns: ns.name, link: 'vp0' }))[0];
    expect(vp0?.vlans).toEqual([
      { vid: 1, pvid: false, untagged: true },
      { vid: 10, pvid: true, untagged: true },
      { vid: 20, pvid: false, untagged: false },
      { vid: 21, pvid: false, untagged: false },
      { vid: 22, pvid: false, untagged: false },
      { vid: 23, pvid: false, untagged: false },
    ]);
    expect(await ours()).toEqual(oracle());
    await deleteBridgeVlan('vp0', [{ vid: 21, vidEnd: 22 }, { vid: 1 }], { netns: ns.name });
    expect((await listBridgeVlans({ netns: ns.name, link: 'vp0' }))[0]?.vlans.map((v) => v.vid)).toEqual([10, 20, 23]);
    expect(await ours()).toEqual(oracle());
  });

  it('refuses bad VLAN ids and a PVID range before any system call; a link that is no port is EOPNOTSUPP with the reason', async () => {
    await expect(addBridgeVlan('vp0', { vid: 0 }, { netns: ns.name })).rejects.toMatchObject({ name: 'ValidationError', field: 'vid' });
    await expect(addBridgeVlan('vp0', { vid: 5, vidEnd: 4 }, { netns: ns.name })).rejects.toMatchObject({ name: 'ValidationError', field: 'vidEnd' });
    await expect(addBridgeVlan('vp0', { vid: 5, vidEnd: 9, pvid: true }, { netns: ns.name })).rejects.toMatchObject({ name: 'ValidationError', field: 'pvid' });
    await expect(addBridgeVlan('vp0', [], { netns: ns.name })).rejects.toMatchObject({ name: 'ValidationError', field: 'vlans' });
    const err = await addBridgeVlan('lo', { vid: 5 }, { netns: ns.name }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'NetlinkError', code: 'EOPNOTSUPP', message: expect.stringContaining('lo is neither a bridge nor a bridge port') });
    await expect(addBridgeVlan('nosuch0', { vid: 5 }, { netns: ns.name })).rejects.toMatchObject({ code: 'ENODEV', attrPath: 'link' });
  });

  it('maps VLANs to VNIs on an external vxlan port with vlan_tunnel on, as bridge -j vlan tunnelshow says', async () => {
    ip(['link', 'add', 'vx0', 'type', 'vxlan', 'dstport', '4789', 'external', 'nolearning'], ns.name);
    await setLink('vx0', { netns: ns.name, master: 'vbr' });
    await setLink('vx0', { netns: ns.name, bridgePort: { vlanTunnel: true } });
    await addBridgeVlan('vx0', [{ vid: 100 }, { vid: 200, vidEnd: 202 }], { netns: ns.name });
    await addBridgeVlanTunnel('vx0', { vid: 100, tunnelId: 5100 }, { netns: ns.name });
    await addBridgeVlanTunnel('vx0', { vid: 200, vidEnd: 202, tunnelId: 7200 }, { netns: ns.name });
    const vx = (await listBridgeVlans({ netns: ns.name, link: 'vx0' }))[0];
    expect(vx?.tunnels).toEqual([
      { vid: 100, tunnelId: 5100 },
      { vid: 200, tunnelId: 7200 },
      { vid: 201, tunnelId: 7201 },
      { vid: 202, tunnelId: 7202 },
    ]);
    const theirs = bridgeJson(['vlan', 'tunnelshow']).find((p) => p.ifname === 'vx0')?.tunnels ?? [];
    const expanded = theirs.flatMap((t) => Array.from({ length: (t.vlanEnd ?? t.vlan) - t.vlan + 1 }, (_, i) => ({ vid: t.vlan + i, tunnelId: t.tunid + i })));
    expect(vx?.tunnels).toEqual(expanded);
    await deleteBridgeVlanTunnel('vx0', { vid: 100, tunnelId: 5100 }, { netns: ns.name });
    expect((await listBridgeVlans({ netns: ns.name, link: 'vx0' }))[0]?.tunnels.map((t) => t.vid)).toEqual([200, 201, 202]);
  });

  it('the command: rtnl bridge vlan add/del/show/tunnelshow print what bridge prints, text and JSON, per VLAN and with -compressvlans per range', () => {
    const bridgeOut = (args: string[]) => execFileSync('bridge', ['-n', ns.name, ...args], { encoding: 'utf8' });
    rtnlOk(['-n', ns.name, 'bridge', 'vlan', 'add', 'vid', '30-33', 'dev', 'vp0']);
    rtnlOk(['-n', ns.name, 'bridge', 'vlan', 'add', 'vid', '40', 'dev', 'vp0', 'pvid', 'untagged']);
    rtnlOk(['-n', ns.name, 'bridge', 'vlan', 'add', 'vid', '300', 'dev', 'vx0']);
    rtnlOk(['-n', ns.name, 'bridge', 'vlan', 'add', 'vid', '300', 'dev', 'vx0', 'tunnel_info', 'id', '9300']);
    rtnlOk(['-n', ns.name, 'bridge', 'vlan', 'del', 'vid', '31', 'dev', 'vp0']);
    for (const global of [[], ['-compressvlans']]) {
      for (const show of [['vlan', 'show'], ['vlan', 'tunnelshow'], ['vlan', 'show', 'dev', 'vp0'], ['vlan', 'show', 'vid', '32']]) {
        expect(rtnlOk(['-n', ns.name, ...global, 'bridge', ...show]), `bridge ${[...global, ...show].join(' ')}`).toBe(bridgeOut([...global, ...show]));
        expect(JSON.parse(rtnlOk(['-n', ns.name, '-j', ...global, 'bridge', ...show]))).toEqual(JSON.parse(bridgeOut(['-j', ...global, ...show])));
      }
    }
    const bad = rtnl(['-n', ns.name, 'bridge', 'vlan', 'add', 'vid', '0', 'dev', 'vp0']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/vid/);
  });
});
