/**
 * The seed's OVS variant as a topology: a userspace-datapath OVS bridge in
 * the namespace of a private ovs-vswitchd (test/ovs/_env.ts), two veth
 * ports whose peers are born in namespaces of the topology, and an internal
 * port. ovs-vsctl on the same private database is the oracle. Applied,
 * planned again (empty), pruned, broken half-way and reverted (the bridge
 * and ports gone from the database again), and destroyed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { topology } from '../../src/index.js';
import { ipJson, uniqueName } from '../helpers/live.js';
import { ovsSkipReason, startOvs, type OvsEnv } from '../ovs/_env.js';

const prefix = uniqueName('rto');
const [NS_A, NS_B] = [`${prefix}a`, `${prefix}b`];
const journalDir = mkdtempSync(join(tmpdir(), 'rtnl-topo-ovs-'));
let env: OvsEnv | undefined;
let startError: string | undefined;

const doc = (): topology.Topology => ({
  namespaces: [NS_A, NS_B],
  links: [
    { name: 'veth-a', kind: 'veth', peer: { name: 'eth0', netns: NS_A, addresses: ['10.78.0.1/24'] } },
    { name: 'veth-b', kind: 'veth', peer: { name: 'eth0', netns: NS_B, addresses: ['10.78.0.2/24'] } },
  ],
  ovs: { socket: env!.socket, bridges: [{ name: 'obr0', datapathType: 'netdev', ports: ['veth-a', 'veth-b', { name: 'mgmt0', type: 'internal' }] }] },
});
const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);

beforeAll(() => {
  if (ovsSkipReason) return;
  try {
    env = startOvs('rtnlto');
  } catch (e) {
    startError = (e as Error).message;
    console.warn(`\n*** rtnl topology OVS tests SKIPPED: the daemons did not start: ${startError} ***\n`);
  }
});
beforeEach((ctx) => {
  if (startError !== undefined) ctx.skip();
});
afterAll(async () => {
  if (env) {
    await topology.destroy(doc(), { netns: env.netns }).catch(() => undefined);
    env.stop();
  }
  rmSync(journalDir, { recursive: true, force: true });
});

describe.skipIf(ovsSkipReason !== undefined)(`topology with an OVS bridge${ovsSkipReason ? ` (SKIPPED: ${ovsSkipReason})` : ''}`, () => {
  it('applies the OVS variant of the seed, and a second plan is empty', async () => {
    const e = env!;
    const { changes } = await topology.apply(doc(), { netns: e.netns, journalDir });
    expect(changes.filter((c) => c.object.startsWith('ovs')).map(topology.describeChange)).toEqual([
      'create ovs bridge obr0 datapath_type netdev',
      'create ovs port veth-a on obr0',
      'create ovs port veth-b on obr0',
      'create ovs port mgmt0 on obr0 type internal',
    ]);
    expect(lines(e.vsctl(['list-ports', 'obr0']))).toEqual(['mgmt0', 'veth-a', 'veth-b']);
    expect(e.vsctl(['get', 'interface', 'mgmt0', 'type']).trim()).toBe('internal');
    expect(e.vsctl(['get', 'bridge', 'obr0', 'datapath_type']).trim()).toBe('netdev');
    expect(ipJson<{ ifname: string }[]>(['link', 'show', 'eth0'], NS_A)[0]?.ifname).toBe('eth0');
    expect(await topology.plan(doc(), { netns: e.netns })).toEqual([]);

    // A port added behind the topology's back: left alone, unless pruning.
    e.vsctl(['add-port', 'obr0', 'stray0', '--', 'set', 'interface', 'stray0', 'type=internal']);
    expect(await topology.plan(doc(), { netns: e.netns })).toEqual([]);
    const pruned = await topology.apply(doc(), { netns: e.netns, journalDir, prune: true });
    expect(pruned.changes.map(topology.describeChange)).toEqual(['delete ovs port stray0 on obr0 type internal']);
    expect(lines(e.vsctl(['list-ports', 'obr0']))).toEqual(['mgmt0', 'veth-a', 'veth-b']);

    const destroyed = await topology.destroy(doc(), { netns: e.netns });
    expect(destroyed.map(topology.describeChange)).toEqual(['delete ovs bridge obr0', 'delete link veth-b (veth)', 'delete link veth-a (veth)', `delete netns ${NS_A}`, `delete netns ${NS_B}`]);
    expect(lines(e.vsctl(['list-br']))).toEqual([]);
  });

  it('reverts the OVS bridge and ports when a later change fails', async () => {
    const e = env!;
    const broken = doc();
    broken.routes = [{ netns: NS_A, dst: '10.201.0.0/16', gateway: '10.200.0.1' }];
    const err = await topology.apply(broken, { netns: e.netns, journalDir }).then(
      () => undefined,
      (x: unknown) => x as { name: string; cause: { code: string }; revertErrors: unknown[] },
    );
    expect(err).toMatchObject({ name: 'TopologyError', revertErrors: [] });
    expect(err?.cause.code).toBe('ENETUNREACH');
    expect(lines(e.vsctl(['list-br']))).toEqual([]);
    expect(ipJson<{ ifname: string }[]>(['link', 'show'], e.netns).map((l) => l.ifname)).not.toContain('veth-a');
  });
});
