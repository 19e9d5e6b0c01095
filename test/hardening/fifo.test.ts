/**
 * A namespace reference that is a FIFO must not freeze the process: open(2)
 * on a FIFO without O_NONBLOCK waits for a writer, and it runs on the event
 * loop's thread. The call runs in a child process (a blocked open cannot be
 * interrupted from the same thread), which must answer within the timeout
 * with the ValidationError "not a network namespace".
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendEnv, repoPath } from '../helpers/child.js';
import { toolMissing } from '../helpers/tools.js';

const missing = toolMissing('mkfifo');

describe.skipIf(missing !== undefined)(`a FIFO as a namespace reference${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let dir = '';
  beforeAll(() => {
    mkdirSync(repoPath('.cache'), { recursive: true });
    dir = mkdtempSync(join(repoPath('.cache'), 'rtnl-fifo-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('listLinks({ netns: FIFO }) is refused at once, not blocked in open(2)', () => {
    const fifo = join(dir, 'not-a-namespace');
    execFileSync('mkfifo', [fifo]);
    const src = join(dir, 'probe.ts');
    writeFileSync(
      src,
      `import * as rtnl from ${JSON.stringify(repoPath('src/index.ts'))};\n` +
        `try { await rtnl.listLinks({ netns: ${JSON.stringify(fifo)} }); console.log('no error'); } catch (e) { console.log(JSON.stringify({ name: e.name, field: e.field, message: e.message })); }\n`,
    );
    const out = join(dir, 'probe.mjs');
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(repoPath('node_modules/esbuild'))}).buildSync({ entryPoints: [${JSON.stringify(src)}], bundle: true, platform: 'node', format: 'esm', outfile: ${JSON.stringify(out)}, logLevel: 'error' })`]);
    const r = spawnSync(process.execPath, [out], { encoding: 'utf8', env: backendEnv(), timeout: 20_000 });
    expect(r.signal, 'the child was killed at the timeout: open(2) blocked').toBeNull();
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ name: 'ValidationError', field: 'netns', message: expect.stringMatching(/not a network namespace/) });
  });
});
