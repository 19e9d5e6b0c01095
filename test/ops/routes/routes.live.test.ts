import { beforeAll, describe, expect, it } from 'vitest';
import { addRoute, deleteRoute, getRoute, listRoutes, type Route } from '../../../src/ops/routes/index.js';
import { addAddress } from '../../../src/ops/addresses/index.js';
import { RtnlSocket } from '../../../src/netlink/socket.js';
import { ByteWriter } from '../../../src/netlink/writer.js';
import { reencode } from '../../../src/rtnetlink/family.js';
import { routeMessage } from '../../../src/rtnetlink/route/index.js';
import { AF, RTM } from '../../../src/rtnetlink/constants.js';
import { canRunLive, ip, ipJson, useNetns, liveTitle } from '../../helpers/live.js';

const ns = useNetns('rtnlroute');

interface IpRoute {
  type?: string;
  dst: string;
  from?: string;
  gateway?: string;
  dev?: string;
  table?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  flags: string[];
  pref?: string;
  metrics?: Record<string, number | string>[];
  nexthops?: { gateway?: string; dev: string; weight: number; flags: string[] }[];
}

/** Our route in ip -j's shape, with ip's omissions (unicast type, main table, boot proto, global scope). */
function asIp(r: Route, showTable: boolean): IpRoute {
  const o: IpRoute = { dst: r.dst, flags: r.flags };
  if (r.type !== 'unicast') o.type = r.type;
  if (r.from !== undefined) o.from = r.from;
  if (r.gateway !== undefined) o.gateway = r.gateway;
  if (r.dev !== undefined) o.dev = r.dev;
  if (showTable && r.table !== 'main') o.table = r.table;
  if (r.protocol !== 'boot') o.protocol = r.protocol;
  if (r.scope !== 'global') o.scope = r.scope;
  if (r.prefsrc !== undefined) o.prefsrc = r.prefsrc;
  if (r.metric !== undefined) o.metric = r.metric;
  if (r.pref !== undefined) o.pref = r.pref;
  if (r.metrics !== undefined) o.metrics = [Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, v]))];
  if (r.nexthops) o.nexthops = r.nexthops.map((n) => ({ ...(n.gateway ? { gateway: n.gateway } : {}), dev: n.dev!, weight: n.weight, flags: n.flags }));
  return o;
}

/** ip -j route, with the fields we compare (ip omits weight 1 and adds nothing else we model). */
function ipRoutes(args: string[], family: 'inet' | 'inet6' = 'inet'): IpRoute[] {
  return ipJson<IpRoute[]>([family === 'inet' ? '-4' : '-6', 'route', 'show', ...args], ns.name).map((r) => {
    const { ...o } = r;
    if (o.nexthops) o.nexthops = o.nexthops.map((n) => ({ ...n, weight: n.weight ?? 1 }));
    return o;
  });
}

// Code-unit order, not the locale's: the same on every machine.
const byDst = (a: IpRoute, b: IpRoute) => {
  const [p, q] = [`${a.dst}|${a.table}|${a.metric}`, `${b.dst}|${b.table}|${b.metric}`];
  return p < q ? -1 : p > q ? 1 : 0;
};

async function compare(family: 'inet' | 'inet6', table: string | number, ipArgs: string[]): Promise<void> {
  const ours = (await listRoutes({ netns: ns.name, family, table })).map((r) => asIp(r, table === 'all'));
  const theirs = ipRoutes(ipArgs, family);
  // ip prints IPv6 metrics only as hoplimit etc.; compare what both have.
  for (const t of theirs) if (t.metrics) t.metrics = [Object.assign({}, ...t.metrics)];
  expect(ours.sort(byDst)).toEqual(theirs.sort(byDst));
}

describe.skipIf(!canRunLive)(liveTitle('routes against the real kernel'), () => {
  beforeAll(async () => {
    if (!canRunLive) return;
    ip(['link', 'add', 'r0', 'type', 'veth', 'peer', 'name', 'r1'], ns.name);
    ip(['link', 'set', 'r0', 'up'], ns.name);
    ip(['link', 'set', 'r1', 'up'], ns.name);
    await addAddress('r0', '10.30.0.1/24', { netns: ns.name });
    await addAddress('r0', 'fd00:30::1/64', { netns: ns.name, flags: ['nodad'] });
  });

  it('adds IPv4 routes that ip -j route shows exactly as we list them', async () => {
    await addRoute({ netns: ns.name, dst: 'default', gateway: '10.30.0.254' });
    await addRoute({ netns: ns.name, dst: '10.31.0.0/16', dev: 'r0' });
    await addRoute({ netns: ns.name, dst: '10.32.0.0/24', gateway: '10.30.0.2', dev: 'r0', metric: 50, src: '10.30.0.1', mtu: 1400, protocol: 'static' });
    await addRoute({ netns: ns.name, dst: '10.33.0.7', type: 'blackhole' });
    await addRoute({ netns: ns.name, dst: '10.34.0.0/24', nexthops: [{ gateway: '10.30.0.2', weight: 3 }, { gateway: '10.30.0.3', dev: 'r0' }] });
    await addRoute({ netns: ns.name, dst: '192.0.2.0/24', gateway: '198.51.100.1', dev: 'r0', onlink: true });
    const theirs = ipRoutes([]);
    expect(theirs).toContainEqual(expect.objectContaining({ dst: 'default', gateway: '10.30.0.254', dev: 'r0' }));
    expect(theirs).toContainEqual(expect.objectContaining({ dst: '10.31.0.0/16', dev: 'r0', scope: 'link' }));
    expect(theirs).toContainEqual(expect.objectContaining({ dst: '10.32.0.0/24', protocol: 'static', metric: 50, prefsrc: '10.30.0.1', metrics: [{ mtu: 1400 }] }));
    expect(theirs).toContainEqual(expect.objectContaining({ type: 'blackhole', dst: '10.33.0.7' }));
    expect(theirs).toContainEqual(expect.objectContaining({ dst: '192.0.2.0/24', flags: ['onlink'] }));
    const mp = theirs.find((r) => r.dst === '10.34.0.0/24');
    expect(mp?.nexthops?.map((n) => [n.gateway, n.weight])).toEqual([
      ['10.30.0.2', 3],
      ['10.30.0.3', 1],
    ]);
    await compare('inet', 'main', []);
  });

  it('adds IPv6 routes and routes in numbered tables (above 255 too)', async () => {
    await addRoute({ netns: ns.name, dst: 'fd00:31::/64', gateway: 'fd00:30::2', metric: 100 });
    await addRoute({ netns: ns.name, dst: 'default', gateway: 'fd00:30::fe', dev: 'r0' });
    await addRoute({ netns: ns.name, dst: '10.40.0.0/24', dev: 'r0', table: 100 });
    await addRoute({ netns: ns.name, dst: '10.41.0.0/24', dev: 'r0', table: 100000 });
    await addRoute({ netns: ns.name, dst: 'fd00:42::/48', type: 'unreachable', table: 100000 });
    expect(ipRoutes(['table', '100000'])).toContainEqual(expect.objectContaining({ dst: '10.41.0.0/24', dev: 'r0' }));
    expect(ipJson<IpRoute[]>(['-6', 'route', 'show', 'table', '100000'], ns.name)).toContainEqual(expect.objectContaining({ dst: 'fd00:42::/48', type: 'unreachable' }));
    const t = await listRoutes({ netns: ns.name, table: 100000 });
    expect(t.map((r) => `${r.family} ${r.dst} ${r.table} ${r.tableId}`).sort()).toEqual(['inet 10.41.0.0/24 100000 100000', 'inet6 fd00:42::/48 100000 100000']);
    await compare('inet', 100, ['table', '100']);
    await compare('inet6', 'main', []);
  });

  it('decodes routes ip added, field by field, in every table', async () => {
    ip(['route', 'add', '10.50.0.0/24', 'via', '10.30.0.9', 'proto', 'dhcp', 'metric', '7', 'advmss', '1300', 'hoplimit', '9'], ns.name);
    ip(['route', 'add', 'prohibit', '10.51.0.0/16'], ns.name);
    ip(['route', 'add', '10.52.0.0/24', 'nexthop', 'via', '10.30.0.4', 'weight', '5', 'nexthop', 'via', '10.30.0.5'], ns.name);
    ip(['-6', 'route', 'add', 'fd00:53::/64', 'via', 'fd00:30::3', 'pref', 'high', 'table', '77'], ns.name);
    ip(['route', 'add', 'local', '10.54.0.1', 'dev', 'r0', 'table', 'local'], ns.name);
    await compare('inet', 'all', ['table', 'all']);
    await compare('inet6', 'all', ['table', 'all']);
  });

  it('re-encodes every route the kernel dumps byte for byte', async () => {
    await using sock = RtnlSocket.open({ netns: ns.name });
    const w = new ByteWriter();
    let n = 0;
    for (const family of [AF.INET, AF.INET6]) {
      for await (const m of sock.dump(RTM.GETROUTE, 0, (x) => routeMessage.encode(x, { header: { family, dstLength: 0, srcLength: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0 } }))) {
        const msg = routeMessage.decode(m.bytes);
        expect(reencode(routeMessage, m.bytes, msg, w)).toEqual(m.bytes);
        n++;
      }
    }
    expect(n).toBeGreaterThan(20);
  });

  it('resolves a destination like ip route get', async () => {
    const r = await getRoute('10.30.0.77', { netns: ns.name });
    const [t] = ipJson<{ dst: string; dev: string; prefsrc: string; gateway?: string; table?: string }[]>(['-d', 'route', 'get', '10.30.0.77'], ns.name);
    expect({ dst: r.dst, dev: r.dev, prefsrc: r.prefsrc, table: r.table, type: r.type }).toEqual({ dst: t?.dst, dev: t?.dev, prefsrc: t?.prefsrc, table: t?.table, type: 'unicast' });
    const viaDefault = await getRoute('203.0.113.9', { netns: ns.name });
    expect(viaDefault).toMatchObject({ gateway: '10.30.0.254', dev: 'r0', prefsrc: '10.30.0.1', table: 'main' });
    const local = await getRoute('127.0.0.1', { netns: ns.name });
    // The kernel merges the local table into main while no policy rules exist, and says so.
    const [tl] = ipJson<{ type: string; table: string; dev: string; prefsrc: string }[]>(['-d', 'route', 'get', '127.0.0.1'], ns.name);
    expect(local).toMatchObject({ type: 'local', dev: 'lo', table: tl?.table, prefsrc: tl?.prefsrc });
    const v6 = await getRoute('fd00:31::5', { netns: ns.name });
    expect(v6).toMatchObject({ family: 'inet6', gateway: 'fd00:30::2', dev: 'r0' });
    const fib = await getRoute('10.34.0.9', { netns: ns.name, fibMatch: true });
    expect(fib.dst).toBe('10.34.0.0/24');
    expect(fib.nexthops?.length).toBe(2);
    const withFrom = await getRoute('10.30.0.77', { netns: ns.name, from: '10.30.0.1', oif: 'r0' });
    expect(withFrom.dev).toBe('r0');
    await expect(getRoute('10.30.0.77', { netns: ns.name, from: 'fd00::1' })).rejects.toMatchObject({ name: 'ValidationError', field: 'from' });
  });

  it('deletes routes; ip sees them gone; a missing route is ESRCH', async () => {
    await deleteRoute({ netns: ns.name, dst: '10.31.0.0/16' });
    await deleteRoute({ netns: ns.name, dst: '10.41.0.0/24', table: 100000 });
    await deleteRoute({ netns: ns.name, dst: 'default', family: 'inet6' });
    await deleteRoute({ netns: ns.name, dst: '10.50.0.0/24', gateway: '10.30.0.9' });
    const dsts = ipRoutes([]).map((r) => r.dst);
    expect(dsts).not.toContain('10.31.0.0/16');
    expect(dsts).not.toContain('10.50.0.0/24');
    expect(dsts).toContain('default');
    expect(ipRoutes(['table', '100000'])).toEqual([]);
    expect(ipJson<IpRoute[]>(['-6', 'route', 'show', 'default'], ns.name)).toEqual([]);
    await expect(deleteRoute({ netns: ns.name, dst: '10.99.0.0/24' })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ESRCH', operation: 'deleteRoute' });
  });

  it('fails with EEXIST on a duplicate and replaces with replace: true', async () => {
    await expect(addRoute({ netns: ns.name, dst: 'default', gateway: '10.30.0.254' })).rejects.toMatchObject({ name: 'NetlinkError', code: 'EEXIST' });
    await addRoute({ netns: ns.name, dst: 'default', gateway: '10.30.0.253', replace: true });
    expect(ipRoutes(['default'])).toEqual([expect.objectContaining({ gateway: '10.30.0.253' })]);
  });

  it('passes the kernel\'s reason through', async () => {
    const e = await addRoute({ netns: ns.name, dst: '10.60.0.1/24', dev: 'r0' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'NetlinkError', code: 'EINVAL', kernelMessage: expect.stringMatching(/prefix/i) });
    const e2 = await addRoute({ netns: ns.name, dst: '10.61.0.0/24', gateway: '10.99.99.1' }).catch((x: unknown) => x);
    expect(e2).toMatchObject({ name: 'NetlinkError', code: 'ENETUNREACH' });
  });

  it('validates before any system call', async () => {
    const cases: [object, string][] = [
      [{ dst: '10.0.0.0/33' }, 'dst'],
      [{ dst: 'nowhere' }, 'dst'],
      [{ dst: '10.0.0.0/24', gateway: 'fd00::1' }, 'gateway'],
      [{ dst: 'fd00::/64', src: '10.0.0.1' }, 'src'],
      [{ dst: 'default', family: 'inet6', gateway: '10.0.0.1' }, 'gateway'],
      [{ dst: '10.0.0.0/24', family: 'inet6' }, 'family'],
      [{ dst: '10.0.0.0/24', table: 'galaxy' }, 'table'],
      [{ dst: '10.0.0.0/24', table: 0 }, 'table'],
      [{ dst: '10.0.0.0/24', metric: -1 }, 'metric'],
      [{ dst: '10.0.0.0/24', type: 'teleport' }, 'type'],
      [{ dst: '10.0.0.0/24', dev: 'a/b' }, 'dev'],
      [{ dst: '10.0.0.0/24', nexthops: [] }, 'nexthops'],
      [{ dst: '10.0.0.0/24', nexthops: [{ gateway: '10.30.0.2', weight: 0 }] }, 'nexthops[0].weight'],
      [{ dst: '10.0.0.0/24', mtu: 20 }, 'mtu'],
    ];
    for (const [spec, field] of cases) {
      await expect(addRoute({ netns: ns.name, ...(spec as { dst: string }) }), JSON.stringify(spec)).rejects.toMatchObject({ name: 'ValidationError', field });
    }
    await expect(addRoute({ netns: ns.name, dst: '10.0.0.0/24', dev: 'nosuch0' })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENODEV', attrPath: 'dev', message: expect.stringContaining('no link "nosuch0"') });
    await expect(getRoute('10.0.0.0/24', { netns: ns.name })).rejects.toMatchObject({ name: 'ValidationError', field: 'dst' });
    await expect(listRoutes({ netns: ns.name, family: 'ipx' as never })).rejects.toMatchObject({ name: 'ValidationError', field: 'family' });
  });
});
