import { describe, expect, it } from 'vitest';
import { decode, encode, hex } from './_golden.js';
import { writeView } from '../../../src/netlink/fields.js';
import { ip6greAttrs, ip6greInfo, ip6tnlAttrs, ip6tnlInfo } from '../../../src/rtnetlink/link/index.js';

/**
 * IFLA_INFO_DATA of IPv6 tunnels, captured from Debian's 6.1 kernel (the
 * full-kernel lane, test/rtnetlink/link/capture-kinds.mjs) after
 *   ip link add ip6t1 type ip6tnl remote 2001:db8::1 local 2001:db8::2 dev i6d0 hoplimit 40 encaplimit 3 tclass 0x20 flowlabel 0x12345 mode ip6ip6 fwmark 3
 *   ip link add ip6t2 type ip6tnl remote 2001:db8::5 encaplimit none tclass inherit flowlabel inherit dscp inherit allow-localremote mode any hoplimit inherit
 *   ip link add ip6g1 type ip6gre remote 2001:db8::7 local 2001:db8::8 key 1.2.3.4 iseq ocsum hoplimit 9 flowlabel 0x5 fwmark inherit
 *   ip link add ip6e1 type ip6erspan remote 2001:db8::9 local 2001:db8::a erspan_ver 2 erspan_dir egress erspan_hwid 7 seq key 10
 * FLAGS carry the kernel's capability bits beside the IP6_TNL_F_* asked for
 * (0x30000: can transmit and receive; 0x40000: per-packet, with no local
 * address); ENCAP_FLAGS 2 is ip's default TUNNEL_ENCAP_FLAG_CSUM6.
 */
const ENCAP_IPTUN = ['06 00 0f 00 | 00 00 | 00 00', '06 00 11 00 | 00 00 | 00 00', '06 00 12 00 | 00 00 | 00 00', '06 00 10 00 | 02 00 | 00 00'];
const ENCAP_GRE = ['06 00 0e 00 | 00 00 | 00 00', '06 00 10 00 | 00 00 | 00 00', '06 00 11 00 | 00 00 | 00 00', '06 00 0f 00 | 02 00 | 00 00'];
const IP6T1 = hex(
  '08 00 01 00 | 02 00 00 00', // LINK 2
  '14 00 02 00 | 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02', // LOCAL
  '14 00 03 00 | 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01', // REMOTE
  '05 00 04 00 | 28 | 00 00 00', // TTL (hop limit) 40
  '05 00 06 00 | 03 | 00 00 00', // ENCAP_LIMIT 3
  '08 00 07 00 | 02 01 23 45', // FLOWINFO: tclass 0x20, flow label 0x12345
  '08 00 08 00 | 00 00 03 00', // FLAGS: CAP_XMIT | CAP_RCV
  '05 00 09 00 | 29 | 00 00 00', // PROTO IPPROTO_IPV6
  '08 00 14 00 | 03 00 00 00', // FWMARK 3
  ...ENCAP_IPTUN,
);
const IP6T2 = hex(
  '08 00 01 00 | 00 00 00 00',
  '14 00 02 00 | 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00', // LOCAL ::
  '14 00 03 00 | 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 05',
  '05 00 04 00 | 00 | 00 00 00', // hop limit inherit
  '05 00 06 00 | 04 | 00 00 00',
  '08 00 07 00 | 00 00 00 00',
  '08 00 08 00 | 57 00 04 00', // IGN_ENCAP_LIMIT, USE_ORIG_TCLASS, USE_ORIG_FLOWLABEL, RCV_DSCP_COPY, ALLOW_LOCAL_REMOTE; CAP_PER_PACKET
  '05 00 09 00 | 00 | 00 00 00', // PROTO any
  '08 00 14 00 | 00 00 00 00',
  ...ENCAP_IPTUN,
);
const IP6G1 = hex(
  '08 00 01 00 | 00 00 00 00',
  '06 00 02 00 | 30 00 | 00 00', // IFLAGS: KEY | SEQ (big-endian)
  '06 00 03 00 | a0 00 | 00 00', // OFLAGS: CSUM | KEY
  '08 00 04 00 | 01 02 03 04',
  '08 00 05 00 | 01 02 03 04',
  '14 00 06 00 | 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 08',
  '14 00 07 00 | 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 07',
  '05 00 08 00 | 09 | 00 00 00',
  '05 00 0b 00 | 04 | 00 00 00',
  '08 00 0c 00 | 00 00 00 05',
  '08 00 0d 00 | 20 00 03 00', // USE_ORIG_FWMARK; CAP_XMIT | CAP_RCV
  '08 00 14 00 | 00 00 00 00',
  ...ENCAP_GRE,
);
const IP6E1 = hex(
  '05 00 16 00 | 02 | 00 00 00', // ERSPAN_VER 2 (sent first)
  '05 00 17 00 | 01 | 00 00 00', // ERSPAN_DIR egress
  '06 00 18 00 | 07 00 | 00 00', // ERSPAN_HWID 7
  '08 00 01 00 | 00 00 00 00',
  '06 00 02 00 | 30 00 | 00 00',
  '06 00 03 00 | 30 00 | 00 00',
  '08 00 04 00 | 00 00 00 0a',
  '08 00 05 00 | 00 00 00 0a',
  '14 00 06 00 | 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 0a',
  '14 00 07 00 | 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 09',
  '05 00 08 00 | 40 | 00 00 00',
  '05 00 0b 00 | 04 | 00 00 00',
  '08 00 0c 00 | 00 00 00 00',
  '08 00 0d 00 | 00 00 03 00',
  '08 00 14 00 | 00 00 00 00',
  ...ENCAP_GRE,
);

describe('ip6tnl and ip6gre golden bytes', () => {
  it('decodes each tunnel and its friendly view', () => {
    expect(ip6tnlInfo(decode(ip6tnlAttrs, IP6T1))).toMatchObject({
      kind: 'ip6tnl', device: 2, local: '2001:db8::2', remote: '2001:db8::1', ttl: 40, encapLimit: 3, flowinfo: { tclass: 0x20, flowlabel: 0x12345 },
      proto: 'ip6ip6', fwmark: 3, encapType: 'none', tunnelCaps: { xmit: true, rcv: true, perPacket: false },
      tunnelFlags: { ignEncapLimit: false, useOrigTclass: false, useOrigFlowlabel: false, mip6Dev: false, rcvDscpCopy: false, useOrigFwmark: false, allowLocalRemote: false },
    });
    expect(ip6tnlInfo(decode(ip6tnlAttrs, IP6T2))).toMatchObject({
      local: '::', ttl: 0, proto: 'any', tunnelCaps: { xmit: false, rcv: false, perPacket: true },
      tunnelFlags: { ignEncapLimit: true, useOrigTclass: true, useOrigFlowlabel: true, mip6Dev: false, rcvDscpCopy: true, useOrigFwmark: false, allowLocalRemote: true },
    });
    expect(ip6greInfo('ip6gre', decode(ip6greAttrs, IP6G1))).toMatchObject({
      kind: 'ip6gre', ikey: 0x01020304, okey: 0x01020304, inFlags: { key: true, seq: true, csum: false }, outFlags: { key: true, csum: true, seq: false },
      ttl: 9, encapLimit: 4, flowinfo: { tclass: 0, flowlabel: 5 }, tunnelFlags: { useOrigFwmark: true },
    });
    expect(ip6greInfo('ip6erspan', decode(ip6greAttrs, IP6E1))).toMatchObject({ kind: 'ip6erspan', erspanVer: 2, erspanDir: 'egress', erspanHwid: 7, ttl: 64, remote: '2001:db8::9' });
  });

  it('re-encodes the kernel messages byte for byte', () => {
    for (const b of [IP6T1, IP6T2]) expect(encode(ip6tnlAttrs, decode(ip6tnlAttrs, b))).toEqual(b);
    for (const b of [IP6G1, IP6E1]) expect(encode(ip6greAttrs, decode(ip6greAttrs, b))).toEqual(b);
  });

  it('encodes the create options; the other address family and out-of-range flow information are refused before any system call', () => {
    expect(writeView(ip6tnlAttrs, { remote: '2001:db8::1', ttl: 'inherit', flowinfo: { tclass: 0x20, flowlabel: 0x12345 }, tunnelFlags: { ignEncapLimit: true, allowLocalRemote: true }, proto: 'ipip6' }, '')).toEqual({
      remote: '2001:db8::1', ttl: 0, flowinfo: 0x02012345, flags: 0x41, proto: 4,
    });
    expect(() => writeView(ip6tnlAttrs, { remote: '192.0.2.1' }, '')).toThrow(/remote: expected an IPv6 address/);
    expect(() => writeView(ip6greAttrs, { flowinfo: { tclass: 256, flowlabel: 0 } }, '')).toThrow(/flowinfo.tclass: expected 0..255/);
    expect(() => writeView(ip6greAttrs, { flowinfo: { label: 1 } }, '')).toThrow(/flowinfo.label: is not one of tclass, flowlabel/);
    expect(() => writeView(ip6tnlAttrs, { ttl: 256 }, '')).toThrow(/ttl: expected a hop limit 0..255 or "inherit"/);
    expect(() => writeView(ip6tnlAttrs, { tunnelCaps: { xmit: true } }, '')).toThrow(/tunnelCaps: is read-only/);
  });
});
