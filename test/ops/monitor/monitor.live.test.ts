import { describe, expect, it } from 'vitest';
import { monitor, type MonitorEvent } from '../../../src/ops/monitor/index.js';
import { addAddress, deleteAddress } from '../../../src/ops/addresses/index.js';
import { addRoute, deleteRoute } from '../../../src/ops/routes/index.js';
import { addNeighbour, deleteNeighbour } from '../../../src/ops/neighbours/index.js';
import { setNsid } from '../../../src/ops/netns/index.js';
import { RtnlSocket } from '../../../src/netlink/socket.js';
import { NLM_F } from '../../../src/netlink/constants.js';
import { isRtnlError } from '../../../src/netlink/errors.js';
import { AF, RTM } from '../../../src/rtnetlink/constants.js';
import { IFF, linkMessage } from '../../../src/rtnetlink/link/index.js';
import { getShim, type Shim } from '../../../src/shim/index.js';
import { canRunLive, createNetnsWithIp, deleteNetnsWithIp, ip, uniqueName, useNetns, liveTitle } from '../../helpers/live.js';
import { collect } from './_collect.js';
import { batch, until } from './_helpers.js';

const ns = useNetns('rtnlmon');
const quiet = useNetns('rtnlmonq');

/** The event interface whose `type` can be T. */
type Ev<T extends MonitorEvent['type']> = MonitorEvent extends infer E ? (E extends { type: infer U } ? (T extends U ? E : never) : never) : never;
const is =
  <T extends MonitorEvent['type']>(type: T, pred: (e: Ev<T>) => boolean = () => true) =>
  (e: MonitorEvent): e is Ev<T> =>
    e.type === type && pred(e as Ev<T>);

const linkName = (e: Ev<'newlink' | 'dellink'>) => e.link.name;

/** Creates (up) or deletes a bridge with a raw request. */
async function rawBridge(sock: RtnlSocket, name: string, create: boolean): Promise<void> {
  const header = { family: AF.UNSPEC, type: 0, index: 0, flags: create ? IFF.UP : 0, change: create ? IFF.UP : 0 };
  if (create) await sock.request(RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL, (w) => linkMessage.encode(w, { header, attrs: { ifname: name, linkinfo: { kind: 'bridge' } } }));
  else await sock.request(RTM.DELLINK, 0, (w) => linkMessage.encode(w, { header, attrs: { ifname: name } }));
}

describe.skipIf(!canRunLive)(liveTitle('monitor'), () => {
  it('yields every event type, IPv4 and IPv6, for changes made with ip', async () => {
    const peer = uniqueName('rtnlpeer');
    createNetnsWithIp(peer);
    const mon = monitor(['link', 'address', 'route', 'neigh', 'nsid'], { netns: ns.name });
    const c = collect(mon);
    try {
      ip(['link', 'add', 'mb0', 'type', 'bridge'], ns.name);
      ip(['link', 'set', 'mb0', 'up'], ns.name);
      ip(['addr', 'add', '10.20.0.1/24', 'dev', 'mb0'], ns.name);
      ip(['addr', 'add', '2001:db8:20::1/64', 'dev', 'mb0', 'nodad'], ns.name);
      ip(['route', 'add', '10.21.0.0/16', 'dev', 'mb0'], ns.name);
      ip(['-6', 'route', 'add', '2001:db8:21::/64', 'dev', 'mb0'], ns.name);
      ip(['neigh', 'add', '10.20.0.2', 'lladdr', '02:00:00:00:20:02', 'dev', 'mb0', 'nud', 'permanent'], ns.name);
      ip(['-6', 'neigh', 'add', '2001:db8:20::2', 'lladdr', '02:00:00:00:20:03', 'dev', 'mb0', 'nud', 'permanent'], ns.name);
      ip(['netns', 'set', peer, '7'], ns.name);

      const nl = await c.waitFor(is('newlink', (e) => linkName(e) === 'mb0'));
      const a4 = await c.waitFor(is('newaddr', (e) => e.address.address === '10.20.0.1'));
      expect(a4.address).toMatchObject({ family: 'inet', prefixLength: 24, link: 'mb0', index: nl.link.index });
      const a6 = await c.waitFor(is('newaddr', (e) => e.address.address === '2001:db8:20::1'));
      expect(a6.address).toMatchObject({ family: 'inet6', prefixLength: 64, link: 'mb0' });
      const r4 = await c.waitFor(is('newroute', (e) => e.route.dst === '10.21.0.0/16'));
      expect(r4.route).toMatchObject({ family: 'inet', dev: 'mb0', table: 'main' });
      await c.waitFor(is('newroute', (e) => e.route.dst === '2001:db8:21::/64' && e.route.family === 'inet6'));
      const n4 = await c.waitFor(is('newneigh', (e) => e.neighbour.address === '10.20.0.2'));
      expect(n4.neighbour).toMatchObject({ family: 'inet', lladdr: '02:00:00:00:20:02', link: 'mb0', state: ['PERMANENT'] });
      await c.waitFor(is('newneigh', (e) => e.neighbour.address === '2001:db8:20::2' && e.neighbour.family === 'inet6'));
      await c.waitFor(is('newnsid', (e) => e.nsid.nsid === 7));

      ip(['neigh', 'del', '10.20.0.2', 'dev', 'mb0'], ns.name);
      ip(['-6', 'neigh', 'del', '2001:db8:20::2', 'dev', 'mb0'], ns.name);
      ip(['route', 'del', '10.21.0.0/16', 'dev', 'mb0'], ns.name);
      ip(['-6', 'route', 'del', '2001:db8:21::/64', 'dev', 'mb0'], ns.name);
      ip(['addr', 'del', '10.20.0.1/24', 'dev', 'mb0'], ns.name);
      ip(['addr', 'del', '2001:db8:20::1/64', 'dev', 'mb0'], ns.name);
      ip(['link', 'del', 'mb0'], ns.name);
      deleteNetnsWithIp(peer); // the kernel tells its peers when a namespace dies

      await c.waitFor(is('delneigh', (e) => e.neighbour.address === '10.20.0.2'));
      await c.waitFor(is('delneigh', (e) => e.neighbour.address === '2001:db8:20::2'));
      await c.waitFor(is('delroute', (e) => e.route.dst === '10.21.0.0/16'));
      await c.waitFor(is('delroute', (e) => e.route.dst === '2001:db8:21::/64'));
      await c.waitFor(is('deladdr', (e) => e.address.address === '10.20.0.1'));
      await c.waitFor(is('deladdr', (e) => e.address.address === '2001:db8:20::1'));
      await c.waitFor(is('dellink', (e) => linkName(e) === 'mb0'));
      // Namespace teardown runs in a kernel work queue: allow it time.
      await c.waitFor(is('delnsid', (e) => e.nsid.nsid === 7), 20_000, 'delnsid');
      expect(c.events.some((e) => e.type === 'overrun' || e.type === 'undecodable')).toBe(false);
    } finally {
      mon.close();
      deleteNetnsWithIp(peer);
    }
    await c.done;
    expect(c.error).toBeUndefined();
  }, 40_000);

  it('yields events for changes made through the library, naming the socket that asked', async () => {
    const peer = uniqueName('rtnlpeer');
    createNetnsWithIp(peer);
    await using sock = RtnlSocket.open({ netns: ns.name });
    const mon = monitor(undefined, { netns: ns.name });
    const c = collect(mon);
    try {
      await rawBridge(sock, 'lb0', true);
      await addAddress('lb0', '10.30.0.1/24', { socket: sock });
      await addAddress('lb0', 'fd00:30::1/64', { socket: sock, flags: ['nodad'] });
      await addRoute({ dst: '10.31.0.0/16', dev: 'lb0', socket: sock });
      await addRoute({ dst: 'fd00:31::/64', dev: 'lb0', socket: sock });
      await addNeighbour({ link: 'lb0', address: '10.30.0.9', lladdr: '02:00:00:00:30:09', socket: sock });
      await addNeighbour({ link: 'lb0', address: 'fd00:30::9', lladdr: '02:00:00:00:30:0a', socket: sock });
      await setNsid(peer, 9, { socket: sock });

      await c.waitFor(is('newlink', (e) => linkName(e) === 'lb0'));
      const a = await c.waitFor(is('newaddr', (e) => e.address.address === '10.30.0.1'));
      // Address and route notifications carry the requester's port id.
      expect(a.portId).toBe(sock.portId);
      expect(a.seq).toBeGreaterThan(0);
      await c.waitFor(is('newaddr', (e) => e.address.address === 'fd00:30::1'));
      const r = await c.waitFor(is('newroute', (e) => e.route.dst === '10.31.0.0/16'));
      expect(r.portId).toBe(sock.portId);
      await c.waitFor(is('newroute', (e) => e.route.dst === 'fd00:31::/64'));
      await c.waitFor(is('newneigh', (e) => e.neighbour.address === '10.30.0.9' && e.neighbour.lladdr === '02:00:00:00:30:09'));
      await c.waitFor(is('newneigh', (e) => e.neighbour.address === 'fd00:30::9'));
      await c.waitFor(is('newnsid', (e) => e.nsid.nsid === 9));

      await deleteNeighbour({ link: 'lb0', address: '10.30.0.9', socket: sock });
      await deleteNeighbour({ link: 'lb0', address: 'fd00:30::9', socket: sock });
      await deleteRoute({ dst: '10.31.0.0/16', dev: 'lb0', socket: sock });
      await deleteRoute({ dst: 'fd00:31::/64', dev: 'lb0', socket: sock });
      await deleteAddress('lb0', '10.30.0.1/24', { socket: sock });
      await deleteAddress('lb0', 'fd00:30::1/64', { socket: sock });
      await rawBridge(sock, 'lb0', false);
      await c.waitFor(is('delneigh', (e) => e.neighbour.address === '10.30.0.9'));
      await c.waitFor(is('delneigh', (e) => e.neighbour.address === 'fd00:30::9'));
      await c.waitFor(is('delroute', (e) => e.route.dst === '10.31.0.0/16'));
      await c.waitFor(is('delroute', (e) => e.route.dst === 'fd00:31::/64'));
      await c.waitFor(is('deladdr', (e) => e.address.address === '10.30.0.1'));
      await c.waitFor(is('deladdr', (e) => e.address.address === 'fd00:30::1'));
      await c.waitFor(is('dellink', (e) => linkName(e) === 'lb0'));
    } finally {
      mon.close();
      deleteNetnsWithIp(peer);
    }
    await c.done;
    expect(c.error).toBeUndefined();
  });

  it('watches only its own namespace', async () => {
    const mon = monitor(['link', 'address'], { netns: quiet.name });
    const c = collect(mon);
    ip(['link', 'add', 'elsewhere0', 'type', 'bridge'], ns.name);
    ip(['link', 'add', 'here0', 'type', 'bridge'], quiet.name);
    await c.waitFor(is('newlink', (e) => linkName(e) === 'here0'));
    mon.close();
    await c.done;
    expect(c.events.some((e) => e.type === 'newlink' && linkName(e) === 'elsewhere0')).toBe(false);
    ip(['link', 'del', 'elsewhere0'], ns.name);
    ip(['link', 'del', 'here0'], quiet.name);
  });

  it('keeps watching a namespace after its name is deleted', async () => {
    const name = uniqueName('rtnlgone');
    createNetnsWithIp(name);
    try {
      await using sock = RtnlSocket.open({ netns: name });
      const mon = monitor(['link', 'address'], { netns: name });
      const c = collect(mon);
      deleteNetnsWithIp(name); // our sockets keep the namespace itself alive
      await rawBridge(sock, 'gone0', true);
      await addAddress('gone0', '10.70.0.1/24', { socket: sock });
      await c.waitFor(is('newlink', (e) => linkName(e) === 'gone0'));
      const a = await c.waitFor(is('newaddr', (e) => e.address.address === '10.70.0.1'));
      expect(a.address.link).toBe('gone0'); // name lookups go through the monitor's own socket
      mon.close();
      await c.done;
    } finally {
      deleteNetnsWithIp(name);
    }
  });

  it('lists existing objects first, then follows changes with no gap', async () => {
    ip(['link', 'add', 'old0', 'type', 'bridge'], ns.name);
    ip(['addr', 'add', '10.40.0.1/24', 'dev', 'old0'], ns.name);
    const mon = monitor(['link', 'address'], { netns: ns.name, listExisting: true });
    // Made after the subscription but (the event loop being blocked) before
    // the dump runs: it must be in the listing or in the events — here both.
    ip(['link', 'add', 'new0', 'type', 'bridge'], ns.name);
    const c = collect(mon);
    const first = await c.waitFor(is('resync'));
    expect(c.events[0]).toBe(first);
    expect(first.reason).toBe('initial');
    expect(first.consistent).toBe(true);
    expect(first.routes).toBeUndefined();
    const names = first.links!.map((l) => l.name).sort();
    expect(names).toEqual(expect.arrayContaining(['lo', 'old0']));
    expect(first.addresses!.map((a) => a.address)).toContain('10.40.0.1');
    expect(first.addresses!.find((a) => a.address === '10.40.0.1')!.link).toBe('old0');
    // The same link from the listing and from an event have the same shape.
    await c.waitFor(is('newlink', (e) => linkName(e) === 'new0'));
    ip(['link', 'add', 'new1', 'type', 'bridge'], ns.name);
    await c.waitFor(is('newlink', (e) => linkName(e) === 'new1'));
    mon.close();
    await c.done;
    expect(c.events.filter((e) => e.type === 'resync')).toHaveLength(1);
    for (const n of ['old0', 'new0', 'new1']) ip(['link', 'del', n], ns.name);
  });

  it('filters by IP version', async () => {
    ip(['link', 'add', 'fam0', 'type', 'bridge'], ns.name);
    const mon = monitor(['address'], { netns: ns.name, family: 'inet6' });
    const c = collect(mon);
    ip(['addr', 'add', '10.50.0.1/24', 'dev', 'fam0'], ns.name);
    ip(['addr', 'add', 'fd00:50::1/64', 'dev', 'fam0', 'nodad'], ns.name);
    await c.waitFor(is('newaddr', (e) => e.address.address === 'fd00:50::1'));
    mon.close();
    await c.done;
    expect(c.events.every((e) => e.type === 'newaddr' && e.address.family === 'inet6')).toBe(true);
    ip(['link', 'del', 'fam0'], ns.name);
  });

  it('ends promptly on abort, on break and on return()', async () => {
    const ac = new AbortController();
    const mon = monitor(['link'], { netns: ns.name, signal: ac.signal });
    const pending = mon.next();
    setTimeout(() => ac.abort(), 20);
    const t0 = performance.now();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(performance.now() - t0).toBeLessThan(200);
    expect(mon.closed).toBe(true);
    expect(await mon.next()).toEqual({ done: true, value: undefined });

    const mon2 = monitor(['link'], { netns: ns.name });
    ip(['link', 'add', 'brk0', 'type', 'bridge'], ns.name);
    for await (const e of mon2) {
      if (e.type === 'newlink') break;
    }
    expect(mon2.closed).toBe(true);
    ip(['link', 'del', 'brk0'], ns.name);

    const mon3 = monitor(['link'], { netns: ns.name });
    const p3 = mon3.next();
    await mon3.return();
    expect(await p3).toEqual({ done: true, value: undefined });

    // Already aborted: ends at once and opens nothing.
    const calls: string[] = [];
    const mon4 = monitor(['link'], { netns: ns.name, signal: AbortSignal.abort(), shim: spyShim(calls) });
    expect(await mon4.next()).toEqual({ done: true, value: undefined });
    expect(calls).toEqual([]);
  });

  it('pauses reading at the high-water mark, so a slow consumer gets an overrun rather than unbounded memory', async () => {
    const mon = monitor(['link'], { netns: ns.name, highWaterMark: 4, receiveBufferSize: 16384 });
    // Not consuming: let the socket fill the in-memory queue and pause.
    batch(ns.name, Array.from({ length: 60 }, (_, i) => `link add hw${i} type bridge`));
    await new Promise((r) => setTimeout(r, 100));
    const seen: MonitorEvent[] = [];
    const drain = (async () => {
      for await (const e of mon) seen.push(e);
    })();
    await until(() => seen.some((e) => e.type === 'overrun'));
    const at = seen.findIndex((e) => e.type === 'overrun');
    expect(at).toBeLessThanOrEqual(4);
    ip(['link', 'add', 'hwlast', 'type', 'bridge'], ns.name);
    await until(() => seen.some((e) => e.type === 'newlink' && linkName(e) === 'hwlast'));
    mon.close();
    await drain;
    batch(ns.name, [...Array.from({ length: 60 }, (_, i) => `link del hw${i}`), 'link del hwlast']);
  });

  it('rejects bad arguments with a ValidationError before any system call', () => {
    const calls: string[] = [];
    const shim = spyShim(calls);
    const bad: [unknown, unknown][] = [
      [['links'], {}],
      [[], {}],
      ['link', {}],
      [['link'], { family: 'ipv4' }],
      [['link'], { highWaterMark: 0 }],
      [['link'], { receiveBufferSize: -1 }],
      [['link'], { timeout: 0 }],
      [['link'], { resync: 'yes' }],
      [['link'], { signal: {} }],
      [['link'], { netns: '../etc' }],
      [['link'], { socket: {} }],
    ];
    for (const [objects, opts] of bad) {
      let err: unknown;
      try {
        monitor(objects as never, { ...(opts as object), shim });
      } catch (e) {
        err = e;
      }
      expect(isRtnlError(err) && err.name, JSON.stringify([objects, opts])).toBe('ValidationError');
    }
    expect(calls).toEqual([]);
  });
});

function spyShim(calls: string[]): Shim {
  return new Proxy(getShim(), {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv) as unknown;
      if (typeof v === 'function') return (...a: unknown[]) => (calls.push(String(prop)), (v as (...x: unknown[]) => unknown).apply(target, a));
      return v;
    },
  }) as Shim;
}
