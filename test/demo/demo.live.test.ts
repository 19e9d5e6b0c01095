/**
 * `npm start` (scripts/start.mjs) as a user runs it: a subprocess that
 * bundles and runs examples/demo.ts. It must print the walkthrough, finish
 * within ten seconds, and leave no namespace or device behind — also when
 * interrupted with Ctrl-C or stopped by an error — and explain itself
 * without root.
 *
 * Other test files create and delete namespaces concurrently, so "nothing
 * left behind" is checked on the namespaces the demo names in its output
 * and on every namespace whose name has the demo's prefix.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AS_NOBODY, unprivilegedMissing } from '../helpers/child.js';
import { kernelLacks } from '../helpers/kernel.js';
import { root } from '../cli/_cli.js';
import { type RunOptions, announced, demoNamespaces, env, runDemo, start } from './_demo.js';

/** The machine's own links, by name: the demo must not touch them. */
function hostLinks(): string[] {
  return readdirSync('/sys/class/net').sort();
}

/**
 * The demo's device names (examples/demo.ts): none may appear in the
 * machine's own namespace. Only these are checked — other test files may
 * add and remove links there meanwhile (a module load's ifb0, say).
 */
const DEMO_LINKS = /^(br0|veth-[ab]|eth0|tap0)$/;

const run = (args: string[], opts: Omit<RunOptions, 'timeoutMs'> = {}) => runDemo(args, { ...opts, timeoutMs: 30_000 });

/** The demo reads and writes a TAP device. */
const tunLacks = kernelLacks('tun');

describe.skipIf(tunLacks !== undefined)(`npm start (the demo)${tunLacks ? ` (skipped: ${tunLacks})` : ''}`, () => {
  it('prints the walkthrough, shows the frames the TAP sees, cleans up, in under ten seconds', async () => {
    const linksBefore = new Set(hostLinks());
    const r = await run([]);
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.ms).toBeLessThan(10_000);

    // The walkthrough: bridge, veth pairs into namespaces, TAP, traffic, decoded frames.
    expect(r.out).toMatch(/A bridge br0 inside rtnl-demo-sw-/);
    expect(r.out).toMatch(/veth-a .*<== veth ==>.*rtnl-demo-a-\S+\/eth0 10\.77\.0\.1\/24/);
    expect(r.out).toMatch(/tap0 .*read and written through fd \d+ of this process/);
    expect(r.out).toMatch(/received "hello from 10\.77\.0\.1" from 10\.77\.0\.1:\d+/);
    expect(r.out).toMatch(/received "hello back from 10\.77\.0\.2" from 10\.77\.0\.2:5000/);
    // Frames the bridge flooded to the TAP, decoded: the ARP broadcast and the unknown unicast.
    expect(r.out).toMatch(/TAP read {2}\S+ > ff:ff:ff:ff:ff:ff ARP who-has 10\.77\.0\.2 tell 10\.77\.0\.1/);
    expect(r.out).toMatch(/TAP read {2}\S+ > 02:00:00:00:00:50 IPv4 10\.77\.0\.1 > 10\.77\.0\.50 UDP \d+ > 5000/);
    // The TAP's user-space end answers: TypeScript writes frames the namespace receives.
    expect(r.out).toMatch(/TAP write 02:72:74:6e:6c:63 > \S+ ARP reply 10\.77\.0\.99 is-at 02:72:74:6e:6c:63/);
    expect(r.out).toMatch(/received "echo from TypeScript: ping over the bridge" from 10\.77\.0\.99:7/);
    // Unicast between learned MACs never reaches the TAP.
    expect(r.out).not.toMatch(/TAP read .*UDP \d+ > 5000, length 20/);
    expect(r.out).toMatch(/is behind veth-a/);
    expect(r.out).toMatch(/removed every device and namespace the demo made/);

    const names = announced(r.out);
    expect(names).toHaveLength(3);
    for (const n of names) expect(existsSync(`/run/netns/${n}`), n).toBe(false);
    expect(demoNamespaces(r.pid)).toEqual([]);
    expect(hostLinks().filter((n) => !linksBefore.has(n) && DEMO_LINKS.test(n))).toEqual([]);
    for (const n of linksBefore) if (DEMO_LINKS.test(n)) expect(hostLinks(), `the machine's own ${n}`).toContain(n);
  }, 30_000);

  it('Ctrl-C in the middle: stops, removes everything, exits 130', async () => {
    // --slow pauses between steps, so the signal lands while things exist.
    const r = await run(['--slow=300'], { killOn: /Step 3\./ });
    expect(r.code, r.err).toBe(130);
    expect(r.err).toMatch(/SIGINT: stopping/);
    expect(r.out).toMatch(/Cleaning up\n {3}removed every device and namespace the demo made/);
    const names = announced(r.out);
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(existsSync(`/run/netns/${n}`), n).toBe(false);
    expect(demoNamespaces(r.pid)).toEqual([]);
  }, 30_000);

  it('output closed in the middle (npm start | head): still removes everything', async () => {
    const r = await run(['--slow=200'], { closeOutputOn: /Step 2\./ });
    expect(r.code).not.toBe(0);
    const names = announced(r.out);
    expect(names.length).toBe(3);
    for (const n of names) expect(existsSync(`/run/netns/${n}`), n).toBe(false);
    expect(demoNamespaces(r.pid)).toEqual([]);
  }, 30_000);

  it('an error in the middle: says what failed, removes everything, exits 1', async () => {
    const r = await run(['--fail-at-step', '5']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/The demo failed: failing on purpose at step 5/);
    expect(r.out).toMatch(/removed every device and namespace the demo made/);
    for (const n of announced(r.out)) expect(existsSync(`/run/netns/${n}`), n).toBe(false);
    expect(demoNamespaces(r.pid)).toEqual([]);
  }, 30_000);

  it('without root it explains what it needs and exits non-zero, before touching anything', (ctx) => {
    const cannot = unprivilegedMissing(start, join(root, 'package.json'));
    if (cannot) return ctx.skip(cannot);
    const r = spawnSync('setpriv', [...AS_NOBODY, process.execPath, start], {
      cwd: root,
      env: { ...env, HOME: '/tmp' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/needs root/);
    expect(r.stderr).toMatch(/CAP_NET_ADMIN/);
    expect(r.stdout).toBe('');
  });
});
