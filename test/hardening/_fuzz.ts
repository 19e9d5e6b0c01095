/**
 * The decoder fuzz engine, shared by the short CI run
 * (decoders.fuzz.test.ts) and the long one (`npm run fuzz`). Three input
 * sources, each a fast-check arbitrary so failures shrink to a small input:
 * mutated recorded messages (most cases), whole datagrams of several
 * mutated messages, and messages built from nothing. Every input goes
 * through `check` (see _targets.ts).
 */
import fc from 'fast-check';
import type { Corpus } from './_corpus.js';
import { buildCase, buildDatagram, datagramCase, mutationCase, scratchCase } from './_mutate.js';
import { type CheckLimits, type CheckStats, DEFAULT_LIMITS, FuzzFailure, TARGETS, check } from './_targets.js';

export interface FuzzReport {
  cases: number;
  /** Inputs decoded / rejected with a DecodeError, per target. */
  outcomes: Record<string, { decoded: number; rejected: number }>;
  stats: CheckStats;
  failures: { source: string; seed: number; target: string; reason: string; input: string }[];
}

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** Cases per fast-check run; each run gets its own seed (seed + run index). */
  batch?: number;
  /** Stop after this many failures. */
  maxFailures?: number;
  limits?: CheckLimits;
  progress?: (done: number, report: FuzzReport) => void;
}

type Source = 'mutation' | 'datagram' | 'scratch';
const SHARE: [Source, number][] = [
  ['mutation', 0.7],
  ['datagram', 0.15],
  ['scratch', 0.15],
];

export function runFuzz(corpus: Corpus, o: FuzzOptions): FuzzReport {
  const report: FuzzReport = { cases: 0, outcomes: {}, stats: { maxMs: 0, maxOutputRatio: 0, reencoded: 0, reasons: new Map() }, failures: [] };
  const limits = o.limits ?? DEFAULT_LIMITS;
  const batch = o.batch ?? 10_000;
  const note = (target: string, outcome: 'decoded' | 'rejected') => {
    const r = (report.outcomes[target] ??= { decoded: 0, rejected: 0 });
    r[outcome]++;
    report.cases++;
  };
  const props: Record<Source, fc.IProperty<[never]>> = {
    mutation: fc.property(mutationCase, (c) => {
      const { target, bytes } = buildCase(c, corpus);
      note(target.name, check(target, bytes, report.stats, limits));
    }) as unknown as fc.IProperty<[never]>,
    datagram: fc.property(datagramCase, (c) => {
      note('datagram', check(TARGETS.datagram, buildDatagram(c, corpus), report.stats, limits));
    }) as unknown as fc.IProperty<[never]>,
    scratch: fc.property(scratchCase, ({ target, bytes }) => {
      note(target.name, check(target, bytes, report.stats, limits));
    }) as unknown as fc.IProperty<[never]>,
  };
  let run = 0;
  for (let done = 0; done < o.cases; run++) {
    for (const [source, share] of SHARE) {
      const n = Math.max(1, Math.round(Math.min(batch, o.cases - done) * share));
      const seed = (o.seed + run * 7919 + source.length) | 0;
      const r = fc.check(props[source], { numRuns: n, seed, endOnFailure: false });
      done += n;
      if (r.failed) {
        const err = r.errorInstance;
        const f = err instanceof FuzzFailure ? err : undefined;
        report.failures.push({
          source,
          seed,
          target: f?.target ?? '?',
          reason: f?.reason ?? String(err),
          input: f ? Buffer.from(f.input).toString('hex') : JSON.stringify(r.counterexample),
        });
        if (report.failures.length >= (o.maxFailures ?? 10)) return report;
      }
    }
    o.progress?.(done, report);
  }
  return report;
}
