#!/usr/bin/env node
// `npm run bench`: rtnl side by side with a C floor (libmnl), iproute2 and
// pyroute2, in throwaway network namespaces. Needs root. Writes
// bench/out/results.md and bench/out/results.json. See docs/benchmarks.md.
//
//   BENCH_QUICK=1        small counts, one round: a smoke test in well under a minute
//   BENCH_ROUNDS=N       number of interleaved rounds (default 3)
//   BENCH_ONLY=a,b       workloads: veth, getlink, dump, codec, memory
//   BENCH_LEGS=a,b       legs: c, node20, node26, ip, ipbatch, py, core20, core26, percall
//   RTNL_NODE26=path     the Node 26 binary for the node:ffi leg
//
//   node scripts/bench.mjs --profile   CPU profiles of the rtnl legs instead (bench/out/profiles)
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

try {
  const code = args.includes('--profile')
    ? await (await import('../bench/harness/profile.mjs')).profile(root)
    : await (await import('../bench/harness/main.mjs')).main(root);
  process.exit(code);
} catch (e) {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
