/**
 * addNeighbour / listNeighbours / deleteNeighbour (IP neighbours and bridge
 * FDB entries), replayed from fixtures/neighbours/*.rtnl.
 */
import { describe, expect } from 'vitest';
import { addNeighbour, deleteNeighbour, listNeighbours } from '../../../src/ops/neighbours/index.js';
import { withFixture } from '../../../src/testing/index.js';
import { ip } from '../../helpers/live.js';
import { fixturePath, itFixture, mode } from '../../helpers/fixtures.js';

const upLink = (ns: string) => {
  ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], ns);
  ip(['link', 'set', 'v0', 'up'], ns);
  ip(['addr', 'add', '10.0.0.1/24', 'dev', 'v0'], ns);
};

describe(`neighbours (${mode})`, () => {
  itFixture('adds a permanent IPv4 neighbour and lists it', () =>
    withFixture(
      fixturePath('neighbours/add-and-list'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => upLink(ns));
        await addNeighbour({ netns: ns, link: 'v0', address: '10.0.0.7', lladdr: '02:00:00:00:00:07' });
        const list = await listNeighbours({ netns: ns, link: 'v0', family: 'inet' });
        expect(list).toHaveLength(1);
        expect(list[0]).toMatchObject({ link: 'v0', address: '10.0.0.7', lladdr: '02:00:00:00:00:07', state: ['PERMANENT'] });
      },
      { operation: "addNeighbour({ link: 'v0', address: '10.0.0.7', lladdr }) then listNeighbours({ link: 'v0', family: 'inet' })" },
    ),
  );

  itFixture('deletes a neighbour', () =>
    withFixture(
      fixturePath('neighbours/delete'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => {
          upLink(ns);
          ip(['neigh', 'add', '10.0.0.8', 'lladdr', '02:00:00:00:00:08', 'dev', 'v0', 'nud', 'permanent'], ns);
        });
        await deleteNeighbour({ netns: ns, link: 'v0', address: '10.0.0.8' });
        expect(await listNeighbours({ netns: ns, link: 'v0', family: 'inet' })).toEqual([]);
      },
      { operation: "deleteNeighbour({ link: 'v0', address: '10.0.0.8' }) then list" },
    ),
  );

  itFixture('adds a static FDB entry on a bridge port', () =>
    withFixture(
      fixturePath('neighbours/fdb-add-on-bridge-port'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => {
          ip(['link', 'add', 'br0', 'type', 'bridge'], ns);
          ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], ns);
          ip(['link', 'set', 'v0', 'master', 'br0'], ns);
        });
        await addNeighbour({ netns: ns, link: 'v0', lladdr: '02:00:00:00:aa:01', master: true, state: 'static' });
        const fdb = await listNeighbours({ netns: ns, family: 'bridge', master: 'br0' });
        const mine = fdb.filter((n) => n.lladdr === '02:00:00:00:aa:01');
        expect(mine).toHaveLength(1);
        expect(mine[0]).toMatchObject({ link: 'v0', master: 'br0' });
        expect(mine[0]!.state).toContain('NOARP');
      },
      { operation: "addNeighbour({ link: 'v0', lladdr, master: true, state: 'static' }) on a bridge port, then the bridge's FDB" },
    ),
  );

  itFixture('refuses an existing neighbour with EEXIST', () =>
    withFixture(
      fixturePath('neighbours/add-eexist'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => {
          upLink(ns);
          ip(['neigh', 'add', '10.0.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'v0', 'nud', 'permanent'], ns);
        });
        await expect(addNeighbour({ netns: ns, link: 'v0', address: '10.0.0.9', lladdr: '02:00:00:00:00:10' })).rejects.toMatchObject({ code: 'EEXIST' });
      },
      { operation: 'addNeighbour of an address the link already has an entry for: EEXIST' },
    ),
  );
});
