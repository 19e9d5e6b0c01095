/**
 * addRoutes and deleteRoutes against the kernel: hundreds of routes a
 * window at a time (sends counted through the shim), each settling on its
 * own; `atomic` leaves nothing behind when one fails; bad input is refused
 * by its place in the list before anything is sent. iproute2 is the oracle.
 */
import { describe, expect, it } from 'vitest';
import { addRoutes, deleteRoutes, type RouteSpec } from '../../../src/index.js';
import { countingShim, withShim } from '../../hardening/_shim.js';
import { canRunLive, ip, ipJson, liveTitle, useNetns } from '../../helpers/live.js';

const NS = useNetns('rtnlbr');
const N = 500;
const routes = (): RouteSpec[] => Array.from({ length: N }, (_, i) => ({ dst: `10.${100 + (i >> 8)}.${i & 255}.0/24`, gateway: '10.0.0.2' }));
const ours = () => ipJson<{ dst: string; gateway?: string }[]>(['route', 'show'], NS.name).filter((r) => r.dst.startsWith('10.10') || r.dst.startsWith('10.20'));

describe.skipIf(!canRunLive)(liveTitle('bulk route calls, pipelined'), () => {
  it('adds 500 routes in a few sends, one result each, a duplicate rejected alone; deletes them the same way', async () => {
    ip(['link', 'add', 'r0', 'type', 'veth', 'peer', 'name', 'r1'], NS.name);
    ip(['addr', 'add', '10.0.0.1/16', 'dev', 'r0'], NS.name);
    ip(['link', 'set', 'r0', 'up'], NS.name);
    ip(['link', 'set', 'r1', 'up'], NS.name);
    const counting = countingShim();
    const list = [...routes(), { dst: '10.100.0.0/24', gateway: '10.0.0.2' }, { dst: '10.200.0.0/24', dev: 'r0', metric: 7 }];
    const results = await withShim(counting.shim, () => addRoutes(list, { netns: NS.name }));
    expect(results.slice(0, N).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(results[N]).toMatchObject({ status: 'rejected', reason: { name: 'NetlinkError', code: 'EEXIST' } });
    expect(results[N + 1]).toMatchObject({ status: 'fulfilled' });
    // 502 routes, 32 at a time, plus one batch resolving `r0`.
    expect(counting.netlinkSends).toBe(Math.ceil((N + 2) / 32) + 1);
    expect(ours()).toHaveLength(N + 1);
    expect(ours()).toContainEqual(expect.objectContaining({ dst: '10.101.243.0/24', gateway: '10.0.0.2' }));

    const deleted = await deleteRoutes([...routes(), { dst: '10.200.0.0/24' }, { dst: '10.250.0.0/24' }], { netns: NS.name });
    expect(deleted.slice(0, N + 1).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(deleted[N + 1]).toMatchObject({ status: 'rejected', reason: { code: 'ESRCH' } });
    expect(ours()).toEqual([]);
  });

  it('atomic: one refusal removes what the call added, and the refusal is thrown', async () => {
    const list = [...routes().slice(0, 100), { dst: '10.200.1.0/24', gateway: '10.99.0.1' }, ...routes().slice(100, 150)];
    const e = await addRoutes(list, { netns: NS.name, atomic: true }).catch((x: unknown) => x as { name: string; code: string; undoErrors?: unknown[] });
    expect(e).toMatchObject({ name: 'NetlinkError', code: 'ENETUNREACH' });
    expect((e as { undoErrors?: unknown[] }).undoErrors).toBeUndefined();
    expect(ours()).toEqual([]);
  });

  it('refuses bad input by its place in the list, before any route is sent', async () => {
    const counting = countingShim();
    await expect(withShim(counting.shim, () => addRoutes([{ dst: '10.1.0.0/16', gateway: '10.0.0.2' }, { dst: '10.2.0.0/16', gateway: 'nope' }], { netns: NS.name }))).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'routes[1].gateway',
    });
    expect(counting.netlinkSends).toBe(0);
    await expect(addRoutes([{ dst: '10.1.0.0/16', gateway: '10.0.0.2' }, { dst: '10.2.0.0/16', dev: 'nosuch0' }], { netns: NS.name })).rejects.toMatchObject({ code: 'ENODEV', attrPath: 'routes[1].dev' });
    await expect(addRoutes([], { netns: NS.name, atomic: true, replace: true })).rejects.toMatchObject({ field: 'atomic' });
    expect(ours()).toEqual([]);
  });
});
