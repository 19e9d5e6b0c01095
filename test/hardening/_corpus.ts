/**
 * The seeds of the decoder fuzzers: datagrams a real kernel sent, recorded
 * by _capture.ts into fixtures/recorded.hex, split into netlink messages.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forEachMessage } from '../../src/netlink/message.js';

export interface Seed {
  /** What was dumped (`link`, `route` …) or `control` for ACKs and errors. */
  label: string;
  /** nlmsg_type of the message. */
  type: number;
  bytes: Uint8Array;
}

export interface Corpus {
  datagrams: { label: string; bytes: Uint8Array }[];
  messages: Seed[];
}

/** Where the fixture lives; the fuzz script passes the repository root because its bundle runs elsewhere. */
export function fixturePath(root?: string): string {
  if (root) return join(root, 'test/hardening/fixtures/recorded.hex');
  return join(dirname(fileURLToPath(import.meta.url)), 'fixtures/recorded.hex');
}

export function loadCorpus(root?: string): Corpus {
  const datagrams: Corpus['datagrams'] = [];
  const messages: Seed[] = [];
  for (const line of readFileSync(fixturePath(root), 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [label, hex] = line.split(' ') as [string, string];
    const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
    datagrams.push({ label, bytes });
    forEachMessage(new DataView(bytes.buffer), bytes.length, (off, h) => {
      messages.push({ label, type: h.type, bytes: bytes.slice(off, off + h.len) });
    });
  }
  return { datagrams, messages };
}
