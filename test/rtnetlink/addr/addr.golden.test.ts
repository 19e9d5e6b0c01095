/**
 * RTM_NEWADDR messages captured from a 6.18 kernel (an `ip addr show`
 * dump), checked both ways: bytes → object, and object → the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../src/netlink/writer.js';
import { reencode } from '../../../src/rtnetlink/family.js';
import { addrMessage } from '../../../src/rtnetlink/addr/index.js';
import { toAddress } from '../../../src/ops/addresses/index.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/#.*$/gm, '').replace(/\s+/g, ''), 'hex'));

// ip addr add 10.0.0.1/24 brd + label v0:a dev v0
const v4 = hex(`
  58000000 1400 0200 01000000 64520000   # nlmsghdr: len 88, RTM_NEWADDR, NLM_F_MULTI, seq 1, pid
  02 18 80 00 03000000                   # ifaddrmsg: AF_INET, /24, IFA_F_PERMANENT, scope global, ifindex 3
  0800 0100 0a000001                     # IFA_ADDRESS 10.0.0.1
  0800 0200 0a000001                     # IFA_LOCAL 10.0.0.1
  0800 0400 0a0000ff                     # IFA_BROADCAST 10.0.0.255
  0900 0300 76303a6100 000000            # IFA_LABEL "v0:a" + NUL, padded
  0800 0800 80000000                     # IFA_FLAGS permanent
  1400 0600 ffffffff ffffffff 52320200 52320200  # IFA_CACHEINFO preferred/valid forever, cstamp, tstamp
`);

const v4Expected = {
  header: { family: 2, prefixLength: 24, flags: 0x80, scope: 0, index: 3 },
  attrs: {
    address: '10.0.0.1',
    local: '10.0.0.1',
    broadcast: '10.0.0.255',
    label: 'v0:a',
    flags: 0x80,
    cacheinfo: { preferred: 0xffffffff, valid: 0xffffffff, cstamp: 0x23252, tstamp: 0x23252 },
  },
};

// ip addr add fd00::1/64 nodad valid_lft 3600 preferred_lft 1800 dev v0
const v6 = hex(`
  48000000 1400 0200 01000000 64520000   # nlmsghdr: len 72
  0a 40 02 00 03000000                   # ifaddrmsg: AF_INET6, /64, IFA_F_NODAD, scope global, ifindex 3
  1400 0100 fd000000000000000000000000000001  # IFA_ADDRESS fd00::1 (IPv6 has no IFA_LOCAL)
  1400 0600 08070000 100e0000 53320200 53320200  # IFA_CACHEINFO preferred 1800 s, valid 3600 s
  0800 0800 02000000                     # IFA_FLAGS nodad (not permanent: it has lifetimes)
`);

const v6Expected = {
  header: { family: 10, prefixLength: 64, flags: 0x02, scope: 0, index: 3 },
  attrs: {
    address: 'fd00::1',
    cacheinfo: { preferred: 1800, valid: 3600, cstamp: 0x23253, tstamp: 0x23253 },
    flags: 0x02,
  },
};

describe('ifaddrmsg + IFA_* golden bytes', () => {
  for (const [name, raw, expected] of [
    ['IPv4 with broadcast and label', v4, v4Expected],
    ['IPv6 with lifetimes', v6, v6Expected],
  ] as const) {
    it(`decodes ${name}`, () => {
      expect(addrMessage.decode(raw)).toEqual(expected);
    });
    it(`encodes ${name} to the kernel's bytes`, () => {
      expect(reencode(addrMessage, raw, expected, new ByteWriter())).toEqual(raw);
    });
  }

  it('maps the messages to Address objects as ip -j prints them', () => {
    expect(toAddress(addrMessage.decode(v4), new Map([[3, 'v0']]))).toMatchObject({
      index: 3,
      link: 'v0',
      family: 'inet',
      address: '10.0.0.1',
      local: '10.0.0.1',
      prefixLength: 24,
      broadcast: '10.0.0.255',
      scope: 'global',
      label: 'v0:a',
      flags: ['permanent'],
      validLifetime: 'forever',
      preferredLifetime: 'forever',
    });
    const a6 = toAddress(addrMessage.decode(v6));
    expect(a6).toMatchObject({ family: 'inet6', address: 'fd00::1', prefixLength: 64, flags: ['nodad'], validLifetime: 3600, preferredLifetime: 1800 });
    expect(a6.peer).toBeUndefined();
    expect(a6.link).toBeUndefined();
  });

  it('keeps unknown attributes and re-encodes them in place', () => {
    // v4 with an extra attribute type 99 inserted after IFA_LOCAL.
    const extra = hex('0800 6300 deadbeef');
    const raw = new Uint8Array(v4.length + extra.length);
    raw.set(v4.subarray(0, 40));
    raw.set(extra, 40);
    raw.set(v4.subarray(40), 48);
    new DataView(raw.buffer).setUint32(0, raw.length, true);
    const msg = addrMessage.decode(raw);
    expect(msg.attrs).toEqual(v4Expected.attrs);
    expect(reencode(addrMessage, raw, msg, new ByteWriter())).toEqual(raw);
  });
});
