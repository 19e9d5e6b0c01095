/**
 * `rtnl addr|route|neigh …` as subprocesses in a throwaway namespace,
 * checked with iproute2.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { canRunLive, ip, ipJson, liveSkipReason, useNetns } from '../helpers/live.js';
import { oracleUnvalidated } from '../helpers/iproute2.js';
import { rtnl, rtnlJson, rtnlOk, settled, useCli } from './_cli.js';

/** Why ip's exact output is no oracle here (another iproute2 release …), or undefined. */
const oracle = oracleUnvalidated();

/**
 * rtnl prints exactly what ip prints for ARGS (after things settle). Where
 * this machine's ip is not a validated oracle the comparison is not made,
 * and says so.
 */
async function expectAgree(args: string[], netns: string, normalise: (s: string) => string = (s) => s): Promise<void> {
  if (oracle) {
    console.warn(`not compared with ip ${args.join(' ')}: ${oracle}`);
    return;
  }
  const [ours, theirs] = await settled(() => {
    const o = normalise(rtnlOk(['-n', netns, ...args]));
    const t = normalise(ip(args, netns));
    return { ok: o === t, value: [o, t] as [string, string] };
  });
  expect(ours, `rtnl ${args.join(' ')}`).toBe(theirs);
}

useCli();
const ns = useNetns('rtnlcli');

interface AddrInfo {
  family: string;
  local: string;
  prefixlen: number;
  broadcast?: string;
  label?: string;
  scope: string;
  metric?: number;
  valid_life_time?: number;
  preferred_life_time?: number;
  nodad?: boolean;
  noprefixroute?: boolean;
}
interface IpAddr {
  ifname: string;
  addr_info: AddrInfo[];
}
interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  metric?: number;
  protocol?: string;
  scope?: string;
  table?: string;
  type?: string;
  prefsrc?: string;
}

const addrsOf = (dev: string) => (ipJson<IpAddr[]>(['addr', 'show', 'dev', dev], ns.name)[0] as IpAddr).addr_info;

describe.skipIf(!canRunLive)(`rtnl addr, route, neigh${liveSkipReason ? ` (skipped: ${liveSkipReason})` : ''}`, () => {
  beforeAll(() => {
    rtnlOk(['-n', ns.name, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'a1']);
    rtnlOk(['-n', ns.name, 'link', 'set', 'a0', 'up']);
    rtnlOk(['-n', ns.name, 'link', 'set', 'a1', 'up']);
  });

  it('addr add with brd +, label, metric, lifetimes and flags; addr del', () => {
    const n = ['-n', ns.name];
    rtnlOk([...n, 'addr', 'add', '10.50.0.1/24', 'dev', 'a0', 'brd', '+', 'label', 'a0:web', 'metric', '33']);
    rtnlOk([...n, 'addr', 'add', '10.50.1.1/24', 'dev', 'a0', 'valid_lft', '600', 'preferred_lft', '300', 'noprefixroute']);
    rtnlOk([...n, 'addr', 'add', 'fd00:50::1/64', 'dev', 'a0', 'nodad']);
    const info = addrsOf('a0');
    expect(info.find((a) => a.local === '10.50.0.1')).toMatchObject({ prefixlen: 24, broadcast: '10.50.0.255', label: 'a0:web', metric: 33 });
    const timed = info.find((a) => a.local === '10.50.1.1') as AddrInfo;
    expect(timed.noprefixroute).toBe(true);
    expect(timed.valid_life_time).toBeLessThanOrEqual(600);
    expect(timed.valid_life_time).toBeGreaterThan(590);
    expect(info.find((a) => a.local === 'fd00:50::1')?.nodad).toBe(true);

    const dup = rtnl([...n, 'addr', 'add', '10.50.0.1/24', 'dev', 'a0']);
    expect(dup.status).toBe(2);
    expect(dup.stderr.split('\n')[0]).toBe('Error: ipv4: Address already assigned.');

    rtnlOk([...n, 'addr', 'del', '10.50.1.1/24', 'dev', 'a0']);
    expect(addrsOf('a0').map((a) => a.local)).not.toContain('10.50.1.1');
    expect(rtnl([...n, 'addr', 'add', '10.50.9.1/24']).status).toBe(255);
  });

  it('addr show filters by device and family (-4, -6), -j matches ip', async () => {
    const n = ['-n', ns.name];
    rtnlOk([...n, 'addr', 'add', '10.51.0.1/24', 'dev', 'a1']);
    const v4 = rtnlJson<IpAddr[]>([...n, '-4', 'addr', 'show', 'dev', 'a1']);
    expect(v4.map((l) => l.ifname)).toEqual(['a1']);
    expect((v4[0] as IpAddr).addr_info.every((a) => a.family === 'inet')).toBe(true);
    // Compared without the address protocol (ip 6.1 does not print it) and, for -6, without
    // qdisc and group: ip -6 reads links from the kernel's AF_INET6 link dump, whose messages lack them.
    const strip = (text: string) =>
      JSON.stringify(
        (JSON.parse(text) as IpAddr[]).map(({ qdisc: _q, group: _g, ...x }: IpAddr & { qdisc?: string; group?: string }) => ({
          ...x,
          addr_info: x.addr_info.map(({ protocol: _p, ...r }: AddrInfo & { protocol?: string }) => r),
        })),
      );
    for (const f of ['-4', '-6']) {
      await expectAgree(['-j', f, 'addr', 'show'], ns.name, strip);
    }
  });

  it('route add/replace/del/show/get, with type, table, proto, scope, src and nexthops', async () => {
    const n = ['-n', ns.name];
    rtnlOk([...n, 'addr', 'add', '10.60.0.1/24', 'dev', 'a0']);
    rtnlOk([...n, 'route', 'add', '10.61.0.0/16', 'via', '10.60.0.2', 'metric', '10']);
    rtnlOk([...n, 'route', 'add', 'blackhole', '10.62.0.0/16']);
    rtnlOk([...n, 'route', 'add', '10.63.0.0/16', 'dev', 'a0', 'table', '100', 'proto', 'static', 'scope', 'link']);
    rtnlOk([...n, 'route', 'add', '10.64.0.0/16', 'nexthop', 'via', '10.60.0.2', 'weight', '2', 'nexthop', 'via', '10.60.0.3']);
    const main = ipJson<IpRoute[]>(['route', 'show'], ns.name);
    expect(main.find((r) => r.dst === '10.61.0.0/16')).toMatchObject({ gateway: '10.60.0.2', metric: 10 });
    expect(main.find((r) => r.dst === '10.62.0.0/16')?.type).toBe('blackhole');
    expect(ipJson<IpRoute[]>(['route', 'show', 'table', '100'], ns.name)[0]).toMatchObject({ dst: '10.63.0.0/16', protocol: 'static', scope: 'link' });
    for (const args of [['route', 'show'], ['-j', 'route', 'show', 'table', '100']]) {
      await expectAgree(args, ns.name);
    }

    rtnlOk([...n, 'route', 'replace', '10.61.0.0/16', 'via', '10.60.0.3', 'metric', '10']);
    expect(ipJson<IpRoute[]>(['route', 'show', '10.61.0.0/16'], ns.name)[0]?.gateway).toBe('10.60.0.3');
    const dup = rtnl([...n, 'route', 'add', '10.61.0.0/16', 'via', '10.60.0.3', 'metric', '10']);
    expect(dup.status).toBe(2);
    expect(dup.stderr.split('\n')[0]).toBe('RTNETLINK answers: File exists');

    const got = rtnlJson<IpRoute[]>([...n, 'route', 'get', '10.61.5.5']);
    if (!oracle) expect(got).toEqual(ipJson<IpRoute[]>(['route', 'get', '10.61.5.5'], ns.name));
    expect(got[0]).toMatchObject({ gateway: '10.60.0.3', dev: 'a0', prefsrc: '10.60.0.1' });

    rtnlOk([...n, 'route', 'del', '10.61.0.0/16']);
    rtnlOk([...n, 'route', 'del', 'blackhole', '10.62.0.0/16']);
    const left = ipJson<IpRoute[]>(['route', 'show'], ns.name).map((r) => r.dst);
    expect(left).not.toContain('10.61.0.0/16');
    expect(left).not.toContain('10.62.0.0/16');
    const unreachable = rtnl([...n, 'route', 'get', '192.0.2.1']);
    expect(unreachable.status).toBe(2);
    expect(unreachable.stderr.split('\n')[0]).toBe('RTNETLINK answers: Network is unreachable');
  });

  it('neigh add/show/del; show hides NOARP entries unless nud all, as ip does', async () => {
    const n = ['-n', ns.name];
    rtnlOk([...n, 'addr', 'add', '10.70.0.1/24', 'dev', 'a1']);
    rtnlOk([...n, 'neigh', 'add', '10.70.0.9', 'lladdr', '02:00:00:00:70:09', 'dev', 'a1']);
    rtnlOk([...n, 'neigh', 'add', '10.70.0.10', 'lladdr', '02:00:00:00:70:0a', 'dev', 'a1', 'nud', 'stale']);
    for (const args of [['neigh', 'show'], ['-j', 'neigh', 'show', 'dev', 'a1'], ['neigh', 'show', 'nud', 'all']]) {
      await expectAgree(args, ns.name);
    }
    expect(rtnlJson<{ dst: string; state: string[] }[]>([...n, 'neigh', 'show', 'nud', 'stale']).map((e) => e.dst)).toEqual(['10.70.0.10']);
    rtnlOk([...n, 'neigh', 'del', '10.70.0.9', 'dev', 'a1']);
    expect(ipJson<{ dst: string }[]>(['neigh', 'show', 'dev', 'a1'], ns.name).map((e) => e.dst)).not.toContain('10.70.0.9');
  });

  it('-o and addr show to PREFIX print what ip prints; addr, route and neigh flush remove what ip flush would', async () => {
    const n = ['-n', ns.name];
    rtnlOk([...n, 'link', 'add', 'f0', 'type', 'veth', 'peer', 'name', 'f1']);
    rtnlOk([...n, 'link', 'set', 'f0', 'up']);
    for (const a of ['10.81.0.1/24', '10.82.0.1/24', '10.82.1.1/24']) rtnlOk([...n, 'addr', 'add', a, 'dev', 'f0']);
    // -o: one line per record, as ip.
    // (ip 6.1 does not print an IPv6 address's protocol: compat.live.test.ts)
    for (const args of [['-o', 'link', 'show'], ['-o', 'addr', 'show'], ['-o', '-4', 'addr', 'show', 'dev', 'f0']]) await expectAgree(args, ns.name, (t) => t.replace(/ proto kernel_\w+ /g, ' '));
    for (const args of [['addr', 'show', 'to', '10.82.0.0/16'], ['-j', 'addr', 'show', 'to', '10.82.0.0/16'], ['addr', 'show', 'dev', 'f0', 'to', '10.81.0.1']]) await expectAgree(args, ns.name);
    rtnlOk([...n, 'addr', 'flush', 'dev', 'f0', 'to', '10.82.0.0/16']);
    expect(addrsOf('f0').filter((a) => a.family === 'inet').map((a) => a.local)).toEqual(['10.81.0.1']);
    expect(rtnl([...n, 'addr', 'flush']).stderr).toMatch(/Flush requires arguments/);
    ip(['route', 'add', '10.83.0.0/24', 'dev', 'f0'], ns.name);
    ip(['route', 'add', '10.84.0.0/24', 'dev', 'f0', 'proto', 'static'], ns.name);
    rtnlOk([...n, 'route', 'flush', 'dev', 'f0', 'proto', 'static']);
    const routes = ipJson<{ dst: string }[]>(['route', 'show', 'dev', 'f0'], ns.name).map((r) => r.dst);
    expect(routes).toContain('10.83.0.0/24');
    expect(routes).not.toContain('10.84.0.0/24');
    rtnlOk([...n, 'route', 'flush', 'dev', 'f0']);
    expect(ipJson<unknown[]>(['route', 'show', 'dev', 'f0'], ns.name)).toEqual([]);
    rtnlOk([...n, 'neigh', 'add', '10.81.0.7', 'lladdr', '02:00:00:00:81:07', 'dev', 'f0', 'nud', 'stale']);
    rtnlOk([...n, 'neigh', 'add', '10.81.0.8', 'lladdr', '02:00:00:00:81:08', 'dev', 'f0']);
    rtnlOk([...n, 'neigh', 'flush', 'dev', 'f0']);
    // As ip neigh flush: the permanent entry stays; `nud all` takes it too.
    expect(ipJson<{ dst: string }[]>(['neigh', 'show', 'dev', 'f0'], ns.name).map((e) => e.dst)).toEqual(['10.81.0.8']);
    rtnlOk([...n, 'neigh', 'flush', 'dev', 'f0', 'nud', 'all']);
    expect(ipJson<unknown[]>(['neigh', 'show', 'dev', 'f0'], ns.name)).toEqual([]);
    rtnlOk([...n, 'link', 'del', 'f0']);
  });
});
