/**
 * The link operations (createVethPair, createBridge, getLink, listLinks,
 * setLink, deleteLink, deleteLinks), replayed from fixtures/links/*.rtnl.
 * Record them with RTNL_RECORD=1 as root.
 */
import { describe, expect } from 'vitest';
import { createBridge, createVethPair, deleteLink, deleteLinks, getLink, listLinks, setLink } from '../../../src/ops/links/index.js';
import { withFixture } from '../../../src/testing/index.js';
import { ip } from '../../helpers/live.js';
import { fixturePath, itFixture, mode } from '../../helpers/fixtures.js';

const LA_MAC = /^[0-9a-f][26ae](:[0-9a-f]{2}){5}$/;

describe(`links (${mode})`, () => {
  itFixture('creates a veth pair with the peer inside another namespace, enslaved and up', () =>
    withFixture(
      fixturePath('links/veth-peer-in-other-netns'),
      async (fx) => {
        const a = fx.netns('a');
        const b = fx.netns('b');
        await fx.setup(() => ip(['link', 'add', 'br0', 'type', 'bridge'], a));
        const { link, peer } = await createVethPair({ netns: a, name: 'veth0', peer: { name: 'eth0', netns: b, up: true, mtu: 1400 }, master: 'br0', up: true, mtu: 1400 });
        expect(link).toMatchObject({ name: 'veth0', kind: 'veth', mtu: 1400, up: true, slaveKind: 'bridge' });
        expect(peer).toMatchObject({ name: 'eth0', kind: 'veth', mtu: 1400, up: true });
        expect(link.master).toBe((await getLink('br0', { netns: a })).index);
        // Each end names the other by ifindex, in the other namespace (a namespace id).
        expect(link.info).toMatchObject({ kind: 'veth', peerIndex: peer.index });
        expect(typeof (link.info as { peerNetnsId?: number }).peerNetnsId).toBe('number');
        expect(link.address).toMatch(LA_MAC);
        const inB = await listLinks({ netns: b });
        expect(inB.map((l) => l.name).sort()).toEqual(['eth0', 'lo']);
      },
      { operation: "createVethPair({ name: 'veth0', peer: { name: 'eth0', netns: b, up: true, mtu: 1400 }, master: 'br0', up: true, mtu: 1400 }) in a" },
    ),
  );

  itFixture('creates a bridge with options', () =>
    withFixture(
      fixturePath('links/bridge-with-options'),
      async (fx) => {
        const a = fx.netns('a');
        const br = await createBridge('br1', { netns: a, stp: true, forwardDelay: 4, helloTime: 1, ageingTime: 120, priority: 4096, multicastSnooping: false, mtu: 1450, up: true, group: 5 });
        expect(br).toMatchObject({ name: 'br1', kind: 'bridge', mtu: 1450, up: true, group: 5 });
        expect(br.info).toMatchObject({ kind: 'bridge', stp: true, forwardDelay: 4, helloTime: 1, ageingTime: 120, priority: 4096, multicastSnooping: false });
      },
      { operation: "createBridge('br1', { stp, forwardDelay: 4, helloTime: 1, ageingTime: 120, priority: 4096, multicastSnooping: false, mtu: 1450, up, group: 5 })" },
    ),
  );

  itFixture('gets a link by name and lists links by kind', () =>
    withFixture(
      fixturePath('links/get-and-list-by-kind'),
      async (fx) => {
        const a = fx.netns('a');
        await fx.setup(() => {
          ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], a);
          ip(['link', 'add', 'br0', 'type', 'bridge'], a);
        });
        const v0 = await getLink('v0', { netns: a });
        expect(v0).toMatchObject({ name: 'v0', kind: 'veth', up: false, operState: 'DOWN' });
        const veths = await listLinks({ netns: a, kind: 'veth' });
        expect(veths.map((l) => l.name).sort()).toEqual(['v0', 'v1']);
        expect((await getLink(v0.index, { netns: a })).name).toBe('v0');
      },
      { operation: "getLink('v0'), listLinks({ kind: 'veth' }), getLink(index)" },
    ),
  );

  itFixture('changes name, mtu, alias, address and up state in one setLink', () =>
    withFixture(
      fixturePath('links/set-name-mtu-alias-address-up'),
      async (fx) => {
        const a = fx.netns('a');
        await fx.setup(() => ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], a));
        const l = await setLink('v0', { netns: a, name: 'uplink', mtu: 9000, alias: 'to the core', address: '02:00:00:00:10:01', up: true });
        expect(l).toMatchObject({ name: 'uplink', mtu: 9000, alias: 'to the core', address: '02:00:00:00:10:01', up: true });
      },
      { operation: "setLink('v0', { name: 'uplink', mtu: 9000, alias, address, up: true })" },
    ),
  );

  itFixture('enslaves a link with bridge-port options, then releases it', () =>
    withFixture(
      fixturePath('links/set-master-and-port-options'),
      async (fx) => {
        const a = fx.netns('a');
        await fx.setup(() => {
          ip(['link', 'add', 'br0', 'type', 'bridge'], a);
          ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], a);
        });
        const port = await setLink('v0', { netns: a, master: 'br0', bridgePort: { cost: 42, learning: false } });
        expect(port.slaveKind).toBe('bridge');
        expect(port.portInfo).toMatchObject({ cost: 42, learning: false });
        const free = await setLink('v0', { netns: a, master: null });
        expect(free.master).toBeUndefined();
        expect(free.slaveKind).toBeUndefined();
      },
      { operation: "setLink('v0', { master: 'br0', bridgePort: { cost: 42, learning: false } }) then setLink('v0', { master: null })" },
    ),
  );

  itFixture("changes a bridge's own settings through info, and puts them back when the same call fails", () =>
    withFixture(
      fixturePath('links/set-kind-info-and-rollback'),
      async (fx) => {
        const a = fx.netns('a');
        await fx.setup(() => {
          ip(['link', 'add', 'br0', 'type', 'bridge', 'forward_delay', '400'], a);
          ip(['link', 'add', 'br1', 'type', 'bridge'], a);
        });
        const l = await setLink('br0', { netns: a, info: { kind: 'bridge', forwardDelay: 7, stp: true } });
        expect(l.info).toMatchObject({ kind: 'bridge', forwardDelay: 7, stp: true });
        await expect(setLink('br0', { netns: a, name: 'br1', info: { kind: 'bridge', forwardDelay: 9 } })).rejects.toMatchObject({ code: 'EEXIST' });
        expect((await getLink('br0', { netns: a })).info).toMatchObject({ forwardDelay: 7 });
      },
      { operation: "setLink('br0', { info: { kind: 'bridge', forwardDelay: 7, stp: true } }), then with name: 'br1' (EEXIST, rolled back)" },
    ),
  );

  itFixture('moves a link into another namespace', () =>
    withFixture(
      fixturePath('links/move-to-netns'),
      async (fx) => {
        const a = fx.netns('a');
        const b = fx.netns('b');
        await fx.setup(() => ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], a));
        await setLink('v0', { netns: a, moveToNetns: b });
        expect((await listLinks({ netns: a })).map((l) => l.name).sort()).toEqual(['lo', 'v1']);
        expect((await getLink('v0', { netns: b })).kind).toBe('veth');
      },
      { operation: "setLink('v0', { moveToNetns: b }) from a" },
    ),
  );

  itFixture('deletes one link, and a whole group with one request', () =>
    withFixture(
      fixturePath('links/delete-and-delete-group'),
      async (fx) => {
        const a = fx.netns('a');
        await fx.setup(() => {
          ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], a);
          for (const n of ['g1', 'g2', 'g3']) ip(['link', 'add', n, 'group', '7', 'type', 'bridge'], a);
        });
        await deleteLink('v0', { netns: a });
        await deleteLinks({ group: 7 }, { netns: a });
        expect((await listLinks({ netns: a })).map((l) => l.name)).toEqual(['lo']);
        await expect(deleteLinks({ group: 7 }, { netns: a })).rejects.toMatchObject({ code: 'ENODEV' });
      },
      { operation: "deleteLink('v0') (both veth ends go), deleteLinks({ group: 7 }) twice (the second: ENODEV)" },
    ),
  );

  itFixture('refuses an existing name with EEXIST and a missing link with ENODEV', () =>
    withFixture(
      fixturePath('links/errors-eexist-enodev'),
      async (fx) => {
        const a = fx.netns('a');
        await fx.setup(() => ip(['link', 'add', 'br0', 'type', 'bridge'], a));
        await expect(createBridge('br0', { netns: a })).rejects.toMatchObject({ name: 'NetlinkError', code: 'EEXIST' });
        await expect(getLink('nope0', { netns: a })).rejects.toMatchObject({ code: 'ENODEV' });
        await expect(deleteLink('nope0', { netns: a })).rejects.toMatchObject({ code: 'ENODEV' });
      },
      { operation: "createBridge('br0') that exists (EEXIST), getLink('nope0') and deleteLink('nope0') (ENODEV)" },
    ),
  );

  itFixture('surfaces EINVAL for moving a namespace-local device (a bridge)', () =>
    withFixture(
      fixturePath('links/move-bridge-einval'),
      async (fx) => {
        const a = fx.netns('a');
        const b = fx.netns('b');
        await fx.setup(() => ip(['link', 'add', 'br0', 'type', 'bridge'], a));
        const err = await setLink('br0', { netns: a, moveToNetns: b }).catch((e: unknown) => e);
        // Bridges are netns-local (IFLA_NETNS_IMMUTABLE): the kernel refuses to move them.
        expect(err).toMatchObject({ name: 'NetlinkError', code: 'EINVAL', operation: 'setLink' });
        expect((await getLink('br0', { netns: a })).kind).toBe('bridge');
      },
      { operation: "setLink('br0', { moveToNetns: b }): EINVAL, bridges cannot change namespace" },
    ),
  );
});
