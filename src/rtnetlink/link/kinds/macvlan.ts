/**
 * macvlan and macvtap devices (IFLA_MACVLAN_* in <linux/if_link.h>; the
 * kernel's macvlan.c). Both kinds share the table: a macvtap is a macvlan
 * with a character device. A macvlan sits on a lower device (IFLA_LINK) with
 * a MAC address of its own; the YNL spec has no macvlan set, so the rows
 * were checked against the header and against what 6.1 sends.
 *
 * Wire facts from macvlan_fill_info(): MODE is u32, FLAGS u16; in source
 * mode the kernel adds MACADDR_COUNT and, when there are addresses, the
 * MACADDR_DATA nest of IFLA_MACVLAN_MACADDR entries. MACADDR_MODE and a
 * single MACADDR appear only in requests (add / delete / flush / set the
 * source list).
 */
import { attr, attrSet, nest, type Decoded, type OptionsOf, type ViewOf } from '../../../netlink/schema.js';
import { hwaddr, u16, u32 } from '../../../netlink/codecs.js';
import { readView } from '../../../netlink/fields.js';
import { ValidationError } from '../../../netlink/errors.js';
import { formatValue } from '../../../netlink/format-value.js';
import { parseMac } from '../../../netlink/inet.js';
import { enumWords, flagSet } from './convs.js';

/** enum macvlan_mode: a bit each. */
export const MACVLAN_MODE = { private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 } as const;
/**
 * A macvlan mode (IFLA_MACVLAN_MODE, enum macvlan_mode): private (no traffic between macvlans of one lower device),
 * vepa (through the outside switch), bridge (directly), passthru (one macvlan takes over the lower device),
 * source (frames from the listed source MACs only).
 */
export type MacvlanMode = keyof typeof MACVLAN_MODE;
/** enum macvlan_macaddr_mode: what a request does to the source list. */
export const MACVLAN_MACADDR = { add: 0, del: 1, flush: 2, set: 3 } as const;
/** MACVLAN_FLAG_* (#defines in <linux/if_link.h>). */
const MACVLAN_FLAG = { nopromisc: 1, nodst: 2 } as const;
const macvlanFlags = flagSet(MACVLAN_FLAG);

const mode = enumWords(MACVLAN_MODE);
const macaddrOp = enumWords(MACVLAN_MACADDR);

/** IFLA_MACVLAN_MACADDR_DATA: a nest of IFLA_MACVLAN_MACADDR (4) entries. */
export const macvlanMacaddrAttrs = attrSet('macvlan-macaddr', {
  macaddr: attr(4, hwaddr, { multi: true }),
});

const macList = {
  read: (n: { macaddr?: string[] }): string[] => [...(n.macaddr ?? [])],
  write(v: unknown, field: string): { macaddr: string[] } {
    if (!Array.isArray(v)) throw new ValidationError(field, `expected an array of MAC addresses, got ${formatValue(v)}`);
    return {
      macaddr: v.map((m: unknown, i) => {
        const b = parseMac(m);
        if (!b || b.length !== 6) throw new ValidationError(`${field}[${i}]`, `expected a MAC address, got ${formatValue(m)}`);
        return (m as string).toLowerCase();
      }),
    };
  },
};

/** One MAC address (IFLA_MACVLAN_MACADDR), checked before any request. */
const oneMac = {
  read: (m: string) => m,
  write(v: unknown, field: string): string {
    const b = parseMac(v);
    if (!b || b.length !== 6) throw new ValidationError(field, `expected a MAC address, got ${formatValue(v)}`);
    return (v as string).toLowerCase();
  },
};

/** IFLA_MACVLAN_*: number and codec, the friendly field of `Link.info` and of createMacvlan's options, iproute2's spelling. */
export const macvlanAttrs = attrSet('macvlan', {
  mode: attr(1, u32).view('mode', mode.conv, { writable: true }).spelled('mode', { shape: 'words', names: mode.words }),
  /** nopromisc: do not put the lower device in promiscuous mode (passthru); nodst: skip a destination macvlan that matches the source. */
  flags: attr(2, u16).view('flags', macvlanFlags.word, { writable: true }).spelled('flags', {
    shape: 'flag-keys',
    names: ['nopromisc', 'nodst'],
    option: false,
    bareFlags: { nopromisc: 'nopromisc', nodst: 'nodst' },
  }),
  /**
   * Request only: what a change does to the source list — add or del
   * `sourceMac`, flush the list, or set it to `sourceMacs`
   * (macvlan_changelink_sources; the kernel ignores MACADDR and
   * MACADDR_DATA without it). Set for `sourceMacs` when not given.
   */
  macaddrMode: attr(3, u32).view('sourceMacOp', macaddrOp.conv, { writable: true }),
  /** Request only: the source address `sourceMacOp` add or del takes. */
  macaddr: attr(4, hwaddr).view('sourceMac', oneMac, { writable: true }),
  /** Source mode: the MAC addresses whose frames this macvlan receives (reported in the kernel's hash order). */
  macaddrData: attr(5, nest(macvlanMacaddrAttrs)).view('sourceMacs', macList, { writable: true }).spelled('macaddr_data', { shape: 'macvlan-sources', option: false }),
  macaddrCount: attr(6, u32).view('sourceMacCount', 'num').spelled('macaddr_count', { label: 'remotes', shape: 'macvlan-count' }),
  /** Length of the queue of broadcasts delivered to the macvlans of one lower device. */
  bcQueueLen: attr(7, u32).view('bcQueueLen', 'num', { writable: true }).spelled('bcqueuelen'),
  bcQueueLenUsed: attr(8, u32).view('bcQueueLenUsed', 'num').spelled('usedbcqueuelen'),
});

/** IFLA_MACVLAN_* as decoded: the IFLA_INFO_DATA of a macvlan or macvtap device. */
export type MacvlanAttrs = Decoded<typeof macvlanAttrs>;

/** The friendly view of a macvlan or macvtap (`Link.info` when kind is one of them). */
export type MacvlanInfo = { kind: 'macvlan' | 'macvtap' } & ViewOf<typeof macvlanAttrs>;
/** createMacvlan's / createMacvtap's options. */
export type MacvlanOptions = OptionsOf<typeof macvlanAttrs>;

/** The friendly view of macvlan or macvtap link data. */
export function macvlanInfo(kind: 'macvlan' | 'macvtap', data: MacvlanAttrs): MacvlanInfo {
  return { kind, ...readView(macvlanAttrs, data) } as MacvlanInfo;
}

/** The order `ip -d link show` prints these rows in (iproute2's iplink_macvlan.c macvlan_print_opt). */
export const MACVLAN_IP_ORDER: readonly (keyof typeof macvlanAttrs.specs)[] = ['mode', 'flags', 'bcQueueLen', 'bcQueueLenUsed', 'macaddrCount', 'macaddrData'];

/** A source-list request (MACADDR_MODE set): the mode that goes with `sourceMacs`. */
export const MACVLAN_SET_SOURCES = MACVLAN_MACADDR.set;

/**
 * Completes a macvlan / macvtap request (create, setLink, the command):
 * `sourceMacs` travels with MACADDR_MODE set, as the kernel applies a
 * source list only with a mode; `sourceMac` needs `sourceMacOp` add or del.
 */
export function withMacaddrMode(data: Record<string, unknown>): void {
  if (data['macaddrData'] !== undefined && data['macaddrMode'] === undefined) data['macaddrMode'] = MACVLAN_SET_SOURCES;
  const op = data['macaddrMode'];
  if (data['macaddr'] !== undefined && op !== MACVLAN_MACADDR.add && op !== MACVLAN_MACADDR.del) throw new ValidationError('sourceMac', 'goes with sourceMacOp "add" or "del"');
  if ((op === MACVLAN_MACADDR.add || op === MACVLAN_MACADDR.del) && data['macaddr'] === undefined) throw new ValidationError('sourceMacOp', 'add and del take the address as sourceMac');
  if (op === MACVLAN_MACADDR.set && data['macaddrData'] === undefined) data['macaddrData'] = { macaddr: [] };
}
