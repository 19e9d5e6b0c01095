/**
 * `rtnl netns …` and `rtnl monitor` as subprocesses. Namespaces made by the
 * command under test carry this process's id in their names and are
 * removed afterwards whatever happens.
 */
import { execFileSync, spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { canRunLive, deleteNetnsWithIp, ip, ipJson, liveSkipReason, uniqueName, useNetns } from '../helpers/live.js';
import { eventually, rtnl, rtnlJson, rtnlOk, rtnlSpawn, useCli } from './_cli.js';

useCli();
const ns = useNetns('rtnlcli');
const made: string[] = [];
afterAll(() => {
  if (canRunLive) for (const n of made) deleteNetnsWithIp(n);
});

const listed = () => ipJson<{ name: string }[]>(['netns', 'list']).map((e) => e.name);

describe.skipIf(!canRunLive)(`rtnl netns and monitor${liveSkipReason ? ` (skipped: ${liveSkipReason})` : ''}`, () => {
  it('netns add / list / del, and set NAME auto', () => {
    const name = uniqueName('rtnlcli-ns');
    made.push(name);
    rtnlOk(['netns', 'add', name]);
    expect(listed()).toContain(name);
    // lo comes up in a namespace made by rtnl, as most users expect.
    expect(ipJson<{ ifname: string; flags: string[] }[]>(['link', 'show', 'lo'], name)[0]?.flags).toContain('UP');
    expect(rtnlJson<{ name: string }[]>(['netns', 'list']).map((e) => e.name)).toContain(name);
    expect(rtnlOk(['netns', 'list']).split('\n')).toContain(name);

    const again = rtnl(['netns', 'add', name]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already exists/);

    rtnlOk(['-n', ns.name, 'netns', 'set', name, 'auto']);
    const ids = rtnlJson<{ nsid: number; name?: string }[]>(['-n', ns.name, 'netns', 'list-id']);
    expect(ids.find((e) => e.name === name)).toBeDefined();
    const withId = rtnlJson<{ name: string; id?: number }[]>(['-n', ns.name, 'netns', 'list']).find((e) => e.name === name);
    expect(withId?.id).toBe(ids.find((e) => e.name === name)?.nsid);

    rtnlOk(['netns', 'del', name]);
    expect(listed()).not.toContain(name);
    expect(rtnl(['netns', 'del', name]).status).toBe(1);
  });

  it('netns identify and pids answer as ip netns identify / pids do', async () => {
    const sleeper = spawn('ip', ['netns', 'exec', ns.name, 'sleep', '60'], { stdio: 'ignore' });
    try {
      // The sleep is a child of ip (or ip itself, after exec): wait until a pid shows up in the namespace.
      let pids = '';
      for (let i = 0; i < 50 && !pids.trim(); i++) {
        await new Promise((r) => setTimeout(r, 100));
        pids = execFileSync('ip', ['netns', 'pids', ns.name], { encoding: 'utf8' });
      }
      expect(pids.trim()).not.toBe('');
      expect(rtnlOk(['netns', 'pids', ns.name])).toBe(pids);
      const pid = pids.trim().split('\n')[0] as string;
      expect(rtnlOk(['netns', 'identify', pid])).toBe(execFileSync('ip', ['netns', 'identify', pid], { encoding: 'utf8' }));
      expect(rtnlOk(['netns', 'identify', pid]).trim()).toBe(ns.name);
    } finally {
      sleeper.kill();
    }
  });

  it('monitor prints link, address and route changes as they happen, and stops on Ctrl-C', async () => {
    const m = rtnlSpawn(['-n', ns.name, 'monitor', 'label']);
    try {
      // The subscription starts when the command has started; repeat the change until it is seen.
      await eventually(
        () => {
          if (m.out().includes('mon0')) return true;
          ip(['link', 'add', 'mon0', 'type', 'bridge'], ns.name);
          ip(['link', 'del', 'mon0'], ns.name);
          return false;
        },
        8000,
        'a link event from rtnl monitor',
      );
      await eventually(() => m.out().includes('Deleted') && m.out().includes('[LINK]'), 3000, 'the deletion event');
      ip(['link', 'add', 'mon1', 'type', 'bridge'], ns.name);
      ip(['link', 'set', 'mon1', 'up'], ns.name);
      ip(['addr', 'add', '10.90.0.1/24', 'dev', 'mon1'], ns.name);
      await eventually(() => m.out().includes('[ADDR]') && m.out().includes('10.90.0.1/24'), 3000, 'the address event');
      await eventually(() => /\[ROUTE\].*10\.90\.0\.0\/24 dev mon1/.test(m.out()), 3000, 'the prefix route event');
    } finally {
      const code = await m.stop('SIGINT');
      expect(code, m.err()).toBe(0);
    }
  });

  it('monitor prints records as ip monitor does (a link\'s second line on its own), and with -o as ip -o monitor', async () => {
    for (const oneline of [false, true]) {
      const o = oneline ? ['-o'] : [];
      const ours = rtnlSpawn(['-n', ns.name, ...o, 'monitor', 'link', 'address']);
      const theirs = spawn('ip', ['-n', ns.name, ...o, 'monitor', 'link', 'address'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let ipOut = '';
      theirs.stdout.setEncoding('utf8').on('data', (d: string) => (ipOut += d));
      try {
        // Both subscribed: each has seen a warm-up change.
        await eventually(
          () => {
            if (ours.out().includes('warm0') && ipOut.includes('warm0')) return true;
            ip(['link', 'add', 'warm0', 'type', 'bridge'], ns.name);
            ip(['link', 'del', 'warm0'], ns.name);
            return false;
          },
          8000,
          'both monitors subscribed',
        );
        ip(['link', 'add', 'mon9', 'type', 'bridge'], ns.name);
        ip(['addr', 'add', '10.91.0.1/24', 'dev', 'mon9'], ns.name);
        ip(['link', 'del', 'mon9'], ns.name);
        const tail = (t: string) => t.slice(t.indexOf(t.split('\n').find((l) => l.includes('mon9')) ?? '\u0000'));
        await eventually(() => (tail(ours.out()).match(/Deleted/g) ?? []).length >= 2 && (tail(ipOut).match(/Deleted/g) ?? []).length >= 2, 3000, 'the deletions in both');
        expect(tail(ours.out())).toContain('mon9');
        expect(tail(ours.out())).toBe(tail(ipOut));
        expect(tail(ours.out()).includes('\n    link/ether')).toBe(!oneline);
      } finally {
        await ours.stop('SIGINT');
        theirs.kill('SIGINT');
      }
    }
  });

  it('monitor -j prints one JSON object per event, in the show commands\' shapes', async () => {
    const m = rtnlSpawn(['-n', ns.name, '-j', 'monitor', 'link']);
    try {
      const line = await eventually(
        () => {
          const hit = m
            .out()
            .split('\n')
            .find((l) => l.includes('"mon2"'));
          if (hit) return hit;
          ip(['link', 'add', 'mon2', 'type', 'bridge'], ns.name);
          ip(['link', 'del', 'mon2'], ns.name);
          return undefined;
        },
        8000,
        'a JSON link event',
      );
      const ev = JSON.parse(line) as { ifname: string; ifindex: number; flags: string[]; operstate?: string };
      expect(ev.ifname).toBe('mon2');
      expect(typeof ev.ifindex).toBe('number');
      expect(Array.isArray(ev.flags)).toBe(true);
      await eventually(() => m.out().includes('"deleted":true'), 3000, 'the deletion as JSON');
    } finally {
      expect(await m.stop('SIGTERM')).toBe(0);
    }
  });
});
