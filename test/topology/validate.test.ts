/**
 * A topology is validated as a whole before anything is touched: every
 * problem is found, each named by its path in the document, and the first
 * one is the ValidationError's field. No privileges, no kernel: these calls
 * fail before any system call.
 */
import { describe, expect, it } from 'vitest';
import { topology } from '../../src/index.js';

function problems(doc: unknown): { path: string; message: string }[] {
  try {
    topology.validateTopology(doc);
  } catch (e) {
    expect((e as Error).name).toBe('ValidationError');
    const list = (e as { problems: { path: string; message: string }[] }).problems;
    expect((e as { field: string }).field).toBe(list[0]!.path);
    return list;
  }
  throw new Error('expected the topology to be refused');
}

const paths = (doc: unknown) => problems(doc).map((p) => p.path);

describe('validateTopology', () => {
  it('accepts the seed picture and normalises addresses', () => {
    const m = topology.validateTopology({
      namespaces: ['sw', 'a'],
      links: [
        { name: 'br0', kind: 'bridge', netns: 'sw' },
        { name: 'veth-a', kind: 'veth', netns: 'sw', master: 'br0', peer: { name: 'eth0', netns: 'a', addresses: ['FD00:0::1/64', '10.0.0.1/24'] } },
      ],
      routes: [{ netns: 'a', dst: '10.9.8.7/16', gateway: '10.0.0.254' }, { netns: 'a', dst: 'default', gateway: 'fd00::fe' }],
    });
    expect(m.ends.get('a/eth0')?.addresses).toEqual(['fd00::1/64', '10.0.0.1/24']);
    expect(m.routes.map((r) => [r.dst, r.family, r.metric, r.table])).toEqual([
      ['10.9.0.0/16', 'inet', 0, 254],
      ['default', 'inet6', 1024, 254],
    ]);
    expect(m.ends.get('a/eth0')?.up).toBe(true);
  });

  it('names every problem by its path, not only the first', () => {
    const list = problems({
      namespaces: ['a', 'a', 'bad/name'],
      links: [
        { name: 'br0', kind: 'bridge', peer: { name: 'x' } },
        { name: 'v0', kind: 'veth' },
        { name: 'p0', kind: 'tap', master: 'v0', options: { owner: 0, colour: 'red' } },
        { name: 'q0', kind: 'tap', master: 'nosuch', netns: 'b' },
        { name: 'br0', kind: 'bridge', options: { stp: false, hello: 1 } },
        { name: 'vl0', kind: 'vlan' },
        { name: 'x', kind: 'warp' },
        { name: 'a0', kind: 'tap', addresses: ['10.0.0.1', '10.0.0.2/24', '10.0.0.2/24'], mtu: 12 },
      ],
      routes: [{ dst: 'nowhere' }, { dst: '10.1.0.0/16', gateway: 'fd00::1' }, { dst: '10.2.0.0/16', dev: 'nosuch' }],
      neighbours: [{ dev: 'a0', address: '10.0.0.9', lladdr: 'zz' }],
      extra: 1,
    });
    const byPath = Object.fromEntries(list.map((p) => [p.path, p.message]));
    expect(byPath).toMatchObject({
      'topology.extra': expect.stringContaining('unknown field'),
      'namespaces[1]': 'namespace a is listed twice',
      'namespaces[2]': expect.stringContaining('invalid network namespace name'),
      'links[0].peer': expect.stringContaining('a bridge link has no peer'),
      'links[1].peer': expect.stringContaining('a veth link needs its peer end'),
      'links[2].options.colour': expect.stringContaining('unknown field'),
      'links[2].master': expect.stringContaining('v0 is a veth, which cannot be a master'),
      'links[3].netns': expect.stringContaining('"b" is not one of the topology\'s namespaces'),
      'links[4].name': expect.stringContaining('br0 in the current namespace is also links[0]'),
      'links[4].options.hello': expect.stringContaining('is not a known option'),
      'links[5].link': expect.stringContaining('a vlan link needs its lower device'),
      'links[6].kind': expect.stringContaining('"warp" is not a link kind'),
      'links[7].addresses[0]': expect.stringContaining('CIDR'),
      'links[7].addresses[2]': '10.0.0.2/24 is listed twice',
      'links[7].mtu': expect.stringContaining('12'),
      'routes[0].dst': expect.stringContaining('"nowhere"'),
      'routes[1].gateway': 'an inet route needs an inet gateway',
      'routes[2].dev': expect.stringContaining('no link "nosuch"'),
      'neighbours[0].lladdr': expect.any(String),
    });
    expect(list.length).toBe(Object.keys(byPath).length);
  });

  it('refuses master cycles, self-references and duplicate routes and neighbours', () => {
    expect(
      paths({
        links: [
          { name: 'b1', kind: 'bridge', master: 'b2' },
          { name: 'b2', kind: 'bridge', master: 'b1' },
          { name: 'b3', kind: 'bridge', master: 'b3' },
        ],
      }),
    ).toEqual(['links[2].master', 'links[0].master', 'links[1].master', 'links[2].master']);
    expect(
      paths({
        links: [{ name: 't0', kind: 'tap', addresses: ['10.0.0.1/24'] }],
        routes: [
          { dst: '10.5.0.0/16', dev: 't0' },
          { dst: '10.5.1.2/16', dev: 't0' },
        ],
        neighbours: [
          { dev: 't0', address: '10.0.0.2', lladdr: '02:00:00:00:00:01' },
          { dev: 't0', address: '10.0.0.2', lladdr: '02:00:00:00:00:02' },
        ],
      }),
    ).toEqual(['routes[1]', 'neighbours[1]']);
  });

  it("checks rules with addRule's own checks, by their place in the document", () => {
    expect(paths({ namespaces: ['a'], rules: [{ from: '10.0.0.0/8', table: 100 }, { netns: 'b', table: 5 }, { from: 'nope' }, { sport: 70000 }, 'x'] })).toEqual(['rules[1].netns', 'rules[2].from', 'rules[3].sport', 'rules[4]']);
  });

  it('refuses kinds rtnl reads but cannot make, saying why', () => {
    const byPath = Object.fromEntries(problems({ links: [{ name: 't0', kind: 'tun' }, { name: 'vx0', kind: 'vxlan' }] }).map((p) => [p.path, p.message]));
    expect(byPath['links[0].kind']).toMatch(/\/dev\/net\/tun, not rtnetlink: use kind "tap"/);
    expect(byPath['links[1].kind']).toMatch(/cannot make them yet/);
  });

  it('refuses what is not a topology at all, and a namespace that cannot be named after a crash', async () => {
    expect(paths(null)).toEqual(['topology']);
    expect(paths({ links: {} })).toEqual(['links']);
    await expect(topology.apply({}, { netns: 3 as unknown as string })).rejects.toMatchObject({ name: 'ValidationError', field: 'netns' });
    await expect(topology.plan({}, { netns: '../x' })).rejects.toMatchObject({ name: 'ValidationError', field: 'netns' });
    // The call's namespace holds what names no netns: it cannot also be one the topology owns (and prunes, and destroys).
    await expect(topology.destroy({ namespaces: ['a'] }, { netns: 'a' })).rejects.toMatchObject({ name: 'ValidationError', field: 'netns' });
  });
});
