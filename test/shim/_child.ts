/**
 * Runs a backend in a fresh child process, for what a test process cannot
 * observe about itself: whether a poller keeps the event loop alive, and how
 * an exception thrown by onReadable surfaces. The child loads the real
 * backend sources, transpiled once to plain ESM (Node 20 cannot run .ts).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { BackendName } from '../../src/shim/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const shimSrc = join(here, '..', '..', 'src', 'shim');

let dir: string | undefined;

/** A temp directory holding src/shim as .js and the child script. */
function childDir(): string {
  if (dir) return dir;
  const d = mkdtempSync(join(tmpdir(), 'rtnl-shim-child-'));
  for (const f of readdirSync(shimSrc).filter((n) => n.endsWith('.ts'))) {
    const out = ts.transpileModule(readFileSync(join(shimSrc, f), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: f,
    });
    writeFileSync(join(d, f.replace(/\.ts$/, '.js')), out.outputText);
  }
  // Without this, Node 20 would load the .js files as CommonJS.
  writeFileSync(join(d, 'package.json'), '{"type":"module"}\n');
  copyFileSync(join(here, 'fixtures', 'poll-child.mjs'), join(d, 'poll-child.mjs'));
  return (dir = d);
}

export function removeChildDir(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}

export type ChildMode = 'close' | 'unref' | 'ref' | 'throw' | 'overrun';

export interface ChildReport {
  fired: number;
  errors: string[];
  uncaught: string[];
  /** 'throw': user CPU time of the child, to catch a spinning loop. */
  cpuMs?: number;
  /** 'overrun': callbacks for one event sent after the overrun was handled. */
  firedAfterLateEvent?: number;
}

export interface ChildResult {
  /** Exit code, or null when killed. */
  status: number | null;
  signal: NodeJS.Signals | null;
  /** Wall time until the child ended (exited or was killed). */
  ms: number;
  /** The child's JSON report (its last stdout line), when it wrote one. */
  report: ChildReport | undefined;
  stderr: string;
}

/**
 * Runs fixtures/poll-child.mjs with the same runtime as this test. `wrap`
 * prefixes the command (e.g. `unshare -n`). The child is killed after
 * `timeoutMs`.
 */
export function runChild(backend: BackendName, mode: ChildMode, env: Record<string, string>, timeoutMs: number, wrap: string[] = []): ChildResult {
  const script = join(childDir(), 'poll-child.mjs');
  const [cmd, ...args] = [...wrap, process.execPath, script, backend, mode];
  const start = Date.now();
  const r = spawnSync(cmd!, args, { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, ...env }, killSignal: 'SIGKILL' });
  const ms = Date.now() - start;
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let report: ChildResult['report'];
  try {
    report = last ? (JSON.parse(last) as ChildResult['report']) : undefined;
  } catch {
    report = undefined;
  }
  return { status: r.status, signal: r.signal, ms, report, stderr: r.stderr };
}
