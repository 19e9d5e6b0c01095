/**
 * Results serialise: JSON.stringify of a Link (bigint counters, raw bytes),
 * an Address, a Route and a Neighbour decoded from recorded kernel messages
 * writes JSON — bigints as numbers where exact, as decimal strings beyond
 * 2^53, bytes as hex — and the `toJSON` that does it is invisible to keys,
 * spread and deep equality.
 */
import { describe, expect, it } from 'vitest';
import { jsonSafe } from '../../src/netlink/json-safe.js';
import { addrMessage } from '../../src/rtnetlink/addr/index.js';
import { RTM } from '../../src/rtnetlink/constants.js';
import { linkMessage, toLink } from '../../src/rtnetlink/link/index.js';
import { readLink } from '../../src/rtnetlink/link/read.js';
import { neighMessage } from '../../src/rtnetlink/neigh/index.js';
import { routeMessage } from '../../src/rtnetlink/route/index.js';
import { toAddress } from '../../src/ops/addresses/index.js';
import { toRoute } from '../../src/ops/routes/index.js';
import { toNeighbour } from '../../src/ops/neighbours/index.js';
import { loadCorpus } from '../hardening/_corpus.js';

const corpus = loadCorpus();
const first = (type: number) => corpus.messages.find((m) => m.type === type)!.bytes;

describe('results serialise as JSON', () => {
  it('a Link, read lazily or decoded eagerly, with its bigint counters', () => {
    const bytes = first(RTM.NEWLINK);
    for (const link of [readLink(bytes), toLink(linkMessage.decode(bytes))]) {
      const parsed = JSON.parse(JSON.stringify(link)) as { name: string; stats?: Record<string, unknown> };
      expect(parsed.name).toBe(link.name);
      expect(typeof parsed.stats?.rxPackets).toBe('number');
      expect(Object.keys(link)).not.toContain('toJSON');
      expect({ ...link }).not.toHaveProperty('toJSON');
    }
  });

  it('an Address, a Route and a Neighbour', () => {
    const a = toAddress(addrMessage.decode(first(RTM.NEWADDR)));
    const r = toRoute(routeMessage.decode(first(RTM.NEWROUTE)));
    const n = toNeighbour(neighMessage.decode(first(RTM.NEWNEIGH)));
    for (const v of [a, r, n]) {
      expect(() => JSON.stringify(v)).not.toThrow();
      expect(Object.keys(v)).not.toContain('toJSON');
    }
    expect((JSON.parse(JSON.stringify(a)) as { address: string }).address).toBe(a.address);
  });

  it('bigints beyond 2^53 as decimal strings, bytes as hex', () => {
    expect(jsonSafe({ a: 5n, b: 2n ** 60n, c: -(2n ** 60n), d: new Uint8Array([0, 15, 255]), e: [1n, { f: 2n }] })).toEqual({
      a: 5,
      b: '1152921504606846976',
      c: '-1152921504606846976',
      d: '000fff',
      e: [1, { f: 2 }],
    });
  });
});
