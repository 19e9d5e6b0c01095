import { describe, expect, it } from 'vitest';
import { decode, encode, hex } from './_golden.js';
import { ValidationError } from '../../../src/netlink/errors.js';
import { writeView } from '../../../src/netlink/fields.js';
import { linkAttrs, netkitAttrs, netkitInfo } from '../../../src/rtnetlink/link/index.js';
import { createNetkitPair } from '../../../src/ops/links/index.js';

/**
 * A netkit pair's IFLA_INFO_DATA, captured from Debian's 6.12 kernel (the
 * full-kernel lane's second kernel) after
 *   ip link add nka type netkit; ip link set nk0 name nkb
 * (the kernel names a peer left unnamed "nk%d"). The primary and its peer
 * send the same rows in netkit_fill_info()'s order; PRIMARY tells them
 * apart, POLICY / SCRUB are the end's own and PEER_POLICY / PEER_SCRUB the
 * other end's. The defaults: forward, l3, scrub default.
 */
const end = (primary: 0 | 1) =>
  hex(
    // IFLA_NETKIT_PRIMARY (2), u8
    `05 00 02 00 | 0${primary} | 00 00 00`,
    // IFLA_NETKIT_POLICY (3), u32: NETKIT_PASS (forward)
    '08 00 03 00 | 00 00 00 00',
    // IFLA_NETKIT_MODE (5), u32: NETKIT_L3
    '08 00 05 00 | 01 00 00 00',
    // IFLA_NETKIT_SCRUB (6), u32: NETKIT_SCRUB_DEFAULT
    '08 00 06 00 | 01 00 00 00',
    // IFLA_NETKIT_PEER_POLICY (4), u32: forward
    '08 00 04 00 | 00 00 00 00',
    // IFLA_NETKIT_PEER_SCRUB (7), u32: default
    '08 00 07 00 | 01 00 00 00',
  );

describe('netkit golden bytes', () => {
  it('decodes the primary and its peer, and re-encodes both byte for byte', () => {
    for (const p of [1, 0] as const) {
      const d = decode(netkitAttrs, end(p));
      expect(d).toMatchObject({ primary: p, policy: 0, mode: 1, scrub: 1, peerPolicy: 0, peerScrub: 1 });
      expect(encode(netkitAttrs, d)).toEqual(end(p));
    }
  });

  it('reads the friendly view, with the peer from IFLA_LINK', () => {
    expect(netkitInfo(netkitAttrs, decode(netkitAttrs, end(1)), { index: 3, link: 2 })).toEqual({
      kind: 'netkit',
      primary: true,
      policy: 'forward',
      peerPolicy: 'forward',
      mode: 'l3',
      scrub: 'default',
      peerScrub: 'default',
      peerIndex: 2,
    });
    // A value this table does not name (a newer kernel's) stays a number.
    expect(netkitInfo(netkitAttrs, { policy: 7 }, { index: 3 }).policy).toBe(7);
  });

  it('encodes a create request: the options in the order given, then PEER_INFO as an ifinfomsg and link attributes', () => {
    const data = writeView(netkitAttrs, { mode: 'l2', policy: 'blackhole', scrub: 'none', headroom: 64 }, '');
    const peer = { header: { family: 0, type: 0, index: 0, flags: 0, change: 0 }, attrs: { ifname: 'nkb' } };
    expect(encode(netkitAttrs, { ...data, peerInfo: peer })).toEqual(
      hex(
        // IFLA_NETKIT_MODE (5): NETKIT_L2
        '08 00 05 00 | 00 00 00 00',
        // IFLA_NETKIT_POLICY (3): NETKIT_DROP (blackhole)
        '08 00 03 00 | 02 00 00 00',
        // IFLA_NETKIT_SCRUB (6): NETKIT_SCRUB_NONE
        '08 00 06 00 | 00 00 00 00',
        // IFLA_NETKIT_HEADROOM (8), u16: 64
        '06 00 08 00 | 40 00 | 00 00',
        // IFLA_NETKIT_PEER_INFO (1 | NLA_F_NESTED, as for veth's peer): struct ifinfomsg, then IFLA_IFNAME "nkb"
        '1c 00 01 80 | 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 | 08 00 03 00 6e 6b 62 00',
      ),
    );
    // The peer message decodes back through the link table.
    const back = decode(netkitAttrs, encode(netkitAttrs, { peerInfo: peer }));
    expect(back.peerInfo?.attrs.ifname).toBe('nkb');
    expect(linkAttrs.byKey.linkinfo).toBeDefined();
  });

  it('refuses bad options before any system call, naming the field', async () => {
    const base = { name: 'nka', peer: { name: 'nkb' } };
    const cases: [object, string][] = [
      [{ ...base, policy: 'drop' }, 'policy'],
      [{ ...base, peer: { name: 'nkb', policy: 'pass' } }, 'peer.policy'],
      [{ ...base, peer: { name: 'nkb', scrub: 'all' } }, 'peer.scrub'],
      [{ ...base, mode: 'l4' }, 'mode'],
      [{ ...base, headroom: 70000 }, 'headroom'],
      [{ ...base, address: '02:00:00:00:00:01' }, 'address'],
      [{ ...base, mode: 'l3', peer: { name: 'nkb', address: '02:00:00:00:00:01' } }, 'peer.address'],
      [{ ...base, primary: true }, 'primary'],
      [{ ...base, peer: { name: 'nkb', mode: 'l2' } }, 'peer.mode'],
    ];
    for (const [opts, field] of cases) {
      const e = await createNetkitPair(opts as never).catch((x: unknown) => x);
      expect(e, JSON.stringify(opts)).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field, JSON.stringify(opts)).toBe(field);
    }
  });
});
