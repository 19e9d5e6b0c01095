/**
 * `rtnl ovs …` as a subprocess against a private ovsdb-server and an
 * ovs-vswitchd (userspace datapath) living in a throwaway namespace
 * (test/ovs/_env.ts). ovs-vsctl on the same database is the oracle; the veth
 * and TAP devices are made with iproute2 in the daemon's namespace, where
 * ovs-vswitchd opens ports by name.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ip, ipJson } from '../helpers/live.js';
import { ovsSkipReason, startOvs, type OvsEnv } from '../ovs/_env.js';
import { rtnl, rtnlOk, useCli } from './_cli.js';

useCli();

const title = ovsSkipReason ? `rtnl ovs (SKIPPED: ${ovsSkipReason})` : 'rtnl ovs';

describe.skipIf(ovsSkipReason !== undefined)(title, () => {
  let env: OvsEnv;
  let startError: string | undefined;
  const db = () => `--db=unix:${env.socket}`;
  const ovs = (...args: string[]) => rtnl(['ovs', db(), ...args]);
  const ovsOk = (...args: string[]) => rtnlOk(['ovs', db(), ...args]);
  const hasLink = (name: string) => ipJson<{ ifname: string }[]>(['link', 'show'], env.netns).some((l) => l.ifname === name);

  beforeAll(() => {
    try {
      env = startOvs('rtnlcliovs');
    } catch (e) {
      startError = (e as Error).message;
      console.warn(`\n*** rtnl ovs CLI live tests SKIPPED: the daemons did not start: ${startError} ***\n`);
    }
  });
  beforeEach((ctx) => {
    if (startError !== undefined) ctx.skip();
  });
  afterAll(() => {
    env?.stop();
  });

  it('add-br --datapath-type netdev: ovs-vswitchd has made the bridge when the command returns', () => {
    expect(ovsOk('add-br', 'br0', '--datapath-type', 'netdev')).toBe('');
    expect(env.vsctl(['list-br'])).toBe('br0\n');
    expect(env.vsctl(['get', 'Bridge', 'br0', 'datapath_type']).trim()).toBe('netdev');
    expect(hasLink('br0')).toBe(true);
    // Same bridge again: an error, unless --may-exist.
    const again = ovs('add-br', 'br0', '--datapath-type=netdev');
    expect(again.status).toBe(1);
    expect(again.stderr).toBe('rtnl ovs: a bridge named "br0" already exists\n');
    expect(ovs('--may-exist', 'add-br', 'br0').status).toBe(0);
    // list-br, with the plain-path spelling of --db.
    expect(rtnlOk(['ovs', '--db', env.socket, 'list-br'])).toBe(env.vsctl(['list-br']));
    expect(JSON.parse(rtnlOk(['-j', 'ovs', '--db', `unix:${env.socket}`, 'list-br']))).toEqual(['br0']);
  });

  it('add-port attaches a veth end and a TAP made with iproute2; list-ports prints what ovs-vsctl prints', () => {
    ip(['link', 'add', 'clova', 'type', 'veth', 'peer', 'name', 'clovb'], env.netns);
    ip(['tuntap', 'add', 'dev', 'clot0', 'mode', 'tap'], env.netns);
    expect(ovsOk('add-port', 'br0', 'clova')).toBe('');
    expect(ovsOk('add-port', 'br0', 'clot0', '--type', 'system')).toBe('');
    for (const name of ['clova', 'clot0']) {
      // An OpenFlow port number proves ovs-vswitchd opened the device before the command returned.
      expect(Number(env.vsctl(['get', 'Interface', name, 'ofport']))).toBeGreaterThan(0);
      expect(env.vsctl(['get', 'Interface', name, 'type']).trim()).toBe('""');
    }
    const oracle = env.vsctl(['list-ports', 'br0']);
    expect(oracle).toBe('clot0\nclova\n');
    expect(ovsOk('list-ports', 'br0')).toBe(oracle);
    expect(JSON.parse(rtnlOk(['-j', 'ovs', db(), 'list-ports', 'br0']))).toEqual(['clot0', 'clova']);

    const dup = ovs('add-port', 'br0', 'clova');
    expect(dup.status).toBe(1);
    expect(dup.stderr).toMatch(/^rtnl ovs: a port named "clova" already exists on bridge "br0"\n$/);
    expect(ovs('add-port', 'br0', 'clova', '--may-exist').status).toBe(0);
  });

  it('add-port --type internal: ovs-vswitchd creates the device itself', () => {
    expect(hasLink('cloi0')).toBe(false);
    ovsOk('add-port', 'br0', 'cloi0', '--type=internal');
    expect(env.vsctl(['get', 'Interface', 'cloi0', 'type']).trim()).toBe('internal');
    expect(hasLink('cloi0')).toBe(true);
    expect(ovsOk('list-ports', 'br0')).toBe(env.vsctl(['list-ports', 'br0']));
  });

  it('a device ovs-vswitchd cannot open: exit 2 with its reason, and nothing left in the database', () => {
    const r = ovs('add-port', 'br0', 'clogone');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^rtnl ovs: ovs-vswitchd could not set up interface "clogone": .*No such device.*rolled back/);
    expect(env.vsctl(['list-ports', 'br0'])).not.toContain('clogone');
  });

  it('del-port removes the port (the TAP device stays); a missing one is an error unless --if-exists', () => {
    expect(ovsOk('del-port', 'br0', 'clot0')).toBe('');
    expect(env.vsctl(['list-ports', 'br0'])).toBe('cloi0\nclova\n');
    expect(ovsOk('list-ports', 'br0')).toBe(env.vsctl(['list-ports', 'br0']));
    expect(hasLink('clot0')).toBe(true);
    const again = ovs('del-port', 'br0', 'clot0');
    expect(again.status).toBe(1);
    expect(again.stderr).toBe('rtnl ovs: no port named "clot0" on bridge "br0"\n');
    expect(ovs('del-port', '--if-exists', 'br0', 'clot0').status).toBe(0);
  });

  it('a missing bridge: every verb says so and exits 1', () => {
    for (const args of [['list-ports', 'nobr'], ['add-port', 'nobr', 'clova'], ['del-port', 'nobr', 'clova'], ['del-br', 'nobr']]) {
      const r = ovs(...args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('rtnl ovs: no bridge named "nobr"\n');
    }
    expect(ovs('del-br', 'nobr', '--if-exists').status).toBe(0);
    expect(env.vsctl(['list-br'])).toBe('br0\n');
  });

  it('del-br removes the bridge with its ports; devices OVS made go, the veth stays', () => {
    expect(ovsOk('del-br', 'br0')).toBe('');
    expect(env.vsctl(['list-br'])).toBe('');
    expect(ovsOk('list-br')).toBe('');
    expect(JSON.parse(rtnlOk(['-j', 'ovs', db(), 'list-br']))).toEqual([]);
    expect(hasLink('br0')).toBe(false);
    expect(hasLink('cloi0')).toBe(false);
    expect(hasLink('clova')).toBe(true);
  });

  it('bad command lines exit 255 before connecting; bad names exit 1; no server exits 2', () => {
    const usage = [
      ['ovs', db(), 'add-br'],
      ['ovs', db(), 'add-port', 'br0'],
      ['ovs', db(), 'frob', 'br0'],
      ['ovs', db(), 'add-br', 'br0', '--type', 'internal'],
      ['ovs', db(), 'add-br', 'br0', '--datapath-type', 'dpdk'],
      ['ovs', db(), 'add-port', 'br0', 'p', '--type=vxlan'],
      ['ovs', '--db=tcp:127.0.0.1:6640', 'list-br'],
      ['ovs', '--bogus', 'list-br'],
      ['-n', 'x', 'ovs', db(), 'list-br'],
    ];
    for (const args of usage) {
      const r = rtnl(args);
      expect(r.status, args.join(' ')).toBe(255);
      expect(r.stderr, args.join(' ')).toMatch(/\S/);
    }
    const bad = ovs('add-br', 'a/b');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^Error: name: name "a\/b" must not contain "\/"/);

    const dead = rtnl(['ovs', `--db=unix:${env.dir}/nobody.sock`, 'list-br']);
    expect(dead.status).toBe(2);
    expect(dead.stderr).toMatch(/^rtnl ovs: cannot connect to ovsdb-server: the socket .*nobody\.sock does not exist \(ENOENT\)/);

    const help = rtnl(['ovs', 'help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/add-br BRIDGE/);
    expect(rtnlOk(['help'])).toMatch(/\| ovs \|/);
  });
});
