/**
 * What differs between the request a recording holds and the one a program
 * sent during replay: a decoded diff over the family tables (naming each
 * attribute that differs, with both values), then the first differing bytes
 * in hex with the attribute they fall in.
 */
import { NLMSG_HDRLEN } from '../netlink/constants.js';
import { hexLines } from './bytes.js';
import { familyOf } from './families.js';
import { decodeDatagram, type Field } from './flatten.js';
import { rawPathAt } from './tlv.js';
import { attrNameAt } from './flatten.js';

/** One field where a sent request differs from the recorded one, as a ReplayMismatchError lists them. */
export interface Difference {
  /** Attribute path (`linkinfo.data.peer.ifname`), header field (`ifinfomsg.flags`, `nlmsghdr.type`) or `#TYPE`. */
  path: string;
  /** The recorded value as text, or undefined when the recording lacks it. */
  recorded: string | undefined;
  /** The sent value as text, or undefined when the program did not send it. */
  sent: string | undefined;
}

/** Fields of each message of a datagram, with the nlmsghdr (but not the sequence number) as fields too. */
function fieldsOf(data: Uint8Array, fromKernel: boolean): { fields: Map<string, string>; ok: boolean } {
  const out = new Map<string, string>();
  let ok = true;
  const msgs = decodeDatagram(data, fromKernel);
  msgs.forEach((m, i) => {
    const p = msgs.length > 1 ? `[${i}].` : '';
    const t = m.title.split(' ');
    out.set(`${p}nlmsghdr.type`, t[0] ?? '');
    for (const part of t.slice(1)) {
      const [k, v] = part.split('=');
      if (k === 'flags' || k === 'pid') out.set(`${p}nlmsghdr.${k}`, v ?? '');
    }
    if (m.decodeError) ok = false;
    for (const f of m.fields) out.set(p + f.path, f.value);
  });
  return { fields: out, ok };
}

function ignored(path: string, ignore: readonly string[]): boolean {
  const bare = path.replace(/^\[\d+\]\./, '');
  return ignore.some((i) => bare === i || bare.startsWith(`${i}.`) || bare.startsWith(`${i}[`));
}

/** The decoded differences, leaving out `ignore`d paths; undefined when a side does not decode. */
export function decodedDifferences(recorded: Uint8Array, sent: Uint8Array, ignore: readonly string[] = []): Difference[] | undefined {
  const a = fieldsOf(recorded, false);
  const b = fieldsOf(sent, false);
  if (!a.ok || !b.ok) return undefined;
  const out: Difference[] = [];
  const keys = [...a.fields.keys()];
  for (const k of b.fields.keys()) if (!a.fields.has(k)) keys.push(k);
  for (const k of keys) {
    const x = a.fields.get(k);
    const y = b.fields.get(k);
    if (x !== y && !ignored(k, ignore)) out.push({ path: k, recorded: x, sent: y });
  }
  return out;
}

/** Index of the first differing byte, or -1. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** Hex lines around `at` for both sides, and the attribute that byte falls in. */
export function hexDiff(recorded: Uint8Array, sent: Uint8Array, at: number, hint?: string): string[] {
  const line = Math.floor(at / 16) * 16;
  const from = Math.max(0, line - 16);
  const to = line + 32;
  const window = (b: Uint8Array) =>
    hexLines(b.subarray(from, Math.min(to, b.length)), '      ').map((l) => l.replace(/^(\s+)([0-9a-f]{4})/, (_m, s: string, o: string) => `${s}${(parseInt(o, 16) + from).toString(16).padStart(4, '0')}`));
  // The byte walk names attributes only through static nests; the decoded
  // diff (`hint`) also sees kind-specific data such as a veth peer.
  const raw = attributeAt(sent.length > at ? sent : recorded, at);
  const where = hint !== undefined && (raw === undefined || raw.includes('#')) ? `attribute ${hint}` : raw;
  return [
    `  first differing byte: offset 0x${at.toString(16)} (${at})${where ? `, in ${where}` : ''}; lengths: recorded ${recorded.length}, sent ${sent.length}`,
    '    recorded:',
    ...window(recorded),
    '    sent:',
    ...window(sent),
  ];
}

/** The attribute (by name when the family is known) containing byte `at` of the message holding it. */
function attributeAt(data: Uint8Array, at: number): string | undefined {
  let off = 0;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  while (off + NLMSG_HDRLEN <= data.length) {
    const len = view.getUint32(off, true);
    if (len < NLMSG_HDRLEN) return undefined;
    if (at < off + len) {
      const msg = data.subarray(off, off + len);
      const type = view.getUint16(off + 4, true);
      const fam = familyOf(type);
      const rel = at - off;
      if (rel < NLMSG_HDRLEN) return 'nlmsghdr';
      if (fam && rel < NLMSG_HDRLEN + fam.family.headerSize) return fam.family.name;
      if (fam) return `attribute ${attrNameAt(msg, rel)}`;
      const raw = rawPathAt(msg, rel, 0);
      return raw ? `attribute ${raw}` : undefined;
    }
    off += (len + 3) & ~3;
  }
  return undefined;
}

export function formatDifferences(diffs: Difference[]): string[] {
  return diffs.map((d) => `  ${d.path}: recorded ${d.recorded ?? '(absent)'}, sent ${d.sent ?? '(absent)'}`);
}

/** A one-line summary of a datagram: `RTM_NEWLINK flags=… ifname=br0 …` (first message). */
export function summary(data: Uint8Array, fromKernel: boolean): string {
  const [m] = decodeDatagram(data, fromKernel);
  if (!m) return `${data.length} bytes`;
  const pick = (f: Field) => `${f.path}=${f.value}`;
  const fields = m.fields.filter((f) => (f.bytes ?? 0) <= 16).slice(0, 6).map(pick);
  return [m.title, ...fields].join(' ');
}
