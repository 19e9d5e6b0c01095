/**
 * addRoute / listRoutes / getRoute / deleteRoute, replayed from
 * fixtures/routes/*.rtnl (RTNL_RECORD=1 records them as root).
 */
import { describe, expect } from 'vitest';
import { addRoute, deleteRoute, getRoute, listRoutes } from '../../../src/ops/routes/index.js';
import { withFixture } from '../../../src/testing/index.js';
import { ip } from '../../helpers/live.js';
import { fixturePath, itFixture, mode } from '../../helpers/fixtures.js';

/** A veth pair, up, with 10.0.0.1/24 on v0: a gateway 10.0.0.254 is reachable. */
const upLink = (ns: string) => {
  ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], ns);
  ip(['link', 'set', 'v0', 'up'], ns);
  ip(['link', 'set', 'v1', 'up'], ns);
  ip(['addr', 'add', '10.0.0.1/24', 'dev', 'v0'], ns);
};

describe(`routes (${mode})`, () => {
  itFixture('adds a route via a gateway and lists the main table', () =>
    withFixture(
      fixturePath('routes/add-via-gateway-and-list'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => upLink(ns));
        await addRoute({ netns: ns, dst: '192.168.50.0/24', gateway: '10.0.0.254', metric: 20 });
        const routes = await listRoutes({ netns: ns, family: 'inet' });
        const r = routes.find((x) => x.dst === '192.168.50.0/24');
        expect(r).toMatchObject({ gateway: '10.0.0.254', dev: 'v0', metric: 20, protocol: 'boot' });
        expect(routes.some((x) => x.dst === '10.0.0.0/24' && x.protocol === 'kernel')).toBe(true);
      },
      { operation: "addRoute({ dst: '192.168.50.0/24', gateway: '10.0.0.254', metric: 20 }) then listRoutes({ family: 'inet' })" },
    ),
  );

  itFixture('asks the kernel which route a packet takes', () =>
    withFixture(
      fixturePath('routes/get-route'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => {
          upLink(ns);
          ip(['route', 'add', 'default', 'via', '10.0.0.254'], ns);
        });
        const r = await getRoute('8.8.8.8', { netns: ns });
        expect(r).toMatchObject({ dst: '8.8.8.8', gateway: '10.0.0.254', dev: 'v0', prefsrc: '10.0.0.1' });
      },
      { operation: "getRoute('8.8.8.8') with a default route via 10.0.0.254" },
    ),
  );

  itFixture('deletes a route', () =>
    withFixture(
      fixturePath('routes/delete'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => {
          upLink(ns);
          ip(['route', 'add', '172.16.0.0/12', 'dev', 'v0'], ns);
        });
        await deleteRoute({ netns: ns, dst: '172.16.0.0/12', dev: 'v0' });
        const routes = await listRoutes({ netns: ns, family: 'inet' });
        expect(routes.map((x) => x.dst)).not.toContain('172.16.0.0/12');
      },
      { operation: "deleteRoute({ dst: '172.16.0.0/12', dev: 'v0' }) then listRoutes" },
    ),
  );

  itFixture('refuses a gateway that no route reaches', () =>
    withFixture(
      fixturePath('routes/add-unreachable-gateway'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => upLink(ns));
        const err = await addRoute({ netns: ns, dst: '192.168.60.0/24', gateway: '203.0.113.1' }).catch((e: unknown) => e);
        expect(err).toMatchObject({ name: 'NetlinkError', code: 'ENETUNREACH', operation: 'addRoute' });
      },
      { operation: "addRoute via a gateway outside every connected prefix: ENETUNREACH with the kernel's message" },
    ),
  );
});
