/**
 * Splits a byte stream into JSON texts. OVSDB's JSON-RPC (RFC 7047 §4) sends
 * messages back to back on the stream with no length prefix and no
 * delimiter, so the only way to find where one ends is to follow the JSON
 * nesting: a message is complete when the brackets that opened it close,
 * ignoring brackets inside strings.
 */
import { StringDecoder } from 'node:string_decoder';

/** Largest message we buffer before giving up on the peer (a full Open_vSwitch dump is far smaller). */
const MAX_MESSAGE = 64 * 1024 * 1024;

export class JsonStreamSplitter {
  // StringDecoder keeps a UTF-8 sequence that a chunk boundary cut in half.
  private readonly decoder = new StringDecoder('utf8');
  private buf = '';
  private pos = 0;
  private start = -1;
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** Feeds bytes; returns the complete JSON texts they finished, in order. */
  push(chunk: Uint8Array): string[] {
    this.buf += this.decoder.write(chunk as Buffer);
    const out: string[] = [];
    const s = this.buf;
    for (let i = this.pos; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c /* \ */) this.escaped = true;
        else if (c === 0x22 /* " */) this.inString = false;
        continue;
      }
      if (this.start < 0) {
        // Between messages only whitespace is allowed; every JSON-RPC message is an object.
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
        if (c !== 0x7b /* { */) throw new SyntaxError(`unexpected ${JSON.stringify(s[i])} between JSON-RPC messages`);
        this.start = i;
      }
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) this.depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--this.depth === 0) {
          out.push(s.slice(this.start, i + 1));
          this.start = -1;
        }
      }
    }
    // Keep only the unfinished message, so the buffer never grows with the stream.
    const keep = this.start < 0 ? s.length : this.start;
    this.buf = s.slice(keep);
    if (this.start >= 0) this.start = 0;
    this.pos = this.buf.length;
    if (this.buf.length > MAX_MESSAGE) throw new RangeError(`a JSON-RPC message is larger than ${MAX_MESSAGE} bytes`);
    return out;
  }
}
