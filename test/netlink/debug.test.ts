/**
 * NODE_DEBUG=rtnl shows what a program says to the kernel without changing
 * it: a child process looks `lo` up with and without the variable.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { getShim } from '../../src/shim/index.js';
import { backendEnv, repoPath } from '../helpers/child.js';

let noBackend: string | undefined;
try {
  getShim();
} catch (e) {
  noBackend = (e as Error).message;
}

mkdirSync(repoPath('.cache'), { recursive: true });
const dir = mkdtempSync(join(repoPath('.cache'), 'rtnl-debug-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(noBackend !== undefined)(`NODE_DEBUG=rtnl${noBackend ? ` — skipped: ${noBackend}` : ''}`, () => {
  it('logs the backend chosen, each request and each answer on stderr, as Node\'s debug logs; nothing without it', () => {
    const entry = join(dir, 'probe.ts');
    const out = join(dir, 'probe.mjs');
    writeFileSync(entry, `import { getLink } from ${JSON.stringify(repoPath('src/index.ts'))};\nconst lo = await getLink('lo');\nconsole.log(lo.index);\n`);
    buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'error' });
    const run = (debugVar: string | undefined) => {
      const env = backendEnv();
      delete env.NODE_DEBUG;
      if (debugVar !== undefined) env.NODE_DEBUG = debugVar;
      return spawnSync(process.execPath, [out], { encoding: 'utf8', env });
    };
    const on = run('net,rtnl');
    expect(on.status, on.stderr).toBe(0);
    expect(on.stdout.trim()).toBe('1');
    expect(on.stderr).toMatch(new RegExp(`^RTNL ${on.pid}: backend (addon|node-ffi|bun-ffi)`, 'm'));
    // One decoded line per message: types and flags by name, attributes by the API's names.
    expect(on.stderr).toMatch(new RegExp(`^RTNL ${on.pid}: → getLink: RTM_GETLINK seq=1 pid=0 flags=REQUEST ifinfomsg\\.family=0 .* ifname=lo \\(port \\d+\\)$`, 'm'));
    expect(on.stderr).toMatch(new RegExp(`^RTNL ${on.pid}: ← getLink: RTM_NEWLINK seq=1 pid=\\d+ flags=0 .*ifinfomsg\\.index=1 ifinfomsg\\.flags=[A-Z_|]*LOOPBACK.* ifname=lo .*mtu=\\d+`, 'm'));
    expect(on.stderr.split('\n').every((l) => l.length <= 440)).toBe(true); // capped: a dump stays a line per message
    const off = run(undefined);
    expect(off.status).toBe(0);
    expect(off.stderr).not.toMatch(/RTNL/);
    expect(run('RTN*').stderr).toMatch(/RTNL \d+: →/);
  });
});
