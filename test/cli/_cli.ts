/**
 * Runs the real `rtnl` command as a subprocess of the test.
 *
 * vitest transforms TypeScript only inside its own process, so the command
 * is bundled once per test file with esbuild (which tsup itself uses) from
 * src/cli/main.ts — the same entry tsup builds into dist/cli/main.js — into
 * .cache/cli-test/. That takes ~0.1 s, needs no dist/ (so `npm test` works
 * on a fresh clone), does not depend on type-checking other people's files,
 * and never races another test file (one bundle per process). The bundle
 * lives inside the package so the library finds its native addon.
 *
 * The subprocess is started with the test's own Node and environment, so
 * the Node 26 leg (RTNL_BACKEND=node-ffi) runs the command on node:ffi and
 * the Node 20 leg on the addon.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

let bundlePath: string | undefined;

/** Bundles the command for this test file (beforeAll) and removes it afterwards. */
export function useCli(): void {
  beforeAll(async () => {
    const { build } = await import('esbuild');
    const dir = join(root, '.cache', 'cli-test');
    mkdirSync(dir, { recursive: true });
    bundlePath = join(dir, `rtnl-${process.pid}-${Math.random().toString(36).slice(2, 8)}.mjs`);
    await build({
      entryPoints: [join(root, 'src/cli/main.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: bundlePath,
      logLevel: 'error',
    });
  });
  afterAll(() => {
    if (bundlePath) rmSync(bundlePath, { force: true });
  });
}

/** The bundled command's path (after useCli's beforeAll). */
export function bundle(): string {
  if (!bundlePath) throw new Error('call useCli() in the test file first');
  return bundlePath;
}

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, NODE_NO_WARNINGS: '1' };
  // The terminal's colour settings of whoever runs the tests are not the command's business here.
  delete e.COLORFGBG;
  delete e.NO_COLOR;
  return { ...e, ...extra };
}

/** `rtnl ARGS…`, synchronously. */
export function rtnl(args: string[], input?: string, extraEnv: Record<string, string> = {}): Result {
  if (!bundlePath) throw new Error('call useCli() in the test file first');
  const r = spawnSync(process.execPath, [bundlePath, ...args], { encoding: 'utf8', env: env(extraEnv), input, timeout: 20_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `rtnl ARGS…`, which must succeed; returns stdout. */
export function rtnlOk(args: string[]): string {
  const r = rtnl(args);
  if (r.status !== 0) throw new Error(`rtnl ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/** `rtnl -j ARGS…` parsed. */
export function rtnlJson<T = unknown>(args: string[]): T {
  return JSON.parse(rtnlOk(['-j', ...args])) as T;
}

/** A long-running `rtnl` (monitor): collects output until stopped. */
export function rtnlSpawn(args: string[]): { out: () => string; err: () => string; stop: (signal?: NodeJS.Signals) => Promise<number | null> } {
  if (!bundlePath) throw new Error('call useCli() in the test file first');
  const child = spawn(process.execPath, [bundlePath, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, sig) => resolve(code ?? (sig ? 128 : null))));
  return {
    out: () => out,
    err: () => err,
    stop: async (signal = 'SIGINT') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls until `fn` returns something truthy, or throws after `ms`. */
export async function eventually<T>(fn: () => T | undefined | false | null, ms = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Runs `attempt` until it reports agreement, up to five times: links that
 * were just brought up still settle for a moment (operstate, carrier, IPv6
 * duplicate address detection clearing `tentative`, neighbour states), and
 * a change between the rtnl call and the ip call must not read as a
 * mismatch. Returns the last attempt's value for the assertion.
 */
export async function settled<T>(attempt: () => { ok: boolean; value: T }): Promise<T> {
  let last = attempt();
  for (let i = 0; i < 4 && !last.ok; i++) {
    await new Promise((r) => setTimeout(r, 400));
    last = attempt();
  }
  return last.value;
}

/**
 * An account to own test TAPs: uid 65534 when this machine names it the
 * same way in /etc/passwd (what rtnl reads) and through NSS (what ip asks),
 * else root — the only account every machine has. Its name differs between
 * distributions (nobody, nfsnobody), so tests take it from here.
 */
export function tapOwner(): { name: string; uid: number } {
  const fromFile = (uid: number) =>
    readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((l) => l.split(':'))
      .find((f) => Number(f[2]) === uid)?.[0];
  const fromNss = (uid: number) => {
    const r = spawnSync('getent', ['passwd', String(uid)], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.split(':')[0] : undefined;
  };
  const name = fromFile(65534);
  if (name !== undefined && fromNss(65534) === name) return { name, uid: 65534 };
  return { name: fromFile(0) ?? 'root', uid: 0 };
}
