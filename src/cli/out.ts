/**
 * One record of output, built once and printed either as text or as JSON.
 *
 * Each formatter says, field by field, what the JSON member is and how the
 * text form reads; both are collected side by side, in the same order, so
 * the two outputs can never disagree about which fields exist. This is the
 * model `ip` itself follows (every print call carries a JSON key and a text
 * format), which keeps our field order the same as ip's.
 */
import type { JsonObject, JsonValue } from './json.js';

interface TextSink {
  s: string;
  /** False when only the JSON is wanted (`-j`): the text is not collected. */
  on: boolean;
}

export class Out {
  readonly obj: JsonObject;
  private readonly sink: TextSink;

  constructor(obj: JsonObject = {}, sink: TextSink = { s: '', on: true }) {
    this.obj = obj;
    this.sink = sink;
  }

  /** A record whose text is not wanted: its fields only make the JSON (on 40,000 links the text was a third of the garbage). */
  static jsonOnly(): Out {
    return new Out({}, { s: '', on: false });
  }

  /** Whether the text is collected: callers with costly text (a number to format, a list to join) build it only then. */
  get textOn(): boolean {
    return this.sink.on;
  }

  /** The text collected so far (shared with nested records); empty for jsonOnly records. */
  get text(): string {
    return this.sink.s;
  }

  /** A JSON member and its text form; `text` undefined means JSON only. */
  field(key: string, value: JsonValue | undefined, text?: string): this {
    if (value === undefined) return this;
    this.obj[key] = value;
    if (text !== undefined && this.sink.on) this.sink.s += text;
    return this;
  }

  /** JSON only. */
  json(key: string, value: JsonValue | undefined): this {
    if (value !== undefined) this.obj[key] = value;
    return this;
  }

  /** Text only. */
  put(text: string): this {
    if (this.sink.on) this.sink.s += text;
    return this;
  }

  /** A nested JSON object whose text continues in the same stream. */
  nest(key: string): Out {
    const child: JsonObject = {};
    this.obj[key] = child;
    return new Out(child, this.sink);
  }

  /** A JSON array member; its text form is written by the caller. */
  array(key: string, values: JsonValue[]): this {
    this.obj[key] = values;
    return this;
  }
}
