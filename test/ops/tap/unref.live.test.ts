/**
 * An open TAP keeps the process alive by default (its poller is referenced
 * on the event loop) and stops doing so after unref(). Checked on a real
 * child process: a bundled copy of fixtures/hold-tap.ts run by this same
 * runtime and backend.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTap } from '../../../src/ops/tap/index.js';
import { backendEnv, repoPath } from '../../helpers/child.js';
import { kernelLacks } from '../../helpers/kernel.js';
import { ip, useNetns, liveTitle } from '../../helpers/live.js';

const ns = useNetns('rtnltapu');
const tunLacks = kernelLacks('tun');
const dir = mkdtempSync(join(tmpdir(), 'rtnl-tap-unref-'));
const bundle = join(dir, 'hold-tap.mjs');
let bundleError: string | undefined;

beforeAll(async () => {
  try {
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [repoPath('test/ops/tap/fixtures/hold-tap.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: bundle,
      logLevel: 'silent',
    });
  } catch (e) {
    bundleError = `could not bundle the child script with esbuild: ${(e as Error).message}`;
  }
  if (!tunLacks) await createTap('tpu', { netns: ns.name, multiQueue: true });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  exited: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the child with `mode`; reports whether it exited by itself within `ms`, killing it otherwise. */
function hold(mode: string, ms: number): Promise<Outcome> {
  const env = backendEnv({ HOLD_NETNS: ns.name, HOLD_TAP: 'tpu', HOLD_MODE: mode, NODE_NO_WARNINGS: '1' });
  const child = spawn(process.execPath, [bundle], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ exited: signal === null, code, stdout, stderr });
    });
  });
}

describe.skipIf(tunLacks !== undefined)(liveTitle('TAP ref/unref', tunLacks), () => {
  it('keeps the process alive while open and referenced', async () => {
    expect(bundleError).toBeUndefined();
    const r = await hold('ref', 1500);
    expect(r.stdout).toMatch(/^open \d+\n/);
    expect(r.stderr).toBe('');
    expect(r.exited).toBe(false);
  });

  it('lets the process exit after unref(), even with a read pending', async () => {
    for (const mode of ['unref', 'unref-reading']) {
      const r = await hold(mode, 5000);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^open \d+\nexit\n$/);
      expect(r.exited).toBe(true);
      expect(r.code).toBe(0);
    }
  });

  it('holds the process again after ref()', async () => {
    const r = await hold('unref-then-ref', 1500);
    expect(r.stdout).toMatch(/^open \d+\n/);
    expect(r.exited).toBe(false);
  });

  it('leaves the device as it was: persistent, no queue attached', () => {
    expect(ip(['-d', 'link', 'show', 'tpu'], ns.name)).toMatch(/numqueues 0/);
  });
});
