/**
 * addRule / deleteRule / listRules against the real kernel, in a throwaway
 * namespace, with iproute2 as the oracle in both directions: what rtnl
 * adds, `ip -j rule show` shows with the expected fields; what ip adds,
 * listRules reports with the same values; every dumped message re-encodes
 * to the kernel's bytes.
 */
import { describe, expect, it } from 'vitest';
import { addRule, deleteRule, listRules, type Rule } from '../../../src/ops/rules/index.js';
import { isNetlinkError } from '../../../src/netlink/errors.js';
import { RtnlSocket } from '../../../src/netlink/socket.js';
import { ByteWriter } from '../../../src/netlink/writer.js';
import { reencode } from '../../../src/rtnetlink/family.js';
import { AF, RTM } from '../../../src/rtnetlink/constants.js';
import { ruleMessage } from '../../../src/rtnetlink/rule/index.js';
import { canRunLive, ip, ipJson, liveTitle, useNetns } from '../../helpers/live.js';

const ns = useNetns('rtnlrule');
type IpRule = Record<string, unknown> & { priority: number };

const ipRules = (family: '-4' | '-6' = '-4') => ipJson<IpRule[]>([family, 'rule', 'show'], ns.name);
const ipRule = (priority: number, family: '-4' | '-6' = '-4') => ipRules(family).find((r) => r.priority === priority);
const ours = async (priority: number, family: 'inet' | 'inet6' = 'inet') => (await listRules({ netns: ns.name, family })).find((r) => r.priority === priority) as Rule;

describe.skipIf(!canRunLive)(liveTitle('rules'), () => {
  it('lists the kernel\'s default rules, IPv4 then IPv6, as ip does', async () => {
    const all = await listRules({ netns: ns.name });
    expect(all.map((r) => `${r.family} ${r.priority} ${r.table} ${r.action} ${r.protocol}`)).toEqual([
      'inet 0 local to_tbl kernel',
      'inet 32766 main to_tbl kernel',
      'inet 32767 default to_tbl kernel',
      'inet6 0 local to_tbl kernel',
      'inet6 32766 main to_tbl kernel',
    ]);
    expect((await listRules({ netns: ns.name, family: 'inet', table: 'main' })).map((r) => r.priority)).toEqual([32766]);
    expect(ipRules().map((r) => r.priority)).toEqual([0, 32766, 32767]);
  });

  it('adds a rule of each kind of selector, and ip shows each as it would its own', async () => {
    const N = { netns: ns.name };
    await addRule({ ...N, from: '10.0.0.0/8', table: 100, priority: 1000 });
    await addRule({ ...N, to: '192.168.0.0/16', invert: true, tos: 0x10, action: 'blackhole', priority: 1001 });
    await addRule({ ...N, fwmark: 0x10, fwmask: 0xff, iif: 'lo', oif: 'lo', table: 200, priority: 1002 });
    await addRule({ ...N, uidRange: { start: 1000, end: 2000 }, ipProto: 'tcp', sport: 80, dport: { start: 1000, end: 2000 }, table: 'main', priority: 1003 });
    await addRule({ ...N, l3mdev: true, priority: 1004 });
    await addRule({ ...N, suppressPrefixLength: 0, table: 'main', priority: 1005 });
    await addRule({ ...N, suppressIfgroup: 5, table: 'main', priority: 1006 });
    await addRule({ ...N, goto: 2000, priority: 1007 });
    await addRule({ ...N, action: 'nop', priority: 2000 });
    await addRule({ ...N, action: 'unreachable', table: 1_000_000, protocol: 'static', priority: 1008 });
    await addRule({ ...N, action: 'prohibit', ipProto: 17, priority: 1009 });
    await addRule({ ...N, realms: { from: 3, to: 4 }, tunId: 77, table: 5, priority: 1010 });
    await addRule({ ...N, family: 'inet6', from: 'fd00::/16', to: 'fd01::1', table: 9, priority: 1011 });

    expect(ipRule(1000)).toEqual({ priority: 1000, src: '10.0.0.0', srclen: 8, table: '100' });
    expect(ipRule(1001)).toEqual({ priority: 1001, not: null, src: 'all', dst: '192.168.0.0', dstlen: 16, tos: '0x10', action: 'blackhole' });
    expect(ipRule(1002)).toEqual({ priority: 1002, src: 'all', fwmark: '0x10', fwmask: '0xff', iif: 'lo', oif: 'lo', table: '200' });
    expect(ipRule(1003)).toEqual({ priority: 1003, src: 'all', uid_start: 1000, uid_end: 2000, ipproto: 'tcp', sport: 80, dport_start: 1000, dport_end: 2000, table: 'main' });
    expect(ipRule(1004)).toEqual({ priority: 1004, src: 'all', l3mdev: null });
    expect(ipRule(1005)).toEqual({ priority: 1005, src: 'all', table: 'main', suppress_prefixlen: 0 });
    expect(ipRule(1006)).toEqual({ priority: 1006, src: 'all', table: 'main', suppress_ifgroup: '5' });
    expect(ipRule(1007)).toEqual({ priority: 1007, src: 'all', goto: 2000 });
    expect(ipRule(2000)).toEqual({ priority: 2000, src: 'all', nop: null });
    expect(ipRule(1008)).toEqual({ priority: 1008, src: 'all', table: '1000000', action: 'unreachable', protocol: 'static' });
    expect(ipRule(1009)).toEqual({ priority: 1009, src: 'all', ipproto: 'udp', action: 'prohibit' });
    expect(ipRule(1010)).toEqual({ priority: 1010, src: 'all', tun_id: 77, table: '5', flow_from: '3', flow_to: '4' });
    expect(ipRule(1011, '-6')).toEqual({ priority: 1011, src: 'fd00::', srclen: 16, dst: 'fd01::1', table: '9' });

    expect(await ours(1000)).toMatchObject({ family: 'inet', from: '10.0.0.0/8', table: '100', tableId: 100, action: 'to_tbl', invert: false, protocol: 'unspec' });
    expect(await ours(1001)).toMatchObject({ to: '192.168.0.0/16', invert: true, tos: 0x10, action: 'blackhole', tableId: 0, flags: ['invert'] });
    expect(await ours(1002)).toMatchObject({ fwmark: 0x10, fwmask: 0xff, iif: 'lo', oif: 'lo', table: '200' });
    expect(await ours(1003)).toMatchObject({ uidRange: { start: 1000, end: 2000 }, ipProto: 'tcp', sport: { start: 80, end: 80 }, dport: { start: 1000, end: 2000 } });
    expect(await ours(1004)).toMatchObject({ l3mdev: true, tableId: 0 });
    expect(await ours(1005)).toMatchObject({ suppressPrefixLength: 0 });
    expect(await ours(1006)).toMatchObject({ suppressIfgroup: 5 });
    expect(await ours(1007)).toMatchObject({ action: 'goto', goto: 2000, flags: [] });
    expect(await ours(1008)).toMatchObject({ action: 'unreachable', table: '1000000', tableId: 1_000_000, protocol: 'static' });
    expect(await ours(1010)).toMatchObject({ realms: { from: 3, to: 4 }, tunId: 77n, table: '5' });
    expect(await ours(1011, 'inet6')).toMatchObject({ family: 'inet6', from: 'fd00::/16', to: 'fd01::1', table: '9' });
    const five = await ours(1005);
    expect(five.suppressIfgroup).toBeUndefined();
  });

  it('decodes the rules ip adds with the values ip prints', async () => {
    ip(['rule', 'add', 'from', '172.16.0.0/12', 'to', '172.20.1.0/24', 'iif', 'nosuch0', 'lookup', '300', 'pref', '3000'], ns.name);
    ip(['rule', 'add', 'fwmark', '0x7', 'goto', '3500', 'pref', '3001'], ns.name);
    ip(['-6', 'rule', 'add', 'oif', 'lo', 'ipproto', 'ipv6-icmp', 'prohibit', 'pref', '3002'], ns.name);
    expect(await ours(3000)).toMatchObject({ from: '172.16.0.0/12', to: '172.20.1.0/24', iif: 'nosuch0', flags: ['iif_detached'], table: '300' });
    // fwmark without a mask: the kernel compares all bits and reports the mask it uses.
    expect(await ours(3001)).toMatchObject({ fwmark: 7, fwmask: 0xffffffff, action: 'goto', goto: 3500, flags: ['unresolved'] });
    expect(await ours(3002, 'inet6')).toMatchObject({ family: 'inet6', oif: 'lo', ipProto: 'ipv6-icmp', action: 'prohibit' });
    expect(ipRule(3000)).toMatchObject({ iif: 'nosuch0', iif_detached: null });
  });

  it('deletes by priority, or by selectors with the rest left open; no match is ENOENT', async () => {
    await deleteRule({ netns: ns.name, priority: 1000 });
    expect(ipRule(1000)).toBeUndefined();
    // Only the selectors: the kernel's rule_find compares what the request carries.
    await deleteRule({ netns: ns.name, fwmark: 0x10, fwmask: 0xff, iif: 'lo', oif: 'lo' });
    expect(ipRule(1002)).toBeUndefined();
    await deleteRule({ netns: ns.name, family: 'inet6', priority: 1011 });
    expect(ipRule(1011, '-6')).toBeUndefined();
    await deleteRule({ netns: ns.name, action: 'unreachable', table: 1_000_000 });
    expect(ipRule(1008)).toBeUndefined();
    const missing = await deleteRule({ netns: ns.name, priority: 4242 }).catch((e: unknown) => e);
    expect(isNetlinkError(missing, 'ENOENT')).toBe(true);
    expect(missing).toMatchObject({ operation: 'deleteRule' });
  });

  it('the kernel\'s refusals are NetlinkErrors: a rule that exists, a goto backwards', async () => {
    await addRule({ netns: ns.name, from: '10.77.0.0/16', table: 77, priority: 5000 });
    const dup = await addRule({ netns: ns.name, from: '10.77.0.0/16', table: 77, priority: 5000 }).catch((e: unknown) => e);
    expect(isNetlinkError(dup, 'EEXIST')).toBe(true);
    expect(dup).toMatchObject({ operation: 'addRule' });
    // Without a priority the kernel picks one (just below main's 32766), so only it can see the jump is backwards.
    const back = await addRule({ netns: ns.name, goto: 10 }).catch((e: unknown) => e);
    expect(isNetlinkError(back, 'EINVAL')).toBe(true);
    expect(back).toMatchObject({ kernelMessage: 'Backward goto not supported' });
  });

  it('selectors newer than 6.1 (dscp, flow label, port masks) where the kernel has them', async (ctx) => {
    try {
      await addRule({ netns: ns.name, dscp: 10, table: 60, priority: 6000 });
    } catch (e) {
      // An older kernel refuses the attribute it does not know (strict policy of fib_rule_policy).
      if (isNetlinkError(e, 'EINVAL')) ctx.skip();
      throw e;
    }
    await addRule({ netns: ns.name, dscp: 8, dscpMask: 0x38, table: 61, priority: 6001 });
    await addRule({ netns: ns.name, family: 'inet6', flowlabel: 0x12340, flowlabelMask: 0xffff0, table: 62, priority: 6002 });
    await addRule({ netns: ns.name, sport: { start: 0x100, mask: 0xff00 }, dport: { start: 443, mask: 0xffff }, table: 63, priority: 6003 });
    // Sent without a mask, the rule's mask is the whole DSCP, and the kernel reports it.
    expect(await ours(6000)).toMatchObject({ dscp: 10, tos: 0 });
    expect([undefined, 0x3f]).toContain((await ours(6000)).dscpMask);
    expect(await ours(6001)).toMatchObject({ dscp: 8, dscpMask: 0x38 });
    expect(await ours(6002, 'inet6')).toMatchObject({ flowlabel: 0x12340, flowlabelMask: 0xffff0 });
    const ports = await ours(6003);
    expect(ports.sport).toEqual({ start: 0x100, end: 0x100, mask: 0xff00 });
    // A full mask is not sent (as ip does not); a 6.18 kernel reports the full mask of every single port anyway.
    expect(ports.dport).toMatchObject({ start: 443, end: 443 });
    expect([undefined, 0xffff]).toContain(ports.dport?.mask);
  });

  it('re-encodes every rule the kernel dumps byte for byte', async () => {
    await using sock = RtnlSocket.open({ netns: ns.name });
    const w = new ByteWriter();
    let n = 0;
    for (const family of [AF.INET, AF.INET6]) {
      const header = { family, dstLength: 0, srcLength: 0, tos: 0, table: 0, action: 0, flags: 0 };
      for await (const m of sock.dump(RTM.GETRULE, 0, (x) => ruleMessage.encode(x, { header }))) {
        const msg = ruleMessage.decode(m.bytes);
        expect(Buffer.from(reencode(ruleMessage, m.bytes, msg, w))).toEqual(Buffer.from(m.bytes));
        n++;
      }
    }
    expect(n).toBeGreaterThan(15);
  });
});
