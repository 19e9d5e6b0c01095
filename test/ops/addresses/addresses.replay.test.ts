/**
 * addAddress / listAddresses / deleteAddress, replayed from
 * fixtures/addresses/*.rtnl (RTNL_RECORD=1 records them as root).
 */
import { describe, expect } from 'vitest';
import { addAddress, deleteAddress, listAddresses } from '../../../src/ops/addresses/index.js';
import { withFixture } from '../../../src/testing/index.js';
import { ip } from '../../helpers/live.js';
import { fixturePath, itFixture, mode } from '../../helpers/fixtures.js';

const vethPair = (ns: string) => ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], ns);

describe(`addresses (${mode})`, () => {
  itFixture('adds an IPv4 address with broadcast and label, and lists it', () =>
    withFixture(
      fixturePath('addresses/add-ipv4-and-list'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => vethPair(ns));
        await addAddress('v0', '10.1.2.3/24', { netns: ns, broadcast: true, label: 'v0:web' });
        const list = await listAddresses({ netns: ns, link: 'v0', family: 'inet' });
        expect(list).toHaveLength(1);
        expect(list[0]).toMatchObject({ link: 'v0', family: 'inet', address: '10.1.2.3', prefixLength: 24, broadcast: '10.1.2.255', label: 'v0:web', scope: 'global' });
        expect(list[0]!.flags).toContain('permanent');
        expect(list[0]!.validLifetime).toBe('forever');
      },
      { operation: "addAddress('v0', '10.1.2.3/24', { broadcast: true, label }) then listAddresses({ link: 'v0', family: 'inet' })" },
    ),
  );

  itFixture('adds an IPv6 address with lifetimes and nodad', () =>
    withFixture(
      fixturePath('addresses/add-ipv6-lifetimes'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => vethPair(ns));
        await addAddress('v0', 'fd00:1::5/64', { netns: ns, flags: ['nodad'], validLifetime: 3600, preferredLifetime: 1800 });
        const [a, ...rest] = await listAddresses({ netns: ns, link: 'v0', family: 'inet6' });
        expect(rest).toEqual([]);
        expect(a).toMatchObject({ address: 'fd00:1::5', prefixLength: 64, family: 'inet6' });
        expect(a!.flags).toContain('nodad');
        // Remaining lifetimes: at most what was asked, counting down (a slow recording may lose a second).
        expect(a!.validLifetime).toBeGreaterThan(3590);
        expect(a!.validLifetime).toBeLessThanOrEqual(3600);
      },
      { operation: "addAddress('v0', 'fd00:1::5/64', { flags: ['nodad'], validLifetime: 3600, preferredLifetime: 1800 }) then list" },
    ),
  );

  itFixture('deletes an address given without its prefix length', () =>
    withFixture(
      fixturePath('addresses/delete-without-prefix'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => {
          vethPair(ns);
          ip(['addr', 'add', '10.9.0.1/16', 'dev', 'v0'], ns);
          ip(['addr', 'add', '10.9.0.2/16', 'dev', 'v0'], ns);
        });
        await deleteAddress('v0', '10.9.0.2', { netns: ns });
        const left = await listAddresses({ netns: ns, link: 'v0' });
        expect(left.map((a) => `${a.address}/${a.prefixLength}`)).toEqual(['10.9.0.1/16']);
      },
      { operation: "deleteAddress('v0', '10.9.0.2') (prefix looked up by a dump) with a second address left" },
    ),
  );

  itFixture('refuses a duplicate address with EEXIST', () =>
    withFixture(
      fixturePath('addresses/add-eexist'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => {
          vethPair(ns);
          ip(['addr', 'add', '10.1.2.3/24', 'dev', 'v0'], ns);
        });
        await expect(addAddress('v0', '10.1.2.3/24', { netns: ns })).rejects.toMatchObject({ name: 'NetlinkError', code: 'EEXIST', operation: 'addAddress' });
      },
      { operation: "addAddress of an address the link already has: EEXIST" },
    ),
  );

  itFixture('refuses to delete an address the link does not have', () =>
    withFixture(
      fixturePath('addresses/delete-eaddrnotavail'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => vethPair(ns));
        await expect(deleteAddress('v0', '10.77.0.1/24', { netns: ns })).rejects.toMatchObject({ name: 'NetlinkError', code: 'EADDRNOTAVAIL', operation: 'deleteAddress' });
      },
      { operation: "deleteAddress('v0', '10.77.0.1/24') that is not there: EADDRNOTAVAIL" },
    ),
  );

  itFixture('a missing link is the one ENODEV of every look-up, naming it', () =>
    withFixture(
      fixturePath('addresses/add-no-such-link'),
      async (fx) => {
        const ns = fx.netns('a');
        await expect(addAddress('nolink0', '10.1.2.3/24', { netns: ns })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENODEV', attrPath: 'link', message: expect.stringContaining('no link "nolink0"') });
      },
      { operation: "addAddress on a link that does not exist: RTM_GETLINK answers ENODEV" },
    ),
  );
});
