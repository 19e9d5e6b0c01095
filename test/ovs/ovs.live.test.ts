/**
 * The OVS client against real daemons: a private ovsdb-server and an
 * ovs-vswitchd with the userspace (netdev) datapath inside a throwaway
 * namespace (see _env.ts); this 6.18 kernel has no openvswitch module.
 * ovs-vsctl on the same private database is the oracle; iproute2 shows
 * what ovs-vswitchd did to devices.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TimeoutError } from '../../src/netlink/errors.js';
import * as ovs from '../../src/ovs/index.js';
import { createTap } from '../../src/ops/tap/index.js';
import { required } from '../helpers/kernel.js';
import { ip, ipJson } from '../helpers/live.js';
import { ovsSkipReason, startOvs, type OvsEnv } from './_env.js';

const title = ovsSkipReason ? `OVS live (SKIPPED: ${ovsSkipReason})` : 'OVS live';

describe.skipIf(ovsSkipReason !== undefined)(title, () => {
  let env: OvsEnv;
  const o = () => ({ socket: env.socket });
  const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);
  const listPortsOracle = (br: string) => lines(env.vsctl(['list-ports', br]));
  const hasLink = (name: string) => ipJson<{ ifname: string }[]>(['link', 'show'], env.netns).some((l) => l.ifname === name);

  let startError: string | undefined;

  beforeAll(() => {
    try {
      env = startOvs();
    } catch (e) {
      // No daemons, no test — but never quietly.
      startError = (e as Error).message;
      console.warn(`\n*** rtnl OVS live tests SKIPPED: the daemons did not start: ${startError} ***\n`);
    }
  });
  beforeEach((ctx) => {
    if (startError !== undefined) ctx.skip();
  });
  afterAll(() => {
    env?.stop();
  });

  it('creates a bridge in a fresh database (no root row yet); ovs-vswitchd has made its device when the call returns', async () => {
    // Nothing has touched the database yet: not even the Open_vSwitch root row exists.
    const client = await ovs.OvsdbClient.connect(o());
    const [root] = await client.transact([{ op: 'select', table: 'Open_vSwitch', where: [], columns: ['_uuid'] }]);
    client.close();
    expect(root!.rows).toEqual([]);

    const br = await ovs.addBridge('br0', { ...o(), datapathType: 'netdev' });
    expect(br).toMatchObject({ name: 'br0', datapathType: 'netdev', ports: [] });
    expect(lines(env.vsctl(['list-br']))).toEqual(['br0']);
    expect(env.vsctl(['get', 'Bridge', 'br0', 'datapath_type']).trim()).toBe('netdev');
    expect(env.vsctl(['get', 'Bridge', 'br0', '_uuid']).trim()).toBe(br.uuid);
    // The next_cfg/cur_cfg handshake: ovs-vswitchd acknowledged our change…
    const next = Number(env.vsctl(['get', 'Open_vSwitch', '.', 'next_cfg']));
    expect(next).toBeGreaterThanOrEqual(1);
    expect(Number(env.vsctl(['get', 'Open_vSwitch', '.', 'cur_cfg']))).toBe(next);
    // …so the bridge's internal device exists already, no polling needed.
    expect(hasLink('br0')).toBe(true);
    expect(env.vsctl(['get', 'Interface', 'br0', 'type']).trim()).toBe('internal');
  });

  it('writes the bridge\'s other_config with it, as ovs-vsctl reads it; a bad map is refused before any request', async () => {
    const br = await ovs.addBridge('brc', { ...o(), datapathType: 'netdev', otherConfig: { hwaddr: '02:00:00:00:0c:01', 'datapath-id': '00000000000000c1' } });
    expect(br.otherConfig).toMatchObject({ hwaddr: '02:00:00:00:0c:01', 'datapath-id': '00000000000000c1' });
    expect(env.vsctl(['get', 'Bridge', 'brc', 'other_config:hwaddr']).trim()).toBe('"02:00:00:00:0c:01"');
    await expect(ovs.addBridge('brd', { ...o(), otherConfig: { hwaddr: 5 } as never })).rejects.toMatchObject({ name: 'ValidationError', field: 'otherConfig.hwaddr' });
    await ovs.deleteBridge('brc', o());
  });

  it('refuses a second bridge of the same name, or returns it with mayExist', async () => {
    const err = await ovs.addBridge('br0', { ...o(), datapathType: 'netdev' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ovs.OvsExistsError);
    expect(err).toMatchObject({ code: 'ERR_OVS_EXISTS', kind: 'bridge', objectName: 'br0' });
    const same = await ovs.addBridge('br0', { ...o(), datapathType: 'netdev', mayExist: true });
    expect(same.uuid).toBe(env.vsctl(['get', 'Bridge', 'br0', '_uuid']).trim());
  });

  it('attaches a veth end and a TAP made with iproute2 as system ports', async () => {
    ip(['link', 'add', 'ovsva', 'type', 'veth', 'peer', 'name', 'ovsvb'], env.netns);
    ip(['tuntap', 'add', 'dev', 'ovst0', 'mode', 'tap'], env.netns);
    for (const name of ['ovsva', 'ovst0']) {
      const port = await ovs.addPort('br0', name, o());
      expect(port).toMatchObject({ name, bridge: 'br0', local: false });
      const [iface] = port.interfaces;
      expect(iface).toMatchObject({ name, type: 'system', error: undefined });
      // ofport is set by ovs-vswitchd, so a number here proves the wait.
      expect(iface!.ofport).toBeGreaterThan(0);
      expect(String(iface!.ofport)).toBe(env.vsctl(['get', 'Interface', name, 'ofport']).trim());
    }
    expect(listPortsOracle('br0')).toEqual(['ovst0', 'ovsva']);
  });

  it('adds internal and tap ports, whose devices ovs-vswitchd creates itself', async () => {
    expect(hasLink('ovsi0')).toBe(false);
    expect(hasLink('ovst1')).toBe(false);
    const internal = await ovs.addPort('br0', 'ovsi0', { ...o(), type: 'internal' });
    const tap = await ovs.addPort('br0', 'ovst1', { ...o(), type: 'tap' });
    expect(internal.interfaces[0]).toMatchObject({ type: 'internal', error: undefined });
    expect(tap.interfaces[0]).toMatchObject({ type: 'tap', error: undefined });
    expect(env.vsctl(['get', 'Interface', 'ovsi0', 'type']).trim()).toBe('internal');
    expect(env.vsctl(['get', 'Interface', 'ovst1', 'type']).trim()).toBe('tap');
    expect(hasLink('ovsi0')).toBe(true);
    expect(hasLink('ovst1')).toBe(true);
    expect(listPortsOracle('br0')).toEqual(['ovsi0', 'ovst0', 'ovst1', 'ovsva']);
  });

  it('lists bridges and ports as ovs-vsctl does', async () => {
    await ovs.addBridge('br1', { ...o(), datapathType: 'netdev' });
    const bridges = await ovs.listBridges(o());
    expect(bridges.map((b) => b.name)).toEqual(lines(env.vsctl(['list-br'])));
    expect(bridges.find((b) => b.name === 'br0')!.ports).toEqual(listPortsOracle('br0'));
    const ports = await ovs.listPorts('br0', o());
    expect(ports.map((p) => p.name)).toEqual(listPortsOracle('br0'));
    for (const p of ports) {
      expect(p.uuid).toBe(env.vsctl(['get', 'Port', p.name, '_uuid']).trim());
      expect(p.interfaces.map((i) => i.name)).toEqual([p.name]);
    }
    expect(await ovs.listPorts('br1', o())).toEqual([]);
    const withLocal = await ovs.listPorts('br1', { ...o(), includeLocal: true });
    expect(withLocal.map((p) => [p.name, p.local])).toEqual([['br1', true]]);
  });

  it('refuses a port that exists anywhere, and a bridge that does not exist', async () => {
    const onOther = await ovs.addPort('br1', 'ovsva', o()).catch((e: unknown) => e);
    expect(onOther).toMatchObject({ code: 'ERR_OVS_EXISTS', kind: 'port', objectName: 'ovsva', bridge: 'br0' });
    expect((onOther as Error).message).toBe('a port named "ovsva" already exists on bridge "br0"');
    // mayExist only forgives the same bridge.
    await expect(ovs.addPort('br1', 'ovsva', { ...o(), mayExist: true })).rejects.toBeInstanceOf(ovs.OvsExistsError);
    expect((await ovs.addPort('br0', 'ovsva', { ...o(), mayExist: true })).name).toBe('ovsva');
    // Every bridge owns a port of its own name.
    await expect(ovs.addPort('br1', 'br0', o())).rejects.toMatchObject({ kind: 'port', bridge: 'br0' });
    await expect(ovs.addBridge('ovsva', o())).rejects.toMatchObject({ code: 'ERR_OVS_EXISTS', kind: 'port', bridge: 'br0' });
    const noBridge = await ovs.addPort('nobr', 'ovsx', o()).catch((e: unknown) => e);
    expect(noBridge).toMatchObject({ code: 'ERR_OVS_NOT_FOUND', kind: 'bridge', objectName: 'nobr' });
    expect(lines(env.vsctl(['list-br']))).toEqual(['br0', 'br1']);
    expect(listPortsOracle('br1')).toEqual([]);
  });

  it('rolls back a port whose device ovs-vswitchd cannot open, or keeps it with keepOnError', async () => {
    expect(hasLink('ovsgone')).toBe(false);
    const err = await ovs.addPort('br1', 'ovsgone', o()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ovs.OvsInterfaceError);
    expect((err as ovs.OvsInterfaceError).reason).toMatch(/could not open network device ovsgone \(No such device\)/);
    expect(listPortsOracle('br1')).toEqual([]);
    expect(lines(env.vsctl(['--columns=name', '--bare', 'list', 'Interface']))).not.toContain('ovsgone');

    const kept = await ovs.addPort('br1', 'ovsgone', { ...o(), keepOnError: true });
    expect(kept.interfaces[0]!.error).toMatch(/No such device/);
    expect(kept.interfaces[0]!.ofport).toBe(-1);
    expect(listPortsOracle('br1')).toEqual(['ovsgone']);
    expect(await ovs.deletePort('br1', 'ovsgone', o())).toBe(true);
  });

  it('passes frames: a TAP opened by this library floods through the bridge to another TAP and to the veth peer', async () => {
    const a = await createTap('ovsfa', { netns: env.netns, open: true, up: true });
    const b = await createTap('ovsfb', { netns: env.netns, open: true, up: true });
    try {
      ip(['link', 'set', 'ovsva', 'up'], env.netns);
      ip(['link', 'set', 'ovsvb', 'up'], env.netns);
      await ovs.addPort('br0', 'ovsfa', o());
      await ovs.addPort('br0', 'ovsfb', o());
      const rxBefore = ipJson<{ stats64: { rx: { packets: number } } }[]>(['-s', 'link', 'show', 'ovsvb'], env.netns)[0]!.stats64.rx.packets;

      // Broadcast, so the bridge's NORMAL action floods it to every other port.
      const marker = new TextEncoder().encode(`rtnl-ovs-${process.pid}`);
      const frame = new Uint8Array(60);
      frame.fill(0xff, 0, 6);
      frame.set([0x02, 0, 0, 0, 0, 0x01], 6);
      frame.set([0x88, 0xb5], 12); // IEEE 802 local experimental EtherType
      frame.set(marker, 14);
      const isOurs = (f: Uint8Array) => f.length >= 14 + marker.length && f[12] === 0x88 && f[13] === 0xb5 && Buffer.from(f.subarray(14, 14 + marker.length)).equals(marker);

      const signal = AbortSignal.timeout(5000);
      const got = (async () => {
        // Other traffic (IPv6 neighbour discovery of devices going up) is flooded too: skip it.
        for (;;) {
          const f = await b.tap.read({ signal });
          if (!f) throw new Error('tap closed');
          if (isOurs(f)) return f;
        }
      })();
      await a.tap.write(frame);
      expect(isOurs(await got)).toBe(true);
      const rxAfter = ipJson<{ stats64: { rx: { packets: number } } }[]>(['-s', 'link', 'show', 'ovsvb'], env.netns)[0]!.stats64.rx.packets;
      expect(rxAfter).toBeGreaterThan(rxBefore);
    } finally {
      a.tap.close();
      b.tap.close();
    }
    expect(await ovs.deletePort('br0', 'ovsfa', o())).toBe(true);
    expect(await ovs.deletePort('br0', 'ovsfb', o())).toBe(true);
  });

  it('deletes a port; the Linux device it used stays, and a missing port is an error unless ifExists', async () => {
    expect(await ovs.deletePort('br0', 'ovst0', o())).toBe(true);
    expect(listPortsOracle('br0')).toEqual(['ovsi0', 'ovst1', 'ovsva']);
    // The Port and Interface rows are garbage-collected with the reference…
    expect(lines(env.vsctl(['--columns=name', '--bare', 'list', 'Port']))).not.toContain('ovst0');
    expect(lines(env.vsctl(['--columns=name', '--bare', 'list', 'Interface']))).not.toContain('ovst0');
    // …but OVS only opened the TAP, it does not own it.
    expect(hasLink('ovst0')).toBe(true);

    await expect(ovs.deletePort('br0', 'ovst0', o())).rejects.toMatchObject({ code: 'ERR_OVS_NOT_FOUND', kind: 'port', bridge: 'br0' });
    expect(await ovs.deletePort('br0', 'ovst0', { ...o(), ifExists: true })).toBe(false);
    const elsewhere = await ovs.deletePort('br1', 'ovsva', o()).catch((e: unknown) => e);
    expect((elsewhere as Error).message).toContain('it is on bridge "br0"');
    await expect(ovs.deletePort('nobr', 'ovsva', o())).rejects.toMatchObject({ kind: 'bridge' });
    expect(listPortsOracle('br0')).toEqual(['ovsi0', 'ovst1', 'ovsva']);
  });

  it('deletes a bridge with all its ports; internal devices go, system devices stay', async () => {
    expect(await ovs.deleteBridge('br0', o())).toBe(true);
    expect(lines(env.vsctl(['list-br']))).toEqual(['br1']);
    const ports = lines(env.vsctl(['--columns=name', '--bare', 'list', 'Port']));
    expect(ports.sort()).toEqual(['br1']);
    // Applied by ovs-vswitchd before the call returned: its own devices are gone already.
    expect(hasLink('br0')).toBe(false);
    expect(hasLink('ovsi0')).toBe(false);
    expect(hasLink('ovst1')).toBe(false);
    expect(hasLink('ovsva')).toBe(true);

    await expect(ovs.deleteBridge('br0', o())).rejects.toMatchObject({ code: 'ERR_OVS_NOT_FOUND', kind: 'bridge' });
    expect(await ovs.deleteBridge('br0', { ...o(), ifExists: true })).toBe(false);
  });

  it('reuses one open client for a sequence of operations', async () => {
    const client = await ovs.OvsdbClient.connect(o());
    try {
      await ovs.addBridge('br2', { client, datapathType: 'netdev' });
      await ovs.addPort('br2', 'ovsva', { client });
      expect((await ovs.listPorts('br2', { client })).map((p) => p.name)).toEqual(['ovsva']);
      expect(listPortsOracle('br2')).toEqual(['ovsva']);
      expect(await ovs.deleteBridge('br2', { client })).toBe(true);
      expect(client.closed).toBe(false);
      await expect(ovs.listBridges({ client, socket: env.socket })).rejects.toMatchObject({ field: 'socket' });
    } finally {
      client.close();
    }
    expect(lines(env.vsctl(['list-br']))).toEqual(['br1']);
  });

  it('a kernel-datapath (system) bridge: made by the openvswitch module where the kernel has it, a clean failure where it does not', async () => {
    // Whether the kernel datapath exists decides which case this is: ovs-vswitchd tells at start-up.
    const log = readFileSync(join(env.dir, 'ovs-vswitchd.log'), 'utf8');
    if (/Generic Netlink family 'ovs_datapath' does not exist/.test(log)) {
      if (required('openvswitch')) throw new Error('this kernel has no openvswitch datapath, which RTNL_REQUIRE_FEATURES requires');
      // ovs-vswitchd acknowledges the change (cur_cfg) and only logs "failed to create bridge";
      // ovs-vsctl would report success. The missing ofport gives it away.
      const err = await ovs.addBridge('brk', { ...o(), datapathType: 'system' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ovs.OvsInterfaceError);
      expect((err as Error).message).toMatch(/no OpenFlow port.*openvswitch kernel module is not loaded.*rolled back/);
      expect(lines(env.vsctl(['list-br']))).toEqual(['br1']);
      return;
    }
    // The datapath exists: the bridge is a kernel device of kind openvswitch in ovs-vswitchd's namespace, and a port joins it.
    const br = await ovs.addBridge('brk', { ...o(), datapathType: 'system' });
    expect(br).toMatchObject({ name: 'brk' });
    const kinds = ipJson<{ ifname: string; linkinfo?: { info_kind?: string } }[]>(['-d', 'link', 'show'], env.netns);
    expect(kinds.find((l) => l.ifname === 'brk')?.linkinfo?.info_kind).toBe('openvswitch');
    ip(['link', 'add', 'ovsk0', 'type', 'veth', 'peer', 'name', 'ovsk1'], env.netns);
    await ovs.addPort('brk', 'ovsk0', o());
    expect(listPortsOracle('brk')).toEqual(['ovsk0']);
    expect(ipJson<{ ifname: string; master?: string }[]>(['link', 'show', 'dev', 'ovsk0'], env.netns)[0]?.master).toBe('ovs-system');
    expect(await ovs.deleteBridge('brk', o())).toBe(true);
    expect(lines(env.vsctl(['list-br']))).toEqual(['br1']);
    ip(['link', 'del', 'ovsk0'], env.netns);
  });

  it('without ovs-vswitchd: waiting times out naming it; wait: false returns once the database has the change', async () => {
    env.stopVswitchd();
    const t0 = Date.now();
    const err = await ovs.addBridge('br3', { ...o(), datapathType: 'netdev', timeout: 1500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toMatch(/ovs-vswitchd did not apply the change within 1500 ms/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
    // The transaction was committed; only the acknowledgement is missing.
    expect(lines(env.vsctl(['--no-wait', 'list-br']))).toContain('br3');

    const t1 = Date.now();
    await ovs.addBridge('br4', { ...o(), datapathType: 'netdev', wait: false });
    expect(Date.now() - t1).toBeLessThan(1000);
    expect(lines(env.vsctl(['--no-wait', 'list-br']))).toEqual(['br1', 'br3', 'br4']);
  });

  it('names the socket when ovsdb-server is gone', async () => {
    env.stopOvsdb();
    const err = await ovs.listBridges(o()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ovs.OvsdbUnavailableError);
    expect(['ENOENT', 'ECONNREFUSED']).toContain((err as ovs.OvsdbUnavailableError).reason);
    expect((err as Error).message).toContain(env.socket);
    expect((err as Error).message).toContain('ovsdb-server is not running');
  });
});
