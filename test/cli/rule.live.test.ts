/**
 * `rtnl rule` against `ip rule` on the same namespace: rules of every kind
 * of selector and action, some added with rtnl's words and some with ip,
 * then `-j rule show` (plain, `-d`, `-p`, `-6`) and the text form compared
 * byte for byte, the `show SELECTOR` filters, and the errors' words and
 * exit codes. Selectors newer than iproute2 6.1 (dscp, flow label, masks)
 * are checked in a second namespace, where 6.1 cannot be the oracle.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { oracleUnvalidated } from '../helpers/iproute2.js';
import { canRunLive, ip, ipJson, liveTitle, useNetns } from '../helpers/live.js';
import { rtnl, rtnlJson, rtnlOk, useCli } from './_cli.js';

useCli();
const ns = useNetns('rtnlrulecli');
const newer = useNetns('rtnlrulecli2');
const cannot = canRunLive ? oracleUnvalidated() : undefined;

/** Rules made with rtnl: its words are ip's. */
const RTNL_ADDS = [
  ['from', '10.0.0.0/8', 'table', '100', 'priority', '1000'],
  ['not', 'to', '192.168.0.0/16', 'tos', '0x10', 'blackhole', 'pref', '1001'],
  ['fwmark', '0x10/0xff', 'iif', 'lo', 'oif', 'lo', 'lookup', '200', 'pref', '1002'],
  ['uidrange', '1000-2000', 'ipproto', 'tcp', 'sport', '80', 'dport', '1000-2000', 'pref', '1003'],
  ['l3mdev', 'pref', '1004'],
  ['suppress_prefixlength', '0', 'table', 'main', 'pref', '1005'],
  ['suppress_ifgroup', '5', 'table', 'main', 'pref', '1006'],
  ['goto', '2000', 'pref', '1007'],
  ['nop', 'pref', '2000'],
  ['unreachable', 'table', '1000000', 'protocol', 'static', 'pref', '1008'],
  ['prohibit', 'ipproto', '17', 'pref', '1009'],
  ['realms', '3/4', 'tun_id', '77', 'table', '5', 'pref', '1010'],
  ['from', '10.9.8.7', 'to', '10.1.0.0/16', 'tos', '0x0c', 'fwmark', '7', 'table', 'default', 'pref', '1011'],
];
/** Rules made with ip: rtnl must print what ip prints for them too. */
const IP_ADDS = [
  ['from', '172.16.0.0/12', 'iif', 'nosuch0', 'lookup', '300', 'pref', '3000'],
  ['fwmark', '0x7', 'goto', '3500', 'pref', '3001'],
  ['oif', 'nosuch1', 'realms', '9', 'table', '301', 'proto', 'dhcp', 'pref', '3002'],
  ['sport', '1024-65000', 'dport', '53', 'ipproto', 'udp', 'lookup', 'local', 'pref', '3003'],
];
const IP6_ADDS = [
  ['from', 'fd00::/16', 'to', 'fd01::1', 'table', '9', 'pref', '1100'],
  ['iif', 'lo', 'ipproto', 'ipv6-icmp', 'prohibit', 'pref', '1101'],
  ['tos', 'AF11', 'to', 'fd02::/64', 'table', '10', 'pref', '1102'],
];

describe.skipIf(!canRunLive || cannot !== undefined)(liveTitle('rtnl rule vs ip rule', cannot), () => {
  beforeAll(() => {
    for (const a of RTNL_ADDS) rtnlOk(['-n', ns.name, 'rule', 'add', ...a]);
    for (const a of IP_ADDS) ip(['rule', 'add', ...a], ns.name);
    rtnlOk(['-n', ns.name, '-6', 'rule', 'add', ...(IP6_ADDS[0] as string[])]);
    ip(['-6', 'rule', 'add', ...(IP6_ADDS[1] as string[])], ns.name);
    rtnlOk(['-n', ns.name, '-6', 'rule', 'add', ...(IP6_ADDS[2] as string[])]);
  });

  it('-j rule show, -d, -p, -6, and the text form are byte-identical to ip\'s', () => {
    const all = ipJson<unknown[]>(['rule', 'show'], ns.name);
    expect(all.length).toBe(3 + RTNL_ADDS.length + IP_ADDS.length);
    for (const args of [['rule', 'show'], ['rule'], ['rule', 'list'], ['-j', 'rule', 'show'], ['-d', '-j', 'rule', 'show'], ['-j', '-p', 'rule', 'show'], ['-6', 'rule', 'show'], ['-6', '-j', 'rule'], ['-d', 'rule', 'show'], ['-6', '-d', '-j', 'rule', 'show']]) {
      expect(rtnlOk(['-n', ns.name, ...args]), `rtnl ${args.join(' ')}`).toBe(ip(args, ns.name));
    }
  });

  it('show SELECTOR filters as ip filters', () => {
    for (const f of [['table', '100'], ['lookup', 'main'], ['pref', '1002'], ['from', '10.0.0.0/8'], ['from', '10.0.0.0/4'], ['to', '192.168.0.0/16'], ['not'], ['fwmark', '0x10/0xff'], ['iif', 'lo'], ['oif', 'nosuch1'], ['l3mdev'], ['uidrange', '1000-2000'], ['ipproto', 'tcp'], ['sport', '80'], ['dport', '1000-2000'], ['tun_id', '77'], ['tos', '0x10']]) {
      const args = ['-j', 'rule', 'show', ...f];
      expect(rtnlOk(['-n', ns.name, ...args]), `rtnl ${args.join(' ')}`).toBe(ip(args, ns.name));
    }
    // ip's `show protocol P` filters nothing (filter_nlmsg leaves the protocol to `flush`); rtnl filters.
    expect(rtnlJson<{ priority: number }[]>(['-n', ns.name, 'rule', 'show', 'protocol', 'static']).map((r) => r.priority)).toEqual([1008]);
    expect(rtnlJson<{ priority: number }[]>(['-n', ns.name, 'rule', 'show', 'protocol', 'kernel']).map((r) => r.priority)).toEqual([0, 32766, 32767]);
  });

  it('deletes as ip deletes, and reports the kernel\'s refusals in ip\'s words and exit codes', () => {
    const dup = rtnl(['-n', ns.name, 'rule', 'add', 'from', '10.0.0.0/8', 'table', '100', 'priority', '1000']);
    const ipDup = spawnSync('ip', ['-n', ns.name, 'rule', 'add', 'from', '10.0.0.0/8', 'table', '100', 'priority', '1000'], { encoding: 'utf8' });
    expect(dup.status).toBe(2);
    expect(ipDup.status).toBe(2);
    expect(dup.stderr.split('\n')[0]).toBe(ipDup.stderr.split('\n')[0]);
    const back = rtnl(['-n', ns.name, 'rule', 'add', 'goto', '10']);
    expect([back.status, back.stderr.split('\n')[0]]).toEqual([2, 'Error: Backward goto not supported.']);

    rtnlOk(['-n', ns.name, 'rule', 'del', 'pref', '1000']);
    rtnlOk(['-n', ns.name, 'rule', 'delete', 'fwmark', '0x10/0xff', 'iif', 'lo', 'oif', 'lo']);
    rtnlOk(['-n', ns.name, '-6', 'rule', 'del', 'from', 'fd00::/16']);
    expect(ipJson<{ priority: number }[]>(['rule'], ns.name).map((r) => r.priority)).not.toContain(1000);
    expect(ipJson<{ priority: number }[]>(['rule'], ns.name).map((r) => r.priority)).not.toContain(1002);
    expect(ipJson<{ priority: number }[]>(['-6', 'rule'], ns.name).map((r) => r.priority)).not.toContain(1100);
    const gone = rtnl(['-n', ns.name, 'rule', 'del', 'pref', '4242']);
    const ipGone = spawnSync('ip', ['-n', ns.name, 'rule', 'del', 'pref', '4242'], { encoding: 'utf8' });
    expect([gone.status, gone.stderr.split('\n')[0]]).toEqual([ipGone.status, ipGone.stderr.split('\n')[0]]);
    // Checked before any request: exit 1 with the field, as every ValidationError.
    const bad = rtnl(['-n', ns.name, 'rule', 'add', 'sport', '0', 'table', '5']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/sport/);
    expect(rtnl(['-n', ns.name, 'rule', 'add']).status).toBe(255);
    expect(rtnlOk(['-n', ns.name, '-j', 'rule', 'show'])).toBe(ip(['-j', 'rule', 'show'], ns.name));
  });
});

describe.skipIf(!canRunLive)(liveTitle('rtnl rule: selectors newer than iproute2 6.1'), () => {
  it('dscp, flow labels and port masks print with current iproute2\'s keys; full masks as 6.1 prints the selector', async (ctx) => {
    const r = rtnl(['-n', newer.name, 'rule', 'add', 'dscp', '10', 'table', '60', 'pref', '6000']);
    if (r.status === 2 && /Unknown attribute|EINVAL|Invalid argument/.test(r.stderr)) ctx.skip();
    expect(r.stderr).toBe('');
    rtnlOk(['-n', newer.name, 'rule', 'add', 'dscp', '8/0x38', 'table', '61', 'pref', '6001']);
    rtnlOk(['-n', newer.name, 'rule', 'add', 'dscp', 'EF', 'table', '61', 'pref', '6002']);
    rtnlOk(['-n', newer.name, '-6', 'rule', 'add', 'flowlabel', '0x12340/0xffff0', 'table', '62', 'pref', '6003']);
    rtnlOk(['-n', newer.name, 'rule', 'add', 'sport', '0x100/0xff00', 'dport', '443/0xffff', 'table', '63', 'pref', '6004']);
    const v4 = rtnlJson<Record<string, unknown>[]>(['-n', newer.name, 'rule', 'show']);
    const by = (p: number, list = v4) => list.find((x) => x['priority'] === p);
    expect(by(6000)).toEqual({ priority: 6000, src: 'all', table: '60', dscp: 'AF11' });
    expect(by(6001)).toEqual({ priority: 6001, src: 'all', table: '61', dscp: 'CS1', dscp_mask: '0x38' });
    expect(by(6002)).toEqual({ priority: 6002, src: 'all', table: '61', dscp: 'EF' });
    expect(by(6004)).toEqual({ priority: 6004, src: 'all', sport: 256, sport_mask: '0xff00', dport: 443, table: '63' });
    const v6 = rtnlJson<Record<string, unknown>[]>(['-n', newer.name, '-6', 'rule', 'show']);
    expect(by(6003, v6)).toEqual({ priority: 6003, src: 'all', table: '62', flowlabel: '0x12340', flowlabel_mask: '0xffff0' });
    const text = rtnlOk(['-n', newer.name, 'rule', 'show']);
    expect(text).toContain('6001:\tfrom all lookup 61 dscp 0x8/0x38\n');
    expect(text).toContain('6004:\tfrom all sport 0x100/0xff00 dport 443 lookup 63\n');
    expect(rtnlOk(['-n', newer.name, '-6', 'rule', 'show'])).toContain('6003:\tfrom all lookup 62 flowlabel 0x12340/0xffff0\n');
    expect(rtnlJson<unknown[]>(['-n', newer.name, 'rule', 'show', 'dscp', '10'])).toHaveLength(1);
  });
});
