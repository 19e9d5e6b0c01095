/**
 * Captures golden bytes of link kinds from a real kernel: each case is an
 * `ip link add …` command run in a throwaway namespace; the link's
 * IFLA_INFO_DATA (and IFLA_INFO_SLAVE_DATA when a second command makes it
 * a port) is printed in the golden-test format (one commented line per
 * attribute), ready to paste into test/rtnetlink/link/<kind>.test.ts.
 *
 *   npm run kernel -- node test/rtnetlink/link/capture-kinds.mjs CASES.txt
 *
 * (capture-kinds.mjs bundles this file with esbuild and runs it.) A cases
 * file has one case per paragraph: a `# name prefix` line (the attribute
 * name prefix, e.g. `# vlan IFLA_VLAN_`) and then the ip commands (run with
 * `ip -n NS`); the last link the commands name with `name X` or as
 * `link add X` is the one captured.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { listLinks } from '../../../src/ops/links/index.js';
import { NLA_HDRLEN, NLA_TYPE_MASK, align4 } from '../../../src/netlink/constants.js';
import { SLAVE_KIND_DEFS, kindDef } from '../../../src/rtnetlink/link/index.js';
import type { AttrSet } from '../../../src/netlink/schema.js';
import { upperSnake } from './_spec.js';

const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** The raw payloads of a nest's attributes, in order. */
function attrs(payload: Uint8Array): { type: number; data: Uint8Array; len: number }[] {
  const out: { type: number; data: Uint8Array; len: number }[] = [];
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  for (let off = 0; off + NLA_HDRLEN <= payload.length; ) {
    const len = v.getUint16(off, true);
    out.push({ type: v.getUint16(off + 2, true), data: payload.subarray(off + NLA_HDRLEN, off + len), len });
    off += align4(len);
  }
  return out;
}

/** One golden line per attribute: comment with the table's name and decoded value, then the bytes. */
function golden(payload: Uint8Array, prefix: string, set: AttrSet | undefined): string {
  const lines: string[] = [];
  for (const a of attrs(payload)) {
    const t = a.type & NLA_TYPE_MASK;
    const key = set?.nameOf(t);
    const name = key ? `${prefix}${upperSnake(key)}` : `${prefix}? (unknown)`;
    const pad = align4(a.len) - a.len;
    lines.push(`      // ${name} (${t})${a.type & ~NLA_TYPE_MASK ? ` flags 0x${(a.type & ~NLA_TYPE_MASK).toString(16)}` : ''}`);
    const hdr = hexOf(new Uint8Array(new Uint16Array([a.len, a.type]).buffer));
    lines.push(`      '${hdr} | ${hexOf(a.data)}${pad ? ` | ${hexOf(new Uint8Array(pad))}` : ''}',`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const text = readFileSync(process.argv[2] as string, 'utf8');
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').map((l) => l.trim()).filter(Boolean);
    const head = lines.shift();
    if (!head?.startsWith('#')) continue;
    const [kind, prefix] = head.slice(1).trim().split(/\s+/) as [string, string];
    const ns = `rtnlcap-${process.pid}`;
    execFileSync('ip', ['netns', 'add', ns]);
    try {
      let target = '';
      for (const cmd of lines) {
        const argv = cmd.split(/\s+/);
        execFileSync('ip', ['-n', ns, ...argv], { stdio: ['ignore', 'inherit', 'inherit'] });
        const n = argv.indexOf('name');
        if (n >= 0 && argv[n + 1]) target = argv[n + 1] as string;
        else if (argv[0] === 'link' && argv[1] === 'add' && argv[2] && argv[2] !== 'link') target = argv[2];
      }
      const link = (await listLinks({ netns: ns })).find((l) => l.name === target);
      if (!link) throw new Error(`${kind}: no link ${target}`);
      const li = link.attrs.linkinfo;
      console.log(`// ---- ${kind}: ${lines.map((l) => `ip ${l}`).join('; ')}`);
      console.log(`//   ip -d -j: ${execFileSync('ip', ['-n', ns, '-d', '-j', 'link', 'show', 'dev', target], { encoding: 'utf8' }).trim()}`);
      // The raw bytes the kernel sent: the unknown-or-verbatim order entries keep them; re-encoding is lossless.
      const { encodeAttrs } = await import('../../../src/netlink/schema.js');
      const { ByteWriter } = await import('../../../src/netlink/writer.js');
      const tableOf = (slave: boolean): AttrSet | undefined => (slave ? SLAVE_KIND_DEFS[li?.slaveKind ?? '']?.data : kindDef(kind)?.data);
      for (const [part, slave] of [['data', false], ['slaveData', true]] as const) {
        const v = li?.[part];
        if (v === undefined) continue;
        let bytes: Uint8Array;
        if (v instanceof Uint8Array) bytes = v;
        else {
          const w = new ByteWriter(1024);
          encodeAttrs(w, tableOf(slave) as never, v as never);
          bytes = w.finish();
        }
        console.log(`// ${part}:`);
        console.log(golden(bytes, slave ? `${prefix}SLAVE_` : prefix, tableOf(slave)));
      }
    } finally {
      execFileSync('ip', ['netns', 'del', ns]);
    }
  }
}

await main();
