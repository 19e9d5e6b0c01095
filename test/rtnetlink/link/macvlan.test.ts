import { describe, expect, it } from 'vitest';
import { decode, encode, hex } from './_golden.js';
import { writeView } from '../../../src/netlink/fields.js';
import { macvlanAttrs, macvlanInfo } from '../../../src/rtnetlink/link/index.js';

/**
 * IFLA_INFO_DATA of a macvlan in source mode, captured from Debian's 6.1
 * kernel (the full-kernel lane) after
 *   ip link add link gp0 name gm1 type macvlan mode source macaddr add 02:00:00:00:00:e2
 * `ip -d -j` showed: mode "source", bcqueuelen 1000, usedbcqueuelen 1000,
 * macaddr_count 1, macaddr_data ["02:00:00:00:00:e2"]. The kernel sends
 * MACADDR_COUNT in every mode (0 outside source mode).
 */
const SOURCE = hex(
  // IFLA_MACVLAN_MODE (1), u32: 16 (source)
  '08 00 01 00 | 10 00 00 00',
  // IFLA_MACVLAN_FLAGS (2), u16: 0
  '06 00 02 00 | 00 00 | 00 00',
  // IFLA_MACVLAN_MACADDR_COUNT (6), u32: 1
  '08 00 06 00 | 01 00 00 00',
  // IFLA_MACVLAN_MACADDR_DATA (5): one IFLA_MACVLAN_MACADDR (4)
  '10 00 05 00 | 0a 00 04 00 02 00 00 00 00 e2 00 00',
  // IFLA_MACVLAN_BC_QUEUE_LEN (7), u32: 1000
  '08 00 07 00 | e8 03 00 00',
  // IFLA_MACVLAN_BC_QUEUE_LEN_USED (8), u32: 1000
  '08 00 08 00 | e8 03 00 00',
);

/** A macvtap in passthru mode with nopromisc (same kernel): `ip -d -j` mode "passthru", nopromisc true. */
const PASSTHRU = hex('08 00 01 00 | 08 00 00 00', '06 00 02 00 | 01 00 | 00 00', '08 00 06 00 | 00 00 00 00', '08 00 07 00 | e8 03 00 00', '08 00 08 00 | e8 03 00 00');

describe('macvlan golden bytes', () => {
  it('decodes source mode with its list, and the friendly view', () => {
    const d = decode(macvlanAttrs, SOURCE);
    expect(d).toMatchObject({ mode: 16, flags: 0, macaddrCount: 1, macaddrData: { macaddr: ['02:00:00:00:00:e2'] }, bcQueueLen: 1000, bcQueueLenUsed: 1000 });
    expect(macvlanInfo('macvlan', d)).toEqual({
      kind: 'macvlan',
      mode: 'source',
      flags: { nopromisc: false, nodst: false },
      sourceMacs: ['02:00:00:00:00:e2'],
      sourceMacCount: 1,
      bcQueueLen: 1000,
      bcQueueLenUsed: 1000,
    });
    expect(macvlanInfo('macvtap', decode(macvlanAttrs, PASSTHRU))).toMatchObject({ kind: 'macvtap', mode: 'passthru', flags: { nopromisc: true, nodst: false } });
  });

  it('re-encodes the kernel messages byte for byte', () => {
    expect(encode(macvlanAttrs, decode(macvlanAttrs, SOURCE))).toEqual(SOURCE);
    expect(encode(macvlanAttrs, decode(macvlanAttrs, PASSTHRU))).toEqual(PASSTHRU);
  });

  it('encodes createMacvlan options: mode by name, flags as a word, the source list as a nest', () => {
    const wire = writeView(macvlanAttrs, { mode: 'source', flags: { nodst: true }, sourceMacs: ['02:00:00:00:00:E1', '02:00:00:00:00:e2'], bcQueueLen: 64 }, '');
    expect(wire).toEqual({ mode: 16, flags: 2, macaddrData: { macaddr: ['02:00:00:00:00:e1', '02:00:00:00:00:e2'] }, bcQueueLen: 64 });
    expect(encode(macvlanAttrs, { ...wire, macaddrMode: 3 })).toEqual(
      hex(
        '08 00 01 00 | 10 00 00 00',
        '06 00 02 00 | 02 00 | 00 00',
        '1c 00 05 80 | 0a 00 04 00 02 00 00 00 00 e1 00 00 0a 00 04 00 02 00 00 00 00 e2 00 00',
        '08 00 07 00 | 40 00 00 00',
        // IFLA_MACVLAN_MACADDR_MODE (3): MACVLAN_MACADDR_SET
        '08 00 03 00 | 03 00 00 00',
      ),
    );
  });

  it('refuses bad options before any system call', () => {
    expect(() => writeView(macvlanAttrs, { mode: 'bridged' }, '')).toThrow(/mode: expected one of "private", "vepa", "bridge", "passthru", "source"/);
    expect(() => writeView(macvlanAttrs, { sourceMacs: ['nope'] }, '')).toThrow(/sourceMacs\[0\]: expected a MAC address/);
    expect(() => writeView(macvlanAttrs, { sourceMacCount: 3 }, '')).toThrow(/sourceMacCount: is read-only/);
  });
});
