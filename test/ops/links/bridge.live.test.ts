import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createBridge, createVethPair, deleteLink, setLink } from '../../../src/ops/links/index.js';
import { isNetlinkError } from '../../../src/netlink/errors.js';
import { canRunLive, useNetns, liveTitle } from '../../helpers/live.js';
import { faultySocket, ipLink, ipNames } from './_helpers.js';

const ns = useNetns();

interface BridgeLinkJson {
  ifname: string;
  state: string;
  priority: number;
  cost: number;
  learning: boolean;
  flood: boolean;
  hairpin: boolean;
  isolated: boolean;
  bcast_flood: boolean;
  mcast_flood: boolean;
}

describe.skipIf(!canRunLive)(liveTitle('createBridge and bridge ports'), () => {
  it('creates a bridge with typed options in seconds, stored in the kernel as 1/100 s', async () => {
    const br = await createBridge('bro', {
      netns: ns.name,
      stp: true,
      forwardDelay: 4,
      helloTime: 3,
      maxAge: 12,
      ageingTime: 100,
      priority: 4096,
      multicastSnooping: false,
      groupFwdMask: 8,
      mtu: 1450,
      up: true,
      group: 5,
    });
    expect(br).toMatchObject({ name: 'bro', kind: 'bridge', up: true, group: 5 });
    expect(br.info).toMatchObject({
      kind: 'bridge',
      stp: true,
      forwardDelay: 4,
      helloTime: 3,
      maxAge: 12,
      ageingTime: 100,
      priority: 4096,
      multicastSnooping: false,
      groupFwdMask: 8,
    });
    // `ip -d` prints these four raw, in the kernel's clock_t (1/100 s).
    const d = ipLink('bro', ns.name).linkinfo?.info_data ?? {};
    expect(d).toMatchObject({ forward_delay: 400, hello_time: 300, max_age: 1200, ageing_time: 10000, stp_state: 1, priority: 4096, mcast_snooping: 0 });
    expect(d.group_fwd_mask).toBe('0x8');
    expect(ipLink('bro', ns.name).group).toBe('5');
    await deleteLink('bro', { netns: ns.name });
  });

  it('lets the kernel refuse an out-of-range option with its own error', async () => {
    const err = await createBridge('brr', { netns: ns.name, stp: true, helloTime: 30 }).catch((e: unknown) => e);
    expect(isNetlinkError(err)).toBe(true);
    expect(ipNames(ns.name)).not.toContain('brr');
  });

  it('validates bridge options before any system call', async () => {
    const f = faultySocket(ns.name);
    try {
      for (const [opts, field] of [
        [{ forwardDelay: -1 }, 'forwardDelay'],
        [{ priority: 70000 }, 'priority'],
        [{ stp: 1 }, 'stp'],
        [{ multicastSnooping: 'no' }, 'multicastSnooping'],
        [{ forwardDelayy: 3 }, 'forwardDelayy'],
        [{ rootId: '8000.00:00:00:00:00:01' }, 'rootId'],
        [{ groupAddress: 'nope' }, 'groupAddress'],
      ] as const) {
        const before = f.sends();
        const err = await createBridge('brv', { socket: f.socket, ...(opts as object) }).catch((e: unknown) => e);
        expect(err).toMatchObject({ name: 'ValidationError', field });
        expect(f.sends()).toBe(before);
      }
    } finally {
      f.socket.close();
    }
  });

  it('vlanFiltering: this kernel lacks bridge VLAN filtering, so it answers EOPNOTSUPP naming the option', async (ctx) => {
    const err = await createBridge('brf', { netns: ns.name, vlanFiltering: true, defaultPvid: 1 }).then(
      (l) => l,
      (e: unknown) => e,
    );
    if (!isNetlinkError(err)) {
      // A kernel with CONFIG_BRIDGE_VLAN_FILTERING: then it must really filter.
      expect((err as { info?: { vlanFiltering?: boolean } }).info?.vlanFiltering).toBe(true);
      await deleteLink('brf', { netns: ns.name });
      return;
    }
    expect(err.errno).toBe(-95); // EOPNOTSUPP (Node names errno 95 ENOTSUP)
    expect(err.attrPath).toBe('linkinfo.data.vlanFiltering');
    expect(ipNames(ns.name)).not.toContain('brf');
    ctx.skip('this kernel has no bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING): EOPNOTSUPP checked, filtering itself cannot be tested');
  });

  it('sets bridge port options through setLink, as `bridge -d link` sees them', async () => {
    await createBridge('brp', { netns: ns.name });
    await createVethPair({ name: 'pp0', peer: { name: 'pp1' }, netns: ns.name, master: 'brp' });
    const l = await setLink('pp0', {
      netns: ns.name,
      bridgePort: { cost: 7, priority: 9, learning: false, flood: false, hairpin: true, isolated: true, bcastFlood: false, mcastFlood: false },
    });
    expect(l.portInfo).toMatchObject({ cost: 7, priority: 9, learning: false, flood: false, hairpin: true, isolated: true, bcastFlood: false, mcastFlood: false });
    const [bl] = bridgeLinks('pp0', ns.name);
    expect(bl).toMatchObject({ ifname: 'pp0', cost: 7, priority: 9, learning: false, flood: false, hairpin: true, isolated: true, bcast_flood: false, mcast_flood: false });
    // The same through the kind-generic `port` option.
    expect((await setLink('pp0', { netns: ns.name, port: { kind: 'bridge', cost: 12 } })).portInfo).toMatchObject({ cost: 12, priority: 9 });
    expect(bridgeLinks('pp0', ns.name)[0]).toMatchObject({ cost: 12 });
    await expect(setLink('pp0', { netns: ns.name, port: { kind: 'bond', queueId: 1 } })).rejects.toMatchObject({ name: 'ValidationError', field: 'port', message: expect.stringContaining('pp0 is not a bond port') });
    await expect(setLink('pp0', { netns: ns.name, port: { kind: 'bridge', cost: 1 }, bridgePort: { cost: 2 } })).rejects.toMatchObject({ name: 'ValidationError', field: 'port' });
    await deleteLink('pp0', { netns: ns.name });
    await deleteLink('brp', { netns: ns.name });
  });

  it("setLink changes the bridge's own settings through info (ip sees them); a failed call puts them back; the kind must be the link's", async () => {
    await createBridge('brs', { netns: ns.name, forwardDelay: 4 });
    const changed = await setLink('brs', { netns: ns.name, info: { kind: 'bridge', forwardDelay: 7, stp: true, priority: 8192 } });
    expect(changed.info).toMatchObject({ kind: 'bridge', forwardDelay: 7, stp: true, priority: 8192 });
    expect(ipLink('brs', ns.name).linkinfo?.info_data).toMatchObject({ forward_delay: 700, stp_state: 1, priority: 8192 });
    // The rename fails (EEXIST) in the same request: nothing the call touched stays changed.
    await createBridge('brt', { netns: ns.name });
    await expect(setLink('brs', { netns: ns.name, name: 'brt', info: { kind: 'bridge', forwardDelay: 9 } })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(ipLink('brs', ns.name).linkinfo?.info_data).toMatchObject({ forward_delay: 700 });
    await expect(setLink('brs', { netns: ns.name, info: { kind: 'vlan', id: 3 } })).rejects.toMatchObject({ name: 'ValidationError', field: 'info.kind', message: expect.stringContaining('brs is a bridge link, not vlan') });
    await expect(setLink('brs', { netns: ns.name, info: { kind: 'bridge', forwardDelay: 'soon' } as never })).rejects.toMatchObject({ name: 'ValidationError', field: 'info.forwardDelay' });
    await expect(setLink('brs', { netns: ns.name, info: { kind: 'nosuchkind' } as never })).rejects.toMatchObject({ name: 'ValidationError', field: 'info.kind' });
    await deleteLink('brs', { netns: ns.name });
    await deleteLink('brt', { netns: ns.name });
  });
});

/** `bridge -j -d link show dev DEV` inside the namespace (the AF_BRIDGE view of a port). */
function bridgeLinks(dev: string, netns: string): BridgeLinkJson[] {
  const out = execFileSync('bridge', ['-n', netns, '-j', '-d', 'link', 'show', 'dev', dev], { encoding: 'utf8' }).trim();
  return (out ? JSON.parse(out) : []) as BridgeLinkJson[];
}
