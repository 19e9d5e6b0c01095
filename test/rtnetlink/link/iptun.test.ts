import { describe, expect, it } from 'vitest';
import { decode, encode, hex } from './_golden.js';
import { writeView } from '../../../src/netlink/fields.js';
import { iptunAttrs, iptunInfo } from '../../../src/rtnetlink/link/index.js';

/**
 * IFLA_INFO_DATA of an ipip and two sit tunnels, captured from Debian's 6.1
 * kernel (the full-kernel lane, test/rtnetlink/link/capture-kinds.mjs) after
 *   ip link add ipt1 type ipip remote 192.0.2.5 local 192.0.2.6 ttl 40 tos 0x8 dev id0 fwmark 3
 *   ip link add sit2 type sit isatap local 203.0.113.2
 *   ip link add sit3 type sit local 203.0.113.3 ttl 64; ip link set sit3 type sit 6rd-prefix 2001:db8::/32 6rd-relay_prefix 203.0.0.0/8
 * sit's FLAGS travel as the host-order u16 SIT_ISATAP (01 00), although the
 * kernel types them __be16.
 */
const IPIP = hex(
  '08 00 01 00 | 02 00 00 00', // LINK 2
  '08 00 02 00 | c0 00 02 06', // LOCAL
  '08 00 03 00 | c0 00 02 05', // REMOTE
  '05 00 04 00 | 28 | 00 00 00', // TTL 40
  '05 00 05 00 | 08 | 00 00 00', // TOS 8
  '05 00 09 00 | 00 | 00 00 00', // PROTO any
  '05 00 0a 00 | 01 | 00 00 00', // PMTUDISC
  '08 00 14 00 | 03 00 00 00', // FWMARK 3
  '06 00 0f 00 | 00 00 | 00 00', // ENCAP_TYPE
  '06 00 11 00 | 00 00 | 00 00', // ENCAP_SPORT
  '06 00 12 00 | 00 00 | 00 00', // ENCAP_DPORT
  '06 00 10 00 | 00 00 | 00 00', // ENCAP_FLAGS
);
const SIT_TAIL = ['06 00 0e 00 | 00 00 | 00 00', '06 00 0f 00 | 00 00 | 00 00', '06 00 11 00 | 00 00 | 00 00', '06 00 12 00 | 00 00 | 00 00', '06 00 10 00 | 00 00 | 00 00'];
const ISATAP = hex(
  '08 00 01 00 | 00 00 00 00',
  '08 00 02 00 | cb 00 71 02',
  '08 00 03 00 | 00 00 00 00',
  '05 00 04 00 | 00 | 00 00 00',
  '05 00 05 00 | 00 | 00 00 00',
  '05 00 0a 00 | 01 | 00 00 00',
  '05 00 09 00 | 00 | 00 00 00',
  '06 00 08 00 | 01 00 | 00 00', // FLAGS: SIT_ISATAP
  '08 00 14 00 | 00 00 00 00',
  '14 00 0b 00 | 20 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00', // 6RD_PREFIX 2002::
  '08 00 0c 00 | 00 00 00 00', // 6RD_RELAY_PREFIX
  '06 00 0d 00 | 10 00 | 00 00', // 6RD_PREFIXLEN 16
  ...SIT_TAIL,
);
const SIXRD = hex(
  '08 00 01 00 | 00 00 00 00',
  '08 00 02 00 | cb 00 71 03',
  '08 00 03 00 | 00 00 00 00',
  '05 00 04 00 | 40 | 00 00 00',
  '05 00 05 00 | 00 | 00 00 00',
  '05 00 0a 00 | 01 | 00 00 00',
  '05 00 09 00 | 00 | 00 00 00',
  '06 00 08 00 | 00 00 | 00 00',
  '08 00 14 00 | 00 00 00 00',
  '14 00 0b 00 | 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 00', // 2001:db8::
  '08 00 0c 00 | cb 00 00 00', // relay 203.0.0.0
  '06 00 0d 00 | 20 00 | 00 00', // /32
  '06 00 0e 00 | 08 00 | 00 00', // relay /8
  ...SIT_TAIL.slice(1),
);

describe('ipip and sit golden bytes', () => {
  it('decodes each tunnel and its friendly view', () => {
    expect(iptunInfo('ipip', decode(iptunAttrs, IPIP))).toMatchObject({ kind: 'ipip', device: 2, local: '192.0.2.6', remote: '192.0.2.5', ttl: 40, tos: 8, proto: 'any', pmtudisc: true, fwmark: 3, encapType: 'none' });
    expect(iptunInfo('sit', decode(iptunAttrs, ISATAP))).toMatchObject({ kind: 'sit', isatap: true, sixrdPrefix: '2002::', sixrdPrefixlen: 16 });
    expect(iptunInfo('sit', decode(iptunAttrs, SIXRD))).toMatchObject({ isatap: false, sixrdPrefix: '2001:db8::', sixrdPrefixlen: 32, sixrdRelayPrefix: '203.0.0.0', sixrdRelayPrefixlen: 8 });
  });

  it('re-encodes the kernel messages byte for byte', () => {
    for (const b of [IPIP, ISATAP, SIXRD]) expect(encode(iptunAttrs, decode(iptunAttrs, b))).toEqual(b);
  });

  it('encodes createIpip / createSit options; an unknown inner protocol is refused before any system call', () => {
    expect(writeView(iptunAttrs, { remote: '192.0.2.5', proto: 'mplsip', isatap: true, pmtudisc: false }, '')).toEqual({ remote: '192.0.2.5', proto: 137, flags: 1, pmtudisc: 0 });
    expect(() => writeView(iptunAttrs, { proto: 'gre' }, '')).toThrow(/proto: expected one of "any", "ipip", "ip6ip", "mplsip"/);
  });
});
