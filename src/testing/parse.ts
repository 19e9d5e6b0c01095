/**
 * Reads the text written by format.ts. Annotations (`#` lines) are ignored:
 * the bytes are the truth, and the replay decodes them afresh. Errors name
 * the line.
 */
import { AF_NETLINK } from '../shim/constants.js';
import { parseHexLines } from './bytes.js';
import { FIXTURE_MAGIC, type Fixture, type FixtureEvent } from './fixture.js';
import { CLONE_FLAGS, MOUNT_FLAGS, OPEN_FLAGS, OPEN_ZERO, UMOUNT_FLAGS, parseBits, parseProtocol } from './names.js';

/** A fixture file parseFixture cannot read, with the line (1-based) and the file it came from. */
export class FixtureSyntaxError extends Error {
  override readonly name = 'FixtureSyntaxError';
  readonly code = 'ERR_RTNL_FIXTURE_SYNTAX';
  constructor(
    message: string,
    readonly line: number,
    readonly file?: string,
  ) {
    super(`${file ?? 'fixture'}:${line}: ${message}`);
  }
}

interface Entry {
  line: number;
  head: string;
  blocks: Map<string, string[]>;
}

/** Parses fixture text; `file` only names the source in errors. */
export function parseFixture(text: string, file?: string): Fixture {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== FIXTURE_MAGIC) throw new FixtureSyntaxError(`not an rtnl fixture (first line must be "${FIXTURE_MAGIC}")`, 1, file);
  const f: Fixture = { operation: '', kernel: '', netns: [], notes: [], ignore: [], events: [] };
  let i = 1;
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') {
      i++;
      break;
    }
    const m = /^([a-z]+):\s?(.*)$/.exec(line);
    if (!m) throw new FixtureSyntaxError(`bad header line ${JSON.stringify(line)}`, i + 1, file);
    const [, key, value] = m as unknown as [string, string, string];
    switch (key) {
      case 'operation':
        f.operation = value;
        break;
      case 'kernel':
        f.kernel = value;
        break;
      case 'netns': {
        const n = /^(\S+) = (.*)$/.exec(value);
        if (!n) throw new FixtureSyntaxError('netns header wants "LABEL = note"', i + 1, file);
        f.netns.push({ label: n[1] as string, note: n[2] as string });
        break;
      }
      case 'note':
        f.notes.push(value);
        break;
      case 'ignore':
        f.ignore.push(value.trim());
        break;
      default:
        // Unknown header keys are kept out of the model but tolerated (newer writers).
        break;
    }
  }
  // Group the body into entries: a head line at column 0, then indented lines.
  const entries: Entry[] = [];
  let block = 'data';
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) {
      entries.push({ line: i + 1, head: line, blocks: new Map() });
      block = 'data';
      continue;
    }
    const cur = entries[entries.length - 1];
    if (!cur) throw new FixtureSyntaxError('indented line before the first entry', i + 1, file);
    const t = line.trim();
    if (t.startsWith('#')) continue;
    if (/^[a-z]+:$/.test(t)) {
      block = t.slice(0, -1);
      continue;
    }
    const list = cur.blocks.get(block) ?? [];
    list.push(`${i + 1}\u0000${line}`);
    cur.blocks.set(block, list);
  }
  for (const e of entries) f.events.push(parseEntry(e, file));
  return f;
}

function hexBlock(e: Entry, name: string, file: string | undefined): Uint8Array {
  const lines = e.blocks.get(name) ?? [];
  const split = lines.map((l) => l.split('\u0000') as [string, string]);
  return parseHexLines(
    split.map(([, text]) => text),
    (message, index) => {
      throw new FixtureSyntaxError(message, Number(split[index]?.[0] ?? e.line), file);
    },
  );
}

/** `kind k=v k="quoted" -> k=v`: args before the arrow, results after. */
function tokens(head: string, line: number, file: string | undefined): { kind: string; args: Map<string, string>; results: Map<string, string> } {
  const args = new Map<string, string>();
  const results = new Map<string, string>();
  let target = args;
  let pos = 0;
  const kindMatch = /^(\S+)/.exec(head);
  if (!kindMatch) throw new FixtureSyntaxError('empty entry', line, file);
  const kind = kindMatch[1] as string;
  pos = kind.length;
  while (pos < head.length) {
    while (head[pos] === ' ') pos++;
    if (pos >= head.length) break;
    if (head.startsWith('->', pos)) {
      target = results;
      pos += 2;
      continue;
    }
    const eq = head.indexOf('=', pos);
    if (eq < 0) throw new FixtureSyntaxError(`expected key=value at ${JSON.stringify(head.slice(pos))}`, line, file);
    const key = head.slice(pos, eq);
    pos = eq + 1;
    let value: string;
    if (head[pos] === '"') {
      let end = pos + 1;
      while (end < head.length && head[end] !== '"') end += head[end] === '\\' ? 2 : 1;
      value = JSON.parse(head.slice(pos, end + 1)) as string;
      pos = end + 1;
    } else {
      let end = head.indexOf(' ', pos);
      if (end < 0) end = head.length;
      value = head.slice(pos, end);
      pos = end;
    }
    target.set(key, value);
  }
  return { kind, args, results };
}

function parseEntry(e: Entry, file: string | undefined): FixtureEvent {
  const { kind, args, results } = tokens(e.head, e.line, file);
  const need = (m: Map<string, string>, k: string): string => {
    const v = m.get(k);
    if (v === undefined) throw new FixtureSyntaxError(`${kind}: missing ${k}=`, e.line, file);
    return v;
  };
  const num = (m: Map<string, string>, k: string): number => {
    const v = need(m, k);
    const n = Number(v);
    if (!Number.isFinite(n)) throw new FixtureSyntaxError(`${kind}: ${k}=${v} is not a number`, e.line, file);
    return n;
  };
  const bits = (m: Map<string, string>, k: string, table: Parameters<typeof parseBits>[1], zero: string): number => {
    try {
      return parseBits(need(m, k), table, zero);
    } catch (err) {
      throw new FixtureSyntaxError(`${kind}: ${(err as Error).message}`, e.line, file);
    }
  };
  const error = results.get('error');
  const withError = <T extends object>(o: T): T => (error !== undefined ? { ...o, error } : o);
  const line = e.line;
  switch (kind) {
    case 'socket': {
      const d = need(args, 'domain');
      return withError({
        kind,
        line,
        fd: error !== undefined ? -1 : num(results, 'fd'),
        domain: d === 'AF_NETLINK' ? AF_NETLINK : Number(d),
        protocol: parseProtocol(need(args, 'protocol')),
        netns: need(args, 'netns'),
        port: error !== undefined ? 0 : num(results, 'port'),
      });
    }
    case 'open': {
      const ev: FixtureEvent = { kind, line, path: need(args, 'path'), flags: bits(args, 'flags', OPEN_FLAGS, OPEN_ZERO) };
      if (error === undefined) {
        ev.fd = num(results, 'fd');
        const ns = results.get('netns');
        if (ns !== undefined) ev.netns = ns;
      }
      return withError(ev);
    }
    case 'setns':
    case 'unshare': {
      const ns = results.get('netns');
      const base =
        kind === 'setns'
          ? { kind, line, fd: num(args, 'fd'), nstype: bits(args, 'nstype', CLONE_FLAGS, '0') }
          : { kind, line, flags: bits(args, 'flags', CLONE_FLAGS, '0') };
      return withError(ns !== undefined ? { ...base, netns: ns } : base) as FixtureEvent;
    }
    case 'mount':
      return withError({
        kind,
        line,
        source: need(args, 'source'),
        target: need(args, 'target'),
        fstype: nullable(need(args, 'fstype')),
        flags: bits(args, 'flags', MOUNT_FLAGS, '0'),
        data: nullable(need(args, 'data')),
      });
    case 'umount':
      return withError({ kind, line, target: need(args, 'target'), flags: bits(args, 'flags', UMOUNT_FLAGS, '0') });
    case 'send':
    case 'write': {
      const data = hexBlock(e, 'data', file);
      if (data.length !== num(args, 'len')) throw new FixtureSyntaxError(`${kind}: len=${args.get('len')} but ${data.length} bytes of hex`, e.line, file);
      return withError({ kind, line, fd: num(args, 'fd'), data });
    }
    case 'recv':
    case 'read': {
      if (error !== undefined) return { kind, line, fd: num(args, 'fd'), length: -1, data: new Uint8Array(0), error };
      const data = hexBlock(e, 'data', file);
      const length = num(args, 'len');
      const captured = args.has('captured') ? num(args, 'captured') : length;
      if (data.length !== captured) throw new FixtureSyntaxError(`${kind}: ${captured} bytes announced, ${data.length} bytes of hex`, e.line, file);
      return { kind, line, fd: num(args, 'fd'), length, data };
    }
    case 'ioctl': {
      const ev: FixtureEvent = {
        kind,
        line,
        fd: num(args, 'fd'),
        request: num(args, 'request'),
        arg: hexBlock(e, 'in', file),
        result: error !== undefined ? -1 : num(results, 'result'),
      };
      if (e.blocks.has('out')) ev.out = hexBlock(e, 'out', file);
      return withError(ev);
    }
    case 'ioctl-int':
      return withError({ kind, line, fd: num(args, 'fd'), request: num(args, 'request'), arg: num(args, 'arg'), result: error !== undefined ? -1 : num(results, 'result') });
    default:
      throw new FixtureSyntaxError(`unknown entry kind ${JSON.stringify(kind)}`, e.line, file);
  }
}

// Quoted values were JSON-decoded by the tokenizer; an unquoted `null` means null.
function nullable(v: string): string | null {
  return v === 'null' ? null : v;
}
