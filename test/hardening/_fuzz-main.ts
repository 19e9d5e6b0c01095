/**
 * `npm run fuzz` (scripts/fuzz.mjs bundles this file): the long decoder
 * fuzz run. FUZZ_CASES (default 1,000,000) and FUZZ_SEED (default random)
 * choose the run; a failure prints its seed and the shrunk input as hex.
 */
import { loadCorpus } from './_corpus.js';
import { runFuzz } from './_fuzz.js';

export async function main({ root }: { root: string }): Promise<number> {
  const cases = Number(process.env.FUZZ_CASES ?? 1_000_000);
  const seed = Number(process.env.FUZZ_SEED ?? (Math.random() * 2 ** 31) | 0);
  const corpus = loadCorpus(root);
  console.log(`fuzz: ${cases.toLocaleString('en')} cases, seed ${seed}, ${corpus.messages.length} recorded messages in ${corpus.datagrams.length} datagrams`);
  const t0 = performance.now();
  const heap0 = process.memoryUsage().heapUsed;
  let heapMax = heap0;
  let lastPrint = 0;
  const report = runFuzz(corpus, {
    cases,
    seed,
    batch: 20_000,
    progress(done, r) {
      (globalThis as { gc?: () => void }).gc?.();
      heapMax = Math.max(heapMax, process.memoryUsage().heapUsed);
      const now = performance.now();
      if (now - lastPrint > 10_000) {
        lastPrint = now;
        console.log(`  ${done.toLocaleString('en')} cases, ${r.failures.length} failures, ${((now - t0) / 1000).toFixed(0)} s, heap ${(heapMax / 2 ** 20).toFixed(0)} MiB`);
      }
    },
  });
  const secs = (performance.now() - t0) / 1000;
  console.log(`\nfuzz: ${report.cases.toLocaleString('en')} inputs checked in ${secs.toFixed(1)} s (${Math.round(report.cases / secs).toLocaleString('en')}/s)`);
  console.log('  target            decoded   rejected (DecodeError)');
  for (const [t, o] of Object.entries(report.outcomes).sort()) {
    console.log(`  ${t.padEnd(16)} ${String(o.decoded).padStart(9)} ${String(o.rejected).padStart(10)}`);
  }
  const reasons = [...(report.stats.reasons ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]);
  console.log(`  ${reasons.length} distinct DecodeError messages; the most frequent:`);
  for (const [r, n] of reasons.slice(0, 25)) console.log(`    ${String(n).padStart(8)}  ${r}`);
  console.log(`  re-encoded and compared: ${report.stats.reencoded.toLocaleString('en')}`);
  console.log(`  slowest input: ${report.stats.maxMs.toFixed(2)} ms; largest output/input ratio: ${report.stats.maxOutputRatio.toFixed(2)}`);
  console.log(`  heap: ${(heap0 / 2 ** 20).toFixed(0)} MiB at start, ${(heapMax / 2 ** 20).toFixed(0)} MiB at most`);
  if (report.failures.length) {
    console.log(`\n${report.failures.length} FAILURES:`);
    for (const f of report.failures) console.log(`- [${f.source}, seed ${f.seed}] ${f.target}: ${f.reason}\n  input: ${f.input}`);
    return 1;
  }
  console.log('no failures');
  return 0;
}
