/**
 * JSON output byte-compatible with iproute2's streaming writer, so that
 * `rtnl -j` and `ip -j` print the same text, not only the same data:
 *
 * - compact: no whitespace at all (`[{"ifindex":1,...}]`);
 * - pretty (`-p`): four spaces per level, every member on its own line,
 *   `[ {` for an array that opens an object, arrays of scalars on one line
 *   (`"flags": [ "BROADCAST","MULTICAST" ]`).
 *
 * Values are plain data; object members print in insertion order (ip's
 * order is part of what scripts see). `JsonRaw` prints a number verbatim
 * (ip prints bridge timers as `0.09`, not `0.09` rounded by a float).
 */

/** Thrown by JsonRaw.toJSON inside compactByStringify: the value needs the writer. */
const NEEDS_WRITER = Symbol('needs the writer');
let stringifying = false;

/** A number that must appear exactly as written (e.g. `270.42`, `0.00`). */
export class JsonRaw {
  constructor(readonly text: string) {}
  toJSON(): number {
    // JSON.stringify cannot print it as written (0.00 would become 0).
    if (stringifying) throw NEEDS_WRITER;
    return Number(this.text);
  }
}

/**
 * The compact form by the engine's JSON.stringify, which prints exactly
 * what the writer prints for plain data (members in insertion order,
 * undefined members left out, the same escapes) many times faster —
 * or undefined when the value holds what only the writer prints as ip
 * does: a JsonRaw, a bigint (JSON.stringify throws on both), or a DEL
 * character (which the writer escapes and JSON.stringify does not).
 */
function compactByStringify(v: JsonValue): string | undefined {
  stringifying = true;
  try {
    const s = JSON.stringify(v);
    return s.includes('\x7f') ? undefined : s;
  } catch (e) {
    if (e === NEEDS_WRITER || e instanceof TypeError) return undefined;
    throw e;
  } finally {
    stringifying = false;
  }
}

export type JsonValue = string | number | bigint | boolean | null | JsonRaw | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}

/**
 * ip escapes \t \n \r \f \b \\ \" and we the other control characters too,
 * as \u00XX (so the output stays JSON); everything else passes through.
 * JSON.stringify escapes exactly those, and lone surrogates (as \udXXX,
 * which keeps the output valid too) — all but DEL, done after it.
 */
function quote(s: string): string {
  const q = JSON.stringify(s);
  return q.includes('\x7f') ? q.replaceAll('\x7f', '\\u007f') : q;
}

// Member names are few (ip's field names) and repeat on every record.
const keys = new Map<string, string>();
function quotedKey(k: string): string {
  let q = keys.get(k);
  if (q === undefined) {
    q = quote(k);
    if (keys.size < 4096) keys.set(k, q);
  }
  return q;
}

function scalar(v: Exclude<JsonValue, JsonValue[] | JsonObject>): string {
  if (v === null) return 'null';
  if (v instanceof JsonRaw) return v.text;
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  return Number.isFinite(v) ? String(v) : 'null';
}

/**
 * The writer's state machine: `sep` is ',' once the current container has
 * a member, and a line break plus indent precedes each member name and
 * each closing bracket of a non-empty container (pretty mode only).
 */
class Writer {
  private out = '';
  private depth = 0;
  private sep = '';
  constructor(private readonly pretty: boolean) {}

  private eol(): void {
    if (this.pretty) this.out += '\n' + '    '.repeat(this.depth);
  }
  /** A value already serialised (compactByStringify), as the next element. */
  serialised(text: string): void {
    this.eor();
    this.out += text;
  }
  private eor(): void {
    this.out += this.sep;
    this.sep = ',';
  }
  private begin(c: string): void {
    this.eor();
    this.out += c;
    this.depth++;
    this.sep = '';
  }
  private end(c: string): void {
    this.depth--;
    if (this.sep !== '') this.eol();
    this.out += c;
    this.sep = ',';
  }

  openArray(): void {
    this.begin('[');
    if (this.pretty) this.out += ' ';
  }

  closeArray(): void {
    if (this.pretty && this.sep) this.out += ' ';
    this.sep = '';
    this.end(']');
  }

  value(v: JsonValue): void {
    if (Array.isArray(v)) {
      this.openArray();
      for (const item of v) this.value(item);
      this.closeArray();
    } else if (v !== null && typeof v === 'object' && !(v instanceof JsonRaw)) {
      this.begin('{');
      for (const k in v) {
        const item = v[k];
        if (item === undefined) continue;
        this.eor();
        this.eol();
        this.sep = '';
        this.out += quotedKey(k) + (this.pretty ? ': ' : ':');
        this.value(item);
      }
      this.end('}');
    } else {
      this.eor();
      this.out += scalar(v);
    }
  }

  text(): string {
    return this.out;
  }

  /** What was written since the last take (the state — depth, separator — carries on). */
  take(): string {
    const s = this.out;
    this.out = '';
    return s;
  }
}

/**
 * A JSON array written element by element, byte for byte what
 * {@link formatJson} makes of the whole array: a list of 40,000 links is
 * printed as it is formatted instead of being held whole. Each call returns
 * the text to write next.
 */
export class JsonArrayStream {
  private readonly w: Writer;
  constructor(private readonly pretty = false) {
    this.w = new Writer(pretty);
  }
  open(): string {
    this.w.openArray();
    return this.w.take();
  }
  item(v: JsonValue): string {
    const fast = this.pretty ? undefined : compactByStringify(v);
    if (fast !== undefined) this.w.serialised(fast);
    else this.w.value(v);
    return this.w.take();
  }
  close(): string {
    this.w.closeArray();
    return this.w.take();
  }
}

/** Serialises `value` the way iproute2 does, without the trailing newline. */
export function formatJson(value: JsonValue, pretty = false): string {
  const w = new Writer(pretty);
  w.value(value);
  return w.text();
}
