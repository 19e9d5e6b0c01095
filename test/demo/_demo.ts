/**
 * Running `npm start` (scripts/start.mjs) as a user would, for the demo
 * tests: a subprocess with its output collected, optionally interrupted
 * mid-run; and the namespaces a run makes (`rtnl-demo-ROLE-ID`, where ID
 * starts with the demo process's pid in base 36). Other test files — and
 * the other demo test file — make and remove namespaces at the same time,
 * so a run's leftovers are looked for by its own pid, never by comparing
 * the whole of /run/netns before and after.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../cli/_cli.js';

export const start = join(root, 'scripts', 'start.mjs');
export const env = { ...process.env, NODE_NO_WARNINGS: '1', NO_COLOR: '1' };

/** The namespaces in /run/netns that the demo run with process id `pid` made, sorted. */
export function demoNamespaces(pid: number | undefined): string[] {
  if (pid === undefined) return [];
  const id = pid.toString(36);
  try {
    return readdirSync('/run/netns')
      .filter((n) => /^rtnl-demo-[a-z]+-[0-9a-z]+$/.test(n) && n.slice(n.lastIndexOf('-') + 1, -3) === id)
      .sort();
  } catch {
    return [];
  }
}

/** The namespaces a run announced ("created rtnl-demo-…"). */
export const announced = (out: string) => [...out.matchAll(/created (rtnl-demo-\S+)/g)].map((m) => m[1] as string);

export interface RunOptions {
  /** Send `signal` once stdout matches. */
  killOn?: RegExp;
  /** Default SIGINT (Ctrl-C). */
  signal?: NodeJS.Signals;
  /** Close our end of stdout once it matches, like `npm start | head`. */
  closeOutputOn?: RegExp;
  /** SIGKILL the run after this many ms. */
  timeoutMs: number;
}

/** Runs `node scripts/start.mjs ARGS` and resolves with its exit code, output and duration. */
export function runDemo(args: string[], opts: RunOptions): Promise<{ code: number | null; out: string; err: string; ms: number; pid: number | undefined }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [start, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (opts.killOn && !killed && opts.killOn.test(out)) {
        killed = true;
        child.kill(opts.signal ?? 'SIGINT');
      }
      if (opts.closeOutputOn && !killed && opts.closeOutputOn.test(out)) {
        // Like `npm start | head`: the reader goes away mid-run.
        killed = true;
        child.stdout.destroy();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err, ms: Date.now() - t0, pid: child.pid });
    });
  });
}
