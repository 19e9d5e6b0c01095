import { describe, expect, it } from 'vitest';
import { reencode } from '../../../src/rtnetlink/family.js';
import { ByteWriter } from '../../../src/netlink/writer.js';
import { linkMessage, toLink } from '../../../src/rtnetlink/link/index.js';
import { hex } from './_golden.js';

/**
 * An AF_BRIDGE RTM_NEWLINK (what `bridge link` reads), from a 6.18 kernel,
 * for the port of bridge-port.test.ts. Here IFLA_PROTINFO carries the bridge
 * port attributes (with NLA_F_NESTED), so the link table of AF_BRIDGE
 * messages decodes it as such; in AF_UNSPEC messages it stays raw.
 */
const MESSAGE = hex(
      // nlmsghdr: len 420, type 16 RTM_NEWLINK, flags NLM_F_MULTI, seq, pid
      'a4 01 00 00 | 10 00 02 00 | 01 00 00 00 94 09 00 00',
      // ifinfomsg: family 7 AF_BRIDGE, pad, type 1 ARPHRD_ETHER, index 4, flags 0x1002, change 0
      '07 00 01 00 | 04 00 00 00 | 02 10 00 00 | 00 00 00 00',
      // IFLA_IFNAME (3), string: "gv0"
      '08 00 03 00 | 67 76 30 00',
      // IFLA_MASTER (10), u32: 2
      '08 00 0a 00 | 02 00 00 00',
      // IFLA_MTU (4), u32: 1500
      '08 00 04 00 | dc 05 00 00',
      // IFLA_OPERSTATE (16), u8: 2
      '05 00 10 00 | 02 | 00 00 00',
      // IFLA_ADDRESS (1), hwaddr: "02:00:00:00:00:a0"
      '0a 00 01 00 | 02 00 00 00 00 a0 | 00 00',
      // IFLA_LINK (5), u32: 3
      '08 00 05 00 | 03 00 00 00',
      // IFLA_PROTINFO (12 | NLA_F_NESTED): the bridge port attributes (IFLA_BRPORT_*, same as bridge-port.test.ts)
      '50 01 0c 80 | 05 00 01 00 00 00 00 00 06 00 02 00 09 00 00 00 08 00 03 00 07 00 00 00 05 00 04 00 00 00 00 00 05 00 05 00 00 00 00 00 05 00 06 00 00 00 00 00 05 00 07 00 00 00 00 00 05 00 1c 00 00 00 00 00 05 00 08 00 00 00 00 00 05 00 09 00 01 00 00 00 05 00 1b 00 01 00 00 00 05 00 1e 00 01 00 00 00 05 00 0a 00 00 00 00 00 05 00 0c 00 00 00 00 00 0c 00 0d 00 10 00 02 00 00 00 00 b0 0c 00 0e 00 10 00 02 00 00 00 00 b0 06 00 0f 00 01 24 00 00 06 00 10 00 00 00 00 00 06 00 11 00 01 24 00 00 06 00 12 00 01 00 00 00 05 00 13 00 00 00 00 00 05 00 14 00 00 00 00 00 05 00 1d 00 00 00 00 00 06 00 1f 00 00 00 00 00 05 00 20 00 00 00 00 00 05 00 23 00 00 00 00 00 05 00 24 00 00 00 00 00 05 00 21 00 00 00 00 00 05 00 27 00 00 00 00 00 05 00 28 00 00 00 00 00 05 00 2b 00 00 00 00 00 0c 00 15 00 00 00 00 00 00 00 00 00 0c 00 16 00 00 00 00 00 00 00 00 00 0c 00 17 00 00 00 00 00 00 00 00 00 05 00 19 00 01 00 00 00 08 00 25 00 00 02 00 00 08 00 26 00 00 00 00 00 08 00 29 00 00 00 00 00 08 00 2a 00 00 00 00 00',
);

describe('AF_BRIDGE link message golden bytes', () => {
  it('decodes IFLA_PROTINFO as bridge port attributes', () => {
    const msg = linkMessage.decode(MESSAGE);
    expect(msg.header.family).toBe(7);
    expect(msg.attrs).toMatchObject({ ifname: 'gv0', master: 2, mtu: 1500, operstate: 2, address: '02:00:00:00:00:a0', link: 3 });
    expect(msg.attrs.protinfo).toMatchObject({ state: 0, priority: 9, cost: 7, learning: 0, unicastFlood: 1, id: 0x2401, bridgeId: '1000.02:00:00:00:00:b0' });
    expect(toLink(msg).portInfo).toMatchObject({ state: 'disabled', cost: 7, priority: 9, learning: false, flood: true });
  });

  it('re-encodes byte for byte', () => {
    expect(reencode(linkMessage, MESSAGE, linkMessage.decode(MESSAGE), new ByteWriter())).toEqual(MESSAGE);
  });

  it('leaves the same attribute raw in an AF_UNSPEC message', () => {
    const unspec = MESSAGE.slice();
    unspec[16] = 0; // ifi_family = AF_UNSPEC
    const msg = linkMessage.decode(unspec);
    expect(msg.attrs.protinfo).toBeInstanceOf(Uint8Array);
    expect(reencode(linkMessage, unspec, msg, new ByteWriter())).toEqual(unspec);
  });
});
