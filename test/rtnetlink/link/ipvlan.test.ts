import { describe, expect, it } from 'vitest';
import { decode, encode, hex } from './_golden.js';
import { writeView } from '../../../src/netlink/fields.js';
import { ipvlanAttrs, ipvlanInfo } from '../../../src/rtnetlink/link/index.js';

/**
 * IFLA_INFO_DATA of an ipvlan and an ipvtap, captured from Debian's 6.1
 * kernel (the full-kernel lane) after
 *   ip link add link gp0 name gi0 type ipvlan mode l2 private
 *   ip link add link gp0 name gt0 type ipvtap mode l3s vepa
 * `ip -d -j` showed { mode: "l2", private: true } and { mode: "l3s", vepa: true }.
 */
const L2_PRIVATE = hex(
  // IFLA_IPVLAN_MODE (1), u16: 0 (l2)
  '06 00 01 00 | 00 00 | 00 00',
  // IFLA_IPVLAN_FLAGS (2), u16: 1 (IPVLAN_F_PRIVATE)
  '06 00 02 00 | 01 00 | 00 00',
);
const L3S_VEPA = hex('06 00 01 00 | 02 00 | 00 00', '06 00 02 00 | 02 00 | 00 00');

describe('ipvlan golden bytes', () => {
  it('decodes mode and isolation, and the friendly view', () => {
    expect(decode(ipvlanAttrs, L2_PRIVATE)).toEqual({ mode: 0, flags: 1 });
    expect(ipvlanInfo('ipvlan', decode(ipvlanAttrs, L2_PRIVATE))).toEqual({ kind: 'ipvlan', mode: 'l2', isolation: 'private' });
    expect(ipvlanInfo('ipvtap', decode(ipvlanAttrs, L3S_VEPA))).toEqual({ kind: 'ipvtap', mode: 'l3s', isolation: 'vepa' });
  });

  it('re-encodes the kernel messages byte for byte', () => {
    expect(encode(ipvlanAttrs, decode(ipvlanAttrs, L2_PRIVATE))).toEqual(L2_PRIVATE);
    expect(encode(ipvlanAttrs, decode(ipvlanAttrs, L3S_VEPA))).toEqual(L3S_VEPA);
  });

  it('encodes createIpvlan options by name and refuses unknown words before any system call', () => {
    expect(encode(ipvlanAttrs, writeView(ipvlanAttrs, { mode: 'l3s', isolation: 'vepa' }, ''))).toEqual(L3S_VEPA);
    expect(writeView(ipvlanAttrs, { isolation: 'bridge' }, '')).toEqual({ flags: 0 });
    expect(() => writeView(ipvlanAttrs, { mode: 'l4' }, '')).toThrow(/mode.*"l2", "l3", "l3s"/);
    expect(() => writeView(ipvlanAttrs, { isolation: 1 }, '')).toThrow(/isolation/);
  });

  it('reads a value a newer kernel may send as the number', () => {
    expect(ipvlanInfo('ipvlan', { mode: 7, flags: 0 })).toEqual({ kind: 'ipvlan', mode: 7, isolation: 'bridge' });
  });
});
