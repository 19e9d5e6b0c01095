import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { addNeighbour, deleteNeighbour, listNeighbours, type Neighbour } from '../../../src/ops/neighbours/index.js';
import { RtnlSocket } from '../../../src/netlink/socket.js';
import { ByteWriter } from '../../../src/netlink/writer.js';
import { reencode } from '../../../src/rtnetlink/family.js';
import { neighMessage } from '../../../src/rtnetlink/neigh/index.js';
import { AF, RTM } from '../../../src/rtnetlink/constants.js';
import { canRunLive, ip, ipJson, useNetns, liveTitle } from '../../helpers/live.js';

const ns = useNetns('rtnlneigh');

interface IpNeigh {
  dst: string;
  dev: string;
  lladdr?: string;
  state: string[];
  router?: null;
  proxy?: null;
  extern_learn?: null;
}
interface BridgeFdb {
  mac: string;
  ifname: string;
  vlan?: number;
  flags: string[];
  master?: string;
  state: string;
}

function bridgeJson(args: string[]): BridgeFdb[] {
  const out = execFileSync('bridge', ['-n', ns.name, '-j', ...args], { encoding: 'utf8' }).trim();
  return out ? (JSON.parse(out) as BridgeFdb[]) : [];
}

/** Ours in ip -j neigh's shape. */
function asIp(n: Neighbour): IpNeigh {
  const o: IpNeigh = { dst: n.address!, dev: n.link!, state: n.state };
  if (n.lladdr !== undefined) o.lladdr = n.lladdr;
  if (n.flags.includes('router')) o.router = null;
  if (n.flags.includes('extern_learn')) o.extern_learn = null;
  return o;
}

/** bridge/fdb.c state_n2a. */
function fdbState(n: Neighbour): string {
  const s = n.raw.header.state;
  if (s & 0x80) return 'permanent';
  if (s & 0x40) return 'static';
  if (s & 0x04) return 'stale';
  if (s & 0x02) return '';
  return `0x${s.toString(16)}`;
}

/** Ours in bridge -j fdb's shape (flags in print order: self router extern_learn offload master sticky). */
function asFdb(n: Neighbour): BridgeFdb {
  const order = ['self', 'router', 'extern_learn', 'offload', 'master', 'sticky', 'locked'];
  const o: BridgeFdb = { mac: n.lladdr!, ifname: n.link!, flags: order.filter((f) => n.flags.includes(f)), state: fdbState(n) };
  if (n.vlan !== undefined) o.vlan = n.vlan;
  if (n.master !== undefined) o.master = n.master;
  return o;
}

/**
 * The kernel adds entries of its own (multicast NOARP neighbours, FDB
 * entries) as links come up: compare again until two reads agree.
 */
const canon = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : x));

async function eventuallyEqual<T>(ours: () => Promise<T[]>, theirs: () => T[]): Promise<void> {
  for (let i = 0; ; i++) {
    const a = sortBy(await ours());
    const b = sortBy(theirs());
    if (i >= 5 || canon(a) === canon(b)) {
      expect(a).toEqual(b);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const key = (x: { dst?: string; dev?: string; mac?: string; ifname?: string; vlan?: number; master?: string }) => `${x.dst ?? x.mac}|${x.dev ?? x.ifname}|${x.vlan ?? ''}|${x.master ?? ''}`;
const sortBy = <T,>(a: T[]) => a.sort((x, y) => (key(x as never) < key(y as never) ? -1 : key(x as never) > key(y as never) ? 1 : 0));

describe.skipIf(!canRunLive)(liveTitle('neighbours and bridge FDB against the real kernel'), () => {
  beforeAll(() => {
    if (!canRunLive) return;
    ip(['link', 'add', 'n0', 'type', 'veth', 'peer', 'name', 'n1'], ns.name);
    ip(['link', 'set', 'n0', 'up'], ns.name);
    ip(['link', 'set', 'n1', 'up'], ns.name);
    ip(['addr', 'add', '10.40.0.1/24', 'dev', 'n0'], ns.name);
    ip(['link', 'add', 'br0', 'type', 'bridge'], ns.name);
    ip(['link', 'add', 'b0', 'type', 'veth', 'peer', 'name', 'b1'], ns.name);
    ip(['link', 'set', 'b0', 'master', 'br0'], ns.name);
    ip(['link', 'set', 'br0', 'up'], ns.name);
    ip(['link', 'set', 'b0', 'up'], ns.name);
  });

  it('adds IPv4 and IPv6 neighbours that ip -j neigh shows as we list them', async () => {
    await addNeighbour({ netns: ns.name, link: 'n0', address: '10.40.0.2', lladdr: '02:00:00:00:40:02' });
    await addNeighbour({ netns: ns.name, link: 'n0', address: '10.40.0.3', lladdr: '02:00:00:00:40:03', state: 'reachable' });
    await addNeighbour({ netns: ns.name, link: 'n0', address: 'fd00:40::2', lladdr: '02:00:00:00:40:22', router: true, state: 'stale' });
    const theirs = ipJson<IpNeigh[]>(['neigh', 'show', 'nud', 'all'], ns.name);
    expect(theirs).toContainEqual({ dst: '10.40.0.2', dev: 'n0', lladdr: '02:00:00:00:40:02', state: ['PERMANENT'] });
    expect(theirs).toContainEqual(expect.objectContaining({ dst: 'fd00:40::2', router: null, state: ['STALE'] }));
    await eventuallyEqual(async () => (await listNeighbours({ netns: ns.name })).map(asIp), () => ipJson<IpNeigh[]>(['neigh', 'show', 'nud', 'all'], ns.name));
  });

  it('decodes neighbours ip added, and filters by link and family', async () => {
    ip(['neigh', 'add', '10.40.0.9', 'lladdr', '02:00:00:00:40:09', 'nud', 'noarp', 'dev', 'n0'], ns.name);
    ip(['neigh', 'add', '10.40.0.10', 'lladdr', '02:00:00:00:40:0a', 'nud', 'stale', 'extern_learn', 'dev', 'n0'], ns.name);
    ip(['neigh', 'add', 'fd00:40::9', 'lladdr', '02:00:00:00:40:99', 'dev', 'n1'], ns.name);
    await eventuallyEqual(async () => (await listNeighbours({ netns: ns.name })).map(asIp), () => ipJson<IpNeigh[]>(['neigh', 'show', 'nud', 'all'], ns.name));
    const n1 = await listNeighbours({ netns: ns.name, link: 'n1' });
    expect(n1.map((n) => n.address)).toContain('fd00:40::9');
    await eventuallyEqual(async () => (await listNeighbours({ netns: ns.name, link: 'n1' })).map(asIp), () => ipJson<IpNeigh[]>(['neigh', 'show', 'dev', 'n1', 'nud', 'all'], ns.name).map((x) => ({ ...x, dev: 'n1' })));
    const v4 = await listNeighbours({ netns: ns.name, family: 'inet' });
    expect(v4.every((n) => n.family === 'inet')).toBe(true);
    await eventuallyEqual(async () => (await listNeighbours({ netns: ns.name, family: 'inet' })).map(asIp), () => ipJson<IpNeigh[]>(['-4', 'neigh', 'show', 'nud', 'all'], ns.name));
    expect(v4.find((n) => n.address === '10.40.0.9')?.state).toEqual(['NOARP']);
    expect(v4.find((n) => n.address === '10.40.0.10')?.flags).toContain('extern_learn');
  });

  it('adds and lists proxy entries', async () => {
    await addNeighbour({ netns: ns.name, link: 'n0', address: '10.40.0.77', proxy: true });
    expect(ipJson<IpNeigh[]>(['neigh', 'show', 'proxy'], ns.name)).toContainEqual(expect.objectContaining({ dst: '10.40.0.77', dev: 'n0' }));
    const proxies = await listNeighbours({ netns: ns.name, proxy: true, family: 'inet' });
    expect(proxies.map((p) => [p.address, p.link, p.flags.includes('proxy')])).toEqual([['10.40.0.77', 'n0', true]]);
    await deleteNeighbour({ netns: ns.name, link: 'n0', address: '10.40.0.77', proxy: true });
    expect(ipJson<IpNeigh[]>(['neigh', 'show', 'proxy'], ns.name)).toEqual([]);
  });

  it('deletes neighbours; ip sees them gone; a missing one is a NetlinkError', async () => {
    await deleteNeighbour({ netns: ns.name, link: 'n0', address: '10.40.0.2' });
    await deleteNeighbour({ netns: ns.name, link: 'n1', address: 'fd00:40::9' });
    const dsts = ipJson<IpNeigh[]>(['neigh', 'show', 'nud', 'all'], ns.name).map((n) => n.dst);
    expect(dsts).not.toContain('10.40.0.2');
    expect(dsts).not.toContain('fd00:40::9');
    await expect(deleteNeighbour({ netns: ns.name, link: 'n0', address: '10.40.0.200' })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENOENT', operation: 'deleteNeighbour' });
  });

  it('fails with EEXIST on a duplicate and replaces with replace: true', async () => {
    await expect(addNeighbour({ netns: ns.name, link: 'n0', address: '10.40.0.3', lladdr: '02:00:00:00:40:33' })).rejects.toMatchObject({ name: 'NetlinkError', code: 'EEXIST' });
    await addNeighbour({ netns: ns.name, link: 'n0', address: '10.40.0.3', lladdr: '02:00:00:00:40:33', replace: true });
    expect(ipJson<IpNeigh[]>(['neigh', 'show', '10.40.0.3'], ns.name)).toEqual([{ dst: '10.40.0.3', dev: 'n0', lladdr: '02:00:00:00:40:33', state: ['PERMANENT'] }]);
  });

  it('adds bridge FDB entries that bridge fdb shows as we list them', async () => {
    await addNeighbour({ netns: ns.name, link: 'b0', lladdr: '02:00:00:00:b0:01', master: true, state: 'static' });
    await addNeighbour({ netns: ns.name, link: 'b0', lladdr: '02:00:00:00:b0:02', master: true, sticky: true, state: 'static' });
    await addNeighbour({ netns: ns.name, link: 'b0', lladdr: '02:00:00:00:b0:03' }); // kernel default: the port's bridge
    // A dynamic entry needs a learning/forwarding port (else EPERM): carrier first.
    ip(['link', 'set', 'dev', 'b1', 'up'], ns.name);
    await addNeighbour({ netns: ns.name, link: 'b0', lladdr: '02:00:00:00:b0:04', master: true, state: 'dynamic' });
    execFileSync('bridge', ['-n', ns.name, 'fdb', 'add', '02:00:00:00:b0:05', 'dev', 'b0', 'master', 'static']);
    execFileSync('bridge', ['-n', ns.name, 'fdb', 'add', '02:00:00:00:b0:06', 'dev', 'b0', 'self', 'permanent']);
    const theirs = bridgeJson(['fdb', 'show']);
    expect(theirs).toContainEqual(expect.objectContaining({ mac: '02:00:00:00:b0:01', ifname: 'b0', master: 'br0', state: 'static' }));
    expect(theirs).toContainEqual(expect.objectContaining({ mac: '02:00:00:00:b0:02', flags: expect.arrayContaining(['sticky']) }));
    expect(theirs).toContainEqual(expect.objectContaining({ mac: '02:00:00:00:b0:03', master: 'br0', state: 'permanent' }));
    await eventuallyEqual(async () => (await listNeighbours({ netns: ns.name, family: 'bridge' })).map(asFdb), () => bridgeJson(['fdb', 'show']));
    await eventuallyEqual(async () => (await listNeighbours({ netns: ns.name, family: 'bridge', master: 'br0' })).map(asFdb), () => bridgeJson(['fdb', 'show', 'br', 'br0']));
    // Filtered by device, bridge(8) leaves the device name out.
    await eventuallyEqual(
      async () => (await listNeighbours({ netns: ns.name, family: 'bridge', link: 'b0' })).map((n) => ({ ...asFdb(n), ifname: 'b0' })),
      () => bridgeJson(['fdb', 'show', 'dev', 'b0']).map((e) => ({ ...e, ifname: 'b0' })),
    );
  });

  it('deletes FDB entries', async () => {
    await deleteNeighbour({ netns: ns.name, link: 'b0', lladdr: '02:00:00:00:b0:01', master: true });
    await deleteNeighbour({ netns: ns.name, link: 'b0', lladdr: '02:00:00:00:b0:06', self: true });
    const macs = bridgeJson(['fdb', 'show', 'dev', 'b0']).map((e) => e.mac);
    expect(macs).not.toContain('02:00:00:00:b0:01');
    expect(macs).not.toContain('02:00:00:00:b0:06');
    expect(macs).toContain('02:00:00:00:b0:02');
    await expect(deleteNeighbour({ netns: ns.name, link: 'b0', lladdr: '02:00:00:00:b0:99', master: true })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENOENT' });
  });

  it('re-encodes every neighbour and FDB entry the kernel dumps byte for byte', async () => {
    await using sock = RtnlSocket.open({ netns: ns.name });
    const w = new ByteWriter();
    let n = 0;
    for (const family of [AF.UNSPEC, AF.BRIDGE]) {
      for await (const m of sock.dump(RTM.GETNEIGH, 0, (x) => neighMessage.encode(x, { header: { family, ifindex: 0, state: 0, flags: 0, type: 0 } }))) {
        expect(reencode(neighMessage, m.bytes, neighMessage.decode(m.bytes), w)).toEqual(m.bytes);
        n++;
      }
    }
    expect(n).toBeGreaterThan(8);
  });

  it('validates before any system call', async () => {
    const cases: [object, string][] = [
      [{ link: 'n0', address: '10.40.0.300', lladdr: '02:00:00:00:00:01' }, 'address'],
      [{ link: 'n0', address: '10.40.0.5', lladdr: 'zz:00' }, 'lladdr'],
      [{ link: 'n0', address: '10.40.0.5', family: 'inet6' }, 'family'],
      [{ link: 'n0', address: '10.40.0.5', state: 'sleepy' }, 'state'],
      [{ link: 'n0', address: '10.40.0.5', master: true }, 'master'],
      [{ link: 'n0', address: '10.40.0.5', vlan: 5 }, 'vlan'],
      [{ link: 'n0', address: '10.40.0.5', proxy: true, lladdr: '02:00:00:00:00:01' }, 'lladdr'],
      [{ link: 'b0' }, 'lladdr'],
      [{ link: 'b0', lladdr: '02:00:00:00:00:01', vlan: 4095 }, 'vlan'],
      [{ link: 'b0', lladdr: '02:00:00:00:00:01', state: 'reachable' }, 'state'],
      [{ link: 'b0', family: 'inet' }, 'address'],
      [{ link: 'a:b', address: '10.40.0.5' }, 'link'],
    ];
    for (const [spec, field] of cases) {
      await expect(addNeighbour({ netns: ns.name, ...(spec as { link: string }) }), JSON.stringify(spec)).rejects.toMatchObject({ name: 'ValidationError', field });
    }
    await expect(addNeighbour({ netns: ns.name, link: 'nosuch0', address: '10.40.0.5' })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENODEV', attrPath: 'link', message: expect.stringContaining('no link "nosuch0"') });
    await expect(listNeighbours({ netns: ns.name, master: 'br0' })).rejects.toMatchObject({ name: 'ValidationError', field: 'master' });
  });

  it('passes the kernel\'s refusal through', async () => {
    // A VLAN the bridge port does not have (no VLAN filtering here): the bridge refuses.
    const e = await addNeighbour({ netns: ns.name, link: 'b0', lladdr: '02:00:00:00:b0:07', master: true, vlan: 10 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'NetlinkError', operation: 'addNeighbour' });
  });
});
