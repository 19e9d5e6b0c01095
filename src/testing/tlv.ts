/**
 * A table-driven walk over the attributes of raw netlink messages, for the
 * normalisations that must patch bytes in place (zeroing a counter,
 * renumbering a file descriptor) without decoding and re-encoding.
 *
 * Paths are attribute type numbers joined by dots, relative to the family
 * header: `26.10.5` is IFLA_AF_SPEC → AF_INET6 → IFLA_INET6_CACHEINFO. Two
 * extensions:
 *   - `2@bridge` under IFLA_LINKINFO (18): IFLA_INFO_DATA, only when
 *     IFLA_INFO_KIND is "bridge" (5@bridge: IFLA_INFO_SLAVE_DATA when
 *     IFLA_INFO_SLAVE_KIND is "bridge"). The data nests mean different
 *     things per kind, so a path must say which kind it is about.
 *   - `1+16`: the payload of attribute 1 starts with a 16-byte struct and the
 *     nested attributes follow (VETH_INFO_PEER carries an ifinfomsg first).
 * The walk descends only along the paths it is given, so it never mistakes a
 * binary payload for nested attributes.
 */
import { NLMSG_HDRLEN, NLA_HDRLEN, NLA_TYPE_MASK, align4 } from '../netlink/constants.js';
import { forEachMessage } from '../netlink/message.js';
import { familyOf, type FamilyName } from './families.js';

const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const IFLA_INFO_SLAVE_KIND = 4;
const IFLA_INFO_SLAVE_DATA = 5;

/** Called for each attribute on one of the wanted paths: `off`/`len` delimit its payload in the datagram. */
export type AttrVisitor = (path: string, off: number, len: number, messageType: number) => void;

export class PathSet {
  private readonly exact = new Set<string>();
  private readonly prefixes = new Map<string, number>();
  constructor(paths: Iterable<string>) {
    for (const p of paths) {
      this.exact.add(p.replace(/\+\d+/g, ''));
      const segs = p.split('.');
      let prefix = '';
      for (let i = 0; i < segs.length - 1; i++) {
        const seg = segs[i] as string;
        const m = /^(.*)\+(\d+)$/.exec(seg);
        const bare = m ? (m[1] as string) : seg;
        prefix = prefix ? `${prefix}.${bare}` : bare;
        this.prefixes.set(prefix, m ? Number(m[2]) : (this.prefixes.get(prefix) ?? 0));
      }
    }
  }
  has(path: string): boolean {
    return this.exact.has(path);
  }
  /** The bytes to skip before the nested attributes of `path`, or undefined when no wanted path lies below it. */
  descend(path: string): number | undefined {
    return this.prefixes.get(path);
  }
}

/** Walks every message of a datagram whose family is `family`, visiting the wanted attributes. */
export function walkDatagram(data: Uint8Array, length: number, paths: Partial<Record<FamilyName, PathSet>>, visit: AttrVisitor): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let msgs: { off: number; len: number; type: number }[] = [];
  try {
    forEachMessage(view, Math.min(length, data.length), (off, h) => msgs.push({ off, len: h.len, type: h.type }));
  } catch {
    // A malformed datagram is recorded as it is: nothing to patch.
    msgs = [];
  }
  for (const m of msgs) {
    const fam = familyOf(m.type);
    if (!fam) continue;
    const set = paths[fam.name];
    if (!set) continue;
    const start = m.off + NLMSG_HDRLEN + fam.family.headerSize;
    if (start > m.off + m.len) continue;
    walkAttrs(data, view, start, m.off + m.len, '', set, (p, o, l) => visit(p, o, l, m.type));
  }
}

function walkAttrs(buf: Uint8Array, view: DataView, off: number, end: number, prefix: string, set: PathSet, visit: (path: string, off: number, len: number) => void): void {
  // IFLA_LINKINFO: learn the kinds first, they qualify the data nests.
  let kind: string | undefined;
  let slaveKind: string | undefined;
  if (prefix === String(IFLA_LINKINFO)) {
    forEachAttr(view, off, end, (type, p, l) => {
      if (type === IFLA_INFO_KIND) kind = cstring(buf, p, l);
      if (type === IFLA_INFO_SLAVE_KIND) slaveKind = cstring(buf, p, l);
    });
  }
  forEachAttr(view, off, end, (type, p, l) => {
    let seg = String(type);
    if (prefix === String(IFLA_LINKINFO)) {
      if (type === IFLA_INFO_DATA && kind) seg = `${type}@${kind}`;
      if (type === IFLA_INFO_SLAVE_DATA && slaveKind) seg = `${type}@${slaveKind}`;
    }
    const path = prefix ? `${prefix}.${seg}` : seg;
    if (set.has(path)) visit(path, p, l);
    const skip = set.descend(path);
    if (skip !== undefined && skip <= l) walkAttrs(buf, view, p + skip, p + l, path, set, visit);
  });
}

function forEachAttr(view: DataView, off: number, end: number, fn: (type: number, payload: number, len: number) => void): void {
  while (off + NLA_HDRLEN <= end) {
    const len = view.getUint16(off, true);
    if (len < NLA_HDRLEN || off + len > end) return;
    fn(view.getUint16(off + 2, true) & NLA_TYPE_MASK, off + NLA_HDRLEN, len - NLA_HDRLEN);
    off += align4(len);
  }
}

function cstring(buf: Uint8Array, off: number, len: number): string {
  let e = off;
  while (e < off + len && buf[e] !== 0) e++;
  return new TextDecoder().decode(buf.subarray(off, e));
}

/**
 * The attribute path (type numbers) of the innermost attribute of `family`
 * containing byte `at` of a message starting at 0, for hex diffs of
 * messages that do not decode. Descends heuristically: a payload counts as
 * nested when it parses exactly as attributes.
 */
export function rawPathAt(data: Uint8Array, at: number, headerSize: number): string | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < NLMSG_HDRLEN) return undefined;
  if (at < NLMSG_HDRLEN) return 'nlmsghdr';
  if (at < NLMSG_HDRLEN + headerSize) return 'family header';
  const end = Math.min(view.getUint32(0, true), data.length);
  const path: number[] = [];
  let off = NLMSG_HDRLEN + headerSize;
  let limit = end;
  for (;;) {
    let found: { type: number; p: number; l: number } | undefined;
    forEachAttr(view, off, limit, (type, p, l) => {
      if (!found && at >= p - NLA_HDRLEN && at < p + l) found = { type, p, l };
    });
    if (!found) break;
    path.push(found.type);
    if (at < found.p || !parsesAsAttrs(view, found.p, found.p + found.l)) break;
    off = found.p;
    limit = found.p + found.l;
  }
  return path.length ? path.join('.') : undefined;
}

function parsesAsAttrs(view: DataView, off: number, end: number): boolean {
  if (end - off < NLA_HDRLEN) return false;
  while (off < end) {
    if (end - off < NLA_HDRLEN) return false;
    const len = view.getUint16(off, true);
    if (len < NLA_HDRLEN || off + len > end) return false;
    off += align4(len);
  }
  return off === end || off === align4(end);
}
