/**
 * One state across the ESM and CJS builds: a program (or its dependencies)
 * may load rtnl through both `import` and `require`, which gives two
 * copies of every module. The shim a test installs through one copy
 * (rtnl/testing's replay does, with setShim) must be the shim the other
 * copy's calls use, and errors must be recognised across copies
 * (isRtnlError, and instanceof by brand and name). Two
 * bundles of the library, one per format, are loaded side by side in a
 * child process.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from '../helpers/child.js';

mkdirSync(repoPath('.cache'), { recursive: true });
const dir = mkdtempSync(join(repoPath('.cache'), 'rtnl-dual-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ESM and CJS copies in one process', () => {
  it('share the installed shim and know each other\'s errors', () => {
    // The library, plus setShim (rtnl/testing's replay installs its shim with it).
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, `export * from ${JSON.stringify(repoPath('src/index.ts'))};\nexport { setShim } from ${JSON.stringify(repoPath('src/shim/index.ts'))};\n`);
    for (const format of ['esm', 'cjs'] as const) {
      buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format, outfile: join(dir, `rtnl.${format === 'esm' ? 'mjs' : 'cjs'}`), logLevel: 'error' });
    }
    const main = join(dir, 'main.mjs');
    writeFileSync(
      main,
      `import { createRequire } from 'node:module';
import * as esm from './rtnl.mjs';
const cjs = createRequire(import.meta.url)('./rtnl.cjs');
const out = { twoCopies: esm.setShim !== cjs.setShim };
// A stand-in shim installed through the ESM copy answers the CJS copy's call.
let calls = 0;
const fake = { backend: 'fake', socket() { calls++; throw Object.assign(new Error('EPERM: fake'), { code: 'EPERM', errno: -1, syscall: 'socket' }); } };
esm.setShim(fake);
out.sameShim = cjs.getShim() === fake;
try { await cjs.listLinks(); } catch (e) { out.error = { name: e.name, code: e.code, esmKnowsIt: esm.isRtnlError(e) || esm.isNetlinkError(e) || e.code === 'EPERM' }; }
out.calls = calls;
// An rtnl error made by one copy is an rtnl error to the other.
out.crossBrand = esm.isRtnlError(new cjs.ValidationError('x', 'bad')) && cjs.isRtnlError(new esm.ValidationError('x', 'bad'));
const v = new cjs.ValidationError('x', 'bad');
out.crossInstanceof = v instanceof esm.ValidationError && !(v instanceof esm.NetlinkError) && v instanceof Error && !({ name: 'ValidationError' } instanceof esm.ValidationError);
cjs.setShim(undefined);
out.cleared = esm.setShim(undefined) === undefined;
console.log(JSON.stringify(out));
`,
    );
    const r = spawnSync(process.execPath, [main], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(out).toMatchObject({ twoCopies: true, sameShim: true, calls: 1, crossBrand: true, crossInstanceof: true, cleared: true });
  });
});
