/**
 * Hex fixtures with comments: on each line, the bytes come first and a
 * comment may follow after two or more spaces.
 *   hex(`0800 0100 dc050000   mtu = 1500`)
 */
export function hex(text: string): Uint8Array {
  const digits = text
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/)[0] ?? '')
    .join('')
    .replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`bad hex fixture: ${digits}`);
  return Uint8Array.from(digits.match(/../g) ?? [], (h) => parseInt(h, 16));
}

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
