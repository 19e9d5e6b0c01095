/**
 * getSysctl / setSysctl inside a throwaway namespace, with `ip netns exec
 * NS sysctl` as the oracle: the namespace's value changes, the machine's
 * own does not (only read here, never written); per-interface keys,
 * interface names with dots, several values; names that are not a
 * namespace's sysctls, or try to leave /proc/sys, are refused before any
 * system call.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getSysctl, setSysctl } from '../../../src/index.js';
import { canRunLive, ip, liveTitle, useNetns } from '../../helpers/live.js';
import { toolMissing } from '../../helpers/tools.js';

const NS = useNetns('rtnlsy');
const sysctlMissing = toolMissing('sysctl');
const oracle = (key: string) => execFileSync('ip', ['netns', 'exec', NS.name, 'sysctl', '-n', key], { encoding: 'utf8' }).trim();
const hostForwarding = () => readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();

describe.skipIf(!canRunLive || sysctlMissing !== undefined)(liveTitle(`per-namespace sysctls${sysctlMissing ? ` — skipped: ${sysctlMissing}` : ''}`), () => {
  it('sets and reads net.* keys of the namespace only', async () => {
    const host = hostForwarding();
    const want = oracle('net.ipv4.ip_forward') === '1' ? 0 : 1;
    await setSysctl('net.ipv4.ip_forward', want, { netns: NS.name });
    expect(oracle('net.ipv4.ip_forward')).toBe(String(want));
    expect(await getSysctl('net.ipv4.ip_forward', { netns: NS.name })).toBe(String(want));
    expect(hostForwarding()).toBe(host);

    await setSysctl('net.ipv4.ip_local_port_range', [20000, 30000], { netns: NS.name });
    expect(oracle('net.ipv4.ip_local_port_range').split(/\s+/)).toEqual(['20000', '30000']);
    expect((await getSysctl(['net', 'ipv4', 'ip_local_port_range'], { netns: NS.name })).split('\t')).toEqual(['20000', '30000']);
  });

  it('per-interface keys, also of an interface whose name has a dot', async () => {
    ip(['link', 'add', 'v0.5', 'type', 'veth', 'peer', 'name', 'v1'], NS.name);
    await setSysctl('net.ipv4.conf.v0/5.rp_filter', 2, { netns: NS.name });
    expect(oracle('net.ipv4.conf.v0/5.rp_filter')).toBe('2');
    await setSysctl('net.ipv6.conf.v1.disable_ipv6', true, { netns: NS.name });
    expect(oracle('net.ipv6.conf.v1.disable_ipv6')).toBe('1');
    expect(await getSysctl('net.ipv4.conf.v1.proxy_arp', { netns: NS.name })).toBe(oracle('net.ipv4.conf.v1.proxy_arp'));
    // A key of an interface that is not there.
    await expect(getSysctl('net.ipv4.conf.nosuch0.rp_filter', { netns: NS.name })).rejects.toMatchObject({ name: 'SystemError', code: 'ENOENT', syscall: 'open' });
    // The kernel's parser refuses a value: EINVAL, with the value named.
    await expect(setSysctl('net.ipv4.conf.v1.rp_filter', 'lots', { netns: NS.name })).rejects.toMatchObject({ name: 'SystemError', code: 'EINVAL', message: expect.stringContaining('"lots"') });
  });

  it('refuses names outside net.* and paths out of /proc/sys before any system call', async () => {
    for (const key of ['kernel.hostname', 'net', 'net.ipv4', 'net.ipv4..x', 'net.ipv4.conf.../rp_filter', 'net.ipv4.conf.a/../../x.y', '../etc/passwd', 'net.ipv4.ip forward']) {
      await expect(getSysctl(key, { netns: NS.name }), key).rejects.toMatchObject({ name: 'ValidationError' });
    }
    await expect(setSysctl('net.ipv4.ip_forward', 'a\nb', { netns: NS.name })).rejects.toMatchObject({ name: 'ValidationError', field: 'value' });
    await expect(setSysctl('net.ipv4.ip_forward', 1.5, { netns: NS.name })).rejects.toMatchObject({ name: 'ValidationError', field: 'value' });
  });
});
