/**
 * Writes a fixture as text meant for review in a pull request: a header
 * (what, which kernel, how it was normalised), then one entry per call, each
 * netlink datagram as offset-prefixed hex with a decoded annotation above it.
 * No dates, no host names: re-recording on the same kernel gives the same
 * bytes. The grammar is described in docs/testing.md; parse.ts reads it.
 */
import { NLMSG_HDRLEN } from '../netlink/constants.js';
import { AF_NETLINK } from '../shim/constants.js';
import { TUN_IOCTL } from '../rtnetlink/link/kinds/tun-device.js';
import { flagNames } from '../rtnetlink/link/header.js';
import { hexLines } from './bytes.js';
import { FIXTURE_MAGIC, type Fixture, type FixtureEvent } from './fixture.js';
import { decodeDatagram, type Field } from './flatten.js';
import { CLONE_FLAGS, MOUNT_FLAGS, OPEN_FLAGS, OPEN_ZERO, UMOUNT_FLAGS, formatBits, protocolName } from './names.js';

const WIDTH = 100;
const MAX_FIELD_LINES = 12;

/** The fixture as text. */
export function formatFixture(f: Fixture): string {
  const out: string[] = [FIXTURE_MAGIC];
  out.push(`operation: ${oneLine(f.operation)}`);
  out.push(`kernel: ${oneLine(f.kernel)}`);
  for (const n of f.netns) out.push(`netns: ${n.label} = ${oneLine(n.note)}`);
  for (const n of f.notes) out.push(`note: ${oneLine(n)}`);
  for (const i of f.ignore) out.push(`ignore: ${oneLine(i)}`);
  out.push('');
  // Requests by fd and sequence number, so an error reply can name the attribute its offset points at.
  const requests = new Map<number, Map<number, Uint8Array>>();
  const netlinkFds = new Set<number>();
  for (const e of f.events) {
    if (e.kind === 'socket' && e.domain === AF_NETLINK) netlinkFds.add(e.fd);
    out.push(...formatEvent(e, netlinkFds, requests));
  }
  return `${out.join('\n')}\n`;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}

const q = (s: string | null) => JSON.stringify(s);
const err = (e: { error?: string }) => (e.error ? ` -> error=${e.error}` : '');

function formatEvent(e: FixtureEvent, netlinkFds: Set<number>, requests: Map<number, Map<number, Uint8Array>>): string[] {
  switch (e.kind) {
    case 'socket': {
      const domain = e.domain === AF_NETLINK ? 'AF_NETLINK' : String(e.domain);
      const base = `socket domain=${domain} protocol=${protocolName(e.protocol)} netns=${e.netns}`;
      return [e.error ? `${base}${err(e)}` : `${base} -> fd=${e.fd} port=${e.port}`];
    }
    case 'open': {
      const base = `open path=${q(e.path)} flags=${formatBits(e.flags, OPEN_FLAGS, OPEN_ZERO)}`;
      return [e.error ? `${base}${err(e)}` : `${base} -> fd=${e.fd}${e.netns !== undefined ? ` netns=${e.netns}` : ''}`];
    }
    case 'setns':
      return [`setns fd=${e.fd} nstype=${formatBits(e.nstype, CLONE_FLAGS, '0')}${e.error ? err(e) : ` -> netns=${e.netns}`}`];
    case 'unshare':
      return [`unshare flags=${formatBits(e.flags, CLONE_FLAGS, '0')}${e.error ? err(e) : ` -> netns=${e.netns}`}`];
    case 'mount':
      return [`mount source=${q(e.source)} target=${q(e.target)} fstype=${q(e.fstype)} flags=${formatBits(e.flags, MOUNT_FLAGS, '0')} data=${q(e.data)}${err(e)}`];
    case 'umount':
      return [`umount target=${q(e.target)} flags=${formatBits(e.flags, UMOUNT_FLAGS, '0')}${err(e)}`];
    case 'send':
    case 'write': {
      const lines = [`${e.kind} fd=${e.fd} len=${e.data.length}${err(e)}`];
      if (netlinkFds.has(e.fd)) {
        const bySeq = requests.get(e.fd) ?? new Map<number, Uint8Array>();
        requests.set(e.fd, bySeq);
        for (const m of decodeDatagram(e.data, false)) {
          if (m.length >= NLMSG_HDRLEN) bySeq.set(new DataView(e.data.buffer, e.data.byteOffset).getUint32(m.offset + 8, true), e.data.subarray(m.offset, m.offset + m.length));
        }
        lines.push(...annotate(e.data, false, (seq) => bySeq.get(seq)));
      } else {
        lines.push(`  # ${e.data.length}-byte frame`);
      }
      lines.push(...hexLines(e.data));
      return lines;
    }
    case 'recv':
    case 'read': {
      if (e.error) return [`${e.kind} fd=${e.fd}${err(e)}`];
      const captured = e.data.length !== e.length ? ` captured=${e.data.length}` : '';
      const lines = [`${e.kind} fd=${e.fd} len=${e.length}${captured}`];
      if (netlinkFds.has(e.fd)) {
        const bySeq = requests.get(e.fd);
        lines.push(...annotate(e.data, true, (seq) => bySeq?.get(seq)));
      } else {
        lines.push(`  # ${e.data.length}-byte frame`);
      }
      lines.push(...hexLines(e.data));
      return lines;
    }
    case 'ioctl': {
      const lines = [`ioctl fd=${e.fd} request=0x${e.request.toString(16)}${e.error ? err(e) : ` -> result=${e.result}`}`];
      const name = ioctlName(e.request);
      lines.push(`  # ${name}${ifreqNote(e.arg, 'in')}${e.out ? ifreqNote(e.out, 'out') : ''}`);
      lines.push('  in:', ...hexLines(e.arg, '  '));
      if (e.out) lines.push('  out:', ...hexLines(e.out, '  '));
      return lines;
    }
    case 'ioctl-int':
      return [`ioctl-int fd=${e.fd} request=0x${e.request.toString(16)} arg=${e.arg}${e.error ? err(e) : ` -> result=${e.result}`}`, `  # ${ioctlName(e.request)}`];
  }
}

const ioctlNames = new Map<number, string>(Object.entries(TUN_IOCTL).map(([k, v]) => [v, `TUN${k}`]));

function ioctlName(request: number): string {
  return ioctlNames.get(request) ?? `ioctl 0x${request.toString(16)}`;
}

/** struct ifreq: the name at 0 (16 bytes), flags at 16. */
function ifreqNote(b: Uint8Array, label: string): string {
  if (b.length !== 40) return '';
  let end = b.indexOf(0);
  if (end < 0 || end > 16) end = 16;
  const name = new TextDecoder().decode(b.subarray(0, end));
  const flags = new DataView(b.buffer, b.byteOffset).getUint16(16, true);
  return ` ${label}: ifr_name=${JSON.stringify(name)} ifr_flags=0x${flags.toString(16)}`;
}

/** `# [0000] RTM_NEWLINK seq=1 …` then the decoded fields, wrapped and capped. */
export function annotate(data: Uint8Array, fromKernel: boolean, requestBySeq?: (seq: number) => Uint8Array | undefined): string[] {
  const lines: string[] = [];
  for (const m of decodeDatagram(data, fromKernel, requestBySeq)) {
    lines.push(`  # [${m.offset.toString(16).padStart(4, '0')}] ${m.title}`);
    if (m.decodeError) lines.push(`  #   (does not decode: ${m.decodeError})`);
    const rows = wrap(shownFields(m.fields), WIDTH - 6);
    const shown = rows.length > MAX_FIELD_LINES ? rows.slice(0, MAX_FIELD_LINES - 1) : rows;
    for (const r of shown) lines.push(`  #   ${r.join(' ')}`);
    const hidden = rows.slice(shown.length).reduce((n, r) => n + r.length, 0);
    if (hidden) lines.push(`  #   … ${hidden} more fields`);
  }
  return lines;
}

const GROUP_LIMIT = 6;
const SMALL_MESSAGE = 40;

/** A message's fields as annotations show them: small messages (requests) whole, big replies with subtrees folded. */
export function shownFields(fields: Field[]): string[] {
  return fields.length <= SMALL_MESSAGE ? fields.map(shortField) : collapse(fields);
}

/**
 * Keeps annotations short: a subtree with more than a few fields (stats64,
 * afSpec, a bridge's forty options) is shown as `name={N fields}`, keeping
 * its direct string-valued fields visible (`linkinfo.kind=bridge`).
 */
function collapse(fields: Field[]): string[] {
  const groups = new Map<string, Field[]>();
  for (const f of fields) {
    const key = f.path.split('.')[0] as string;
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  const out: string[] = [];
  for (const [key, g] of groups) {
    if (g.length <= GROUP_LIMIT) {
      out.push(...g.map(shortField));
      continue;
    }
    const named = g.filter((f) => f.path.split('.').length === 2 && f.value.startsWith('"'));
    out.push(...named.map(shortField), `${key}={${g.length - named.length} fields}`);
  }
  return out;
}

function wrap(parts: string[], width: number): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let len = 0;
  for (const p of parts) {
    if (row.length && len + 1 + p.length > width) {
      rows.push(row);
      row = [];
      len = 0;
    }
    row.push(p);
    len += (len ? 1 : 0) + p.length;
  }
  if (row.length) rows.push(row);
  return rows;
}

function shortField(f: Field): string {
  let v = f.value;
  // Interface flags by name (IFF_*), as ip link prints them.
  if ((f.path === 'ifinfomsg.flags' || f.path === 'ifinfomsg.change') && /^\d+$/.test(v)) v = Number(v) ? flagNames(Number(v)).join('|') : '0';
  if (f.bytes !== undefined && f.bytes > 8) v = `<${f.bytes} bytes>`;
  else if (v.startsWith('"') && /^"[\w.:\-/@%+]+"$/.test(v)) v = v.slice(1, -1);
  return `${f.path}=${v}`;
}
