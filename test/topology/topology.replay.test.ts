/**
 * topology.plan / apply / destroy, replayed from fixtures/topology/*.rtnl.
 * Record them with RTNL_RECORD=1 as root (scripts/record-fixtures.mjs).
 *
 * Namespaces: apply creates a topology namespace it finds missing with
 * createNetns, which works through node:fs (/run/netns) besides the shim
 * and so cannot be replayed (docs/testing.md, Limits). These topologies
 * therefore only name namespaces the harness provides: `a`, the namespace
 * the calls act in (`netns` option), and `b`, listed in `namespaces` but
 * already there, so that no plan creates (or reverts into deleting) one.
 *
 * The journal goes to a temporary directory. Creating it records the base
 * namespace's nsfs identity (statSync of /run/netns/a), plain node:fs
 * again: in replay there is no /run/netns/a, so that one stat is answered
 * here for the labels the fixture knows (see `fakeNsfs`), and nothing else
 * of node:fs is touched.
 *
 * Reproducibility: every plan dumps the neighbour tables, so nothing may
 * put entries there on its own schedule. A bridge with multicast snooping
 * joins 224.0.0.106 / ff02::6a when it comes up, and an IPv6 address joins
 * its solicited-node group; the IGMP / MLD reports that follow create NOARP
 * neighbours (224.0.0.22, ff02::16) some milliseconds later, before or
 * after a dump. Hence bridges without snooping and IPv4 addresses only.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, vi } from 'vitest';
import { NetlinkError, TopologyError, listLinks, topology } from '../../src/index.js';
import { withFixture } from '../../src/testing/index.js';
import { fixturePath, itFixture, mode } from '../helpers/fixtures.js';

const fakeNsfs = vi.hoisted(() => ({ labels: new Set<string>() }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const statSync = ((path: unknown, ...rest: unknown[]) => {
    const m = typeof path === 'string' ? /^\/run\/netns\/([^/]+)$/.exec(path) : null;
    if (m && fakeNsfs.labels.has(m[1]!)) {
      // All the journal reads of it (namespaceId): an nsfs device and one inode per namespace.
      const ino = 4026532000 + [...fakeNsfs.labels].indexOf(m[1]!);
      return { dev: 4, ino } as unknown as import('node:fs').Stats;
    }
    return (fs.statSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.statSync;
  return { ...fs, statSync, default: { ...fs, statSync } };
});

let journalDir: string;
beforeEach(() => {
  journalDir = mkdtempSync(join(tmpdir(), 'rtnl-topology-journal-'));
});
afterEach(() => {
  fakeNsfs.labels.clear();
  rmSync(journalDir, { recursive: true, force: true });
});

/** The harness's namespace for `label`; in replay also made stat-able for the journal (see above). */
function harnessNetns(fx: { mode: string; netns(label: string): string }, label: string): string {
  const name = fx.netns(label);
  if (fx.mode === 'replay') fakeNsfs.labels.add(label);
  return name;
}

/** A bridge with an address in `a`, a veth port of it whose peer lives in `b` with an address, a route in `b` and a neighbour in `a`. */
const small = (b: string, gateway: string): topology.Topology => ({
  namespaces: [b],
  links: [
    { name: 'br0', kind: 'bridge', address: '02:00:00:00:70:01', addresses: ['10.70.0.1/24'], options: { multicastSnooping: false } },
    { name: 'veth0', kind: 'veth', master: 'br0', peer: { name: 'eth0', netns: b, address: '02:00:00:00:70:02', mtu: 1400, addresses: ['10.70.0.2/24'] } },
  ],
  routes: [{ netns: b, dst: '10.80.0.0/16', gateway }],
  neighbours: [{ dev: 'br0', address: '10.70.0.2', lladdr: '02:00:00:00:70:02' }],
});

/** The plan of `small` from empty namespaces, in ip's words (`b` is the real name while recording). */
const smallPlan = (b: string, gateway: string): string[] => [
  'create link br0 type bridge multicastSnooping false address 02:00:00:00:70:01',
  `create link veth0 type veth peer eth0 in ${b}`,
  'set link br0 up',
  `set link eth0 in ${b} up`,
  'set link veth0 master br0 up',
  'create address 10.70.0.1/24 dev br0',
  `create address 10.70.0.2/24 dev eth0 in ${b}`,
  `create route 10.80.0.0/16 via ${gateway} in ${b}`,
  'create neighbour 10.70.0.2 lladdr 02:00:00:00:70:02 dev br0',
];

const names = async (netns: string) => (await listLinks({ netns })).map((l) => l.name).sort();

describe(`topology (${mode})`, () => {
  itFixture('applies a bridge, a veth pair into a second namespace, addresses, a route and a neighbour; then plans nothing and applies nothing', () =>
    withFixture(
      fixturePath('topology/apply-then-plan-empty'),
      async (fx) => {
        const a = harnessNetns(fx, 'a');
        const b = harnessNetns(fx, 'b');
        const doc = small(b, '10.70.0.1');
        const seen: string[] = [];
        const journals: { reached: number; changes: number; base: string }[] = [];
        const onChange = (p: topology.ApplyProgress) => {
          if (p.phase === 'after') return void seen.push(topology.describeChange(p.change));
          // Before each change the journal says how far the apply got.
          for (const f of readdirSync(journalDir)) {
            const j = JSON.parse(readFileSync(join(journalDir, f), 'utf8')) as { reached: number; changes: unknown[]; base: string };
            journals.push({ reached: j.reached, changes: j.changes.length, base: j.base });
          }
        };
        const { changes } = await topology.apply(doc, { netns: a, journalDir, onChange });
        expect(changes.map(topology.describeChange)).toEqual(smallPlan(b, '10.70.0.1'));
        expect(seen).toEqual(changes.map(topology.describeChange));
        expect(journals).toEqual(changes.map((_, i) => ({ reached: i, changes: changes.length, base: a })));
        expect(readdirSync(journalDir)).toEqual([]);

        expect(await topology.plan(doc, { netns: a })).toEqual([]);
        // Nothing to change: no change request, and no journal written.
        expect(await topology.apply(doc, { netns: a, journalDir })).toEqual({ changes: [] });
        expect(readdirSync(journalDir)).toEqual([]);
      },
      { operation: "topology.apply({ namespaces: [b], links: [br0 bridge 10.70.0.1/24, veth0 (master br0) peer eth0 in b 10.70.0.2/24 mtu 1400], routes: [10.80.0.0/16 via 10.70.0.1 in b], neighbours: [10.70.0.2 on br0] }) in a; plan (empty); apply again (nothing)" },
    ),
  );

  itFixture('reverts every change when the kernel refuses the route (ENETUNREACH): the cause is the NetlinkError, the namespaces are as before', () =>
    withFixture(
      fixturePath('topology/apply-enetunreach-reverted'),
      async (fx) => {
        const a = harnessNetns(fx, 'a');
        const b = harnessNetns(fx, 'b');
        // No address of b is in 10.99.0.0/16: the gateway is unreachable.
        const doc = small(b, '10.99.0.1');
        const planned = await topology.plan(doc, { netns: a });
        expect(planned.map(topology.describeChange)).toEqual(smallPlan(b, '10.99.0.1'));

        const e = await topology.apply(doc, { netns: a, journalDir }).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(e).toBeInstanceOf(TopologyError);
        const err = e as TopologyError;
        expect(err).toMatchObject({ phase: 'apply', code: 'ERR_RTNL_TOPOLOGY', revertErrors: [] });
        expect(err.journal).toBeUndefined();
        expect(err.change).toEqual(planned[7]);
        expect(err.message).toMatch(/^change 8 of 9 failed \(create route 10\.80\.0\.0\/16 via 10\.99\.0\.1 in .*\): .*; every change made was undone$/);
        expect(err.cause).toBeInstanceOf(NetlinkError);
        expect(err.cause).toMatchObject({ name: 'NetlinkError', code: 'ENETUNREACH', errno: -101, operation: 'addRoute' });
        // The journal was removed with the last undo.
        expect(readdirSync(journalDir)).toEqual([]);

        // Everything made was undone: only lo in either namespace, and the plan is the whole plan again.
        expect(await names(a)).toEqual(['lo']);
        expect(await names(b)).toEqual(['lo']);
        expect(await topology.plan(doc, { netns: a })).toEqual(planned);
      },
      { operation: 'topology.apply of the same topology with its route via 10.99.0.1, unreachable in b: ENETUNREACH on change 8, changes 7…1 undone; plan again' },
    ),
  );

  itFixture('applies a bridge with a TAP and a veth port and a down IFB in one namespace, and destroys them', () =>
    withFixture(
      fixturePath('topology/one-namespace-apply-destroy'),
      async (fx) => {
        const a = harnessNetns(fx, 'a');
        const doc: topology.Topology = {
          links: [
            { name: 'br1', kind: 'bridge', address: '02:00:00:00:71:01', addresses: ['10.71.0.1/24'], options: { multicastSnooping: false } },
            { name: 'tap0', kind: 'tap', master: 'br1', mtu: 1400 },
            { name: 'veth1', kind: 'veth', master: 'br1', peer: { name: 'veth1p', address: '02:00:00:00:71:02', addresses: ['10.71.0.2/24'] } },
            { name: 'ifb0', kind: 'ifb', up: false },
          ],
          routes: [{ dst: '10.72.0.0/16', gateway: '10.71.0.2', metric: 20 }],
        };
        const { changes } = await topology.apply(doc, { netns: a, journalDir });
        expect(changes.map(topology.describeChange)).toEqual([
          'create link br1 type bridge multicastSnooping false address 02:00:00:00:71:01',
          'create link tap0 type tap mtu 1400',
          'create link veth1 type veth peer veth1p',
          'create link ifb0 type ifb',
          'set link br1 up',
          'set link veth1p up',
          'set link tap0 master br1 up',
          'set link veth1 master br1 up',
          'create address 10.71.0.1/24 dev br1',
          'create address 10.71.0.2/24 dev veth1p',
          'create route 10.72.0.0/16 via 10.71.0.2 metric 20',
        ]);
        expect(readdirSync(journalDir)).toEqual([]);
        expect(await topology.plan(doc, { netns: a })).toEqual([]);

        // Last link first; veth1 takes its peer with it.
        const removed = await topology.destroy(doc, { netns: a });
        expect(removed.map(topology.describeChange)).toEqual(['delete link ifb0 (ifb)', 'delete link veth1 (veth)', 'delete link tap0 (tap)', 'delete link br1 (bridge)']);
        expect(await names(a)).toEqual(['lo']);
        expect(await topology.destroy(doc, { netns: a })).toEqual([]);
      },
      { operation: "topology.apply({ links: [br1 bridge 10.71.0.1/24, tap0 (master br1) mtu 1400, veth1 (master br1) peer veth1p 10.71.0.2/24, ifb0 down], routes: [10.72.0.0/16 via 10.71.0.2 metric 20] }) in a; plan (empty); destroy; destroy again (nothing)" },
    ),
  );

  itFixture('reverts when the kernel refuses a master (a bridge enslaved to a bridge: ELOOP)', () =>
    withFixture(
      fixturePath('topology/apply-eloop-master-reverted'),
      async (fx) => {
        const a = harnessNetns(fx, 'a');
        // Valid as a document (a bridge may be a master); the kernel refuses a bridge as a bridge's port.
        const doc: topology.Topology = {
          links: [
            { name: 'br2', kind: 'bridge', options: { multicastSnooping: false } },
            { name: 'br3', kind: 'bridge', master: 'br2', addresses: ['10.72.0.1/24'] },
          ],
        };
        const e = await topology.apply(doc, { netns: a, journalDir }).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(e).toBeInstanceOf(TopologyError);
        const err = e as TopologyError;
        expect(err).toMatchObject({ phase: 'apply', revertErrors: [], change: { action: 'set', object: 'link', netns: '', name: 'br3', to: { master: 'br2', up: true } } });
        expect(err.message).toMatch(/^change 4 of 5 failed \(set link br3 master br2 up\): .*; every change made was undone$/);
        expect(err.cause).toBeInstanceOf(NetlinkError);
        expect(err.cause).toMatchObject({ code: 'ELOOP', errno: -40, operation: 'setLink' });
        expect(readdirSync(journalDir)).toEqual([]);
        expect(await names(a)).toEqual(['lo']);
      },
      { operation: 'topology.apply({ links: [br2 bridge, br3 bridge master br2] }) in a: ELOOP on the master change, both bridges deleted again' },
    ),
  );
});
