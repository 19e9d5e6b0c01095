/**
 * The whole picture with real traffic: examples/connect-namespaces.ts
 * builds two topologies with rtnl alone, sends UDP through them, and we
 * check with iproute2 (inside the example's namespaces, before it tears
 * them down) that the kernel state is what rtnl reports.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { routed, switched } from '../../../examples/connect-namespaces.js';
import { listAddresses } from '../../../src/ops/addresses/index.js';
import { listRoutes } from '../../../src/ops/routes/index.js';
import { listNeighbours } from '../../../src/ops/neighbours/index.js';
import { canRunLive, deleteNetnsWithIp, ipJson, uniqueName, liveTitle } from '../../helpers/live.js';

const prefix = uniqueName('rtnlx');
afterAll(() => {
  // Only if a test failed half-way: the example deletes its namespaces itself.
  if (canRunLive) for (const s of ['a', 'b', 'h1', 'h2', 'sw']) deleteNetnsWithIp(`${prefix}-${s}`);
});

const mac = (ns: string, dev: string) => ipJson<{ address: string }[]>(['link', 'show', dev], ns)[0]?.address;
const netnsNames = () => ipJson<{ name: string }[]>(['netns', 'list']).map((n) => n.name);

describe.skipIf(!canRunLive)(liveTitle('namespaces connected with real traffic'), () => {
  it('routes a UDP datagram from one namespace to another through a veth pair and a default route', async () => {
    const seen: Record<string, unknown> = {};
    const lines: string[] = [];
    const r = await routed({
      prefix,
      log: (l) => lines.push(l),
      beforeTeardown: async (names) => {
        const [a, b] = names as [string, string];
        seen.vbMac = mac(b, 'vb');
        // What we added, ip sees…
        expect(ipJson<{ dst: string; gateway?: string; dev: string }[]>(['route', 'show', 'default'], a)).toEqual([
          expect.objectContaining({ dst: 'default', gateway: '10.99.1.2', dev: 'va' }),
        ]);
        const ipAddrB = ipJson<{ ifname: string; addr_info: { local: string; prefixlen: number }[] }[]>(['-4', 'addr', 'show'], b);
        expect(ipAddrB.flatMap((l) => l.addr_info.map((x) => `${l.ifname} ${x.local}/${x.prefixlen}`)).sort()).toEqual(['lo 10.99.2.1/32', 'lo 127.0.0.1/8', 'vb 10.99.1.2/24']);
        // …and what the kernel made by itself (prefix routes, ARP entries), we report as ip does.
        const ours = (await listRoutes({ netns: a, family: 'inet' })).map((x) => `${x.dst} ${x.gateway ?? ''} ${x.dev} ${x.protocol} ${x.scope}`).sort();
        const theirs = ipJson<{ dst: string; gateway?: string; dev: string; protocol?: string; scope?: string }[]>(['-4', 'route', 'show'], a)
          .map((x) => `${x.dst} ${x.gateway ?? ''} ${x.dev} ${x.protocol ?? 'boot'} ${x.scope ?? 'global'}`)
          .sort();
        expect(ours).toEqual(theirs);
        const neigh = ipJson<{ dst: string; lladdr: string; state: string[] }[]>(['neigh', 'show', 'dev', 'va'], a);
        const ourNeigh = await listNeighbours({ netns: a, link: 'va', family: 'inet' });
        expect(ourNeigh.map((n) => [n.address, n.lladdr, n.state])).toEqual(neigh.map((n) => [n.dst, n.lladdr, n.state]));
        expect((await listAddresses({ netns: b, family: 'inet' })).map((x) => `${x.link} ${x.address}/${x.prefixLength}`).sort()).toEqual([
          'lo 10.99.2.1/32',
          'lo 127.0.0.1/8',
          'vb 10.99.1.2/24',
        ]);
      },
    });
    expect(r.from).toBe('10.99.1.1');
    expect(r.echoed).toBe('hello from a');
    expect(r.route).toMatchObject({ gateway: '10.99.1.2', dev: 'va', prefsrc: '10.99.1.1', table: 'main' });
    expect(r.gatewayNeighbour?.lladdr).toBe(seen.vbMac);
    expect(r.gatewayNeighbour?.state).toEqual([expect.stringMatching(/REACHABLE|STALE|DELAY|PROBE/)]);
    expect(lines.some((l) => l.includes('got a datagram from 10.99.1.1'))).toBe(true);
    expect(netnsNames()).not.toContain(`${prefix}-a`);
    expect(netnsNames()).not.toContain(`${prefix}-b`);
  });

  it('switches a UDP datagram between two namespaces through a bridge in a third, which learns both MACs', async () => {
    const macs: Record<string, string | undefined> = {};
    const r = await switched({
      prefix,
      beforeTeardown: async (names) => {
        const [h1, h2, sw] = names as [string, string, string];
        macs.h1 = mac(h1, 'eth0');
        macs.h2 = mac(h2, 'eth0');
        const fdb = JSON.parse(execFileSync('bridge', ['-n', sw, '-j', 'fdb', 'show', 'br', 'br0'], { encoding: 'utf8' })) as { mac: string; ifname: string; state: string }[];
        expect(fdb).toContainEqual(expect.objectContaining({ mac: macs.h1, ifname: 'sw1' }));
        expect(fdb).toContainEqual(expect.objectContaining({ mac: macs.h2, ifname: 'sw2' }));
        // Ports are enslaved to br0 and up, as ip sees them.
        const ports = ipJson<{ ifname: string; master?: string; flags: string[] }[]>(['link', 'show', 'master', 'br0'], sw);
        expect(ports.map((p) => [p.ifname, p.master, p.flags.includes('UP')]).sort()).toEqual([
          ['sw1', 'br0', true],
          ['sw2', 'br0', true],
        ]);
      },
    });
    expect(r.from).toBe('10.99.3.1');
    expect(r.echoed).toBe('hello across the bridge');
    const learned = r.learned.map((n) => [n.link, n.lladdr, n.master]).sort();
    expect(learned).toEqual(
      [
        ['sw1', macs.h1, 'br0'],
        ['sw2', macs.h2, 'br0'],
      ].sort(),
    );
    for (const s of ['h1', 'h2', 'sw']) expect(netnsNames()).not.toContain(`${prefix}-${s}`);
  });
});
