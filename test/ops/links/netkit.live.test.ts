/**
 * netkit pairs (Linux 6.7+) against the real kernel: created by rtnl,
 * read back on both ends, traffic through them with each default policy,
 * the settings the kernel lets change and the ones it refuses. Neither
 * the development machines' kernel nor Debian's 6.1 has netkit: the
 * full-kernel lane runs this file on Debian's 6.12 (where it may not
 * skip). The host's iproute2 may predate netkit's printer, so ip is asked
 * only for the kind.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { addAddress, createNetkitPair, deleteLink, getLink, setLink } from '../../../src/index.js';
import { NetlinkError, ValidationError } from '../../../src/netlink/errors.js';
import { rtnlJson, rtnlOk, useCli } from '../../cli/_cli.js';
import { kernelLacks } from '../../helpers/kernel.js';
import { ipJson, useNetns } from '../../helpers/live.js';

const ns = useNetns('rtnlnk');
const far = useNetns('rtnlnk2');

/** Sends `n` UDP datagrams from namespace `from` to `to` (a child node inside the namespace: the datagrams leave through the namespace's routes). */
function sendUdp(from: string, to: string, n = 3): void {
  const code = `const s=require('node:dgram').createSocket('udp4');let k=0;const f=()=>s.send('x',9,${JSON.stringify(to)},()=>{if(++k<${n})f();else s.close()});f();`;
  const r = spawnSync('ip', ['netns', 'exec', from, process.execPath, '-e', code], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`sending UDP in ${from}: ${r.stderr || r.error?.message}`);
}

const lacks = kernelLacks('netkit');
describe.skipIf(lacks !== undefined)(`netkit${lacks ? ` — skipped: ${lacks}` : ''}`, () => {
  it('createNetkitPair makes both ends in one request; each names the other; deleting the primary deletes both', async () => {
    const { link, peer } = await createNetkitPair({ netns: ns.name, name: 'nka', peer: { name: 'nkb' } });
    expect(link).toMatchObject({ name: 'nka', kind: 'netkit', info: { kind: 'netkit', primary: true, policy: 'forward', peerPolicy: 'forward', mode: 'l3', peerIndex: peer.index } });
    expect(peer).toMatchObject({ name: 'nkb', kind: 'netkit', info: { kind: 'netkit', primary: false, policy: 'forward', peerPolicy: 'forward', mode: 'l3', peerIndex: link.index } });
    // scrub is 6.10+: where the kernel sends it, the default is "default".
    if (link.info?.kind === 'netkit' && link.info.scrub !== undefined) expect(link.info).toMatchObject({ scrub: 'default', peerScrub: 'default' });
    const kinds = ipJson<{ ifname: string; linkinfo?: { info_kind?: string } }[]>(['-d', 'link', 'show'], ns.name).filter((l) => l.linkinfo?.info_kind === 'netkit').map((l) => l.ifname);
    expect(kinds.sort()).toEqual(['nka', 'nkb']);
    await deleteLink('nka', { netns: ns.name });
    await expect(getLink('nkb', { netns: ns.name })).rejects.toMatchObject({ code: 'ENODEV' });
  });

  it('l2 mode, blackhole policies, addresses and a peer born in another namespace', async () => {
    const { link, peer } = await createNetkitPair({
      netns: ns.name,
      name: 'nkl2',
      mode: 'l2',
      policy: 'blackhole',
      address: '02:00:00:00:00:a1',
      up: true,
      peer: { name: 'nkl2p', netns: far.name, policy: 'blackhole', address: '02:00:00:00:00:a2', up: true },
    });
    expect(link).toMatchObject({ address: '02:00:00:00:00:a1', up: true, info: { mode: 'l2', policy: 'blackhole', peerPolicy: 'blackhole', primary: true } });
    expect(peer).toMatchObject({ address: '02:00:00:00:00:a2', up: true, info: { mode: 'l2', policy: 'blackhole', primary: false } });
    // Each end names the other across the namespaces (IFLA_LINK + IFLA_LINK_NETNSID).
    expect(link.info).toMatchObject({ peerIndex: peer.index });
    expect(link.info?.kind === 'netkit' && link.info.peerNetnsId).toEqual(expect.any(Number));
    expect((await getLink('nkl2p', { netns: far.name })).info).toMatchObject({ kind: 'netkit', peerIndex: link.index, peerNetnsId: expect.any(Number) });
    await deleteLink('nkl2', { netns: ns.name });
    await expect(getLink('nkl2p', { netns: far.name })).rejects.toMatchObject({ code: 'ENODEV' });
  });

  it('forwards without programs, drops with policy blackhole; setLink changes both policies through the primary', async () => {
    const { link, peer } = await createNetkitPair({ netns: ns.name, name: 'nkt', up: true, peer: { name: 'nkt', netns: far.name, up: true } });
    try {
      await addAddress('nkt', '10.77.0.1/24', { netns: ns.name });
      await addAddress('nkt', '10.77.0.2/24', { netns: far.name });
      const rx = async () => Number((await getLink(peer.index, { netns: far.name })).stats?.rxPackets ?? 0);
      const before = await rx();
      sendUdp(ns.name, '10.77.0.2');
      expect(await rx()).toBeGreaterThanOrEqual(before + 3);

      const changed = await setLink('nkt', { netns: ns.name, info: { kind: 'netkit', policy: 'blackhole', peerPolicy: 'blackhole' } });
      expect(changed.info).toMatchObject({ policy: 'blackhole', peerPolicy: 'blackhole' });
      expect((await getLink(peer.index, { netns: far.name })).info).toMatchObject({ policy: 'blackhole', peerPolicy: 'blackhole' });
      const dropsBefore = Number((await getLink(link.index, { netns: ns.name })).stats?.txDropped ?? 0);
      const rxBefore = await rx();
      sendUdp(ns.name, '10.77.0.2');
      expect(await rx()).toBe(rxBefore);
      expect(Number((await getLink(link.index, { netns: ns.name })).stats?.txDropped ?? 0)).toBeGreaterThanOrEqual(dropsBefore + 3);
    } finally {
      await deleteLink('nkt', { netns: ns.name }).catch(() => undefined);
    }
  });

  it('refuses what netkit fixes at creation, with the kernel’s reasons, and bad options before any request', async () => {
    await createNetkitPair({ netns: ns.name, name: 'nkf', peer: { name: 'nkfp' } });
    try {
      // The peer's settings change only through the primary (netkit_change_link: EACCES).
      const onPeer = await setLink('nkfp', { netns: ns.name, info: { kind: 'netkit', policy: 'blackhole' } }).catch((e: unknown) => e);
      expect(onPeer).toBeInstanceOf(NetlinkError);
      expect(onPeer).toMatchObject({ code: 'EACCES', extack: { message: expect.stringMatching(/primary/) } });
      const mode = await setLink('nkf', { netns: ns.name, info: { kind: 'netkit', mode: 'l2' } }).catch((e: unknown) => e);
      expect(mode).toMatchObject({ code: 'EACCES', extack: { message: expect.stringMatching(/mode|creation/) } });
      // Nothing changed.
      expect((await getLink('nkf', { netns: ns.name })).info).toMatchObject({ mode: 'l3', policy: 'forward' });
      await expect(createNetkitPair({ netns: ns.name, name: 'nkx', address: '02:00:00:00:00:01', peer: { name: 'nky' } })).rejects.toBeInstanceOf(ValidationError);
      // A peer name in use: the error names the peer.
      const taken = await createNetkitPair({ netns: ns.name, name: 'nkz', peer: { name: 'nkf' } }).catch((e: unknown) => e);
      expect(taken).toMatchObject({ code: 'EEXIST' });
      expect(String((taken as Error).message)).toMatch(/nkf/);
      await expect(getLink('nkz', { netns: ns.name })).rejects.toMatchObject({ code: 'ENODEV' });
    } finally {
      await deleteLink('nkf', { netns: ns.name }).catch(() => undefined);
    }
  });
});

describe.skipIf(lacks !== undefined)(`rtnl link add … type netkit${lacks ? ` — skipped: ${lacks}` : ''}`, () => {
  useCli();
  it('takes ip’s words, the peer’s after `peer`, and prints the data as iproute2 6.7+ does', () => {
    rtnlOk(['-n', ns.name, 'link', 'add', 'nkc', 'type', 'netkit', 'mode', 'l2', 'blackhole', 'peer', 'forward', 'name', 'nkd', 'mtu', '1400']);
    const show = (dev: string) => (rtnlJson<{ ifname: string; mtu: number; linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> } }[]>(['-n', ns.name, '-d', 'link', 'show', 'dev', dev]))[0];
    const c = show('nkc');
    const d = show('nkd');
    expect(c?.linkinfo?.info_kind).toBe('netkit');
    // iplink_netkit.c: mode, type (primary|peer), policy, peer_policy, then scrub / peer_scrub where sent (6.10+).
    expect(c?.linkinfo?.info_data).toMatchObject({ mode: 'l2', type: 'primary', policy: 'blackhole', peer_policy: 'forward' });
    expect(d?.linkinfo?.info_data).toMatchObject({ mode: 'l2', type: 'peer', policy: 'forward', peer_policy: 'blackhole' });
    expect(Object.keys(c?.linkinfo?.info_data ?? {}).slice(0, 4)).toEqual(['mode', 'type', 'policy', 'peer_policy']);
    expect(d?.mtu).toBe(1400);
    // `link set … type netkit forward`: the primary's policy (ip's bare word).
    rtnlOk(['-n', ns.name, 'link', 'set', 'nkc', 'type', 'netkit', 'forward']);
    expect(show('nkc')?.linkinfo?.info_data).toMatchObject({ policy: 'forward' });
    // Without a peer name the kernel names it nk%d.
    const before = ipJson<{ ifname: string }[]>(['link', 'show'], ns.name).map((l) => l.ifname);
    rtnlOk(['-n', ns.name, 'link', 'add', 'nke', 'type', 'netkit']);
    const made = ipJson<{ ifname: string }[]>(['link', 'show'], ns.name).map((l) => l.ifname).filter((n) => !before.includes(n));
    expect(made.sort()).toEqual([expect.stringMatching(/^nk\d+$/), 'nke'].sort());
    rtnlOk(['-n', ns.name, 'link', 'del', 'nkc']);
    rtnlOk(['-n', ns.name, 'link', 'del', 'nke']);
  });
});
