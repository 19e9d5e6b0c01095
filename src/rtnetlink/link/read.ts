/**
 * `Link` views built straight from a link message's bytes, for the API's
 * getLink / listLinks / iterateLinks / createVethPair.
 *
 * Decoding a whole RTM_NEWLINK (≈1.5 KB for a veth: ~45 attributes, the
 * IPv4/IPv6 devconf tables, ~70 64-bit counters) costs 10–20× the kernel's
 * own work for a GETLINK, while most callers read a handful of fields. So
 * `readLink` walks the top-level attributes once, as the C floor's
 * mnl_attr_parse does, and reads the scalar fields of `Link` on the way
 * (name, index, flags, MTU, kind, addresses, master …). The parts that are
 * expensive to decode are own enumerable accessor properties that decode on
 * first access and then turn into ordinary data properties:
 *
 *   attrs     every attribute, through the link tables (linkMessage.decode)
 *   stats     IFLA_STATS64 alone (25 bigints)
 *   info      bridge, tun and vxlan data (veth and ifb are read eagerly)
 *   portInfo  bridge port options
 *
 * Because they are own and enumerable, the object behaves as plain data:
 * Object.keys, spread, JSON.stringify, structuredClone and deep equality
 * all see (and trigger) the values; assigning replaces them. Its prototype
 * is Object.prototype. Two things differ from an eagerly built Link: a
 * malformed nested attribute throws its DecodeError when the property is
 * first read, not when the message arrives (the top level, and every field
 * read here, is still checked up front); and util.inspect shows a property
 * nobody has read yet as `[Getter/Setter]`.
 *
 * The view keeps the message's bytes until `attrs` has been decoded;
 * decode → encode of `attrs` is exactly as lossless as linkMessage.decode,
 * since it is linkMessage.decode.
 *
 * Why one file of ~530 lines: it is the measured hot path of every look-up
 * and dump (docs/benchmarks.md); its offset table, attribute walk and lazy
 * accessors share locals that a split would turn into calls.
 */
import { Buffer } from 'node:buffer';
import { NLA_HDRLEN, NLA_TYPE_MASK, NLMSG_HDRLEN, align4 } from '../../netlink/constants.js';
import { DecodeError } from '../../netlink/errors.js';
import { withToJSON } from '../../netlink/json-safe.js';
import { decodeCtx } from '../../netlink/schema.js';
import { AF } from '../constants.js';
import { type LinkAttrs, linkAttrs, propListAttrs } from './attrs.js';
import { ARPHRD_NAMES, IFF, IFINFOMSG_SIZE, type IfInfoMsg, LINK_MODES, OPER_STATES, flagNames } from './header.js';
import { IFLA_INFO } from './linkinfo.js';
import { type Link, kindDef, kindInfo, portInfo } from './view.js';
import { linkMessage } from './message.js';
import { type LinkStats64, rtnlLinkStats64 } from './stats.js';

// Field codes for the top-level attributes read eagerly. The attribute
// numbers come from the link table (attrs.ts), the single source of truth;
// a dense code per field lets the switch below compile to a jump table.
const F = {
  address: 1,
  broadcast: 2,
  ifname: 3,
  mtu: 4,
  link: 5,
  qdisc: 6,
  master: 7,
  protinfo: 8,
  txqlen: 9,
  operstate: 10,
  linkmode: 11,
  linkinfo: 12,
  ifalias: 13,
  stats64: 14,
  group: 15,
  promiscuity: 16,
  numTxQueues: 17,
  numRxQueues: 18,
  carrier: 19,
  carrierChanges: 20,
  linkNetnsid: 21,
  minMtu: 22,
  maxMtu: 23,
  propList: 24,
  permAddress: 25,
  allmulti: 26,
  targetNetnsid: 27,
} as const satisfies Partial<Record<keyof typeof linkAttrs.specs, number>>;

const FIELD = new Uint8Array(NLA_TYPE_MASK + 1);
for (const [key, code] of Object.entries(F)) FIELD[linkAttrs.specs[key as keyof typeof F].type] = code;
const ALT_IFNAME = propListAttrs.specs.altIfname.type;

/**
 * What the accessors need: the message — `[base, base + len)` of `raw`,
 * bytes or a latin1 string of them (see readLinkAt) — where IFLA_STATS64
 * is in it (from the message's start), and what has been decoded.
 */
interface LazyState {
  raw: Uint8Array | string | undefined;
  base: number;
  len: number;
  statsOff: number;
  statsLen: number;
  attrs: LinkAttrs | undefined;
  stats: LinkStats64 | undefined;
}

/**
 * Attaches the state to a view as a private field. A class whose base
 * constructor returns the object it is given installs its private fields
 * on that object: the state is invisible to keys, symbols, JSON, spread,
 * equality and util.inspect, and the object keeps Object.prototype. Adding
 * it costs a property store, where a non-enumerable property via
 * Object.defineProperty costs ~20× more.
 */
const Base = function (o: object) {
  return o;
} as unknown as new (o: object) => object;

class Private extends Base {
  #state: LazyState;
  constructor(o: object, state: LazyState) {
    super(o);
    this.#state = state;
  }
  static of(o: object): LazyState {
    return (o as Private).#state;
  }
}

/** Replaces an accessor by the plain data property it stands for. */
function settle(link: object, key: string, value: unknown): void {
  try {
    Object.defineProperty(link, key, { value, writable: true, enumerable: true, configurable: true });
  } catch {
    // A frozen view keeps its accessor, which keeps answering from the state.
  }
}

function bytesOf(st: LazyState): Uint8Array {
  const raw = st.raw as Uint8Array | string;
  if (typeof raw !== 'string') return raw.subarray(st.base, st.base + st.len);
  // A plain Uint8Array over the Buffer's memory: decoders copy raw
  // attributes with slice(), which on a Buffer would return a view.
  const b = Buffer.from(raw, 'latin1');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function attrsOf(link: object): LinkAttrs {
  const st = Private.of(link);
  if (!st.attrs) {
    const attrs = linkMessage.decode(bytesOf(st)).attrs;
    // `stats` read first: the same object, as in an eagerly built Link.
    if (st.stats && attrs.stats64 !== undefined) attrs.stats64 = st.stats;
    st.attrs = attrs;
    st.raw = undefined; // everything lazy is now derived from attrs
  }
  return st.attrs;
}

function statsOf(link: object): LinkStats64 | undefined {
  const st = Private.of(link);
  if (st.attrs) return st.attrs.stats64;
  if (!st.stats) {
    const ctx = decodeCtx(bytesOf(st));
    ctx.path.push('stats64');
    st.stats = rtnlLinkStats64.decode(ctx, st.statsOff, st.statsLen);
  }
  return st.stats;
}

function lazy(key: string, read: (link: Link) => unknown): PropertyDescriptor {
  return {
    get(this: Link) {
      const v = read(this);
      settle(this, key, v);
      return v;
    },
    set(this: Link, v: unknown) {
      settle(this, key, v);
    },
    enumerable: true,
    configurable: true,
  };
}

const ATTRS = lazy('attrs', attrsOf);
const STATS = lazy('stats', statsOf);
const INFO = lazy('info', (l) => kindInfo(l.index, attrsOf(l), attrsOf(l).linkinfo));
const PORT_INFO = lazy('portInfo', (l) => portInfo(l.header.family, attrsOf(l)));

function fail(message: string, path?: string): never {
  throw new DecodeError(message, path);
}

function u32(view: DataView, p: number, len: number, key: string): number {
  if (len !== 4) fail(`u32 wants 4 bytes, got ${len}`, key);
  return view.getUint32(p, true);
}

function u8(view: DataView, p: number, len: number, key: string): number {
  if (len !== 1) fail(`u8 wants 1 bytes, got ${len}`, key);
  return view.getUint8(p);
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * A NUL-terminated string, as the `string` codec reads it (up to the first
 * NUL; UTF-8). Names are short ASCII: a plain loop beats TextDecoder there,
 * and `last` — the previous value of the same field (qdisc, kind …) — is
 * returned instead of a new string when the bytes spell it again.
 */
function str(buf: Uint8Array, p: number, len: number, last?: string): string {
  let n = 0;
  while (n < len && buf[p + n] !== 0) n++;
  if (last !== undefined && last.length === n) {
    let i = 0;
    while (i < n && last.charCodeAt(i) === buf[p + i]) i++;
    if (i === n) return last;
  }
  if (n > 32) return utf8.decode(buf.subarray(p, p + n));
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = buf[p + i] as number;
    if (c >= 0x80) return utf8.decode(buf.subarray(p, p + n));
    s += String.fromCharCode(c);
  }
  return s;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const DIGIT = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** A hardware address as `formatMac` (inet.ts) writes it: lowercase hex pairs joined by ':'. */
function mac(buf: Uint8Array, p: number, len: number, last?: string): string {
  if (last !== undefined && last.length === 3 * len - 1) {
    let i = 0;
    for (; i < len; i++) {
      const b = buf[p + i] as number;
      if (last.charCodeAt(3 * i) !== DIGIT[b >> 4] || last.charCodeAt(3 * i + 1) !== DIGIT[b & 15]) break;
    }
    if (i === len) return last;
  }
  if (len === 6) {
    // An Ethernet address: one flat string (a chain of `+=` builds a rope
    // of ~10 string objects, which every kept Link would carry).
    const d = (i: number, shift: number) => DIGIT[((buf[p + i] as number) >> shift) & 15] as number;
    return String.fromCharCode(d(0, 4), d(0, 0), 58, d(1, 4), d(1, 0), 58, d(2, 4), d(2, 0), 58, d(3, 4), d(3, 0), 58, d(4, 4), d(4, 0), 58, d(5, 4), d(5, 0));
  }
  let s = '';
  for (let i = 0; i < len; i++) s += (i ? ':' : '') + (HEX[buf[p + i] as number] as string);
  return s;
}

/** Checks one attribute header inside `[off, end)` of the nest named `set`; returns its length. */
function attrLen(view: DataView, off: number, end: number, set: string, path: string | undefined): number {
  if (end - off < NLA_HDRLEN) fail(`${set}: ${end - off} trailing bytes, too short for an attribute header`, path);
  const len = view.getUint16(off, true);
  if (len < NLA_HDRLEN || off + len > end) {
    fail(`${set}: attribute type ${view.getUint16(off + 2, true) & NLA_TYPE_MASK} has length ${len}, ${end - off} bytes left`, path);
  }
  return len;
}

/** Wraps a receive buffer as a Buffer once, for latin1 copies out of it. */
let wrapped: Uint8Array | undefined;
let wrappedAs: Buffer | undefined;

function latin1(buf: Uint8Array, start: number, end: number): string {
  if (buf !== wrapped || !wrappedAs) {
    wrapped = buf;
    wrappedAs = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  return wrappedAs.toString('latin1', start, end);
}

/**
 * Flag name lists by flags value: a link's list is a copy (callers may
 * change it) of exactly its length — a list grown by push() keeps room for
 * 17 names, which every kept Link would carry.
 */
const FLAG_NAMES = new Map<number, readonly string[]>();

function flagList(flags: number): string[] {
  let names = FLAG_NAMES.get(flags);
  if (!names) {
    names = flagNames(flags);
    if (FLAG_NAMES.size < 256) FLAG_NAMES.set(flags, names);
  }
  return names.slice();
}

/** Strings seen in the previous message, reused when the bytes repeat (every veth has qdisc "noqueue"…). */
const last = { qdisc: undefined as string | undefined, kind: undefined as string | undefined, slaveKind: undefined as string | undefined, broadcast: undefined as string | undefined };

/**
 * A `Link` from the bytes of an RTM_NEWLINK message (nlmsghdr included).
 * Equal, field for field, to `toLink(linkMessage.decode(bytes))`; see the
 * file comment for what is decoded when. `bytes` are kept for that and
 * must not change afterwards (the socket's messages are private copies).
 */
export function readLink(bytes: Uint8Array): Link {
  return readLinkAt(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.length, bytes);
}

/**
 * A `Link` from the message at `[start, start + size)` of a buffer that is
 * about to be reused (a socket's receive buffer, see ReplyReader), read in
 * place. The bytes the lazy properties need are kept as a latin1 string —
 * byte for byte, one character per byte — rather than copied into a new
 * ArrayBuffer: a string is an ordinary heap object, while each ArrayBuffer
 * costs an external allocation (~0.5–1 µs, more than this whole function).
 * `keep` is a private copy of `buf` with the message at the same offsets
 * (a dump's datagram, shared by its ~20 messages), kept instead: when the
 * links are kept too (listLinks), the garbage collector copies every
 * surviving string once more, but never the contents of an ArrayBuffer.
 * `stats: false` leaves `stats` out of the Link (a look-up asked the
 * kernel to skip counters; IFLA_STATS64 still arrives, and stays in `attrs`).
 */
export function readLinkAt(buf: Uint8Array, view: DataView, start: number, size: number, keep?: Uint8Array, stats = true): Link {
  return new LinkView(buf, view, start, size, keep, stats);
}

/**
 * The view's constructor. A constructor (rather than an object literal
 * that grows) lets V8 size the object for all its fields up front; its
 * prototype is Object.prototype, so what it builds is a plain object.
 */
const LinkView = function (this: Link, buf: Uint8Array, view: DataView, start: number, size: number, keep: Uint8Array | undefined, stats: boolean) {
  if (size < NLMSG_HDRLEN + IFINFOMSG_SIZE) {
    fail(`ifinfomsg: message of ${size} bytes is shorter than its ${IFINFOMSG_SIZE}-byte header`);
  }
  const msgLen = view.getUint32(start, true);
  if (msgLen > size || msgLen < NLMSG_HDRLEN + IFINFOMSG_SIZE) fail(`ifinfomsg: bad nlmsg_len ${msgLen}`);
  const end = start + msgLen;
  const h = start + NLMSG_HDRLEN;
  const header: IfInfoMsg = {
    family: view.getUint8(h),
    type: view.getUint16(h + 2, true),
    index: view.getInt32(h + 4, true),
    flags: view.getUint32(h + 8, true),
    change: view.getUint32(h + 12, true),
  };
  const pad = view.getUint8(h + 1);
  if (pad !== 0) header.pad = pad;

  let name: string | undefined;
  let mtu: number | undefined;
  let address: string | undefined;
  let broadcast: string | undefined;
  let permAddress: string | undefined;
  let link: number | undefined;
  let qdisc: string | undefined;
  let master: number | undefined;
  let txqlen: number | undefined;
  let operstate: number | undefined;
  let linkmode: number | undefined;
  let ifalias: string | undefined;
  let group: number | undefined;
  let promiscuity: number | undefined;
  let numTxQueues: number | undefined;
  let numRxQueues: number | undefined;
  let carrier: number | undefined;
  let carrierChanges: number | undefined;
  let linkNetnsid: number | undefined;
  let targetNetnsid: number | undefined;
  let minMtu: number | undefined;
  let maxMtu: number | undefined;
  let allmulti: number | undefined;
  let altNames: string[] | undefined;
  let kind: string | undefined;
  let slaveKind: string | undefined;
  let seenLinkinfo = false;
  let slaveData = false;
  let protinfo = false;
  let statsOff = -1;
  let statsLen = 0;

  for (let off = h + IFINFOMSG_SIZE; off < end; ) {
    if (end - off < NLA_HDRLEN) fail(`link: ${end - off} trailing bytes, too short for an attribute header`);
    // struct nlattr { u16 nla_len; u16 nla_type; }, little-endian: one read for both.
    const nla = view.getUint32(off, true);
    const len = nla & 0xffff;
    if (len < NLA_HDRLEN || off + len > end) fail(`link: attribute type ${(nla >>> 16) & NLA_TYPE_MASK} has length ${len}, ${end - off} bytes left`);
    const p = off + NLA_HDRLEN;
    const plen = len - NLA_HDRLEN;
    // The first of a repeated attribute is the value (decodeAttrs keeps later ones raw).
    // Half of the attributes are not read here: skip them before the switch
    // (whose default case is the slowest path through it).
    const field = FIELD[(nla >>> 16) & NLA_TYPE_MASK];
    if (field !== 0) switch (field) {
      case F.address:
        address ??= mac(buf, p, plen);
        break;
      case F.broadcast:
        broadcast ??= last.broadcast = mac(buf, p, plen, last.broadcast);
        break;
      case F.ifname:
        name ??= str(buf, p, plen);
        break;
      case F.mtu:
        mtu ??= u32(view, p, plen, 'mtu');
        break;
      case F.link:
        link ??= u32(view, p, plen, 'link');
        break;
      case F.qdisc:
        qdisc ??= last.qdisc = str(buf, p, plen, last.qdisc);
        break;
      case F.master:
        master ??= u32(view, p, plen, 'master');
        break;
      case F.protinfo:
        protinfo = true;
        break;
      case F.txqlen:
        txqlen ??= u32(view, p, plen, 'txqlen');
        break;
      case F.operstate:
        operstate ??= u8(view, p, plen, 'operstate');
        break;
      case F.linkmode:
        linkmode ??= u8(view, p, plen, 'linkmode');
        break;
      case F.linkinfo:
        if (seenLinkinfo) break;
        seenLinkinfo = true;
        for (let q = p; q < p + plen; ) {
          const l = attrLen(view, q, p + plen, 'linkinfo', 'linkinfo');
          switch (view.getUint16(q + 2, true) & NLA_TYPE_MASK) {
            case IFLA_INFO.KIND:
              kind ??= last.kind = str(buf, q + NLA_HDRLEN, l - NLA_HDRLEN, last.kind);
              break;
            case IFLA_INFO.SLAVE_KIND:
              slaveKind ??= last.slaveKind = str(buf, q + NLA_HDRLEN, l - NLA_HDRLEN, last.slaveKind);
              break;
            case IFLA_INFO.SLAVE_DATA:
              slaveData = true;
              break;
          }
          q += align4(l);
        }
        break;
      case F.ifalias:
        ifalias ??= str(buf, p, plen);
        break;
      case F.stats64:
        if (statsOff < 0) {
          statsOff = p - start;
          statsLen = plen;
        }
        break;
      case F.group:
        group ??= u32(view, p, plen, 'group');
        break;
      case F.promiscuity:
        promiscuity ??= u32(view, p, plen, 'promiscuity');
        break;
      case F.numTxQueues:
        numTxQueues ??= u32(view, p, plen, 'numTxQueues');
        break;
      case F.numRxQueues:
        numRxQueues ??= u32(view, p, plen, 'numRxQueues');
        break;
      case F.carrier:
        carrier ??= u8(view, p, plen, 'carrier');
        break;
      case F.carrierChanges:
        carrierChanges ??= u32(view, p, plen, 'carrierChanges');
        break;
      case F.linkNetnsid:
        if (linkNetnsid === undefined) {
          if (plen !== 4) fail(`s32 wants 4 bytes, got ${plen}`, 'linkNetnsid');
          linkNetnsid = view.getInt32(p, true);
        }
        break;
      case F.minMtu:
        minMtu ??= u32(view, p, plen, 'minMtu');
        break;
      case F.maxMtu:
        maxMtu ??= u32(view, p, plen, 'maxMtu');
        break;
      case F.propList:
        if (altNames) break;
        altNames = [];
        for (let q = p; q < p + plen; ) {
          const l = attrLen(view, q, p + plen, 'prop-list', 'propList');
          if ((view.getUint16(q + 2, true) & NLA_TYPE_MASK) === ALT_IFNAME) altNames.push(str(buf, q + NLA_HDRLEN, l - NLA_HDRLEN));
          q += align4(l);
        }
        break;
      case F.permAddress:
        permAddress ??= mac(buf, p, plen);
        break;
      case F.allmulti:
        allmulti ??= u32(view, p, plen, 'allmulti');
        break;
      case F.targetNetnsid:
        if (targetNetnsid === undefined) {
          if (plen !== 4) fail(`s32 wants 4 bytes, got ${plen}`, 'targetNetnsid');
          targetNetnsid = view.getInt32(p, true);
        }
        break;
    }
    off += align4(len);
  }

  // Same keys, in the same order, with the same values as toLink() (link.ts).
  this.index = header.index;
  this.name = name ?? '';
  this.flags = flagList(header.flags);
  this.up = (header.flags & IFF.UP) !== 0;
  this.mtu = mtu ?? 0;
  this.type = header.type;
  this.linkType = ARPHRD_NAMES[header.type] ?? `[${header.type}]`;
  this.operState = OPER_STATES[operstate ?? 0] ?? 'UNKNOWN';
  this.group = group ?? 0;
  this.altNames = altNames ?? [];
  this.header = header;
  new Private(this, { raw: keep ?? latin1(buf, start, end), base: keep ? start : 0, len: msgLen, statsOff, statsLen, attrs: undefined, stats: undefined });
  withToJSON(this);
  Object.defineProperty(this, 'attrs', ATTRS);
  if (kind !== undefined) this.kind = kind;
  if (slaveKind !== undefined) this.slaveKind = slaveKind;
  if (minMtu !== undefined) this.minMtu = minMtu;
  if (maxMtu !== undefined) this.maxMtu = maxMtu;
  if (address !== undefined) this.address = address;
  if (broadcast !== undefined) this.broadcast = broadcast;
  if (permAddress !== undefined) this.permAddress = permAddress;
  if (master !== undefined && master !== 0) this.master = master;
  if (link !== undefined) this.link = link;
  if (linkNetnsid !== undefined) this.linkNetnsId = linkNetnsid;
  if (targetNetnsid !== undefined) this.netnsId = targetNetnsid;
  if (linkmode !== undefined) this.linkMode = LINK_MODES[linkmode] ?? 'DEFAULT';
  if (txqlen !== undefined) this.txQueueLen = txqlen;
  if (qdisc !== undefined) this.qdisc = qdisc;
  if (ifalias !== undefined) this.alias = ifalias;
  if (carrier !== undefined) this.carrier = carrier !== 0;
  if (carrierChanges !== undefined) this.carrierChanges = carrierChanges;
  if (promiscuity !== undefined) this.promiscuity = promiscuity;
  if (allmulti !== undefined) this.allmulti = allmulti;
  if (numTxQueues !== undefined) this.numTxQueues = numTxQueues;
  if (numRxQueues !== undefined) this.numRxQueues = numRxQueues;
  if (statsOff >= 0 && stats) Object.defineProperty(this, 'stats', STATS);
  const def = kindDef(kind);
  // Kinds whose view needs no IFLA_INFO_DATA (veth, ifb) are built at once; the others on first access.
  if (def?.dataless) this.info = def.info(undefined, { index: header.index, link, linkNetnsid }) as NonNullable<Link['info']>;
  else if (def) Object.defineProperty(this, 'info', INFO);
  if ((slaveKind === 'bridge' && slaveData) || (header.family === AF.BRIDGE && protinfo)) Object.defineProperty(this, 'portInfo', PORT_INFO);
} as unknown as { new (buf: Uint8Array, view: DataView, start: number, size: number, keep: Uint8Array | undefined, stats: boolean): Link; prototype: object };
LinkView.prototype = Object.prototype;
