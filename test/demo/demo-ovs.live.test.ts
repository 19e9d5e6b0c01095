/**
 * `npm start -- --ovs`: the demo on an Open vSwitch bridge (userspace
 * datapath) with private ovsdb-server and ovs-vswitchd, run as a user runs
 * it. It must carry the same traffic, and leave nothing behind: no
 * namespace, no daemon (checked by the pids it announced), no temp dir — on
 * success, on Ctrl-C and on error. Without Open vSwitch it must say what it
 * needs and exit non-zero before making anything.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../cli/_cli.js';
import { ovsSkipReason } from '../ovs/_env.js';
import { announced, demoNamespaces, env, runDemo, start } from './_demo.js';

/** Daemon pids the run printed ("started ovsdb-server (pid N)"). */
const daemonPids = (out: string) => [...out.matchAll(/started (?:ovsdb-server|ovs-vswitchd) \(pid (\d+)\)/g)].map((m) => Number(m[1]));
/** True when `pid` runs an OVS daemon (a reused pid running something else does not count). */
function ovsDaemonRuns(pid: number): boolean {
  try {
    return /^(ovsdb-server|ovs-vswitchd)$/.test(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()) && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
const tempDir = (out: string) => {
  const m = /on (\/\S+)\/db\.sock/.exec(out);
  return m ? dirname(`${m[1]}/db.sock`) : undefined;
};

const run = (args: string[], opts: { killOn?: RegExp } = {}) => runDemo(args, { ...opts, timeoutMs: 40_000 });

/** Nothing of the run is left: namespaces, daemons, temp dir. */
function expectNothingLeft(r: { out: string; pid: number | undefined }): void {
  const out = r.out;
  const names = announced(out);
  expect(names.length).toBeGreaterThan(0);
  for (const n of names) expect(existsSync(`/run/netns/${n}`), n).toBe(false);
  expect(demoNamespaces(r.pid)).toEqual([]);
  const pids = daemonPids(out);
  for (const pid of pids) expect(ovsDaemonRuns(pid), `OVS daemon pid ${pid} still runs`).toBe(false);
  const dir = tempDir(out);
  if (dir) expect(existsSync(dir), dir).toBe(false);
}

const title = ovsSkipReason ? `npm start -- --ovs (SKIPPED: ${ovsSkipReason})` : 'npm start -- --ovs';

describe.skipIf(ovsSkipReason !== undefined)(title, () => {
  it('runs the walkthrough on an OVS bridge, then stops the daemons and removes everything', async () => {
    const r = await run(['--ovs']);
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.ms).toBeLessThan(20_000);
    expect(r.out).toMatch(/on one Open vSwitch bridge/);
    expect(r.out).toMatch(/started ovsdb-server \(pid \d+\) on \/\S+\/db\.sock/);
    expect(r.out).toMatch(/started ovs-vswitchd \(pid \d+\) inside rtnl-demo-sw-/);
    expect(r.out).toMatch(/OVS bridge br0 \(datapath netdev/);
    for (const port of ['veth-a', 'veth-b', 'tap0']) expect(r.out).toMatch(new RegExp(`${port} is OVS port \\d+ of br0`));
    // The CLI lists the ports through OVSDB.
    expect(r.out).toMatch(/\$ rtnl ovs --db unix:\S+ list-ports br0\n {5}tap0\n {5}veth-a\n {5}veth-b\n/);
    // The same traffic as over the Linux bridge, forwarded by ovs-vswitchd.
    expect(r.out).toMatch(/received "hello from 10\.77\.0\.1" from 10\.77\.0\.1:\d+/);
    expect(r.out).toMatch(/received "hello back from 10\.77\.0\.2" from 10\.77\.0\.2:5000/);
    expect(r.out).toMatch(/TAP read {2}\S+ > ff:ff:ff:ff:ff:ff ARP who-has 10\.77\.0\.2 tell 10\.77\.0\.1/);
    expect(r.out).toMatch(/received "echo from TypeScript: ping over the bridge" from 10\.77\.0\.99:7/);
    expect(r.out).toMatch(/TAP read {2}\S+ > 02:00:00:00:00:50 IPv4 10\.77\.0\.1 > 10\.77\.0\.50 UDP \d+ > 5000/);
    expect(r.out).not.toMatch(/TAP read .*UDP \d+ > 5000, length 20/);
    // ovs-vswitchd's MAC table (needs ovs-appctl, which comes with the daemons).
    expect(r.out).toMatch(/is behind veth-a \(OVS port \d+\)/);
    expect(r.out).toMatch(/stopped ovsdb-server and ovs-vswitchd/);
    expect(r.out).toMatch(/removed every device and namespace the demo made/);
    expect(daemonPids(r.out)).toHaveLength(2);
    expectNothingLeft(r);
  }, 45_000);

  it('Ctrl-C with the daemons running: stops them, removes everything, exits 130', async () => {
    const r = await run(['--ovs', '--slow=300'], { killOn: /Step 4\./ });
    expect(r.code, r.err).toBe(130);
    expect(r.err).toMatch(/SIGINT: stopping/);
    expect(daemonPids(r.out)).toHaveLength(2);
    expect(r.out).toMatch(/removed every device and namespace the demo made/);
    expectNothingLeft(r);
  }, 45_000);

  it('an error in the middle: stops the daemons, removes everything, exits 1', async () => {
    const r = await run(['--ovs', '--fail-at-step', '5']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/The demo failed: failing on purpose at step 5/);
    expect(daemonPids(r.out)).toHaveLength(2);
    expect(r.out).toMatch(/stopped ovsdb-server and ovs-vswitchd/);
    expectNothingLeft(r);
  }, 45_000);
});

describe(`npm start -- --ovs without Open vSwitch${process.getuid?.() === 0 ? '' : ' (skipped: needs root)'}`, () => {
  it.skipIf(process.getuid?.() !== 0)('says what it needs and exits non-zero before making anything', () => {
    // No OVS tool on this PATH (node itself is started by absolute path).
    const r = spawnSync(process.execPath, [start, '--ovs'], { cwd: root, env: { ...env, PATH: '/nonexistent' }, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/needs Open vSwitch's ovsdb-tool, ovsdb-server and ovs-vswitchd/);
    expect(r.stderr).toMatch(/missing: ovsdb-tool, ovsdb-server, ovs-vswitchd/);
    expect(r.stderr).toMatch(/apt-get install -y openvswitch-switch/);
    expect(r.stdout).toBe('');
    expect(demoNamespaces(r.pid)).toEqual([]);
  });
});
