import { describe, expect, it } from 'vitest';
import { EventSocket, type EventListener } from '../../../src/netlink/event-socket.js';
import { isRtnlError } from '../../../src/netlink/errors.js';
import type { Message } from '../../../src/netlink/socket.js';
import { RTM, RTNLGRP } from '../../../src/rtnetlink/constants.js';
import { linkMessage } from '../../../src/rtnetlink/link/index.js';
import { getShim, type Shim } from '../../../src/shim/index.js';
import { canRunLive, ip, useNetns, liveTitle } from '../../helpers/live.js';
import { batch, until } from './_helpers.js';

const ns = useNetns('rtnlev');
const other = useNetns('rtnlev2');

/** A listener that records everything, in order. */
function recorder(opts: { stopAfter?: number } = {}) {
  const log: (['msg', Message] | ['overrun', string] | ['idle'] | ['error', Error])[] = [];
  const messages: Message[] = [];
  const listener: EventListener = {
    message(m) {
      log.push(['msg', m]);
      messages.push(m);
      return messages.length !== opts.stopAfter;
    },
    overrun: (r) => void log.push(['overrun', r]),
    idle: () => void log.push(['idle']),
    error: (e) => void log.push(['error', e]),
  };
  return { log, messages, listener };
}

const names = (ms: Message[]) => ms.map((m) => linkMessage.decode(m.bytes).attrs.ifname);

describe.skipIf(!canRunLive)(liveTitle('event socket'), () => {
  it('delivers link notifications of its own namespace only', async () => {
    using es = EventSocket.open({ netns: ns.name, groups: [RTNLGRP.LINK] });
    const r = recorder();
    es.start(r.listener);
    ip(['link', 'add', 'es0', 'type', 'bridge'], other.name); // another namespace: must not show up
    ip(['link', 'add', 'es0', 'type', 'bridge'], ns.name);
    ip(['link', 'del', 'es0'], ns.name);
    await until(() => r.messages.length >= 2);
    expect(r.messages.map((m) => m.type)).toEqual([RTM.NEWLINK, RTM.DELLINK]);
    expect(names(r.messages)).toEqual(['es0', 'es0']);
    // The notification names the requesting socket (ip's), not the kernel.
    // (link notifications carry port id 0; address ones name the requester)
    ip(['link', 'del', 'es0'], other.name);
  });

  it('queues notifications from open() on, before start()', async () => {
    using es = EventSocket.open({ netns: ns.name, groups: [RTNLGRP.LINK] });
    ip(['link', 'add', 'es1', 'type', 'bridge'], ns.name);
    ip(['link', 'del', 'es1'], ns.name);
    const r = recorder();
    es.start(r.listener);
    await until(() => r.messages.length >= 2);
    expect(names(r.messages)).toEqual(['es1', 'es1']);
  });

  it('drains until EAGAIN in one readiness callback', async () => {
    using es = EventSocket.open({ netns: ns.name, groups: [RTNLGRP.LINK], receiveBufferSize: 1 << 20 });
    const r = recorder();
    es.start(r.listener);
    // ip -batch runs while the event loop is blocked, so all 2×40
    // notifications are queued in the kernel before the poller fires once.
    batch(ns.name, [...Array.from({ length: 40 }, (_, i) => `link add esd${i} type bridge`), ...Array.from({ length: 40 }, (_, i) => `link del esd${i}`)]);
    await until(() => r.log.some((e) => e[0] === 'idle'));
    const firstIdle = r.log.findIndex((e) => e[0] === 'idle');
    expect(r.log.slice(0, firstIdle).every((e) => e[0] === 'msg')).toBe(true);
    expect(firstIdle).toBe(80);
    expect(r.log.some((e) => e[0] === 'overrun')).toBe(false);
  });

  it('reports an overrun (ENOBUFS) when the receive buffer is too small, then keeps delivering', async () => {
    using es = EventSocket.open({ netns: ns.name, groups: [RTNLGRP.LINK], receiveBufferSize: 4096 });
    expect(es.receiveBufferSize).toBeLessThan(64 * 1024);
    const r = recorder();
    es.start(r.listener);
    batch(ns.name, Array.from({ length: 100 }, (_, i) => `link add eso${i} type bridge`));
    await until(() => r.log.some((e) => e[0] === 'overrun'));
    expect(r.log.find((e) => e[0] === 'overrun')![1]).toBe('enobufs');
    await until(() => r.log.some((e) => e[0] === 'idle'));
    const before = r.messages.length;
    expect(before).toBeLessThan(100); // some were dropped: that is what the overrun said
    ip(['link', 'add', 'esafter', 'type', 'bridge'], ns.name);
    await until(() => r.messages.length > before);
    expect(names(r.messages.slice(before))).toEqual(['esafter']);
    batch(ns.name, [...Array.from({ length: 100 }, (_, i) => `link del eso${i}`), 'link del esafter']);
  });

  it('pauses when the listener says so and resumes where it stopped', async () => {
    using es = EventSocket.open({ netns: ns.name, groups: [RTNLGRP.LINK], receiveBufferSize: 1 << 20 });
    const r = recorder({ stopAfter: 3 });
    es.start(r.listener);
    batch(ns.name, [...Array.from({ length: 5 }, (_, i) => `link add esp${i} type bridge`), ...Array.from({ length: 5 }, (_, i) => `link del esp${i}`)]);
    await until(() => es.isPaused);
    expect(r.messages.length).toBe(3);
    await new Promise((res) => setTimeout(res, 50));
    expect(r.messages.length).toBe(3); // paused means paused: no more reads
    es.resume();
    await until(() => r.messages.length === 10);
    expect(names(r.messages)).toEqual(['esp0', 'esp1', 'esp2', 'esp3', 'esp4', 'esp0', 'esp1', 'esp2', 'esp3', 'esp4']);
  });

  it('closes cleanly, also from inside its own callback', async () => {
    const es = EventSocket.open({ netns: ns.name, groups: [RTNLGRP.LINK] });
    let seen = 0;
    es.start({
      message() {
        seen++;
        es.close();
      },
      overrun() {},
      error(e) {
        throw e;
      },
    });
    batch(ns.name, ['link add esc0 type bridge', 'link add esc1 type bridge', 'link del esc0', 'link del esc1']);
    await until(() => seen > 0);
    await new Promise((res) => setTimeout(res, 30));
    expect(seen).toBe(1);
    expect(es.closed).toBe(true);
    es.close(); // idempotent
  });

  it('rejects bad groups and buffer sizes before any system call', () => {
    const calls: string[] = [];
    const spy = new Proxy(getShim(), {
      get(target, prop, recv) {
        const v = Reflect.get(target, prop, recv) as unknown;
        if (typeof v === 'function') return (...a: unknown[]) => (calls.push(String(prop)), (v as (...x: unknown[]) => unknown).apply(target, a));
        return v;
      },
    }) as Shim;
    for (const bad of [{ groups: [0] }, { groups: [1.5] }, { groups: [1], receiveBufferSize: 0 }, { groups: [1], receiveBufferSize: -4 }, { groups: [1], netns: '../x' }]) {
      let err: unknown;
      try {
        EventSocket.open({ ...bad, shim: spy });
      } catch (e) {
        err = e;
      }
      expect(isRtnlError(err) && err.name).toBe('ValidationError');
    }
    expect(calls).toEqual([]);
  });
});
