import { describe, expect, it } from 'vitest';
import { decode, encode, hex } from './_golden.js';
import { writeView } from '../../../src/netlink/fields.js';
import { vrfAttrs, vrfInfo, vrfPortAttrs } from '../../../src/rtnetlink/link/index.js';

/**
 * A vrf port's IFLA_INFO_SLAVE_DATA, captured from Debian's 6.1 kernel (the
 * full-kernel lane) after
 *   ip link add gv0 type vrf table 1001; ip link add gd0 type dummy; ip link set gd0 master gv0
 * `ip -d -j` showed info_slave_kind "vrf", info_slave_data { table: 1001 }.
 * The vrf's own IFLA_INFO_DATA is the same attribute as IFLA_VRF_TABLE (1),
 * u32 (vrf_fillinfo).
 */
const PORT = hex(
  // IFLA_VRF_PORT_TABLE (1), u32: 1001
  '08 00 01 00 | e9 03 00 00',
);

describe('vrf golden bytes', () => {
  it('decodes the port table and the vrf table, and re-encodes them byte for byte', () => {
    expect(decode(vrfPortAttrs, PORT)).toEqual({ table: 1001 });
    expect(encode(vrfPortAttrs, decode(vrfPortAttrs, PORT))).toEqual(PORT);
    expect(vrfInfo(decode(vrfAttrs, PORT))).toEqual({ kind: 'vrf', table: 1001 });
  });

  it('encodes createVrf options', () => {
    expect(encode(vrfAttrs, writeView(vrfAttrs, { table: 1001 }, ''))).toEqual(PORT);
  });
});
