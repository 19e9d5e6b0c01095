/**
 * Faults in the middle of multi-step operations. Two sources:
 * - real kernel refusals (a master or a peer namespace that does not exist,
 *   a TAP master that is not there);
 * - injected faults: a shim that makes the k-th netlink request of an
 *   operation fail (send() fails, or the kernel runs it and the answer is
 *   lost), for every k the operation reaches.
 * After each failure, iproute2 (the oracle) must show both namespaces exactly
 * as they were: all-or-nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import * as rtnl from '../../src/index.js';
import { getShim, setShim } from '../../src/shim/index.js';
import type { Shim } from '../../src/shim/types.js';
import { isRtnlError } from '../../src/netlink/errors.js';
import { canRunLive, ip, ipJson, liveSkipReason, uniqueName, useNetns } from '../helpers/live.js';
import { type FaultMode, faultInjector } from './_shim.js';

const A = useNetns('rtnlfa');
const B = useNetns('rtnlfb');
let real: Shim;
let faultsInjected = 0;

interface IpLink {
  ifname: string;
  mtu: number;
  master?: string;
  flags: string[];
  ifalias?: string;
  group: string;
  txqlen?: number;
  address?: string;
  linkinfo?: { info_kind?: string };
}

/** What a namespace holds, as iproute2 sees it: each link's name, kind, MTU, master, up, alias, group, queue length. */
function state(ns: string): string[] {
  return ipJson<IpLink[]>(['-d', 'link', 'show'], ns)
    .map((l) => [l.ifname, l.linkinfo?.info_kind ?? '-', l.mtu, l.master ?? '-', l.flags.includes('UP') ? 'up' : 'down', l.ifalias ?? '', l.group, l.txqlen ?? ''].join(' '))
    .sort();
}

const snapshot = () => ({ a: state(A.name), b: state(B.name) });

beforeAll(() => {
  if (!canRunLive) return;
  real = getShim();
  ip(['link', 'add', 'br0', 'type', 'bridge'], A.name);
  ip(['link', 'add', 'br1', 'type', 'bridge'], A.name);
  ip(['link', 'add', 'sv0', 'type', 'veth', 'peer', 'name', 'sv1'], A.name);
});
afterAll(() => {
  if (canRunLive) setShim(undefined);
});

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return undefined;
}

describe.skipIf(!canRunLive)(`kernel refusals mid-operation leave nothing behind${liveSkipReason ? ` — skipped: ${liveSkipReason}` : ''}`, () => {
  it('createVethPair with a master that does not exist', async () => {
    const before = snapshot();
    const e = await failure(rtnl.createVethPair({ name: 'fv0', peer: { name: 'fv1', netns: B.name }, master: 'nobr0', netns: A.name }));
    expect(isRtnlError(e)).toBe(true);
    expect(snapshot()).toEqual(before);
  });

  it('createVethPair with a master that is not a bridge (the kernel refuses in the same request)', async () => {
    const before = snapshot();
    const e = await failure(rtnl.createVethPair({ name: 'fv0', peer: { name: 'fv1', netns: B.name }, master: 'sv1', netns: A.name }));
    expect(isRtnlError(e)).toBe(true);
    expect(snapshot()).toEqual(before);
  });

  it('createVethPair with a peer namespace that does not exist', async () => {
    const before = snapshot();
    const e = await failure(rtnl.createVethPair({ name: 'fv0', peer: { name: 'fv1', netns: 'rtnl-hardening-missing' }, master: 'br0', netns: A.name }));
    expect(e).toMatchObject({ name: 'SystemError', code: 'ENOENT', field: 'peer.netns' });
    expect(snapshot()).toEqual(before);
  });

  it('createVethPair whose peer name is taken in the peer namespace', async () => {
    ip(['link', 'add', 'taken0', 'type', 'bridge'], B.name);
    try {
      const before = snapshot();
      const e = await failure(rtnl.createVethPair({ name: 'fv0', peer: { name: 'taken0', netns: B.name }, master: 'br0', netns: A.name }));
      expect(e).toMatchObject({ name: 'NetlinkError', code: 'EEXIST' });
      expect(snapshot()).toEqual(before);
    } finally {
      ip(['link', 'del', 'taken0'], B.name);
    }
  });

  it('createTap with a master that does not exist, and with one that is not a bridge', async () => {
    const before = snapshot();
    expect(await failure(rtnl.createTap('ft0', { netns: A.name, master: 'nobr0', mtu: 1400, up: true }))).toSatisfy(isRtnlError);
    expect(await failure(rtnl.createTap('ft0', { netns: A.name, master: 'sv1', mtu: 1400, up: true }))).toSatisfy(isRtnlError);
    expect(snapshot()).toEqual(before);
  });
});

describe.skipIf(!canRunLive)('createNetns under injected faults', () => {
  for (const mode of MODES) {
    it(`${mode} on the request that brings lo up removes the half-made namespace`, async () => {
      const name = uniqueName('rtnlfn');
      const inj = faultInjector(real, 1, mode);
      setShim(inj.shim);
      let e: unknown;
      try {
        e = await failure(rtnl.createNetns(name));
      } finally {
        setShim(real);
      }
      faultsInjected++;
      expect(inj.struck).toBe(true);
      expect(isRtnlError(e) || (e as { code?: string })?.code === 'ENOBUFS').toBe(true);
      expect(existsSync(`/run/netns/${name}`)).toBe(false);
      expect(ip(['netns', 'list'])).not.toContain(name);
    });
  }
});

/** The multi-step operations under injection, each with how to undo a success. */
const ops: { name: string; run: () => Promise<unknown>; undo: () => void }[] = [
  {
    name: 'createVethPair (peer in another namespace, master, MTU, both ends up)',
    run: () => rtnl.createVethPair({ name: 'fv0', mtu: 1400, up: true, master: 'br0', peer: { name: 'fv1', netns: B.name, up: true, mtu: 1400 }, netns: A.name }),
    undo: () => ip(['link', 'del', 'fv0'], A.name),
  },
  {
    name: 'createVethPair (same namespace, master)',
    run: () => rtnl.createVethPair({ name: 'fv0', master: 'br0', up: true, peer: { name: 'fv1', up: true }, netns: A.name }),
    undo: () => ip(['link', 'del', 'fv0'], A.name),
  },
  {
    name: 'createBridge (up, STP, MTU)',
    run: () => rtnl.createBridge('fb0', { netns: A.name, up: true, stp: true, mtu: 1400 }),
    undo: () => ip(['link', 'del', 'fb0'], A.name),
  },
  {
    name: 'createTap (master, MTU, address, up)',
    run: () => rtnl.createTap('ft0', { netns: A.name, master: 'br0', mtu: 1400, address: '02:00:00:00:00:33', up: true }),
    undo: () => ip(['link', 'del', 'ft0'], A.name),
  },
  {
    name: 'setLink (MTU, alias, group, queue length, master, up)',
    run: () => rtnl.setLink('sv0', { netns: A.name, mtu: 1300, alias: 'hello', group: 7, txQueueLen: 77, master: 'br0', up: true }),
    undo: () => {
      ip(['link', 'set', 'sv0', 'nomaster', 'down', 'mtu', '1500', 'group', 'default', 'txqueuelen', '1000'], A.name);
      ip(['link', 'set', 'sv0', 'alias', ''], A.name);
    },
  },
  {
    name: 'setLink (master change with bridge port options)',
    run: () => rtnl.setLink('sv0', { netns: A.name, master: 'br1', bridgePort: { cost: 42 } as never }),
    undo: () => ip(['link', 'set', 'sv0', 'nomaster'], A.name),
  },
  {
    name: 'setLink (rename and move to another namespace, up)',
    run: () => rtnl.setLink('sv0', { netns: A.name, name: 'sv9', moveToNetns: B.name, up: true }),
    undo: () => {
      ip(['link', 'set', 'sv9', 'down', 'name', 'sv0', 'netns', A.name], B.name);
    },
  },
];

const MODES: FaultMode[] = ['send-fails', 'reply-lost'];

/**
 * Found by this matrix: "op|mode|k" → why. Each is asserted to still fail
 * with it.fails, so a fix shows up as a failure to move it back. Empty: the
 * setLink read-back, lost create answers and lost move answers (see
 * docs/reliability.md) are fixed in src/links.ts and run as normal cases.
 */
const KNOWN: Record<string, string> = {};

interface Outcome {
  key: string;
  op: string;
  mode: FaultMode;
  k: number;
  error: string;
  leftover: { a: string[]; b: string[] } | undefined;
}
const outcomes: Outcome[] = [];

/** Runs `op` with a fault at its k-th netlink request; restores the namespaces if it leaked. */
async function runOnce(op: (typeof ops)[number], mode: FaultMode, k: number): Promise<{ struck: boolean; error: unknown; leftover: { a: string[]; b: string[] } | undefined }> {
  const before = snapshot();
  const inj = faultInjector(real, k, mode);
  setShim(inj.shim);
  let error: unknown;
  try {
    error = await failure(op.run());
  } finally {
    setShim(real);
  }
  if (!inj.struck) {
    // Every request has had its fault: the operation now succeeded.
    op.undo();
    return { struck: false, error, leftover: undefined };
  }
  faultsInjected++;
  const after = snapshot();
  const leftover = JSON.stringify(after) === JSON.stringify(before) ? undefined : after;
  const key = `${op.name}|${mode}|${k}`;
  outcomes.push({ key, op: op.name, mode, k, error: `${(error as Error)?.name}: ${(error as Error)?.message}`, leftover });
  if (error === undefined) op.undo();
  else if (leftover) restore(before);
  return { struck: true, error, leftover };
}

describe.skipIf(!canRunLive)('injected faults at every step leave both namespaces as they were', () => {
  for (const op of ops) {
    for (const mode of MODES) {
      it(`${op.name}: ${mode} at each request`, async () => {
        let k = 1;
        for (; k <= 20; k++) {
          const r = await runOnce(op, mode, k);
          if (!r.struck) {
            expect(r.error).toBeUndefined();
            break;
          }
          const key = `${op.name}|${mode}|${k}`;
          if (KNOWN[key]) continue; // asserted below, as a known failure
          expect(r.error, `${key}: the operation reported success although request ${k} failed`).toBeDefined();
          expect(r.leftover, `${key}: left behind after ${(r.error as Error)?.message}`).toBeUndefined();
        }
        // The operation took at least one request, and finished within 20.
        expect(k).toBeGreaterThan(1);
        expect(k).toBeLessThanOrEqual(20);
      });
    }
  }

  for (const [key, why] of Object.entries(KNOWN)) {
    const [name, mode, k] = key.split('|') as [string, FaultMode, string];
    it.fails(`KNOWN BUG ${mode} at request ${k} of ${name}: ${why}`, async () => {
      const op = ops.find((o) => o.name === name)!;
      const r = await runOnce(op, mode, Number(k));
      expect(r.struck).toBe(true);
      expect(r.error).toBeDefined();
      expect(r.leftover).toBeUndefined();
    });
  }

  afterAll(() => {
    if (process.env.RTNL_HARDENING_VERBOSE) console.log(`faults injected: ${faultsInjected}\n${JSON.stringify(outcomes, null, 1)}`);
  });
});

/** Puts a namespace pair back to a snapshot after a leak (best effort, with iproute2). */
function restore(before: { a: string[]; b: string[] }): void {
  // sv0 may have been renamed or moved: bring it home first, so it is not
  // taken for a leftover (deleting a veth end deletes its peer too).
  for (const [ns, name] of [
    [B.name, 'sv9'],
    [B.name, 'sv0'],
    [A.name, 'sv9'],
  ] as const) {
    if (state(ns).some((l) => l.startsWith(`${name} `))) ip(['link', 'set', name, 'down', 'name', 'sv0', 'netns', A.name], ns);
  }
  for (const [ns, want] of [
    [A.name, before.a],
    [B.name, before.b],
  ] as const) {
    const names = new Set(want.map((l) => l.split(' ')[0]));
    for (const l of state(ns)) {
      const name = l.split(' ')[0] as string;
      if (!names.has(name)) {
        try {
          ip(['link', 'del', name], ns);
        } catch {
          // a veth peer already went with its other end
        }
      }
    }
  }
  ip(['link', 'set', 'sv0', 'nomaster', 'down', 'mtu', '1500', 'group', 'default', 'txqueuelen', '1000'], A.name);
  ip(['link', 'set', 'sv0', 'alias', ''], A.name);
}

