/**
 * A monitor must never keep the process alive after it ends: these tests
 * run small programs in a child process (bundled from src/ with esbuild, run
 * by this same node binary and backend) and time how long they take to exit
 * on their own — no process.exit() anywhere.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendEnv, repoPath } from '../../helpers/child.js';
import { canRunLive, ip, useNetns, liveTitle } from '../../helpers/live.js';

const ns = useNetns('rtnlex');
const dir = mkdtempSync(join(tmpdir(), 'rtnl-monitor-exit-'));
const bundle = join(dir, 'child.mjs');

const CHILD = `
import { monitor } from ${JSON.stringify(repoPath('src/ops/monitor/index.ts'))};
const [netns, mode] = process.argv.slice(2);
const t0 = performance.now();
const log = (o) => process.stdout.write(JSON.stringify({ ...o, t: Math.round(performance.now() - t0) }) + '\\n');
if (mode === 'abort') {
  const ac = new AbortController();
  const mon = monitor(undefined, { netns, signal: ac.signal, listExisting: true, resync: true });
  setTimeout(() => { log({ aborting: true }); ac.abort(); }, 300);
  let n = 0;
  for await (const e of mon) n++;
  log({ ended: true, n, closed: mon.closed });
} else if (mode === 'break') {
  const mon = monitor(['link'], { netns });
  log({ ready: true });
  for await (const e of mon) { if (e.type === 'newlink') { log({ got: e.link.name }); break; } }
  log({ ended: true, closed: mon.closed });
} else if (mode === 'idle') {
  // Created, never iterated, never closed: nothing is waiting, so nothing may hold the process.
  monitor(['link', 'address'], { netns, resync: true });
  log({ created: true });
}
`;

interface Run {
  code: number | null;
  ms: number;
  lines: Record<string, unknown>[];
  stderr: string;
}

function run(mode: string, onLine?: (l: Record<string, unknown>) => void): Promise<Run> {
  const env = backendEnv();
  const t0 = performance.now();
  const child = spawn(process.execPath, [bundle, ns.name, mode], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const l = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
      buf = buf.slice(i + 1);
      lines.push(l);
      onLine?.(l);
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  return new Promise((res) =>
    child.on('exit', (code) => {
      clearTimeout(killer);
      res({ code, ms: performance.now() - t0, lines, stderr });
    }),
  );
}

beforeAll(async () => {
  writeFileSync(join(dir, 'child.ts'), CHILD);
  await build({ entryPoints: [join(dir, 'child.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'silent' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!canRunLive)(liveTitle('monitor lets the process exit'), () => {
  it('stays alive while iterating, and exits within a second of the abort', async () => {
    const r = await run('abort');
    expect(r.code, r.stderr).toBe(0);
    const abortAt = r.lines.find((l) => l.aborting)!.t as number;
    const ended = r.lines.find((l) => l.ended)!;
    expect(ended).toMatchObject({ closed: true });
    expect(ended.n).toBeGreaterThanOrEqual(1); // the initial listing
    expect(abortAt).toBeGreaterThanOrEqual(290); // it did wait for events until then
    expect((ended.t as number) - abortAt).toBeLessThan(100);
    // Process start-up is included in r.ms; what matters is the time after the abort.
    expect(r.ms - abortAt).toBeLessThan(1000);
  });

  it('exits after a break out of the loop', async () => {
    let sent = false;
    const r = await run('break', (l) => {
      if (l.ready && !sent) {
        sent = true;
        ip(['link', 'add', 'exit0', 'type', 'bridge'], ns.name);
      }
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines.find((l) => l.got)).toMatchObject({ got: 'exit0' });
    expect(r.lines.find((l) => l.ended)).toMatchObject({ closed: true });
    ip(['link', 'del', 'exit0'], ns.name);
  });

  it('never holds the process open when nothing is waiting for an event', async () => {
    const r = await run('idle');
    expect(r.code, r.stderr).toBe(0);
    const created = r.lines.find((l) => l.created)!.t as number;
    expect(r.ms - created).toBeLessThan(1000);
  });
});
