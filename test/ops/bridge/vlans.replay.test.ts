/**
 * Bridge VLAN filtering and the VLAN database, replayed from
 * fixtures/bridge-vlans/*.rtnl (recorded on Debian's 6.1 in the
 * full-kernel lane: the development machines' kernel has no
 * CONFIG_BRIDGE_VLAN_FILTERING). Record with
 *   npm run kernel -- node scripts/record-fixtures.mjs test/ops/bridge/vlans.replay.test.ts
 */
import { describe, expect } from 'vitest';
import {
  addBridgeVlan,
  deleteBridgeVlan,
  listBridgeVlanEntries,
  listBridgeVlanGlobalOptions,
  listBridgeVlans,
  setBridgeVlanGlobalOptions,
  setBridgeVlanOptions,
} from '../../../src/index.js';
import { withFixture } from '../../../src/testing/index.js';
import { ip } from '../../helpers/live.js';
import { fixturePath, itFixture, mode } from '../../helpers/fixtures.js';

const setupBridge = (a: string) => {
  ip(['link', 'add', 'br0', 'type', 'bridge', 'vlan_filtering', '1'], a);
  ip(['link', 'add', 'p0', 'master', 'br0', 'type', 'veth', 'peer', 'name', 'p1'], a);
};

describe(`bridge VLANs (${mode})`, () => {
  itFixture('adds VLANs to a port and to the bridge, lists them, deletes one', () =>
    withFixture(
      fixturePath('bridge-vlans/add-list-delete'),
      async (fx) => {
        const a = fx.netns('a');
        await fx.setup(() => setupBridge(a));
        await addBridgeVlan('p0', [{ vid: 10, pvid: true, untagged: true }, { vid: 20, vidEnd: 22 }], { netns: a });
        await addBridgeVlan('br0', { vid: 20 }, { netns: a });
        await deleteBridgeVlan('p0', { vid: 1 }, { netns: a });
        const ports = await listBridgeVlans({ netns: a });
        expect(ports.find((p) => p.name === 'p0')?.vlans).toEqual([
          { vid: 10, pvid: true, untagged: true },
          { vid: 20, pvid: false, untagged: false },
          { vid: 21, pvid: false, untagged: false },
          { vid: 22, pvid: false, untagged: false },
        ]);
        expect(ports.find((p) => p.name === 'br0')).toMatchObject({ self: true, vlans: [{ vid: 1, pvid: true, untagged: true }, { vid: 20, pvid: false, untagged: false }] });
      },
      { operation: "addBridgeVlan('p0', 10 pvid untagged, 20-22), addBridgeVlan('br0', 20), deleteBridgeVlan('p0', 1), listBridgeVlans()" },
    ),
  );

  itFixture('reads the VLAN database, changes per-VLAN state and global options, and reports a missing VLAN with the kernel’s reason', () =>
    withFixture(
      fixturePath('bridge-vlans/database-options'),
      async (fx) => {
        const a = fx.netns('a');
        await fx.setup(() => setupBridge(a));
        await addBridgeVlan('p0', { vid: 20, vidEnd: 23 }, { netns: a });
        await setBridgeVlanOptions('p0', { vid: 21, state: 'blocking' }, { netns: a });
        const entries = (await listBridgeVlanEntries({ netns: a, link: 'p0' }))[0]?.entries;
        expect(entries).toEqual([
          { vid: 1, pvid: true, untagged: true, state: 'forwarding', mcastRouter: 1 },
          { vid: 20, pvid: false, untagged: false, state: 'forwarding', mcastRouter: 1 },
          { vid: 21, pvid: false, untagged: false, state: 'blocking', mcastRouter: 1 },
          { vid: 22, vidEnd: 23, pvid: false, untagged: false, state: 'forwarding', mcastRouter: 1 },
        ]);
        await setBridgeVlanGlobalOptions('br0', { vid: 1, mcastQueryInterval: 30, mcastIgmpVersion: 3 }, { netns: a });
        const g = (await listBridgeVlanGlobalOptions({ netns: a, bridge: 'br0' }))[0];
        expect(g?.vlans[0]).toMatchObject({ vid: 1, mcastSnooping: true, mcastQueryInterval: 30, mcastIgmpVersion: 3 });
        await expect(setBridgeVlanOptions('p0', { vid: 99, state: 'blocking' }, { netns: a })).rejects.toMatchObject({ code: expect.any(String), extack: { message: expect.any(String) } });
      },
      { operation: "setBridgeVlanOptions('p0', { vid: 21, state: 'blocking' }), listBridgeVlanEntries, setBridgeVlanGlobalOptions('br0', vid 1 …), a missing VLAN" },
    ),
  );
});
