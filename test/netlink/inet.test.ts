import { describe, expect, it } from 'vitest';
import { formatIpv6, parseCidr, parseIp, parseIpv6, parseMac, formatMac } from '../../src/netlink/inet.js';

describe('address text forms', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::1', 'fe80::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8::', '2001:db8::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:0:3:4:5:6:7:8', '1:0:3:4:5:6:7:8'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['FD00::A', 'fd00::a'],
  ])('IPv6 %s prints as %s (glibc inet_ntop style)', (input, want) => {
    const b = parseIpv6(input);
    expect(b).toBeDefined();
    expect(formatIpv6(b!)).toBe(want);
  });

  it.each(['1::2::3', '1:2:3:4:5:6:7:8:9', 'g::1', '1:2:3:4:5:6:7', '12345::', ':::'])('rejects IPv6 %s', (s) => {
    expect(parseIpv6(s)).toBeUndefined();
  });

  it.each(['256.0.0.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', '', 'a.b.c.d'])('rejects IPv4 %s', (s) => {
    expect(parseIp(s)).toBeUndefined();
  });

  it('parses CIDRs', () => {
    expect(parseCidr('10.1.2.3/24')).toMatchObject({ family: 2, address: '10.1.2.3', prefixLength: 24 });
    expect(parseCidr('fd00::1/64')).toMatchObject({ family: 10, address: 'fd00::1', prefixLength: 64 });
    expect(parseCidr('10.0.0.1')).toMatchObject({ prefixLength: 32 });
    expect(parseCidr('10.0.0.1/33')).toBeUndefined();
    expect(parseCidr('fd00::/129')).toBeUndefined();
    expect(parseCidr('10.0.0.1/x')).toBeUndefined();
  });

  it('parses and formats MACs', () => {
    expect(formatMac(parseMac('02:AA:b:0c:dd:ee')!)).toBe('02:aa:0b:0c:dd:ee');
    expect(parseMac('02:aa:bb:cc:dd:ee:ff:00')).toHaveLength(8);
    for (const bad of ['', '02:aa:bb:cc:dd:eg', '02::aa', '123:00', 42]) expect(parseMac(bad)).toBeUndefined();
  });
});
