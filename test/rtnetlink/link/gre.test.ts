import { describe, expect, it } from 'vitest';
import { decode, encode, hex } from './_golden.js';
import { writeView } from '../../../src/netlink/fields.js';
import { greAttrs, greInfo, withGreKeyFlags } from '../../../src/rtnetlink/link/index.js';

/**
 * IFLA_INFO_DATA of a gre and a gretap device, captured from Debian's 6.1
 * kernel (the full-kernel lane, test/rtnetlink/link/capture-kinds.mjs) after
 *   ip link add gre1 type gre remote 192.0.2.1 local 192.0.2.2 ttl 64 tos 0x10 key 42 iseq ocsum dev gd0 nopmtudisc fwmark 7
 *   ip link add gt1 type gretap remote 198.51.100.1 ignore-df nopmtudisc ikey 1.2.3.4 okey 9
 * `ip -d -j` showed ikey/okey "0.0.0.42", iseq and ocsum true, fwmark "0x7";
 * for the gretap ikey "1.2.3.4", okey "0.0.0.9", local "any", ignore_df true.
 * The kernel sends every row but the IPv6 and ERSPAN ones, ENCAP_* included.
 */
const GRE = hex(
  '08 00 01 00 | 02 00 00 00', // LINK: ifindex 2 (gd0)
  '06 00 02 00 | 30 00 | 00 00', // IFLAGS: KEY|SEQ (be16 0x3000)
  '06 00 03 00 | a0 00 | 00 00', // OFLAGS: CSUM|KEY (be16 0xa000)
  '08 00 04 00 | 00 00 00 2a', // IKEY 42 (be32)
  '08 00 05 00 | 00 00 00 2a', // OKEY 42
  '08 00 06 00 | c0 00 02 02', // LOCAL
  '08 00 07 00 | c0 00 02 01', // REMOTE
  '05 00 08 00 | 40 | 00 00 00', // TTL 64
  '05 00 09 00 | 10 | 00 00 00', // TOS 0x10
  '05 00 0a 00 | 00 | 00 00 00', // PMTUDISC off
  '08 00 14 00 | 07 00 00 00', // FWMARK 7
  '06 00 0e 00 | 00 00 | 00 00', // ENCAP_TYPE none
  '06 00 10 00 | 00 00 | 00 00', // ENCAP_SPORT
  '06 00 11 00 | 00 00 | 00 00', // ENCAP_DPORT
  '06 00 0f 00 | 00 00 | 00 00', // ENCAP_FLAGS
  '05 00 13 00 | 00 | 00 00 00', // IGNORE_DF
);
const GRETAP = hex(
  '08 00 01 00 | 00 00 00 00',
  '06 00 02 00 | 20 00 | 00 00', // IFLAGS KEY
  '06 00 03 00 | 20 00 | 00 00', // OFLAGS KEY
  '08 00 04 00 | 01 02 03 04', // IKEY 1.2.3.4
  '08 00 05 00 | 00 00 00 09', // OKEY 9
  '08 00 06 00 | 00 00 00 00', // LOCAL any
  '08 00 07 00 | c6 33 64 01', // REMOTE 198.51.100.1
  '05 00 08 00 | 00 | 00 00 00',
  '05 00 09 00 | 00 | 00 00 00',
  '05 00 0a 00 | 00 | 00 00 00',
  '08 00 14 00 | 00 00 00 00',
  '06 00 0e 00 | 00 00 | 00 00',
  '06 00 10 00 | 00 00 | 00 00',
  '06 00 11 00 | 00 00 | 00 00',
  '06 00 0f 00 | 00 00 | 00 00',
  '05 00 13 00 | 01 | 00 00 00', // IGNORE_DF on
);

describe('gre golden bytes', () => {
  it('decodes flags, keys, endpoints and the friendly view', () => {
    expect(greInfo('gre', decode(greAttrs, GRE))).toMatchObject({
      kind: 'gre',
      device: 2,
      inFlags: { key: true, seq: true, csum: false },
      outFlags: { key: true, seq: false, csum: true },
      ikey: 42,
      okey: 42,
      local: '192.0.2.2',
      remote: '192.0.2.1',
      ttl: 64,
      tos: 16,
      pmtudisc: false,
      fwmark: 7,
      encapType: 'none',
      ignoreDf: false,
    });
    expect(greInfo('gretap', decode(greAttrs, GRETAP))).toMatchObject({ kind: 'gretap', ikey: 0x01020304, okey: 9, local: '0.0.0.0', ignoreDf: true });
  });

  it('re-encodes the kernel messages byte for byte', () => {
    for (const b of [GRE, GRETAP]) expect(encode(greAttrs, decode(greAttrs, b))).toEqual(b);
  });

  it("a key takes a number or ip's dotted quad and turns on GRE_KEY for its direction; a bad one is refused before any system call", () => {
    const data = writeView(greAttrs, { remote: '198.51.100.1', ikey: '1.2.3.4', okey: 9, inFlags: { seq: true } }, '');
    withGreKeyFlags(data);
    expect(data).toEqual({ remote: '198.51.100.1', ikey: 0x01020304, okey: 9, iflags: 0x3000, oflags: 0x2000 });
    expect(() => writeView(greAttrs, { ikey: '1.2.3' }, '')).toThrow(/ikey: expected a key/);
    expect(() => writeView(greAttrs, { inFlags: { routing: true } }, '')).toThrow(/inFlags\.routing: is not one of csum, key, seq/);
  });
});
