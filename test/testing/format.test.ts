/**
 * The fixture text format: every entry kind survives format → parse, long
 * runs of identical hex lines are folded with `*`, and malformed files are
 * refused with the line at fault.
 */
import { describe, expect, it } from 'vitest';
import { FixtureSyntaxError, formatFixture, parseFixture, type Fixture } from '../../src/testing/index.js';
import { AF_NETLINK, CLONE_NEWNET, MNT_DETACH, MS_BIND, O_CLOEXEC, O_NONBLOCK, O_RDWR } from '../../src/shim/constants.js';

const bytes = (n: number, f: (i: number) => number = (i) => i & 0xff) => Uint8Array.from({ length: n }, (_, i) => f(i));

const sample: Fixture = {
  operation: 'every kind of entry',
  kernel: '6.18.0-test',
  netns: [{ label: 'a', note: 'a namespace' }],
  notes: ['a note'],
  ignore: ['netNsPid'],
  events: [
    { kind: 'socket', fd: 3, domain: AF_NETLINK, protocol: 0, netns: 'host', port: 1 },
    { kind: 'socket', fd: -1, domain: AF_NETLINK, protocol: 0, netns: 'host', port: 0, error: 'EPERM' },
    { kind: 'open', path: '/run/netns/a', flags: O_CLOEXEC, fd: 4, netns: 'a' },
    { kind: 'open', path: '/run/netns/with "quotes" and -> arrow', flags: 0, error: 'ENOENT' },
    { kind: 'open', path: '/dev/net/tun', flags: O_RDWR | O_NONBLOCK | O_CLOEXEC, fd: 5 },
    { kind: 'setns', fd: 4, nstype: CLONE_NEWNET, netns: 'a' },
    { kind: 'setns', fd: 5, nstype: CLONE_NEWNET, error: 'EINVAL' },
    { kind: 'unshare', flags: CLONE_NEWNET, netns: 'new1' },
    { kind: 'mount', source: '/proc/thread-self/ns/net', target: '/run/netns/x', fstype: 'none', flags: MS_BIND, data: null },
    { kind: 'mount', source: '', target: '/run/netns', fstype: null, flags: 0x4000 | (1 << 20), data: null, error: 'EINVAL' },
    { kind: 'umount', target: '/run/netns/x', flags: MNT_DETACH },
    { kind: 'send', fd: 3, data: bytes(40) },
    { kind: 'send', fd: 3, data: bytes(20), error: 'ENOBUFS' },
    { kind: 'recv', fd: 3, length: 200, data: bytes(200, (i) => (i >= 16 && i < 150 ? 0 : i & 0xff)) },
    { kind: 'recv', fd: 3, length: 70000, data: bytes(64) },
    { kind: 'recv', fd: 3, length: -1, data: new Uint8Array(0), error: 'EAGAIN' },
    { kind: 'ioctl', fd: 5, request: 0x400454ca, arg: bytes(40, (i) => (i < 4 ? 0x74 : 0)), out: bytes(40, (i) => (i < 5 ? 0x30 : 0)), result: 0 },
    { kind: 'ioctl', fd: 5, request: 0x400454ca, arg: bytes(40, () => 0), result: -1, error: 'EBUSY' },
    { kind: 'ioctl-int', fd: 5, request: 0x400454cc, arg: 1000, result: 0 },
    { kind: 'write', fd: 5, data: bytes(42) },
    { kind: 'read', fd: 5, length: 60, data: bytes(60) },
  ],
};

function withoutLines(f: Fixture): Fixture {
  return { ...f, events: f.events.map(({ line: _line, ...e }) => e as Fixture['events'][number]) };
}

describe('fixture format', () => {
  it('writes every entry kind so that parsing gives it back', () => {
    const text = formatFixture(sample);
    expect(withoutLines(parseFixture(text))).toEqual(sample);
    // And the text is a fixed point.
    expect(formatFixture(parseFixture(text))).toBe(text);
  });

  it('folds runs of identical 16-byte lines with "*" and unfolds them when parsing', () => {
    const text = formatFixture(sample);
    const recv = text.split('\n').filter((l) => /^ {2}(\*|[0-9a-f]{4} )/.test(l));
    expect(recv).toContain('  *');
    const parsed = parseFixture(text).events.find((e) => e.kind === 'recv' && e.length === 200);
    expect((parsed as { data: Uint8Array }).data).toEqual((sample.events[13] as { data: Uint8Array }).data);
  });

  it('names the line of a malformed entry', () => {
    const text = formatFixture(sample).split('\n');
    const at = text.findIndex((l) => l.startsWith('send fd=3 len=40'));
    const hexAt = text.findIndex((l, i) => i > at && l.startsWith('  0010  '));
    const broken = [...text];
    broken[hexAt] = broken[hexAt]!.replace(/^ {2}0010/, '  0020');
    try {
      parseFixture(broken.join('\n'), 'x.rtnl');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FixtureSyntaxError);
      expect((e as FixtureSyntaxError).line).toBe(hexAt + 1);
      expect((e as Error).message).toMatch(/^x\.rtnl:\d+: hex line offset 20 where 10 was expected/);
    }
    expect(() => parseFixture('something else\n')).toThrow(/not an rtnl fixture/);
    const badLen = formatFixture(sample).replace('send fd=3 len=40', 'send fd=3 len=41');
    expect(() => parseFixture(badLen)).toThrow(/len=41 but 40 bytes of hex/);
  });
});
