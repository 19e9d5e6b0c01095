/**
 * The decoders under fuzz, and the rule they must obey: for any bytes, a
 * decoder returns a value or throws a DecodeError — nothing else (no
 * RangeError from a DataView read past the end, no TypeError on a missing
 * field, no stack overflow), in bounded time and with an output whose size
 * is bounded by its input's. A message that decodes must also re-encode
 * (decode → encode never fails) to bytes that decode to the same value.
 */
import { DecodeError, isRtnlError } from '../../src/netlink/errors.js';
import { NLMSG } from '../../src/netlink/constants.js';
import { forEachMessage, readDoneMessage, readErrorMessage } from '../../src/netlink/message.js';
import { attrOrderOf } from '../../src/netlink/schema.js';
import { ByteWriter } from '../../src/netlink/writer.js';
import { type Family, reencode } from '../../src/rtnetlink/family.js';
import { RTM } from '../../src/rtnetlink/constants.js';
import { linkMessage, toLink } from '../../src/rtnetlink/link/index.js';
import { readLink } from '../../src/rtnetlink/link/read.js';
import { addrMessage } from '../../src/rtnetlink/addr/index.js';
import { routeMessage } from '../../src/rtnetlink/route/index.js';
import { neighMessage } from '../../src/rtnetlink/neigh/index.js';
import { nsidMessage } from '../../src/rtnetlink/nsid/index.js';
import { ruleMessage, toRule } from '../../src/rtnetlink/rule/index.js';
import { toAddress } from '../../src/ops/addresses/index.js';
import { toRoute } from '../../src/ops/routes/index.js';
import { toNeighbour } from '../../src/ops/neighbours/index.js';
import type { AttrSet } from '../../src/netlink/schema.js';

export interface Target {
  name: string;
  /** Offset of the first attribute (nlmsghdr + family header), for structural mutation. */
  attrStart: number;
  /** The raw decoder. */
  decode(bytes: Uint8Array): unknown;
  /** The friendly view built on it (what list*() and monitor() return), when there is one. */
  view?(decoded: never): unknown;
  family?: Family<unknown, AttrSet>;
}

const names = new Map([
  [1, 'lo'],
  [2, 'v1'],
  [3, 'v0'],
]);

function familyTarget<H, A extends AttrSet>(name: string, f: Family<H, A>, view?: (m: never) => unknown): Target {
  const t: Target = { name, attrStart: 16 + f.headerSize, decode: (b) => f.decode(b), family: f as unknown as Family<unknown, AttrSet> };
  if (view) t.view = view;
  return t;
}

export const TARGETS = {
  link: {
    ...familyTarget('linkMessage', linkMessage, (m: Parameters<typeof toLink>[0]) => toLink(m)),
    // Every link case also goes through the lazy reader the public API uses;
    // it may reject what the table decoder accepts (and the reverse), but it
    // may throw nothing other than a DecodeError.
    decode(b: Uint8Array) {
      try {
        touchAll(readLink(b));
      } catch (e) {
        if (!(isRtnlError(e) && e.name === 'DecodeError')) throw e;
      }
      return linkMessage.decode(b);
    },
  },
  addr: familyTarget('addrMessage', addrMessage, (m: Parameters<typeof toAddress>[0]) => toAddress(m, names)),
  route: familyTarget('routeMessage', routeMessage, (m: Parameters<typeof toRoute>[0]) => toRoute(m, names)),
  neigh: familyTarget('neighMessage', neighMessage, (m: Parameters<typeof toNeighbour>[0]) => toNeighbour(m, names)),
  rule: familyTarget('ruleMessage', ruleMessage, (m: Parameters<typeof toRule>[0]) => toRule(m)),
  nsid: familyTarget('nsidMessage', nsidMessage),
  /**
   * The lazy Link reader the public API uses (getLink, listLinks, monitor):
   * parts decode on first access, so every property is read here to make
   * their DecodeErrors happen inside the case.
   */
  linkLazy: {
    name: 'readLink',
    attrStart: 16 + 16,
    decode: (b: Uint8Array) => touchAll(readLink(b)),
  },
  error: {
    name: 'NLMSG_ERROR',
    attrStart: 16 + 4 + 16,
    decode(b: Uint8Array) {
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      let out: unknown;
      forEachMessage(v, b.length, (off, h) => (out = readErrorMessage(b, v, off, h)));
      return out;
    },
  },
  done: {
    name: 'NLMSG_DONE',
    attrStart: 16 + 4,
    decode(b: Uint8Array) {
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      let out: unknown;
      forEachMessage(v, b.length, (off, h) => (out = readDoneMessage(b, v, off, h)));
      return out;
    },
  },
  /** A whole datagram: split, then each message decoded by its type, as the socket and monitor do. */
  datagram: {
    name: 'datagram',
    attrStart: 16,
    decode(b: Uint8Array) {
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const out: unknown[] = [];
      forEachMessage(v, b.length, (off, h) => {
        const t = targetForType(h.type);
        const m = b.subarray(off, off + h.len);
        if (t && t.name !== 'datagram') out.push(decodeAndView(t, m));
      });
      return out;
    },
  },
} satisfies Record<string, Target>;

/** Reads every property, depth first (lazy getters included); returns the count. */
function touchAll(value: unknown, depth = 0): number {
  if (value === null || typeof value !== 'object' || depth > 64) return 1;
  if (value instanceof Uint8Array) return value.length;
  let n = 0;
  for (const key of Object.keys(value)) n += touchAll((value as Record<string, unknown>)[key], depth + 1);
  return n;
}

export type TargetName = keyof typeof TARGETS;
export const TARGET_LIST: Target[] = Object.values(TARGETS);

export function targetForType(type: number): Target | undefined {
  switch (type) {
    case NLMSG.ERROR:
      return TARGETS.error;
    case NLMSG.DONE:
      return TARGETS.done;
    case RTM.NEWLINK:
    case RTM.DELLINK:
    case RTM.GETLINK:
    case RTM.SETLINK:
      return TARGETS.link;
    case RTM.NEWADDR:
    case RTM.DELADDR:
    case RTM.GETADDR:
      return TARGETS.addr;
    case RTM.NEWROUTE:
    case RTM.DELROUTE:
    case RTM.GETROUTE:
      return TARGETS.route;
    case RTM.NEWNEIGH:
    case RTM.DELNEIGH:
    case RTM.GETNEIGH:
      return TARGETS.neigh;
    case RTM.NEWRULE:
    case RTM.DELRULE:
    case RTM.GETRULE:
      return TARGETS.rule;
    case RTM.NEWNSID:
    case RTM.DELNSID:
    case RTM.GETNSID:
      return TARGETS.nsid;
    default:
      return undefined;
  }
}

function decodeAndView(t: Target, b: Uint8Array): unknown {
  const d = t.decode(b);
  return t.view ? t.view(d as never) : d;
}

/** Deep equality for decoded values: plain objects, arrays, bytes, bigints; hidden symbols ignored. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/** A size measure of a decoded value: bytes, characters and elements, recursively. */
export function outputSize(v: unknown, seen = new Set<object>()): number {
  if (v === null || v === undefined) return 1;
  switch (typeof v) {
    case 'string':
      return v.length;
    case 'object': {
      if (seen.has(v)) return 1;
      seen.add(v);
      if (v instanceof Uint8Array) return v.length;
      let n = 1;
      for (const x of Object.values(v)) n += outputSize(x, seen);
      const order = attrOrderOf(v);
      if (Array.isArray(order)) n += order.length;
      return n;
    }
    default:
      return 1;
  }
}

/** A decoder broke the rule. */
export class FuzzFailure extends Error {
  constructor(
    readonly target: string,
    readonly input: Uint8Array,
    readonly reason: string,
    readonly error?: unknown,
  ) {
    super(`${target}: ${reason} on ${Buffer.from(input).toString('hex')}`);
  }
}

export interface CheckLimits {
  /** Milliseconds one decode may take before it counts as a hang. */
  maxMs: number;
  /** Output size may not exceed `outputFactor × input length + outputSlack`. */
  outputFactor: number;
  outputSlack: number;
}

// 1 s: far above the slowest real decode (~0.1 ms; GC pauses reach ~100 ms on a
// loaded machine), far below what a loop would take.
export const DEFAULT_LIMITS: CheckLimits = { maxMs: 1000, outputFactor: 16, outputSlack: 4096 };

export type Outcome = 'decoded' | 'rejected';

export interface CheckStats {
  /** DecodeError messages with numbers blanked, counted: which defences fired. */
  reasons?: Map<string, number>;
  maxMs: number;
  maxOutputRatio: number;
  reencoded: number;
}

const writer = new ByteWriter(1 << 16);

/**
 * Runs one input through `t` (decoder, friendly view, re-encode). Returns
 * whether it decoded or was rejected with a DecodeError; throws FuzzFailure
 * for anything else.
 */
export function check(t: Target, input: Uint8Array, stats?: CheckStats, limits: CheckLimits = DEFAULT_LIMITS): Outcome {
  // Decoders must not depend on the buffer's offset in its ArrayBuffer.
  const started = performance.now();
  let decoded: unknown;
  try {
    decoded = t.decode(input);
  } catch (e) {
    if (isRtnlError(e) && e.name === 'DecodeError' && e instanceof DecodeError) {
      if (stats?.reasons) {
        const key = `${t.name}: ${e.message.replace(/ \(at .*\)$/, '').replace(/\d+/g, 'N')}`;
        stats.reasons.set(key, (stats.reasons.get(key) ?? 0) + 1);
      }
      timeCheck(t, input, started, stats, limits);
      return 'rejected';
    }
    throw new FuzzFailure(t.name, input, `threw ${(e as Error)?.name ?? typeof e} instead of DecodeError: ${(e as Error)?.message ?? String(e)}`, e);
  }
  const size = outputSize(decoded);
  const ratio = size / Math.max(1, input.length);
  if (stats && ratio > stats.maxOutputRatio) stats.maxOutputRatio = ratio;
  if (size > limits.outputFactor * input.length + limits.outputSlack) {
    throw new FuzzFailure(t.name, input, `output size ${size} for ${input.length} input bytes`);
  }
  if (t.view) {
    try {
      t.view(decoded as never);
    } catch (e) {
      throw new FuzzFailure(t.name, input, `friendly view threw ${(e as Error)?.name}: ${(e as Error)?.message}`, e);
    }
  }
  if (t.family) {
    // Lossless round trip: what decoded must encode, and decode back equal.
    const f = t.family;
    const msg = decoded as Parameters<typeof f.encode>[1] & { header: unknown; attrs: never };
    let again: Uint8Array;
    try {
      again = reencode(f, input, msg, writer).slice();
    } catch (e) {
      throw new FuzzFailure(t.name, input, `decoded but failed to re-encode: ${(e as Error)?.name}: ${(e as Error)?.message}`, e);
    }
    let back: unknown;
    try {
      back = f.decode(again);
    } catch (e) {
      throw new FuzzFailure(t.name, input, `re-encoded bytes do not decode: ${(e as Error)?.message}`, e);
    }
    if (!deepEqual(back, decoded)) throw new FuzzFailure(t.name, input, 're-encoded bytes decode to a different value');
    if (stats) stats.reencoded++;
  }
  timeCheck(t, input, started, stats, limits);
  return 'decoded';
}

function timeCheck(t: Target, input: Uint8Array, started: number, stats: CheckStats | undefined, limits: CheckLimits): void {
  const ms = performance.now() - started;
  if (stats && ms > stats.maxMs) stats.maxMs = ms;
  if (ms > limits.maxMs) throw new FuzzFailure(t.name, input, `took ${ms.toFixed(1)} ms`);
}
