/**
 * `rtnl` against `ip` on the same namespaces: `-j -d link show` field for
 * field, and the everyday text outputs byte for byte.
 *
 * The namespaces hold one link of every kind rtnl prints details for: a
 * bridge with ports, a veth pair, a veth whose peer lives in a second
 * namespace (link_netnsid / link_index), a TAP with an owner, a vxlan
 * (made with ip: rtnl does not create vxlan), plus an alias, a group, an
 * MTU change, addresses, routes and a neighbour.
 *
 * Fields: everything ip prints must be printed with the same value
 * (KNOWN_MISSING lists exceptions, and is empty). rtnl may print more, but
 * only fields that newer iproute2 releases print for the same attributes
 * (NEWER_IPROUTE2); anything else fails the test.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it, beforeAll } from 'vitest';
import { oracleUnvalidated } from '../helpers/iproute2.js';
import { kernelLacks } from '../helpers/kernel.js';
import { ip, useNetns } from '../helpers/live.js';
import { type Json, compareLinks } from './_compare.js';
import { rtnl, rtnlOk, settled, tapOwner, useCli } from './_cli.js';

useCli();
const ns = useNetns('rtnlcli');
const peerNs = useNetns('rtnlcli2');

/** rtnl's and ip's stdout for the same arguments, compared after things settle. */
async function bothOutputs(args: string[], netns: string, normalise: (s: string) => string = (s) => s): Promise<[string, string]> {
  return settled(() => {
    const ours = normalise(rtnlOk(['-n', netns, ...args]));
    const theirs = normalise(ip(args, netns));
    return { ok: ours === theirs, value: [ours, theirs] as [string, string] };
  });
}

/** The namespace holds a TAP, a vxlan and IPv6 addresses; the comparisons need an ip they were validated with. */
const cannot = kernelLacks('tun', 'vxlan', 'ipv6') ?? oracleUnvalidated();
const owner = tapOwner();

describe.skipIf(cannot !== undefined)(`rtnl vs ip on the same namespace${cannot ? ` (skipped: ${cannot})` : ''}`, () => {
  beforeAll(() => {
    const n = ['-n', ns.name];
    rtnlOk([...n, 'link', 'add', 'br0', 'type', 'bridge', 'forward_delay', '400']);
    rtnlOk([...n, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    rtnlOk([...n, 'link', 'add', 'vx', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', peerNs.name]);
    rtnlOk([...n, 'tuntap', 'add', 'tp0', 'mode', 'tap', 'user', String(owner.uid), 'group', '65534']);
    ip(['link', 'add', 'vxl0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'local', '10.9.0.1'], ns.name);
    rtnlOk([...n, 'link', 'set', 'v0', 'master', 'br0', 'up']);
    rtnlOk([...n, 'link', 'set', 'tp0', 'master', 'br0']);
    rtnlOk([...n, 'link', 'set', 'br0', 'up']);
    rtnlOk([...n, 'link', 'set', 'v1', 'up', 'mtu', '1400', 'alias', 'the other end', 'group', '5']);
    rtnlOk([...n, 'link', 'set', 'vx', 'up']);
    rtnlOk(['-n', peerNs.name, 'link', 'set', 'eth0', 'up']);
    rtnlOk([...n, 'addr', 'add', '10.9.0.1/24', 'dev', 'v1']);
    rtnlOk([...n, 'addr', 'add', '10.9.0.7/32', 'dev', 'v1', 'label', 'v1:7']);
    rtnlOk([...n, 'addr', 'add', '10.8.0.1/24', 'dev', 'br0', 'brd', '+']);
    rtnlOk([...n, 'addr', 'add', 'fd00:9::1/64', 'dev', 'v1', 'nodad']);
    rtnlOk([...n, 'route', 'add', '10.20.0.0/16', 'via', '10.9.0.2', 'metric', '7']);
    rtnlOk([...n, 'route', 'add', '10.30.0.0/16', 'dev', 'br0', 'proto', 'static']);
    rtnlOk([...n, 'neigh', 'add', '10.9.0.5', 'lladdr', '02:00:00:00:09:05', 'dev', 'v1']);
  });

  it('-j -d link show: every field ip prints, with the same value', async () => {
    for (const netns of [ns.name, peerNs.name]) {
      const c = await settled(() => {
        const r = compareLinks(netns);
        return { ok: r.missing.length + r.different.length + r.extra.length === 0, value: r };
      });
      expect(c.missing, `fields ip prints and rtnl does not (${netns})`).toEqual([]);
      expect(c.different, `values that differ (${netns})`).toEqual([]);
      expect(c.extra, `fields rtnl prints that no iproute2 prints (${netns})`).toEqual([]);
      // The namespace really exercised the kinds: bridge, ports, tun, vxlan data were all compared.
      expect(c.compared).toBeGreaterThan(netns === ns.name ? 250 : 20);
    }
  });

  it('the kind details are really there (bridge, bridge port, tun, vxlan, veth peer elsewhere)', () => {
    type L = { ifname: string; link_netnsid?: number; link_index?: number; linkinfo?: { info_kind?: string; info_data?: Json; info_slave_kind?: string; info_slave_data?: Json } };
    const links = JSON.parse(rtnlOk(['-n', ns.name, '-j', '-d', 'link', 'show'])) as L[];
    const by = (n: string) => links.find((l) => l.ifname === n) as L;
    expect(by('br0').linkinfo?.info_data?.['forward_delay']).toBe(400);
    expect(by('v0').linkinfo?.info_slave_kind).toBe('bridge');
    expect(by('tp0').linkinfo?.info_data).toMatchObject({ type: 'tap', persist: true, user: owner.name });
    expect(by('vxl0').linkinfo?.info_data).toMatchObject({ id: 42, port: 4789, local: '10.9.0.1' });
    expect(typeof by('vx').link_netnsid).toBe('number');
    expect(typeof by('vx').link_index).toBe('number');
  });

  it('text outputs are byte-identical to ip: link show, -br link, -j -p link show, route, neigh', async () => {
    for (const args of [['link', 'show'], ['-br', 'link'], ['-br', '-4', 'addr'], ['-j', '-p', 'link', 'show'], ['-j', 'link', 'show'], ['route'], ['-j', 'route'], ['route', 'get', '10.20.1.1'], ['-j', 'route', 'get', '10.20.1.1'], ['neigh'], ['-j', 'neigh']]) {
      // The second namespace has no route to ask about.
      for (const netns of args.includes('get') ? [ns.name] : [ns.name, peerNs.name]) {
        const [ours, theirs] = await bothOutputs(args, netns);
        expect(ours, `rtnl ${args.join(' ')}`).toBe(theirs);
      }
    }
  });

  it('addr show equals ip, except the address protocol that ip 6.1 does not print', async () => {
    const strip = (text: string) =>
      JSON.stringify((JSON.parse(text) as Json[]).map((l) => ({ ...l, addr_info: (l['addr_info'] as Json[]).map(({ protocol: _p, ...rest }) => rest) })));
    const [oursJ, theirsJ] = await bothOutputs(['-j', 'addr', 'show'], ns.name, strip);
    expect(oursJ).toBe(theirsJ);
    const [ours, theirs] = await bothOutputs(['addr', 'show'], ns.name, (t) => t.replace(/ proto kernel_\w+ /g, ' '));
    expect(ours).toBe(theirs);
  });

  it('errors read like ip: kernel refusals exit 2 with "RTNETLINK answers", missing devices exit 1', () => {
    const dup = rtnl(['-n', ns.name, 'link', 'add', 'br0', 'type', 'bridge']);
    expect(dup.status).toBe(2);
    expect(dup.stderr).toMatch(/^RTNETLINK answers: File exists\n/);
    expect(dup.stderr).toMatch(/EEXIST/);
    const ipDup = (() => {
      try {
        ip(['link', 'add', 'br0', 'type', 'bridge'], ns.name);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(ipDup).toContain('RTNETLINK answers: File exists');

    // A kernel extended-ACK message is printed as ip prints it.
    const small = rtnl(['-n', ns.name, 'route', 'add', '10.40.0.0/16', 'via', '1.2.3.4']);
    expect(small.status).toBe(2);
    expect(small.stderr.split('\n')[0]).toBe('Error: Nexthop has invalid gateway.');

    const missing = rtnl(['-n', ns.name, 'link', 'show', 'nope0']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('Device "nope0" does not exist.\n');
    // A device named in a change: `Cannot find device "x"`, exit 1, for every object, as ip.
    for (const args of [['link', 'set', 'nope0', 'up'], ['link', 'del', 'nope0'], ['addr', 'add', '10.1.1.1/24', 'dev', 'nope0'], ['route', 'add', '10.9.0.0/24', 'dev', 'nope0'], ['neigh', 'add', '10.1.1.2', 'lladdr', '02:00:00:00:00:01', 'dev', 'nope0']]) {
      const r = rtnl(['-n', ns.name, ...args]);
      expect([r.status, r.stderr], args.join(' ')).toEqual([1, 'Cannot find device "nope0"\n']);
      const theirs = spawnSync('ip', ['-n', ns.name, ...args], { encoding: 'utf8' });
      expect([theirs.status, theirs.stderr], `ip ${args.join(' ')}`).toEqual([1, 'Cannot find device "nope0"\n']);
    }
  });
});
