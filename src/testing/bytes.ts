/**
 * Byte helpers for fixtures: hex in the wrapped layout the files use, MAC
 * keys, EUI-64 interface ids.
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += HEX[x];
  return s;
}

export function fromHex(s: string): Uint8Array {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new Error(`bad hex ${JSON.stringify(s.slice(0, 40))}`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Hex lines of 16 bytes in four-byte groups, each prefixed by its offset:
 * a netlink header is exactly one line, and attribute boundaries (4-byte
 * aligned) fall on group boundaries. As in hexdump, a run of identical
 * lines (a zeroed counter block) is written once, then `*`; the offset of
 * the next line says how long the run was.
 */
export function hexLines(b: Uint8Array, indent = '  '): string[] {
  const out: string[] = [];
  let previous: string | undefined;
  let starred = false;
  for (let off = 0; off < b.length; off += 16) {
    const groups: string[] = [];
    for (let g = off; g < Math.min(off + 16, b.length); g += 4) groups.push(toHex(b.subarray(g, Math.min(g + 4, off + 16, b.length))));
    const body = groups.join(' ');
    const isLast = off + 16 >= b.length;
    if (body === previous && off + 16 <= b.length && !isLast) {
      if (!starred) out.push(`${indent}*`);
      starred = true;
      continue;
    }
    starred = false;
    previous = off + 16 <= b.length ? body : undefined;
    out.push(`${indent}${off.toString(16).padStart(4, '0')}  ${body}`);
  }
  return out;
}

/**
 * Parses the hex lines of one block (as written by {@link hexLines}),
 * expanding `*` runs; `lineNo` gives each line's number for errors.
 */
export function parseHexLines(lines: readonly string[], onError: (message: string, index: number) => never): Uint8Array {
  const parts: Uint8Array[] = [];
  let off = 0;
  let repeat: Uint8Array | undefined;
  let pendingStar = false;
  lines.forEach((text, index) => {
    if (text.trim() === '*') {
      if (!repeat || pendingStar) onError('"*" must follow a full 16-byte line', index);
      pendingStar = true;
      return;
    }
    const m = /^\s*([0-9a-f]{4,})\s+((?:[0-9a-f]{2})+(?:\s+(?:[0-9a-f]{2})+)*)\s*$/i.exec(text);
    if (!m) onError(`not a hex line: ${JSON.stringify(text)}`, index);
    const at = parseInt(m![1] as string, 16);
    if (pendingStar) {
      const gap = at - off;
      if (gap <= 0 || gap % 16 !== 0) onError(`offset ${at.toString(16)} does not continue the "*" run from ${off.toString(16)}`, index);
      for (let k = 0; k < gap / 16; k++) parts.push(repeat!);
      off = at;
      pendingStar = false;
    }
    if (at !== off) onError(`hex line offset ${at.toString(16)} where ${off.toString(16)} was expected`, index);
    const bytes = fromHex((m![2] as string).replace(/\s+/g, ''));
    parts.push(bytes);
    off += bytes.length;
    repeat = bytes.length === 16 ? bytes : undefined;
  });
  if (pendingStar) onError('"*" at the end of a block', lines.length - 1);
  return concat(parts);
}

export function macHex(b: Uint8Array): string {
  return toHex(b);
}

/** The modified EUI-64 interface id of a MAC (RFC 4291 appendix A): flip the U/L bit, insert ff:fe. */
export function eui64(mac: Uint8Array): Uint8Array {
  return new Uint8Array([mac[0]! ^ 0x02, mac[1]!, mac[2]!, 0xff, 0xfe, mac[3]!, mac[4]!, mac[5]!]);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
