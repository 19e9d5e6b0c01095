/**
 * Decoded netlink messages as flat `path → value` lists, for fixture
 * annotations and for the replay's diffs. Paths use the attribute names of
 * the family tables (`linkinfo.kind`, `cacheinfo.tstamp`); attributes the
 * tables do not model appear as `#TYPE` with their bytes, so nothing the
 * kernel sent is hidden from a diff.
 */
import { NLMSG, NLMSG_HDRLEN, NLA_TYPE_MASK } from '../netlink/constants.js';
import { readDoneMessage, readErrorMessage, readHeader, forEachMessage } from '../netlink/message.js';
import { unknownAttrs, type AttrSet } from '../netlink/schema.js';
import { STRUCT_TAIL } from '../netlink/codecs.js';
import { errnoName } from '../shim/errors.js';
import { toHex } from './bytes.js';
import { familyOf } from './families.js';
import { headerFlagNames, messageTypeName } from './names.js';
import { rawPathAt } from './tlv.js';

export interface Field {
  path: string;
  /** The value as text: strings JSON-quoted, bytes as hex, bigints with an `n`. */
  value: string;
  /** Byte length when the value is raw bytes (annotations abbreviate long ones). */
  bytes?: number;
}

/** One message of a datagram, decoded as far as the tables allow. */
export interface DecodedMessage {
  offset: number;
  length: number;
  type: number;
  /** `RTM_NEWLINK seq=1 pid=1 flags=REQUEST|ACK`: the nlmsghdr in words. */
  title: string;
  fields: Field[];
  /** Why the body could not be decoded, if it could not. */
  decodeError?: string;
}

/** Splits a datagram into messages and decodes each. `fromKernel` selects how header flags are named. */
export function decodeDatagram(data: Uint8Array, fromKernel: boolean, requestBySeq?: (seq: number) => Uint8Array | undefined): DecodedMessage[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: DecodedMessage[] = [];
  try {
    forEachMessage(view, data.length, (off, h) => {
      const bytes = data.subarray(off, off + h.len);
      const title = `${messageTypeName(h.type)} seq=${h.seq} pid=${h.pid} flags=${headerFlagNames(h.type, h.flags, fromKernel)}`;
      const m: DecodedMessage = { offset: off, length: h.len, type: h.type, title, fields: [] };
      try {
        m.fields = messageFields(bytes, h.type, requestBySeq?.(h.seq));
      } catch (e) {
        m.decodeError = (e as Error).message;
      }
      out.push(m);
    });
  } catch (e) {
    out.push({ offset: 0, length: data.length, type: -1, title: 'not a netlink datagram', fields: [], decodeError: (e as Error).message });
  }
  return out;
}

/** The fields of one whole message (nlmsghdr included in `bytes`). */
export function messageFields(bytes: Uint8Array, type: number, request?: Uint8Array): Field[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = readHeader(view, 0);
  if (type === NLMSG.ERROR || type === NLMSG.DONE) {
    if (bytes.length < NLMSG_HDRLEN + 4) return [];
    const e = type === NLMSG.ERROR ? readErrorMessage(bytes, view, 0, h) : readDoneMessage(bytes, view, 0, h);
    const fields: Field[] = [{ path: 'error', value: e.errno === 0 ? (type === NLMSG.ERROR ? 'ack' : '0') : `${errnoName(e.errno)} (-${e.errno})` }];
    if (e.extack.message !== undefined) fields.push({ path: 'extack.msg', value: JSON.stringify(e.extack.message) });
    if (e.extack.offset !== undefined) fields.push({ path: 'extack.offset', value: `${e.extack.offset}${request ? ` (${attrNameAt(request, e.extack.offset)})` : ''}` });
    if (e.extack.missingType !== undefined) fields.push({ path: 'extack.missingType', value: String(e.extack.missingType) });
    if (e.extack.missingNestOffset !== undefined) fields.push({ path: 'extack.missingNest', value: String(e.extack.missingNestOffset) });
    return fields;
  }
  const fam = familyOf(type);
  if (!fam) return [{ path: 'payload', value: toHex(bytes.subarray(NLMSG_HDRLEN)), bytes: bytes.length - NLMSG_HDRLEN }];
  const msg = fam.family.decode(bytes);
  const fields: Field[] = [];
  flattenInto(fields, fam.family.name, msg.header);
  flattenInto(fields, '', msg.attrs);
  return fields;
}

/** The attribute of a request that a byte offset (e.g. NLMSGERR_ATTR_OFFS) points into, by name. */
export function attrNameAt(request: Uint8Array, offset: number): string {
  if (request.length < NLMSG_HDRLEN) return '?';
  const type = new DataView(request.buffer, request.byteOffset).getUint16(4, true);
  const fam = familyOf(type);
  const raw = rawPathAt(request, offset, fam?.family.headerSize ?? 0);
  if (!raw || !fam || raw === 'nlmsghdr' || raw === 'family header') return raw ?? '?';
  const names: string[] = [];
  let set: AttrSet | undefined = fam.family.attrs;
  for (const n of raw.split('.').map(Number)) {
    const def: { key: string; codec: { set?: AttrSet } } | undefined = set?.byType[n & NLA_TYPE_MASK];
    names.push(def ? def.key : `#${n}`);
    set = def?.codec.set;
  }
  return names.join('.');
}

function render(v: unknown): { value: string; bytes?: number } {
  if (typeof v === 'string') return { value: JSON.stringify(v) };
  if (typeof v === 'bigint') return { value: `${v}n` };
  if (v instanceof Uint8Array) return { value: v.length ? toHex(v) : '""', bytes: v.length };
  return { value: String(v) };
}

/** Depth-first `path → value`, attribute order as decoded, unknown attributes last. */
export function flattenInto(out: Field[], prefix: string, v: unknown): void {
  const join = (k: string) => (prefix ? `${prefix}.${k}` : k);
  if (v === null || v === undefined || typeof v !== 'object' || v instanceof Uint8Array) {
    out.push({ path: prefix || 'value', ...render(v) });
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => flattenInto(out, `${prefix}[${i}]`, x));
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    flattenInto(out, join(k), x);
  }
  for (const raw of unknownAttrs(v)) {
    out.push({ path: join(`#${raw.type & NLA_TYPE_MASK}`), value: raw.data.length ? toHex(raw.data) : '""', bytes: raw.data.length });
  }
  // Bytes past a struct's known fields (a newer kernel's additions) count too.
  const tail = (v as { [STRUCT_TAIL]?: { extra: Uint8Array } })[STRUCT_TAIL];
  if (tail && tail.extra.length) out.push({ path: join('#tail'), value: toHex(tail.extra), bytes: tail.extra.length });
}
