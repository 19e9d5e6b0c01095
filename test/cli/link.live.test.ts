/**
 * `rtnl link …` and `rtnl tuntap …` change what they say they change: each
 * command runs as a subprocess inside throwaway namespaces, and iproute2
 * (the oracle) reads the result.
 */
import { describe, expect, it } from 'vitest';
import { canRunLive, ip, ipJson, liveSkipReason, useNetns } from '../helpers/live.js';
import { oracleUnvalidated } from '../helpers/iproute2.js';
import { kernelLacks } from '../helpers/kernel.js';
import { rtnl, rtnlJson, rtnlOk, tapOwner, useCli } from './_cli.js';

useCli();
const ns = useNetns('rtnlcli');
const other = useNetns('rtnlcli2');
const tunLacks = kernelLacks('tun');

interface IpLink {
  ifname: string;
  ifindex: number;
  flags: string[];
  mtu: number;
  master?: string;
  address?: string;
  group?: string;
  ifalias?: string;
  link_netnsid?: number;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown>; info_slave_kind?: string };
}

const get = (name: string, netns = ns.name) => ipJson<IpLink[]>(['-d', 'link', 'show', 'dev', name], netns)[0] as IpLink;
const names = (netns: string) => ipJson<IpLink[]>(['link', 'show'], netns).map((l) => l.ifname);

describe.skipIf(!canRunLive)(`rtnl link and tuntap${liveSkipReason ? ` (skipped: ${liveSkipReason})` : ''}`, () => {
  it('link add … type veth: both ends, the peer born inside another namespace', () => {
    rtnlOk(['-n', ns.name, 'link', 'add', 've0', 'type', 'veth', 'peer', 'name', 've1']);
    expect(get('ve0').linkinfo?.info_kind).toBe('veth');
    expect(get('ve1').linkinfo?.info_kind).toBe('veth');

    rtnlOk(['-n', ns.name, 'link', 'add', 'out0', 'mtu', '1400', 'type', 'veth', 'peer', 'name', 'in0', 'mtu', '1300', 'netns', other.name]);
    expect(get('out0').mtu).toBe(1400);
    expect(get('in0', other.name).mtu).toBe(1300);
    expect(names(ns.name)).not.toContain('in0');
    expect(typeof get('out0').link_netnsid).toBe('number');

    // The MTU range is the device's own (IFLA_MIN_MTU / IFLA_MAX_MTU: 68..65535 for a veth).
    const big = rtnl(['-n', ns.name, 'link', 'set', 've0', 'mtu', '70000']);
    expect(big.status).not.toBe(0);
    expect(big.stderr).toMatch(/68\.\.65535/);
    // ip's flag words.
    rtnlOk(['-n', ns.name, 'link', 'set', 've0', 'promisc', 'on', 'arp', 'off', 'allmulticast', 'on']);
    expect(get('ve0').flags).toEqual(expect.arrayContaining(['PROMISC', 'NOARP', 'ALLMULTI']));
    rtnlOk(['-n', ns.name, 'link', 'set', 've0', 'promisc', 'off', 'arp', 'on']);
    expect(get('ve0').flags).not.toContain('PROMISC');
    expect(get('ve0').flags).not.toContain('NOARP');

    // No peer name: the kernel names the peer from "veth%d", as for `ip link add v0 type veth`.
    const before = names(ns.name);
    rtnlOk(['-n', ns.name, 'link', 'add', 'lone0', 'type', 'veth']);
    const made = names(ns.name).filter((n) => !before.includes(n));
    expect(made).toContain('lone0');
    expect(made.filter((n) => /^veth\d+$/.test(n))).toHaveLength(1);
    // No name at all: both from the template (ip link add type veth).
    const before2 = names(ns.name);
    rtnlOk(['-n', ns.name, 'link', 'add', 'type', 'veth']);
    expect(names(ns.name).filter((n) => !before2.includes(n)).filter((n) => /^veth\d+$/.test(n))).toHaveLength(2);
  });

  it('link add … type bridge with ip\'s options (times in centiseconds)', () => {
    rtnlOk(['-n', ns.name, 'link', 'add', 'br7', 'type', 'bridge', 'forward_delay', '500', 'hello_time', '300', 'ageing_time', '6000', 'priority', '4096', 'mcast_snooping', '0']);
    const d = get('br7').linkinfo?.info_data ?? {};
    expect(d).toMatchObject({ forward_delay: 500, hello_time: 300, ageing_time: 6000, priority: 4096, mcast_snooping: 0 });
    const bad = rtnl(['-n', ns.name, 'link', 'add', 'br8', 'type', 'bridge', 'colour', 'blue']);
    expect(bad.status).toBe(255);
    expect(names(ns.name)).not.toContain('br8');
  });

  it('link set … type bridge OPT VAL changes the bridge as ip does; an unknown kind or option exits 255', () => {
    rtnlOk(['-n', ns.name, 'link', 'add', 'br9', 'type', 'bridge', 'forward_delay', '500']);
    rtnlOk(['-n', ns.name, 'link', 'set', 'br9', 'type', 'bridge', 'forward_delay', '800', 'stp_state', '1']);
    expect(get('br9').linkinfo?.info_data).toMatchObject({ forward_delay: 800, stp_state: 1 });
    expect(rtnl(['-n', ns.name, 'link', 'set', 'br9', 'type', 'bridge', 'colour', 'blue']).status).toBe(255);
    expect(rtnl(['-n', ns.name, 'link', 'set', 'br9', 'type', 'nosuchkind', 'x', '1']).status).toBe(255);
    expect(get('br9').linkinfo?.info_data).toMatchObject({ forward_delay: 800 });
  });

  it('link set: up/down, master/nomaster, mtu, address, name, alias, group, netns', () => {
    const n = ['-n', ns.name];
    rtnlOk([...n, 'link', 'add', 'sx0', 'type', 'veth', 'peer', 'name', 'sx1']);
    rtnlOk([...n, 'link', 'add', 'brs', 'type', 'bridge']);

    rtnlOk([...n, 'link', 'set', 'sx0', 'up']);
    expect(get('sx0').flags).toContain('UP');
    rtnlOk([...n, 'link', 'set', 'dev', 'sx0', 'down']);
    expect(get('sx0').flags).not.toContain('UP');

    rtnlOk([...n, 'link', 'set', 'sx0', 'master', 'brs']);
    expect(get('sx0').master).toBe('brs');
    expect(get('sx0').linkinfo?.info_slave_kind).toBe('bridge');
    rtnlOk([...n, 'link', 'set', 'sx0', 'nomaster']);
    expect(get('sx0').master).toBeUndefined();

    rtnlOk([...n, 'link', 'set', 'sx0', 'mtu', '1280', 'address', '02:00:00:aa:bb:cc', 'alias', 'uplink', 'group', '9']);
    const l = get('sx0');
    expect([l.mtu, l.address, l.ifalias, l.group]).toEqual([1280, '02:00:00:aa:bb:cc', 'uplink', '9']);

    rtnlOk([...n, 'link', 'set', 'sx0', 'name', 'sx0new']);
    expect(names(ns.name)).toContain('sx0new');
    expect(names(ns.name)).not.toContain('sx0');

    rtnlOk([...n, 'link', 'set', 'sx1', 'netns', other.name]);
    expect(names(other.name)).toContain('sx1');
    expect(names(ns.name)).not.toContain('sx1');
  });

  it('link set with a value the kernel refuses: ip\'s words, exit 2, nothing changed', () => {
    rtnlOk(['-n', ns.name, 'link', 'add', 'mt0', 'type', 'veth', 'peer', 'name', 'mt1']);
    const r = rtnl(['-n', ns.name, 'link', 'set', 'mt0', 'mtu', '1400', 'name', 'mt1']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('RTNETLINK answers: File exists');
    expect(r.stderr).toMatch(/^rtnl: setLink: EEXIST/m);
    // The change is all or nothing: the MTU went back.
    expect(get('mt0').mtu).toBe(1500);
    // Values checked before any request: exit 1 with the library's reason.
    const big = rtnl(['-n', ns.name, 'link', 'set', 'mt0', 'mtu', '70000']);
    expect(big.status).toBe(1);
    expect(big.stderr).toMatch(/^Error: mtu: /);
    expect(get('mt0').mtu).toBe(1500);
    const v = rtnl(['-n', ns.name, 'link', 'set', 'mt0', 'address', '01:00:00:00:00:01']);
    expect(v.status).toBe(1);
    expect(v.stderr).toMatch(/^Error: address: .*multicast/);
  });

  it('link del DEV and link del group N', () => {
    const n = ['-n', ns.name];
    rtnlOk([...n, 'link', 'add', 'dl0', 'type', 'veth', 'peer', 'name', 'dl1']);
    rtnlOk([...n, 'link', 'del', 'dl0']);
    expect(names(ns.name)).not.toContain('dl0');
    expect(names(ns.name)).not.toContain('dl1');

    rtnlOk([...n, 'link', 'add', 'g0', 'type', 'bridge']);
    rtnlOk([...n, 'link', 'add', 'g1', 'type', 'bridge']);
    rtnlOk([...n, 'link', 'add', 'g2', 'type', 'bridge']);
    rtnlOk([...n, 'link', 'set', 'g0', 'group', '42']);
    rtnlOk([...n, 'link', 'set', 'g1', 'group', '42']);
    expect(rtnlJson<{ ifname: string }[]>([...n, 'link', 'show', 'group', '42']).map((l) => l.ifname)).toEqual(['g0', 'g1']);
    rtnlOk([...n, 'link', 'del', 'group', '42']);
    expect(names(ns.name)).not.toContain('g0');
    expect(names(ns.name)).not.toContain('g1');
    expect(names(ns.name)).toContain('g2');

    // A device that is not there: ip's words and exit code.
    const gone = rtnl([...n, 'link', 'del', 'dl0']);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toBe('Cannot find device "dl0"\n');
    expect(rtnl([...n, 'link', 'del', 'group', '0']).status).toBe(255);
  });

  it('link show filters: DEV, type KIND, type KIND_slave, master BR, up', () => {
    const n = ['-n', ns.name];
    rtnlOk([...n, 'link', 'add', 'fbr', 'type', 'bridge']);
    rtnlOk([...n, 'link', 'add', 'fp0', 'master', 'fbr', 'up', 'type', 'veth', 'peer', 'name', 'fp1']);
    // ip 6.1 prints an empty {} for every link a filter drops; only real entries count.
    const ipNames = (args: string[]) => ipJson<IpLink[]>(['link', 'show', ...args], ns.name).filter((l) => l.ifname).map((l) => l.ifname);
    const ifnames = (args: string[]) => rtnlJson<{ ifname: string }[]>([...n, 'link', 'show', ...args]).map((l) => l.ifname);
    expect(ifnames(['fp0'])).toEqual(['fp0']);
    expect(ifnames(['master', 'fbr'])).toEqual(['fp0']);
    expect(ifnames(['type', 'bridge_slave'])).toEqual(ipNames(['type', 'bridge_slave']));
    expect(ifnames(['type', 'veth'])).toEqual(ipNames(['type', 'veth']));
    expect(ifnames(['up'])).toEqual(ipNames(['up']));
  });

  it.skipIf(tunLacks !== undefined)(`tuntap add/show/del: a persistent TAP with owner, group and multi_queue${tunLacks ? ` — skipped: ${tunLacks}` : ''}`, () => {
    const n = ['-n', ns.name];
    const owner = tapOwner();
    rtnlOk([...n, 'tuntap', 'add', 'tq0', 'mode', 'tap', 'user', owner.name, 'group', '65534', 'multi_queue']);
    const d = get('tq0').linkinfo?.info_data ?? {};
    expect(d).toMatchObject({ type: 'tap', multi_queue: true, persist: true, user: owner.name });
    if (oracleUnvalidated() === undefined) {
      expect(rtnlOk([...n, 'tuntap', 'show'])).toBe(ip(['tuntap', 'show'], ns.name));
      expect(rtnlOk([...n, '-j', 'tuntap', 'show'])).toBe(ip(['-j', 'tuntap', 'show'], ns.name));
    }
    rtnlOk([...n, 'tuntap', 'del', 'tq0', 'mode', 'tap']);
    expect(names(ns.name)).not.toContain('tq0');
    const tun = rtnl([...n, 'tuntap', 'add', 'tu0', 'mode', 'tun']);
    expect(tun.status).toBe(255);
    expect(tun.stderr).toMatch(/only "tap"/);
  });
});

describe.skipIf(!canRunLive)(`rtnl -batch${liveSkipReason ? ` (skipped: ${liveSkipReason})` : ''}`, () => {
  it('runs a file of commands in one process; stops at the first failure, or with -force goes on; exit 1 and "Command failed FILE:LINE" as ip', () => {
    const file = '-';
    const batch = ['link add bt0 type bridge', 'link add bt0 type bridge  # exists: fails', 'link add bt1 type bridge', 'link set bt1 \\', '  up'].join('\n') + '\n';
    const stop = rtnl(['-n', ns.name, '-batch', file], batch);
    expect(stop.status).toBe(1);
    expect(stop.stderr).toMatch(/RTNETLINK answers: File exists\n(.*\n)*Command failed -:2\n$/);
    expect(ipJson<{ ifname: string }[]>(['link', 'show'], ns.name).map((l) => l.ifname)).toContain('bt0');
    expect(ipJson<{ ifname: string }[]>(['link', 'show'], ns.name).map((l) => l.ifname)).not.toContain('bt1');
    const force = rtnl(['-n', ns.name, '-force', '-batch', file], batch);
    expect(force.status).toBe(1);
    expect(force.stderr.match(/Command failed/g)).toHaveLength(2); // lines 1 and 2: bt0 exists now
    const bt1 = ipJson<{ ifname: string; flags: string[] }[]>(['link', 'show', 'bt1'], ns.name)[0]!;
    expect(bt1.flags).toContain('UP');
    const ok = rtnl(['-n', ns.name, '-batch', file], 'link del bt0\nlink del bt1\n');
    expect([ok.status, ok.stderr]).toEqual([0, '']);
    const missing = rtnl(['-batch', '/nonexistent/batch.txt']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^Cannot open file "\/nonexistent\/batch.txt" for reading/);
  });
});

describe('help and usage errors (no privileges needed)', () => {
  it('--help on every object and verb prints usage and exits 0', () => {
    for (const args of [
      ['--help'],
      ['help'],
      ['link', 'help'],
      ['link', '--help'],
      ['link', 'add', '--help'],
      ['link', 'set', '--help'],
      ['link', 'del', '--help'],
      ['link', 'show', '--help'],
      ['addr', '--help'],
      ['addr', 'add', '--help'],
      ['route', '--help'],
      ['route', 'get', '--help'],
      ['neigh', '--help'],
      ['neigh', 'show', '--help'],
      ['netns', '--help'],
      ['netns', 'add', '--help'],
      ['tuntap', '--help'],
      ['tuntap', 'add', '--help'],
      ['monitor', '--help'],
    ]) {
      const r = rtnl(args);
      expect(r.status, `rtnl ${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^Usage: rtnl /);
    }
  });

  it('unknown objects, verbs and options exit 255 with a hint, like ip', () => {
    for (const args of [['frobnicate'], ['link', 'frob'], ['-x', 'link'], ['route', 'flap'], ['link', 'add', 'x0', 'type', 'frobnic']]) {
      const r = rtnl(args);
      expect(r.status, args.join(' ')).toBe(255);
      expect(r.stderr.length).toBeGreaterThan(0);
    }
    const bare = rtnl([]);
    expect(bare.status).toBe(255);
    expect(bare.stderr).toMatch(/^Usage: rtnl /);
  });

  it('-V prints the package version', () => {
    expect(rtnlOk(['-V'])).toMatch(/^rtnl \d+\.\d+\.\d+/);
  });
});
