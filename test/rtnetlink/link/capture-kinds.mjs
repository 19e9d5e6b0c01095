#!/usr/bin/env node
// Bundles _capture-kinds.ts (Node 20 cannot run TypeScript) and runs it: see that file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rtnl-capture-'));
const out = join(dir, 'capture.mjs');
buildSync({ entryPoints: [join(here, '_capture-kinds.ts')], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'error' });
try {
  // The bundle lives outside the package: tell it where the addon is (Node 26 uses node:ffi instead).
  const env = { ...process.env, RTNL_ADDON_PATH: process.env.RTNL_ADDON_PATH ?? join(here, '..', '..', '..', 'build', 'Release', 'rtnl_shim.node') };
  execFileSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit', env });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
