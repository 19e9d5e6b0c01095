/**
 * apply against the real kernel, with iproute2 as the oracle: what it makes
 * is what the document says; a second plan is empty and a second apply
 * sends no request that changes anything; a failure half-way undoes every
 * change (also changes to links that were there before) and keeps the
 * kernel's error as `cause`; prune, move and the conflicts plan refuses.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TopologyError, topology } from '../../src/index.js';
import { getShim, setShim } from '../../src/shim/index.js';
import type { Shim } from '../../src/shim/types.js';
import { canRunLive, ip, ipJson, liveTitle, uniqueName, useNetns } from '../helpers/live.js';

const BASE = useNetns('rtnltap');
const prefix = uniqueName('rta');
const NS_SW = `${prefix}sw`;
const NS_A = `${prefix}a`;
let journalDir: string;

interface IpLink {
  ifname: string;
  flags: string[];
  mtu: number;
  master?: string;
  address?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
  addr_info?: { local: string; prefixlen: number; scope: string }[];
}

const links = (ns: string) => ipJson<IpLink[]>(['-d', 'link', 'show'], ns);
const link = (ns: string, name: string) => links(ns).find((l) => l.ifname === name);
const addrs = (ns: string, dev: string) =>
  ipJson<IpLink[]>(['addr', 'show', 'dev', dev], ns)[0]!
    .addr_info!.filter((a) => a.scope !== 'link')
    .map((a) => `${a.local}/${a.prefixlen}`);
const ourNamespaces = () =>
  ip(['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(prefix))
    .sort();
const opts = () => ({ netns: BASE.name, journalDir });

/** Counts netlink messages by kind on every send: RTM_GET* (type % 4 === 2 from RTM_BASE 16) reads, the rest changes. */
function watch(): { mutating: number; reads: number; namespaceCalls: number; restore(): void } {
  const real = getShim();
  const w = { mutating: 0, reads: 0, namespaceCalls: 0, restore: () => void setShim(real) };
  const shim = new Proxy(real, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      if (prop === 'send') {
        return (fd: number, buf: Uint8Array, length: number, flags: number, to?: Uint8Array) => {
          const view = new DataView(buf.buffer, buf.byteOffset, length);
          for (let off = 0; off + 16 <= length; ) {
            const len = view.getUint32(off, true);
            const type = view.getUint16(off + 4, true);
            if (type >= 16) (type % 4 === 2 ? w.reads++ : w.mutating++);
            off += Math.max(16, (len + 3) & ~3);
          }
          return real.send(fd, buf, length, flags, to);
        };
      }
      if (prop === 'mount' || prop === 'unshare' || prop === 'umount2') {
        return (...a: unknown[]) => {
          w.namespaceCalls++;
          return (v as (...x: unknown[]) => unknown).apply(target, a);
        };
      }
      return (v as (...a: unknown[]) => unknown).bind(target);
    },
  }) as Shim;
  setShim(shim);
  return w;
}

const seed = (): topology.Topology => ({
  namespaces: [NS_SW, NS_A],
  links: [
    { name: 'br0', kind: 'bridge', netns: NS_SW, options: { stp: false }, addresses: ['10.70.0.254/24'] },
    { name: 'veth-a', kind: 'veth', netns: NS_SW, master: 'br0', peer: { name: 'eth0', netns: NS_A, mtu: 1400, addresses: ['10.70.0.1/24', 'fd00:70::1/64'] } },
    { name: 'tap0', kind: 'tap', netns: NS_SW, master: 'br0', up: false },
    { name: 'uplink', kind: 'veth', address: '02:00:00:00:70:01', addresses: ['10.71.0.1/30'], peer: { name: 'uplink-sw', netns: NS_SW, master: 'br0' } },
  ],
  routes: [
    { netns: NS_A, dst: 'default', gateway: '10.70.0.254' },
    { netns: NS_A, dst: '10.90.0.0/16', gateway: '10.70.0.254', table: 100, metric: 5 },
    { dst: '10.70.0.0/24', gateway: '10.71.0.2', dev: 'uplink' },
  ],
  neighbours: [{ netns: NS_A, dev: 'eth0', address: '10.70.0.9', lladdr: '02:00:00:00:70:09' }],
  rules: [
    { netns: NS_A, from: '10.70.0.0/24', table: 100, priority: 1000 },
    { netns: NS_A, fwmark: 0x10, fwmask: 0xff, table: 100 },
  ],
});

beforeAll(() => {
  journalDir = mkdtempSync(join(tmpdir(), 'rtnl-topo-'));
});
afterEach(async () => {
  if (canRunLive) await topology.destroy(seed(), { netns: BASE.name }).catch(() => undefined);
  for (const ns of canRunLive ? ourNamespaces() : []) ip(['netns', 'delete', ns]);
});
afterAll(() => rmSync(journalDir, { recursive: true, force: true }));

describe.skipIf(!canRunLive)(liveTitle('topology apply against the kernel (iproute2 as the oracle)'), () => {
  it('makes what the document says, and a second plan and apply change nothing', async () => {
    const planned = await topology.plan(seed(), { netns: BASE.name });
    expect(planned.map(topology.describeChange)).toContain(`create link veth-a in ${NS_SW} type veth peer eth0 in ${NS_A}`);
    const { changes } = await topology.apply(seed(), opts());
    expect(changes).toEqual(planned);
    expect(ourNamespaces()).toEqual([NS_A, NS_SW]);

    const br = link(NS_SW, 'br0')!;
    expect([br.linkinfo?.info_kind, br.flags.includes('UP'), br.linkinfo?.info_data?.stp_state]).toEqual(['bridge', true, 0]);
    for (const port of ['veth-a', 'tap0', 'uplink-sw']) expect(link(NS_SW, port)?.master, port).toBe('br0');
    expect(link(NS_SW, 'tap0')!.flags.includes('UP')).toBe(false);
    const eth0 = link(NS_A, 'eth0')!;
    expect([eth0.linkinfo?.info_kind, eth0.mtu, eth0.flags.includes('UP')]).toEqual(['veth', 1400, true]);
    expect(addrs(NS_A, 'eth0').sort()).toEqual(['10.70.0.1/24', 'fd00:70::1/64']);
    expect(addrs(NS_SW, 'br0')).toEqual(['10.70.0.254/24']);
    expect(link(BASE.name, 'uplink')!.address).toBe('02:00:00:00:70:01');
    expect(addrs(BASE.name, 'uplink')).toEqual(['10.71.0.1/30']);
    expect(ipJson<{ dst: string; gateway: string }[]>(['route', 'show', 'default'], NS_A)[0]?.gateway).toBe('10.70.0.254');
    expect(ipJson<{ dst: string; metric?: number }[]>(['route', 'show', 'table', '100'], NS_A)).toMatchObject([{ dst: '10.90.0.0/16', metric: 5 }]);
    expect(ipJson<{ dst: string; gateway: string }[]>(['route', 'show', '10.70.0.0/24'], BASE.name)[0]?.gateway).toBe('10.71.0.2');
    expect(ipJson<{ dst: string; lladdr: string; state: string[] }[]>(['neigh', 'show', 'dev', 'eth0'], NS_A)).toContainEqual(expect.objectContaining({ dst: '10.70.0.9', lladdr: '02:00:00:00:70:09', state: ['PERMANENT'] }));
    const rules = ipJson<{ priority: number; src?: string; srclen?: number; table: string; fwmark?: string; fwmask?: string }[]>(['rule', 'show'], NS_A);
    expect(rules).toContainEqual(expect.objectContaining({ priority: 1000, src: '10.70.0.0', srclen: 24, table: '100' }));
    expect(rules).toContainEqual(expect.objectContaining({ fwmark: '0x10', fwmask: '0xff', table: '100' }));
    expect(readdirSync(journalDir)).toEqual([]);

    expect(await topology.plan(seed(), { netns: BASE.name })).toEqual([]);
    const w = watch();
    try {
      expect((await topology.apply(seed(), opts())).changes).toEqual([]);
    } finally {
      w.restore();
    }
    expect(w.reads).toBeGreaterThan(0);
    expect([w.mutating, w.namespaceCalls]).toEqual([0, 0]);
    expect(readdirSync(journalDir)).toEqual([]);

    const destroyed = await topology.destroy(seed(), { netns: BASE.name });
    expect(destroyed.map(topology.describeChange)).toEqual(['delete link uplink (veth)', `delete netns ${NS_SW}`, `delete netns ${NS_A}`]);
    expect([ourNamespaces(), link(BASE.name, 'uplink')]).toEqual([[], undefined]);
    expect(await topology.destroy(seed(), { netns: BASE.name })).toEqual([]);
  });

  it('changes only what differs, and undoes it all when a later change fails, with the kernel error as cause', async () => {
    ip(['link', 'add', 'pre0', 'mtu', '1300', 'type', 'bridge'], BASE.name);
    ip(['addr', 'add', '10.72.0.1/24', 'dev', 'pre0'], BASE.name);
    try {
      const doc: topology.Topology = {
        namespaces: [NS_A],
        links: [
          { name: 'pre0', kind: 'bridge', mtu: 1500, addresses: ['10.72.0.1/24', '10.73.0.1/24'] },
          { name: 'veth-x', kind: 'veth', master: 'pre0', peer: { name: 'eth0', netns: NS_A, addresses: ['10.72.0.2/24'] } },
        ],
        // No address covers 10.200.0.1 in NS_A: the kernel refuses this one, the last change.
        routes: [{ netns: NS_A, dst: '10.201.0.0/16', gateway: '10.200.0.1' }],
        // Made before the route, undone with the rest.
        rules: [{ to: '10.72.0.0/24', table: 200, priority: 500 }],
      };
      const planned = (await topology.plan(doc, { netns: BASE.name })).map(topology.describeChange);
      expect(planned).toEqual([
        `create netns ${NS_A}`,
        'create link veth-x type veth peer eth0 in ' + NS_A,
        'set link pre0 up (was down)',
        `set link eth0 in ${NS_A} up`,
        'set link veth-x master pre0 up',
        // A bridge's MTU last, once its ports are in: the kernel would adjust a creation-time one to the ports'.
        'set link pre0 mtu 1500 (was mtu 1300)',
        'create address 10.73.0.1/24 dev pre0',
        `create address 10.72.0.2/24 dev eth0 in ${NS_A}`,
        'create rule to 10.72.0.0/24 pref 500 lookup 200',
        `create route 10.201.0.0/16 via 10.200.0.1 in ${NS_A}`,
      ]);
      const e = await topology.apply(doc, opts()).then(
        () => undefined,
        (x: unknown) => x as TopologyError,
      );
      expect(e?.name).toBe('TopologyError');
      expect(e?.phase).toBe('apply');
      expect(e?.message).toMatch(/^change 10 of 10 failed \(create route 10\.201\.0\.0\/16 via 10\.200\.0\.1 in .*\): .*every change made was undone$/);
      expect((e?.cause as { name: string; code: string }) ?? {}).toMatchObject({ name: 'NetlinkError', code: 'ENETUNREACH' });
      expect(e?.revertErrors).toEqual([]);
      expect(e?.journal).toBeUndefined();
      const pre = link(BASE.name, 'pre0')!;
      expect([pre.mtu, pre.flags.includes('UP'), addrs(BASE.name, 'pre0')]).toEqual([1300, false, ['10.72.0.1/24']]);
      expect([link(BASE.name, 'veth-x'), ourNamespaces()]).toEqual([undefined, []]);
      expect(ipJson<{ priority: number }[]>(['rule', 'show'], BASE.name).map((r) => r.priority)).not.toContain(500);
      expect(readdirSync(journalDir)).toEqual([]);
    } finally {
      ip(['link', 'del', 'pre0'], BASE.name);
    }
  });

  it('prunes what its own namespaces hold beyond the document, only when asked, and moves a link it finds elsewhere', async () => {
    const doc: topology.Topology = { namespaces: [NS_SW, NS_A], links: [{ name: 'br0', kind: 'bridge', netns: NS_SW, addresses: ['10.74.0.1/24'] }] };
    await topology.apply(doc, opts());
    ip(['link', 'add', 'stray0', 'type', 'bridge'], NS_SW);
    ip(['addr', 'add', '10.74.0.9/24', 'dev', 'br0'], NS_SW);
    ip(['link', 'set', 'br0', 'up'], NS_SW);
    ip(['route', 'add', '10.75.0.0/16', 'via', '10.74.0.2'], NS_SW);
    ip(['tuntap', 'add', 'mv0', 'mode', 'tap'], NS_A);
    ip(['link', 'add', 'br1', 'type', 'bridge'], NS_A);
    expect(await topology.plan(doc, { netns: BASE.name })).toEqual([]);
    const pruned = (await topology.plan(doc, { netns: BASE.name, prune: true })).map(topology.describeChange);
    expect(pruned).toEqual([
      `delete route 10.75.0.0/16 via 10.74.0.2 dev br0 in ${NS_SW}`,
      `delete address 10.74.0.9/24 dev br0 in ${NS_SW}`,
      `delete link stray0 in ${NS_SW} (bridge)`,
      `delete link mv0 in ${NS_A} (tap)`,
      `delete link br1 in ${NS_A} (bridge)`,
    ]);
    // A link described in another of the topology's namespaces than where it is: moved, not made anew —
    // except a bridge, which the kernel keeps in its namespace (NETIF_F_NETNS_LOCAL).
    // Its settings travel with it: what differs is set after the move.
    const moved: topology.Topology = { ...doc, links: [...doc.links!, { name: 'mv0', kind: 'tap', netns: NS_SW, up: false, mtu: 1400 }, { name: 'br1', kind: 'bridge', netns: NS_SW, up: false }] };
    expect((await topology.plan(moved, { netns: BASE.name })).map(topology.describeChange)).toEqual([`move link mv0 in ${NS_A} to ${NS_SW}`, `create link br1 in ${NS_SW} type bridge`, `set link mv0 in ${NS_SW} mtu 1400 (was mtu 1500)`]);
    await topology.apply(moved, { ...opts(), prune: true });
    expect(links(NS_SW).map((l) => l.ifname).sort()).toEqual(['br0', 'br1', 'lo', 'mv0']);
    // lo, and the fallback devices a loaded tunnel module puts in every new namespace (none on most machines).
    expect(links(NS_A).map((l) => l.ifname).filter((n) => !/^(gre0|gretap0|erspan0|ip_vti0|ip6_vti0|sit0|ip6tnl0|ip6gre0|tunl0)$/.test(n))).toEqual(['lo']);
    expect(addrs(NS_SW, 'br0')).toEqual(['10.74.0.1/24']);
    expect(await topology.plan(moved, { netns: BASE.name, prune: true })).toEqual([]);
    await topology.destroy(moved, { netns: BASE.name });
  });

  it('refuses, before changing anything, a described name held by a link of another kind, or two veths of different pairs', async () => {
    ip(['link', 'add', 'br9', 'type', 'veth', 'peer', 'name', 'br9p'], BASE.name);
    ip(['link', 'add', 'vx1', 'type', 'veth', 'peer', 'name', 'vx1p'], BASE.name);
    try {
      const crossed: topology.Topology = { links: [{ name: 'br9', kind: 'veth', peer: { name: 'vx1' } }] };
      await expect(topology.plan(crossed, { netns: BASE.name })).rejects.toMatchObject({ name: 'ValidationError', field: 'links[0].peer.name', message: expect.stringContaining('ends of different pairs') });
      // The two ends of one pair are that pair: only their state differs.
      expect((await topology.plan({ links: [{ name: 'br9', kind: 'veth', peer: { name: 'br9p' } }] }, { netns: BASE.name })).map(topology.describeChange)).toEqual(['set link br9 up (was down)', 'set link br9p up (was down)']);
      const doc: topology.Topology = { namespaces: [NS_A], links: [{ name: 'br9', kind: 'bridge' }] };
      const e = await topology.apply(doc, opts()).catch((x: unknown) => x as { name: string; field: string; message: string });
      expect(e).toMatchObject({ name: 'ValidationError', field: 'links[0].name' });
      expect((e as Error).message).toContain('br9 in the current namespace exists as a veth, not a bridge');
      expect(ourNamespaces()).toEqual([]);
    } finally {
      ip(['link', 'del', 'br9'], BASE.name);
      ip(['link', 'del', 'vx1'], BASE.name);
    }
  });
});
