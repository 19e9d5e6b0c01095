import { describe, expect, it } from 'vitest';
import { decode, encode, hex } from './_golden.js';
import { tunAttrs, tunInfo } from '../../../src/rtnetlink/link/index.js';

/**
 * IFLA_INFO_DATA of tun/tap devices (kind "tun"), captured from a 6.18 kernel.
 * The kernel sends IFLA_TUN_OWNER / GROUP only when set, and the queue
 * counts only for multi-queue devices.
 */

/** ip tuntap add gtap mode tap   — ip -d -j: type "tap", pi false, vnet_hdr false, multi_queue false, persist true */
const TAP = hex(
      // IFLA_TUN_TYPE (3), u8: 2 = IFF_TAP
      '05 00 03 00 | 02 | 00 00 00',
      // IFLA_TUN_PI (4), u8: 0 (ip tuntap sets IFF_NO_PI unless asked for pi)
      '05 00 04 00 | 00 | 00 00 00',
      // IFLA_TUN_VNET_HDR (5), u8: 0
      '05 00 05 00 | 00 | 00 00 00',
      // IFLA_TUN_PERSIST (6), u8: 1 (ip tuntap makes persistent devices)
      '05 00 06 00 | 01 | 00 00 00',
      // IFLA_TUN_MULTI_QUEUE (7), u8: 0
      '05 00 07 00 | 00 | 00 00 00',
);
const TAP_EXPECTED = { type: 2, pi: 0, vnetHdr: 0, persist: 1, multiQueue: 0 };

/** ip tuntap add gtun mode tun user 0 group 0 multi_queue pi   — ip -d -j: type "tun", pi true, multi_queue true, numqueues 0, user/group "root" */
const TUN = hex(
      // IFLA_TUN_TYPE (3), u8: 1
      '05 00 03 00 | 01 | 00 00 00',
      // IFLA_TUN_OWNER (1), u32: 0
      '08 00 01 00 | 00 00 00 00',
      // IFLA_TUN_GROUP (2), u32: 0
      '08 00 02 00 | 00 00 00 00',
      // IFLA_TUN_PI (4), u8: 1
      '05 00 04 00 | 01 | 00 00 00',
      // IFLA_TUN_VNET_HDR (5), u8: 0
      '05 00 05 00 | 00 | 00 00 00',
      // IFLA_TUN_PERSIST (6), u8: 1
      '05 00 06 00 | 01 | 00 00 00',
      // IFLA_TUN_MULTI_QUEUE (7), u8: 1
      '05 00 07 00 | 01 | 00 00 00',
      // IFLA_TUN_NUM_QUEUES (8), u32: 0
      '08 00 08 00 | 00 00 00 00',
      // IFLA_TUN_NUM_DISABLED_QUEUES (9), u32: 0
      '08 00 09 00 | 00 00 00 00',
);
const TUN_EXPECTED = {
    type: 1,
    owner: 0,
    group: 0,
    pi: 1,
    vnetHdr: 0,
    persist: 1,
    multiQueue: 1,
    numQueues: 0,
    numDisabledQueues: 0
  };

describe('tun link data (IFLA_TUN_*) golden bytes', () => {
  it('decodes a tap and a tun', () => {
    expect(decode(tunAttrs, TAP)).toEqual(TAP_EXPECTED);
    expect(decode(tunAttrs, TUN)).toEqual(TUN_EXPECTED);
  });

  it('encodes them back to the same bytes', () => {
    expect(encode(tunAttrs, TAP_EXPECTED)).toEqual(TAP);
    expect(encode(tunAttrs, TUN_EXPECTED)).toEqual(TUN);
  });

  it('gives the friendly view', () => {
    expect(tunInfo(decode(tunAttrs, TAP))).toEqual({ kind: 'tun', type: 'tap', pi: false, vnetHdr: false, persist: true, multiQueue: false });
    expect(tunInfo(decode(tunAttrs, TUN))).toEqual({
      kind: 'tun', type: 'tun', pi: true, vnetHdr: false, persist: true, multiQueue: true, owner: 0, group: 0, numQueues: 0, numDisabledQueues: 0,
    });
  });
});
