import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { monitor, type Monitor, type MonitorLink } from '../../../src/ops/monitor/index.js';
import { RtnlSocket } from '../../../src/netlink/socket.js';
import { AF, RTM } from '../../../src/rtnetlink/constants.js';
import { linkMessage, toLink } from '../../../src/rtnetlink/link/index.js';
import { getShim } from '../../../src/shim/index.js';
import { canRunLive, ip, useNetns, liveTitle } from '../../helpers/live.js';
import { batch, until } from './_helpers.js';

const ns = useNetns('rtnlrs');

/** What we compare of a link: everything a change in the burst touches. */
function project(l: MonitorLink): string {
  return JSON.stringify({ index: l.index, name: l.name, flags: l.header.flags, mtu: l.mtu, alias: l.alias ?? null, master: l.master ?? null, oper: l.operState });
}

async function freshDump(netns: string): Promise<string[]> {
  await using sock = RtnlSocket.open({ netns });
  const out: string[] = [];
  for await (const m of sock.dump(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 } }))) {
    out.push(project(toLink(linkMessage.decode(m.bytes))));
  }
  return out.sort();
}

/**
 * A consumer that keeps a model of the links the way a real program would:
 * a resync replaces it, newlink sets, dellink deletes.
 */
function follow(mon: Monitor) {
  const s = {
    model: new Map<number, MonitorLink>(),
    objectEvents: 0,
    overruns: 0,
    resyncs: [] as { reason: string; consistent: boolean; at: number }[],
    lastOverrunAt: -1,
    lastEventTime: Date.now(),
    n: 0,
    error: undefined as unknown,
  };
  const done = (async () => {
    try {
      for await (const e of mon) {
        s.n++;
        s.lastEventTime = Date.now();
        switch (e.type) {
          case 'resync':
            s.model = new Map(e.links!.map((l) => [l.index, l]));
            s.resyncs.push({ reason: e.reason, consistent: e.consistent, at: s.n });
            break;
          case 'newlink':
            s.objectEvents++;
            s.model.set(e.link.index, e.link);
            break;
          case 'dellink':
            s.objectEvents++;
            s.model.delete(e.link.index);
            break;
          case 'overrun':
            s.overruns++;
            s.lastOverrunAt = s.n;
            break;
        }
      }
    } catch (e) {
      s.error = e;
    }
  })();
  return { s, done };
}

/** Quiet for `ms`, and every overrun has been followed by a resync. */
async function settled(s: ReturnType<typeof follow>['s'], ms = 400): Promise<void> {
  await until(
    () => Date.now() - s.lastEventTime > ms && (s.lastOverrunAt < 0 || (s.resyncs.at(-1)?.at ?? -1) > s.lastOverrunAt),
    30_000,
    'the monitor to settle after its last overrun',
  );
}

/** 10 000+ link notifications: 5 000 up/down toggles of a bridge, alias changes, 200 new links, a few deletions. */
function burstCommands(): string[] {
  const cmds: string[] = [];
  for (let i = 0; i < 5000; i++) {
    cmds.push(`link set rb0 ${i % 2 ? 'down' : 'up'}`);
    cmds.push(`link set rb0 ${i % 2 ? 'up' : 'down'}`);
    if (i % 25 === 0) cmds.push(`link set rb0 alias a${i}`);
    if (i % 50 === 0) cmds.push(`link add rx${i / 50} type veth peer name ry${i / 50}`);
  }
  cmds.push('link set rb0 mtu 1400', 'link set rb0 alias final', 'link set rb0 up');
  for (let k = 0; k < 5; k++) cmds.push(`link del rx${k}`);
  return cmds;
}

describe.skipIf(!canRunLive)(liveTitle('monitor resync after overruns'), () => {
  beforeAll(() => ip(['link', 'add', 'rb0', 'type', 'bridge'], ns.name));

  it('survives a 10,000-event burst into a 4 KiB buffer: overrun, then a resync equal to a fresh dump', async () => {
    const mon = monitor(['link'], { netns: ns.name, resync: true, receiveBufferSize: 4096 });
    expect(mon.receiveBufferSize).toBeLessThanOrEqual(8192); // the kernel doubles what we ask
    const { s, done } = follow(mon);
    // The burst runs in another process while our event loop keeps reading,
    // so overruns and resyncs happen in the middle of it.
    const child = spawn('ip', ['-n', ns.name, '-batch', '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.stdin.end(`${burstCommands().join('\n')}\n`);
    const t0 = performance.now();
    expect(await exited).toBe(0);
    const burstMs = performance.now() - t0;
    await settled(s);
    mon.close();
    await done;
    expect(s.error).toBeUndefined();
    expect(s.overruns).toBeGreaterThan(0);
    expect(s.resyncs.filter((r) => r.reason === 'overrun').length).toBeGreaterThan(0);
    const model = [...s.model.values()].map(project).sort();
    expect(model).toEqual(await freshDump(ns.name));
    expect(model.find((l) => l.includes('"rb0"'))).toContain('"alias":"final"');
    console.log(
      `[${getShim().backend}] burst of 10,000+ link notifications in ${burstMs.toFixed(0)} ms: ` +
        `${s.objectEvents} object events delivered, ${s.overruns} overruns, ${s.resyncs.length} resyncs ` +
        `(${s.resyncs.filter((r) => !r.consistent).length} flagged inconsistent), final model = fresh dump (${model.length} links)`,
    );
  }, 120_000);

  it('resynchronises after an overrun that happened while the event loop was blocked', async () => {
    const mon = monitor(['link', 'address'], { netns: ns.name, resync: true, receiveBufferSize: 4096 });
    const { s, done } = follow(mon);
    // execFileSync blocks our loop: the kernel queue overflows for certain.
    batch(ns.name, [...Array.from({ length: 1000 }, (_, i) => `link set rb0 ${i % 2 ? 'up' : 'down'}`), 'link set rb0 alias blocked', 'link set rb0 mtu 1300']);
    await settled(s);
    mon.close();
    await done;
    expect(s.error).toBeUndefined();
    expect(s.overruns).toBe(1); // one marker for one run of losses
    expect(s.resyncs.map((r) => r.reason)).toEqual(['overrun']);
    expect([...s.model.values()].map(project).sort()).toEqual(await freshDump(ns.name));
  }, 60_000);

  it('restarts the initial listing when an overrun hits it, without an overrun event', async () => {
    const mon = monitor(['link'], { netns: ns.name, listExisting: true, resync: true, receiveBufferSize: 4096 });
    // Overflow the queue before the initial dump has even started (the loop is blocked).
    batch(ns.name, [...Array.from({ length: 600 }, (_, i) => `link set rb0 ${i % 2 ? 'up' : 'down'}`), 'link set rb0 alias restarted']);
    const { s, done } = follow(mon);
    await settled(s);
    mon.close();
    await done;
    expect(s.error).toBeUndefined();
    expect(s.resyncs[0], JSON.stringify(s)).toMatchObject({ reason: 'initial', at: 1 }); // the very first event
    // The loss was noticed during the listing: that listing and the stale
    // events queued after it were dropped and the listing taken again, so
    // the consumer sees one listing and no overrun (it had no state to lose).
    expect(s.overruns).toBe(0);
    expect(s.resyncs).toHaveLength(1);
    expect([...s.model.values()].map(project).sort()).toEqual(await freshDump(ns.name));
  });

  it('without resync, an overrun is reported and no snapshot is taken', async () => {
    const mon = monitor(['link'], { netns: ns.name, receiveBufferSize: 4096 });
    const { s, done } = follow(mon);
    batch(ns.name, Array.from({ length: 400 }, (_, i) => `link set rb0 ${i % 2 ? 'up' : 'down'}`));
    await until(() => s.overruns > 0);
    await new Promise((r) => setTimeout(r, 200));
    mon.close();
    await done;
    expect(s.resyncs).toEqual([]);
    expect(s.objectEvents).toBeLessThan(400);
  });
});
