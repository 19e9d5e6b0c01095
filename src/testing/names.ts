/**
 * Symbolic names for the numbers a fixture shows: message types, header
 * flags (whose meaning depends on the request kind, as in <linux/netlink.h>),
 * open(2)/mount(2) flags. Unknown bits are printed as hex and parsed back.
 */
import { NLM_F, NLMSG } from '../netlink/constants.js';
import { RTM } from '../rtnetlink/constants.js';
import { CLONE_NEWNET, MNT_DETACH, MS_BIND, MS_REC, MS_SHARED, MS_SLAVE, O_CLOEXEC, O_CREAT, O_EXCL, O_NONBLOCK, O_RDWR } from '../shim/constants.js';

const typeNames = new Map<number, string>();
for (const [k, v] of Object.entries(NLMSG)) typeNames.set(v, `NLMSG_${k}`);
for (const [k, v] of Object.entries(RTM)) typeNames.set(v, `RTM_${k}`);

/** `RTM_NEWLINK`, `NLMSG_ERROR`, or `type 123`. */
export function messageTypeName(type: number): string {
  return typeNames.get(type) ?? `type ${type}`;
}

/** What a message of this type is: a request kind decides which NLM_F bits mean what. */
export function requestKind(type: number): 'new' | 'del' | 'get' | 'set' | 'control' {
  if (type < 16) return 'control';
  switch ((type - 16) % 4) {
    case 0:
      return 'new';
    case 1:
      return 'del';
    case 2:
      return 'get';
    default:
      return 'set';
  }
}

export type BitNames = readonly (readonly [string, number])[];

const common: BitNames = [
  ['REQUEST', NLM_F.REQUEST],
  ['MULTI', NLM_F.MULTI],
  ['ACK', NLM_F.ACK],
  ['ECHO', NLM_F.ECHO],
  ['DUMP_INTR', NLM_F.DUMP_INTR],
  ['DUMP_FILTERED', NLM_F.DUMP_FILTERED],
];
const getBits: BitNames = [...common, ['DUMP', NLM_F.DUMP], ['ROOT', NLM_F.ROOT], ['MATCH', NLM_F.MATCH], ['ATOMIC', NLM_F.ATOMIC]];
const newBits: BitNames = [...common, ['REPLACE', NLM_F.REPLACE], ['EXCL', NLM_F.EXCL], ['CREATE', NLM_F.CREATE], ['APPEND', NLM_F.APPEND]];
const delBits: BitNames = [...common, ['NONREC', NLM_F.NONREC], ['BULK', NLM_F.BULK]];
const ackBits: BitNames = [...common, ['CAPPED', NLM_F.CAPPED], ['ACK_TLVS', NLM_F.ACK_TLVS]];

/**
 * nlmsg_flags by name. The high byte means different things for GET, NEW,
 * DELETE requests and for ACKs; replies from the kernel use only the low
 * byte (MULTI, DUMP_INTR …), so they are named with the common table.
 */
export function headerFlagNames(type: number, flags: number, fromKernel: boolean): string {
  let table = common;
  if (type === NLMSG.ERROR) table = ackBits;
  else if (!fromKernel) {
    const kind = requestKind(type);
    table = kind === 'get' ? getBits : kind === 'new' || kind === 'set' ? newBits : kind === 'del' ? delBits : common;
  }
  return formatBits(flags, table, '0');
}

/** `A|B|0x40` for the bits of `value`; multi-bit names (DUMP) win over their parts. */
export function formatBits(value: number, table: BitNames, zero: string): string {
  if (value === 0) return zero;
  const out: string[] = [];
  let rest = value >>> 0;
  // Wider masks first so NLM_F_DUMP is named instead of ROOT|MATCH.
  const sorted = [...table].sort((a, b) => popcount(b[1]) - popcount(a[1]));
  for (const [name, bit] of sorted) {
    if (bit !== 0 && (rest & bit) === bit) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  // Keep the table's order for readability.
  const order = new Map(table.map(([n], i) => [n, i]));
  return out.sort((a, b) => (order.get(a) ?? 99) - (order.get(b) ?? 99)).join('|');
}

/** Inverse of {@link formatBits}. */
export function parseBits(text: string, table: BitNames, zero: string): number {
  if (text === zero || text === '0') return 0;
  let v = 0;
  for (const part of text.split('|')) {
    const hit = table.find(([n]) => n === part);
    if (hit) v |= hit[1];
    else if (/^0x[0-9a-f]+$/i.test(part) || /^\d+$/.test(part)) v |= Number(part);
    else throw new Error(`unknown flag ${JSON.stringify(part)}`);
  }
  return v >>> 0;
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n >>> 0; x; x &= x - 1) c++;
  return c;
}

export const OPEN_FLAGS: BitNames = [
  ['O_RDWR', O_RDWR],
  ['O_CREAT', O_CREAT],
  ['O_EXCL', O_EXCL],
  ['O_NONBLOCK', O_NONBLOCK],
  ['O_CLOEXEC', O_CLOEXEC],
];
export const OPEN_ZERO = 'O_RDONLY';

export const MOUNT_FLAGS: BitNames = [
  ['MS_BIND', MS_BIND],
  ['MS_REC', MS_REC],
  ['MS_SHARED', MS_SHARED],
  ['MS_SLAVE', MS_SLAVE],
];
export const UMOUNT_FLAGS: BitNames = [['MNT_DETACH', MNT_DETACH]];
export const CLONE_FLAGS: BitNames = [['CLONE_NEWNET', CLONE_NEWNET]];

export const NETLINK_PROTOCOLS: BitNames = [['NETLINK_ROUTE', 0]];

export function protocolName(p: number): string {
  return NETLINK_PROTOCOLS.find(([, v]) => v === p)?.[0] ?? String(p);
}
export function parseProtocol(s: string): number {
  const hit = NETLINK_PROTOCOLS.find(([n]) => n === s);
  return hit ? hit[1] : Number(s);
}
