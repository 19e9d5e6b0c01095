#!/usr/bin/env node
// `npm run fuzz`: the long decoder fuzz run (docs/reliability.md).
//
//   node scripts/fuzz.mjs                 1,000,000 cases, random seed
//   FUZZ_CASES=N FUZZ_SEED=S node scripts/fuzz.mjs   another count, a fixed seed (to replay a failure)
//   node scripts/fuzz.mjs --capture       re-record test/hardening/fixtures/recorded.hex (root; iproute2)
//
// The fuzz logic lives in test/hardening/_fuzz.ts, shared with the short CI
// run (test/hardening/decoders.fuzz.test.ts). This script bundles it with
// esbuild (a dev dependency, through tsup) so plain Node runs it: no
// TypeScript loader, the same file on Node 20 and Node 26. Exits 1 when any
// input made a decoder fail with anything but a DecodeError, hang or blow
// up its output; the failing inputs are printed as hex with their seed.
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const capture = process.argv.includes('--capture');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch (e) {
  console.error(`fuzz: esbuild (a dev dependency, via tsup) is missing: ${e.message}. Run npm install.`);
  process.exit(1);
}

// Inside the package (not under node_modules): the addon backend finds its
// build through the package's self-reference, which only resolves from here.
const outDir = join(root, '.cache/rtnl-fuzz');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, `fuzz-${process.pid}.mjs`);
await esbuild.build({
  entryPoints: [join(root, capture ? 'test/hardening/_capture.ts' : 'test/hardening/_fuzz-main.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: outFile,
  logLevel: 'error',
  // fast-check stays a normal import, resolved from this node_modules.
  external: ['fast-check'],
});

try {
  const mod = await import(pathToFileURL(outFile).href);
  if (capture) {
    const file = join(root, 'test/hardening/fixtures/recorded.hex');
    const n = await mod.capture(file);
    console.log(`fuzz: recorded ${n} datagrams into ${file}`);
    process.exitCode = 0;
  } else {
    process.exitCode = await mod.main({ root });
  }
} finally {
  rmSync(outFile, { force: true });
}
