/**
 * Running `npm start` (scripts/start.mjs) as a user would, for the demo
 * tests: a subprocess with its output collected, optionally interrupted
 * mid-run; and the namespaces a run makes (they all start `rtnl-demo-`).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../cli/_cli.js';

export const start = join(root, 'scripts', 'start.mjs');
export const env = { ...process.env, NODE_NO_WARNINGS: '1', NO_COLOR: '1' };

/** The demo's namespaces now in /run/netns, sorted. */
export function demoNamespaces(): string[] {
  try {
    return readdirSync('/run/netns')
      .filter((n) => n.startsWith('rtnl-demo-'))
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
export function runDemo(args: string[], opts: RunOptions): Promise<{ code: number | null; out: string; err: string; ms: number }> {
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
      resolve({ code, out, err, ms: Date.now() - t0 });
    });
  });
}
