/**
 * The bridge VLAN database (RTM_*VLAN) against the real kernel: per-port
 * VLAN entries with their options, per-VLAN STP state and multicast
 * router, the bridges' global per-VLAN options — each checked against
 * `bridge -j -d vlan show` and `bridge -j vlan global show` (the oracle),
 * and the command's output against bridge's, text and JSON. The
 * development machines' kernel has no CONFIG_BRIDGE_VLAN_FILTERING: there
 * the suite skips naming it; the full-kernel lane requires it.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  addBridgeVlan,
  createBridge,
  createVethPair,
  listBridgeVlanEntries,
  listBridgeVlanGlobalOptions,
  setBridgeVlanGlobalOptions,
  setBridgeVlanOptions,
} from '../../../src/index.js';
import { NetlinkError, ValidationError } from '../../../src/netlink/errors.js';
import { rtnlOk, useCli } from '../../cli/_cli.js';
import { kernelLacks } from '../../helpers/kernel.js';
import { ip, useNetns } from '../../helpers/live.js';

const ns = useNetns('rtnlvdb');
useCli();
const lacks = kernelLacks('bridge-vlan-filtering');

type Json = { ifname: string; vlans: Record<string, unknown>[] }[];
const bridge = (args: string[]): string => execFileSync('bridge', ['-n', ns.name, ...args], { encoding: 'utf8' });
const bridgeJson = (args: string[]): Json => {
  const out = bridge(['-j', ...args]).trim();
  return out ? (JSON.parse(out) as Json) : [];
};
/** Our entries in bridge's JSON vocabulary, to compare with the oracle. */
const asBridge = async (): Promise<Json> =>
  (await listBridgeVlanEntries({ netns: ns.name })).map((p) => ({
    ifname: p.name as string,
    vlans: p.entries.map((e) => ({
      vlan: e.vid,
      ...(e.vidEnd === undefined ? {} : { vlanEnd: e.vidEnd }),
      ...(e.pvid || e.untagged ? { flags: [...(e.pvid ? ['PVID'] : []), ...(e.untagged ? ['Egress Untagged'] : [])] } : {}),
      state: e.state,
      ...(e.mcastRouter === undefined ? {} : { mcast_router: e.mcastRouter }),
    })),
  }));

describe.skipIf(lacks !== undefined)(`bridge VLAN database${lacks ? ` — skipped: ${lacks}` : ''}`, () => {
  it('lists runs of VLANs with their options, as bridge -j -d vlan show', async () => {
    await createBridge('dbr', { netns: ns.name, vlanFiltering: true, up: true });
    await createVethPair({ netns: ns.name, name: 'dp0', peer: { name: 'dp1' }, master: 'dbr' });
    await addBridgeVlan('dp0', [{ vid: 10, pvid: true, untagged: true }, { vid: 20, vidEnd: 23 }], { netns: ns.name });
    const dp0 = (await listBridgeVlanEntries({ netns: ns.name, link: 'dp0' }))[0];
    expect(dp0?.name).toBe('dp0');
    // VLAN 1 lost its PVID to 10; 20–23 share flags and options: one run.
    expect(dp0?.entries).toEqual([
      { vid: 1, pvid: false, untagged: true, state: 'forwarding', mcastRouter: 1 },
      { vid: 10, pvid: true, untagged: true, state: 'forwarding', mcastRouter: 1 },
      { vid: 20, vidEnd: 23, pvid: false, untagged: false, state: 'forwarding', mcastRouter: 1 },
    ]);
    expect(await asBridge()).toEqual(bridgeJson(['-d', 'vlan', 'show']));
    const withStats = await listBridgeVlanEntries({ netns: ns.name, link: 'dp0', stats: true });
    expect(withStats[0]?.entries[0]?.stats).toEqual({ rxBytes: expect.any(BigInt), rxPackets: expect.any(BigInt), txBytes: expect.any(BigInt), txPackets: expect.any(BigInt) });
  });

  it('setBridgeVlanOptions changes per-VLAN state and multicast router; the run splits as the kernel reports it', async () => {
    await setBridgeVlanOptions('dp0', { vid: 21, state: 'blocking' }, { netns: ns.name });
    // Per-VLAN multicast router needs the bridge's per-VLAN multicast snooping (ip as the tool that turns it on).
    ip(['link', 'set', 'dbr', 'type', 'bridge', 'mcast_vlan_snooping', '1'], ns.name);
    await setBridgeVlanOptions('dp0', { vid: 10, mcastRouter: 2 }, { netns: ns.name });
    const e = (await listBridgeVlanEntries({ netns: ns.name, link: 'dp0' }))[0]?.entries ?? [];
    expect(e.find((x) => x.vid === 21)).toMatchObject({ state: 'blocking' });
    expect(e.find((x) => x.vid === 20)).toMatchObject({ state: 'forwarding' });
    expect(e.find((x) => x.vid === 10)).toMatchObject({ mcastRouter: 2 });
    expect(await asBridge()).toEqual(bridgeJson(['-d', 'vlan', 'show']));
  });

  it('reads and changes a bridge’s global per-VLAN options, as bridge vlan global show|set', async () => {
    await addBridgeVlan('dbr', { vid: 10 }, { netns: ns.name });
    await setBridgeVlanGlobalOptions('dbr', { vid: 10, mcastQueryInterval: 30, mcastIgmpVersion: 3, mcastLastMemberCount: 4 }, { netns: ns.name });
    const g = (await listBridgeVlanGlobalOptions({ netns: ns.name, bridge: 'dbr' }))[0];
    expect(g?.name).toBe('dbr');
    const v10 = g?.vlans.find((v) => v.vid === 10);
    expect(v10).toMatchObject({ mcastSnooping: true, mcastQueryInterval: 30, mcastIgmpVersion: 3, mcastLastMemberCount: 4 });
    const oracle = bridgeJson(['vlan', 'global', 'show', 'dev', 'dbr'])[0]?.vlans.find((v) => v['vlan'] === 10);
    expect(oracle).toMatchObject({ mcast_query_interval: 3000, mcast_igmp_version: 3, mcast_last_member_count: 4 });
    expect(v10?.mcastMembershipInterval).toBe(Number(oracle?.['mcast_membership_interval']) / 100);
  });

  it('the kernel’s refusals come with its reasons; bad input is refused before any request', async () => {
    const missing = await setBridgeVlanOptions('dp0', { vid: 99, state: 'blocking' }, { netns: ns.name }).catch((x: unknown) => x);
    expect(missing).toBeInstanceOf(NetlinkError);
    expect((missing as NetlinkError).extack?.message ?? '').not.toBe('');
    for (const [spec, field] of [
      [{ vid: 0, state: 'blocking' }, 'vid'],
      [{ vid: 10, vidEnd: 5, state: 'blocking' }, 'vidEnd'],
      [{ vid: 10, state: 'asleep' }, 'state'],
      [{ vid: 10 }, 'options'],
      [{ vid: 10, colour: 'red' }, 'colour'],
    ] as const) {
      const e = await setBridgeVlanOptions('dp0', spec as never, { netns: ns.name }).catch((x: unknown) => x);
      expect(e, JSON.stringify(spec)).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe(field);
    }
    await expect(setBridgeVlanGlobalOptions('dbr', { vid: 10, mcastIgmpVersion: 300 }, { netns: ns.name })).rejects.toBeInstanceOf(ValidationError);
  });

  it('the command prints what bridge prints, text and JSON: -d vlan show, vlan global show; vlan set / global set act as bridge’s', () => {
    const n = ['-n', ns.name];
    expect(JSON.parse(rtnlOk([...n, '-j', '-d', 'bridge', 'vlan', 'show']))).toEqual(bridgeJson(['-d', 'vlan', 'show']));
    expect(rtnlOk([...n, '-d', 'bridge', 'vlan', 'show'])).toBe(bridge(['-d', 'vlan', 'show']));
    expect(JSON.parse(rtnlOk([...n, '-j', 'bridge', 'vlan', 'global', 'show']))).toEqual(bridgeJson(['vlan', 'global', 'show']));
    expect(rtnlOk([...n, 'bridge', 'vlan', 'global', 'show', 'dev', 'dbr'])).toBe(bridge(['vlan', 'global', 'show', 'dev', 'dbr']));
    rtnlOk([...n, 'bridge', 'vlan', 'set', 'dev', 'dp0', 'vid', '22-23', 'state', 'learning']);
    rtnlOk([...n, 'bridge', 'vlan', 'global', 'set', 'dev', 'dbr', 'vid', '10', 'mcast_query_response_interval', '500']);
    const port = bridgeJson(['-d', 'vlan', 'show', 'dev', 'dp0'])[0]?.vlans ?? [];
    expect(port.find((v) => v['vlan'] === 22)).toMatchObject({ vlanEnd: 23, state: 'learning' });
    expect(bridgeJson(['vlan', 'global', 'show', 'dev', 'dbr'])[0]?.vlans.find((v) => v['vlan'] === 10)).toMatchObject({ mcast_query_response_interval: 500 });
  });
});
