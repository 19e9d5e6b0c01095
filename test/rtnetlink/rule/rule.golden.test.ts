/**
 * RTM_NEWRULE messages captured from a 6.18 kernel (`ip rule show` dumps)
 * and RTM_NEWRULE requests captured from `ip rule add` (iproute2 6.1),
 * both directions: decode → the expected fields, encode → the same bytes;
 * rtnl's own requests hand-checked field by field against struct
 * fib_rule_hdr and carrying what ip's carry; unknown attributes and
 * reserved bytes kept byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../src/netlink/writer.js';
import { attrOrderOf } from '../../../src/netlink/schema.js';
import { reencode } from '../../../src/rtnetlink/family.js';
import { ruleMessage, toRule } from '../../../src/rtnetlink/rule/index.js';
import { buildRule } from '../../../src/ops/rules/build.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/#.*$/gm, '').replace(/\s+/g, ''), 'hex'));

// ip rule add fwmark 0x10/0xff iif lo uidrange 1000-2000 ipproto tcp sport 80 dport 1000-2000 lookup 200 pref 1002
const selectors = hex(`
  80000000 2000 0200 01000000 00000000   # nlmsghdr: len 128, RTM_NEWRULE, NLM_F_MULTI
  02 00 00 00 c8 00 00 01 00000000       # fib_rule_hdr: AF_INET, dst/src 0, tos 0, table 200, res, FR_ACT_TO_TBL, flags 0
  0800 0f00 c8000000                     # FRA_TABLE 200
  0800 0e00 ffffffff                     # FRA_SUPPRESS_PREFIXLEN -1 (not set)
  0500 1500 00 000000                    # FRA_PROTOCOL 0 (unspec)
  0700 0300 6c6f00 00                    # FRA_IIFNAME "lo"
  0800 0600 ea030000                     # FRA_PRIORITY 1002
  0800 0a00 10000000                     # FRA_FWMARK 0x10
  0800 1000 ff000000                     # FRA_FWMASK 0xff
  0c00 1400 e8030000 d0070000            # FRA_UID_RANGE 1000-2000
  0800 1700 5000 5000                    # FRA_SPORT_RANGE 80-80
  0600 1c00 ffff 0000                    # FRA_SPORT_MASK 0xffff (newer than 6.1: sent with every single port)
  0800 1800 e803 d007                    # FRA_DPORT_RANGE 1000-2000
  0500 1600 06 000000                    # FRA_IP_PROTO 6 (tcp)
`);
const selectorsExpected = {
  header: { family: 2, dstLength: 0, srcLength: 0, tos: 0, table: 200, action: 1, flags: 0 },
  attrs: {
    table: 200,
    suppressPrefixlen: 0xffffffff,
    protocol: 0,
    iifname: 'lo',
    priority: 1002,
    fwmark: 0x10,
    fwmask: 0xff,
    uidRange: { start: 1000, end: 2000 },
    sportRange: { start: 80, end: 80 },
    sportMask: 0xffff,
    dportRange: { start: 1000, end: 2000 },
    ipProto: 6,
  },
};

// ip rule add not to 192.168.0.0/16 tos 0x10 blackhole pref 1003
const blackhole = hex(`
  44000000 2000 0200 01000000 00000000
  02 10 00 10 00 00 00 06 02000000       # AF_INET, dst_len 16, tos 0x10, table 0, FR_ACT_BLACKHOLE, FIB_RULE_INVERT
  0800 0f00 00000000                     # FRA_TABLE 0
  0800 0e00 ffffffff                     # FRA_SUPPRESS_PREFIXLEN -1
  0500 1500 00 000000                    # FRA_PROTOCOL 0
  0800 0600 eb030000                     # FRA_PRIORITY 1003
  0800 0100 c0a80000                     # FRA_DST 192.168.0.0
`);
const blackholeExpected = {
  header: { family: 2, dstLength: 16, srcLength: 0, tos: 0x10, table: 0, action: 6, flags: 2 },
  attrs: { table: 0, suppressPrefixlen: 0xffffffff, protocol: 0, priority: 1003, dst: '192.168.0.0' },
};

// ip rule add unreachable table 1000000 pref 1010
const compat = hex(`
  3c000000 2000 0200 01000000 00000000
  02 00 00 00 fc 00 00 07 00000000       # table RT_TABLE_COMPAT (252): the id is above 255; FR_ACT_UNREACHABLE
  0800 0f00 40420f00                     # FRA_TABLE 1000000
  0800 0e00 ffffffff
  0500 1500 00 000000
  0800 0600 f2030000                     # FRA_PRIORITY 1010
`);
const compatExpected = {
  header: { family: 2, dstLength: 0, srcLength: 0, tos: 0, table: 252, action: 7, flags: 0 },
  attrs: { table: 1_000_000, suppressPrefixlen: 0xffffffff, protocol: 0, priority: 1010 },
};

// ip rule add goto 3000 pref 1011 (no rule has priority 3000)
const gotoRule = hex(`
  44000000 2000 0200 01000000 00000000
  02 00 00 00 00 00 00 02 04000000       # FR_ACT_GOTO, FIB_RULE_UNRESOLVED (set by the kernel: no target yet)
  0800 0f00 00000000
  0800 0e00 ffffffff
  0500 1500 00 000000
  0800 0600 f3030000                     # FRA_PRIORITY 1011
  0800 0400 b80b0000                     # FRA_GOTO 3000
`);
const gotoExpected = {
  header: { family: 2, dstLength: 0, srcLength: 0, tos: 0, table: 0, action: 2, flags: 4 },
  attrs: { table: 0, suppressPrefixlen: 0xffffffff, protocol: 0, priority: 1011, goto: 3000 },
};

describe('fib_rule_hdr + FRA_* golden bytes (kernel dumps)', () => {
  for (const [name, raw, expected] of [
    ['a rule of many selectors', selectors, selectorsExpected],
    ['an inverted blackhole rule', blackhole, blackholeExpected],
    ['a rule of a table above 255', compat, compatExpected],
    ['an unresolved goto', gotoRule, gotoExpected],
  ] as const) {
    it(`decodes ${name}`, () => {
      expect(ruleMessage.decode(raw)).toEqual(expected);
    });
    it(`encodes ${name} to the kernel's bytes`, () => {
      expect(reencode(ruleMessage, raw, expected, new ByteWriter())).toEqual(raw);
      expect(reencode(ruleMessage, raw, ruleMessage.decode(raw), new ByteWriter())).toEqual(raw);
    });
  }

  it('maps to Rule objects', () => {
    expect(toRule(ruleMessage.decode(selectors))).toMatchObject({
      family: 'inet',
      priority: 1002,
      invert: false,
      table: '200',
      tableId: 200,
      action: 'to_tbl',
      protocol: 'unspec',
      iif: 'lo',
      fwmark: 0x10,
      fwmask: 0xff,
      uidRange: { start: 1000, end: 2000 },
      ipProto: 'tcp',
      sport: { start: 80, end: 80, mask: 0xffff },
      dport: { start: 1000, end: 2000 },
      flags: [],
    });
    const r = toRule(ruleMessage.decode(selectors));
    expect(r.suppressPrefixLength).toBeUndefined();
    expect(r.from).toBeUndefined();
    expect(toRule(ruleMessage.decode(blackhole))).toMatchObject({ to: '192.168.0.0/16', tos: 0x10, invert: true, action: 'blackhole', tableId: 0, flags: ['invert'] });
    expect(toRule(ruleMessage.decode(compat))).toMatchObject({ table: '1000000', tableId: 1_000_000, action: 'unreachable' });
    expect(toRule(ruleMessage.decode(gotoRule))).toMatchObject({ action: 'goto', goto: 3000, flags: ['unresolved'] });
    expect(JSON.parse(JSON.stringify(toRule(ruleMessage.decode(selectors))))).toMatchObject({ priority: 1002, iif: 'lo' });
  });

  it('keeps attributes it does not model and reserved header bytes, byte for byte', () => {
    const odd = hex(`
      38000000 2000 0200 01000000 00000000
      0a 00 00 00 05 7f 80 01 00000000   # AF_INET6, table 5, res1 0x7f, res2 0x80 (reserved, kept)
      0800 0500 01020304                 # FRA_UNUSED2: not modelled, kept raw
      0800 6300 05060708                 # attribute 99: a kernel from the future
      0c00 0c00 0000000000000042         # FRA_TUN_ID 0x42, __be64
    `);
    const msg = ruleMessage.decode(odd);
    expect(msg.header).toEqual({ family: 10, dstLength: 0, srcLength: 0, tos: 0, table: 5, action: 1, flags: 0, res1: 0x7f, res2: 0x80 });
    expect(msg.attrs).toEqual({ tunId: 0x42n });
    expect(attrOrderOf(msg.attrs)?.length).toBe(3);
    expect(reencode(ruleMessage, odd, msg, new ByteWriter())).toEqual(odd);
    expect(toRule(msg)).toMatchObject({ family: 'inet6', tunId: 0x42n, table: '5' });
  });
});

/** nlmsghdr + body of a request as rtnl builds it (the header's length filled in, type RTM_NEWRULE). */
function request(b: ReturnType<typeof buildRule>): Uint8Array {
  const w = new ByteWriter();
  w.bytes(hex('00000000 2000 0506 01000000 00000000'));
  ruleMessage.encode(w, b);
  const out = w.finish().slice();
  new DataView(out.buffer).setUint32(0, out.length, true);
  return out;
}

describe('rtnl\'s requests', () => {
  it('carry what `ip rule add` sends, and lay it out as struct fib_rule_hdr says', () => {
    // What ip 6.1 sent for `ip rule add from 10.0.0.0/8 table 100 priority 1000` (strace).
    const fromIp = hex(`
      2c000000 2000 0506 01000000 00000000   # RTM_NEWRULE, NLM_F_REQUEST|ACK|EXCL|CREATE
      02 00 08 00 64 00 00 01 00000000       # AF_INET, dst_len 0, src_len 8, tos 0, table 100, res 0 0, FR_ACT_TO_TBL, flags 0
      0800 0200 0a000000                     # FRA_SRC 10.0.0.0
      0800 0600 e8030000                     # FRA_PRIORITY 1000
    `);
    const ours = request(buildRule({ from: '10.0.0.0/8', table: 100, priority: 1000 }, false));
    expect(Buffer.from(ours)).toEqual(Buffer.from(fromIp));
  });

  it('a request of many selectors: the same fields as ip\'s, each at its place', () => {
    // ip rule add fwmark 0x10/0xff iif lo uidrange 1000-2000 ipproto tcp sport 80 dport 1000-2000 lookup 200 pref 1002
    const fromIp = hex(`
      60000000 2000 0506 01000000 00000000
      02 00 00 00 c8 00 00 01 00000000
      0800 0a00 10000000  0800 1000 ff000000  0700 0300 6c6f0000
      0c00 1400 e8030000 d0070000  0500 1600 06000000
      0800 1700 50005000  0800 1800 e803d007  0800 0600 ea030000
    `);
    const b = buildRule({ fwmark: 0x10, fwmask: 0xff, iif: 'lo', uidRange: { start: 1000, end: 2000 }, ipProto: 'tcp', sport: 80, dport: { start: 1000, end: 2000 }, table: 200, priority: 1002 }, false);
    const ours = request(b);
    // ip writes the attributes in the order of its words, rtnl in its own; the fields are the same.
    expect(ruleMessage.decode(ours)).toEqual(ruleMessage.decode(fromIp));
    expect(ours.length).toBe(fromIp.length);
    expect(Buffer.from(ours)).toEqual(
      Buffer.from(
        hex(`
          60000000 2000 0506 01000000 00000000
          02 00 00 00 c8 00 00 01 00000000   # AF_INET, table 200, FR_ACT_TO_TBL
          0800 0600 ea030000                 # FRA_PRIORITY 1002
          0700 0300 6c6f0000                 # FRA_IIFNAME "lo"
          0800 0a00 10000000                 # FRA_FWMARK 0x10
          0800 1000 ff000000                 # FRA_FWMASK 0xff
          0c00 1400 e8030000 d0070000        # FRA_UID_RANGE 1000-2000
          0500 1600 06000000                 # FRA_IP_PROTO 6
          0800 1700 50005000                 # FRA_SPORT_RANGE 80-80
          0800 1800 e803d007                 # FRA_DPORT_RANGE 1000-2000
        `),
      ),
    );
  });

  it('blackhole with not, tos and to; a table above 255; a delete by priority', () => {
    const ipBlackhole = hex(`
      2c000000 2000 0506 01000000 00000000
      02 10 00 10 00 00 00 06 02000000       # dst_len 16, tos 0x10, table 0 (an action that is no lookup), blackhole, INVERT
      0800 0100 c0a80000  0800 0600 eb030000
    `);
    expect(Buffer.from(request(buildRule({ invert: true, to: '192.168.0.0/16', tos: 0x10, action: 'blackhole', priority: 1003 }, false)))).toEqual(Buffer.from(ipBlackhole));
    const ipCompat = hex(`
      2c000000 2000 0506 01000000 00000000
      02 00 00 00 00 00 00 07 00000000       # header table 0: the id travels in FRA_TABLE
      0800 0f00 40420f00  0800 0600 f2030000
    `);
    const ours = request(buildRule({ action: 'unreachable', table: 1_000_000, priority: 1010 }, false));
    expect(ruleMessage.decode(ours)).toEqual(ruleMessage.decode(ipCompat));
    // A delete: action 0 (any) and table 0 (any), only what was given.
    expect(buildRule({ priority: 1000 }, true)).toEqual({ header: { family: 2, dstLength: 0, srcLength: 0, tos: 0, table: 0, action: 0, flags: 0 }, attrs: { priority: 1000 } });
    // l3mdev: no table, as ip sends it.
    expect(buildRule({ l3mdev: true, priority: 5 }, false)).toEqual({ header: { family: 2, dstLength: 0, srcLength: 0, tos: 0, table: 0, action: 1, flags: 0 }, attrs: { priority: 5, l3mdev: 1 } });
  });
});
