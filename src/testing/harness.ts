/**
 * Helpers for test files: one test body serves both modes.
 *
 *   test('creates a bridge', () =>
 *     withFixture('fixtures/bridge.rtnl', async (fx) => {
 *       const ns = fx.netns('a');
 *       await createBridge({ name: 'br0' }, { netns: ns });
 *     }));
 *
 * Replay (the default) needs no privileges. With RTNL_RECORD=1 (as root) the
 * same body runs against the real kernel inside throwaway namespaces and
 * rewrites the fixture.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { getShim, setShim } from '../shim/index.js';
import type { Shim } from '../shim/types.js';
import { validateNetnsName, NETNS_RUN_DIR } from '../netlink/netns.js';
import { ValidationError } from '../netlink/errors.js';
import { ReplayMismatchError } from './errors.js';
import type { Fixture } from './fixture.js';
import { formatFixture } from './format.js';
import { parseFixture } from './parse.js';
import { recordShim, type RecordingShim } from './record.js';
import { replayShim, type ReplayShim } from './replay.js';
import { createScratchNetns, removeScratchNetns, SCRATCH_NOTE } from './scratch-netns.js';
import { formatValue } from '../netlink/format-value.js';
import { processRecordingPath } from './process-hooks.js';

/** Whether a fixture test runs against the real kernel and rewrites its fixture (`record`) or answers from it (`replay`). */
export type FixtureMode = 'record' | 'replay';

/** What a test body gets: the mode, and namespaces that mean the same in both modes. */
export interface FixtureContext {
  readonly mode: FixtureMode;
  /**
   * A throwaway network namespace, by label. Recording: created now (not
   * recorded; lo up, see docs/testing.md), deleted afterwards, and its real
   * name shown as `label` in the fixture. Replay: just the label.
   */
  netns(label: string): string;
  /**
   * A name for a namespace the code under test creates itself
   * (createNetns). Recording: a unique name, removed afterwards if it still
   * exists. Replay: the label.
   */
  netnsName(label: string): string;
  /**
   * Runs `fn` only while recording, against the real kernel and without
   * recording it: the state the operation starts from (an existing bridge,
   * an address to delete). In replay it does nothing: that state is in the
   * recorded replies.
   */
  setup<T>(fn: () => T | Promise<T>): Promise<T | undefined>;
}

/** Options of withRecording: what the fixture says it records, request fields to ignore, the shim to record, and the namespaces' name prefix. */
export interface RecordOptions {
  /** What the fixture records, in words; default: the file name. */
  operation?: string;
  /** Request fields the replay should not compare (decoded paths like `netNsPid`). */
  ignore?: string[];
  /** The real shim to record; default: the process's backend. */
  shim?: Shim;
  /**
   * The start of the throwaway namespaces' real names while recording
   * (default `rtnlrec`): `PREFIX-PID-N-LABEL`. Fixtures name them by label,
   * so the prefix never reaches the file.
   */
  netnsPrefix?: string;
}

/** Options of withReplay. */
export interface ReplayHarnessOptions {
  /** Fail when the program leaves sockets or files open (default true). */
  leaks?: boolean;
}

/** Options of withFixture: those of both modes, and `mode` to choose one instead of fixtureMode(). */
export type FixtureOptions = RecordOptions & ReplayHarnessOptions & { mode?: FixtureMode };

/**
 * `record` when RTNL_RECORD is set to anything but "", "0", "false" or the
 * name of a `.rtnl`/`.pcap` file (that is a whole-process recording, see
 * process-hooks.ts, and the harness replays as usual); else `replay`.
 */
export function fixtureMode(env: Record<string, string | undefined> = process.env): FixtureMode {
  const v = env.RTNL_RECORD;
  return v && v !== '0' && v.toLowerCase() !== 'false' && processRecordingPath(env) === undefined ? 'record' : 'replay';
}

/**
 * Records or replays `file` according to {@link fixtureMode} (or
 * `options.mode`). A recording goes under $RTNL_RECORD_DIR instead when that
 * is set (see {@link recordTarget}).
 */
export function withFixture<T>(file: string, fn: (fx: FixtureContext) => T | Promise<T>, options: FixtureOptions = {}): Promise<T> {
  return (options.mode ?? fixtureMode()) === 'record' ? withRecording(recordTarget(file), fn, options) : withReplay(file, fn, options);
}

let scratchCounter = 0;
const LABEL_RE = /^[A-Za-z0-9_.-]{1,32}$/;

function checkLabel(label: string): void {
  if (!LABEL_RE.test(label)) throw new TypeError(`namespace label ${JSON.stringify(label)}: use 1–32 of [A-Za-z0-9_.-]`);
}

/**
 * Runs `fn` against the real kernel through a recorder and writes what it
 * said to `file`. Nothing is written when `fn` throws.
 */
export async function withRecording<T>(file: string, fn: (fx: FixtureContext) => T | Promise<T>, options: RecordOptions = {}): Promise<T> {
  const real = options.shim ?? getShim();
  const rec: RecordingShim = recordShim(real);
  const made: string[] = [];
  const owned: string[] = [];
  const labels = new Map<string, string>();
  const prefix = options.netnsPrefix ?? 'rtnlrec';
  if (typeof prefix !== 'string' || !/^[A-Za-z0-9_.-]{1,32}$/.test(prefix)) throw new ValidationError('netnsPrefix', `expected 1–32 letters, digits, "_", "." or "-", got ${formatValue(prefix)}`);
  const uniqueName = (label: string) => `${prefix}-${process.pid}-${scratchCounter++}-${label}`.slice(0, 64);
  const ctx: FixtureContext = {
    mode: 'record',
    netns(label) {
      checkLabel(label);
      const known = labels.get(label);
      if (known) return known;
      const name = uniqueName(label);
      createScratchNetns(real, name);
      made.push(name);
      labels.set(label, name);
      rec.alias(name, label, SCRATCH_NOTE);
      return name;
    },
    netnsName(label) {
      checkLabel(label);
      const known = labels.get(label);
      if (known) return known;
      const name = validateNetnsName(uniqueName(label));
      owned.push(name);
      labels.set(label, name);
      rec.alias(name, label, 'namespace the recorded code created itself; its real name is replaced by this label');
      return name;
    },
    async setup(fn2) {
      // The setup talks to the kernel directly: nothing of it is recorded.
      const prevShim = setShim(real);
      try {
        return await fn2();
      } finally {
        setShim(prevShim);
      }
    },
  };
  const prev = setShim(rec);
  let result: T;
  try {
    result = await fn(ctx);
  } finally {
    setShim(prev);
    for (const name of [...made, ...owned]) {
      if (owned.includes(name) && !existsSync(`${NETNS_RUN_DIR}/${name}`)) continue;
      removeScratchNetns(real, name);
    }
  }
  const fixture = rec.fixture({ operation: options.operation ?? defaultOperation(file), ignore: options.ignore ?? [] });
  writeFixture(file, fixture);
  return result;
}

/**
 * Runs `fn` against the fixture in `file` instead of the kernel (no
 * privileges needed), then checks that every recorded exchange was made.
 */
export async function withReplay<T>(file: string, fn: (fx: FixtureContext) => T | Promise<T>, options: ReplayHarnessOptions = {}): Promise<T> {
  const fixture = readFixture(file);
  const rep: ReplayShim = replayShim(fixture, { file });
  const labels = new Set(fixture.netns.map((n) => n.label));
  const byLabel = (label: string) => {
    checkLabel(label);
    if (!labels.has(label)) {
      throw new ReplayMismatchError(`rtnl replay (${file}): the test asks for namespace "${label}", the recording only knows ${[...labels].map((l) => `"${l}"`).join(', ') || 'none'}`);
    }
    return label;
  };
  const ctx: FixtureContext = {
    mode: 'replay',
    netns: byLabel,
    netnsName: byLabel,
    async setup() {
      return undefined;
    },
  };
  const prev = setShim(rep);
  let result: T;
  try {
    result = await fn(ctx);
  } catch (e) {
    // The program failed. If the replay diverged, say so too: either the
    // divergence made the program fail (then it is the real news), or the
    // program failed first and its error handling then left the recorded
    // path (undo steps the recording never made).
    const mismatch = divergence(rep);
    if (!mismatch || causedBy(e, mismatch)) throw mismatch ?? e;
    throw new ReplayMismatchError(
      `${(e as Error)?.message ?? String(e)}\n(the replay also diverged from the recording, maybe while the program handled that error: ${mismatch.message})`,
      { differences: mismatch.differences, ...(mismatch.line === undefined ? {} : { line: mismatch.line }), cause: e },
    );
  } finally {
    setShim(prev);
  }
  rep.verify({ leaks: options.leaks ?? true });
  return result;
}

/** The replay's first divergence, if any. */
function divergence(rep: ReplayShim): ReplayMismatchError | undefined {
  try {
    rep.verify({ leaks: false });
  } catch (e) {
    if (e instanceof ReplayMismatchError) return e;
  }
  return undefined;
}

/** Whether `e` is `target` or wraps it (through `cause`). */
function causedBy(e: unknown, target: Error): boolean {
  for (let x = e, depth = 0; x !== undefined && x !== null && depth < 10; x = (x as { cause?: unknown }).cause, depth++) {
    if (x === target) return true;
  }
  return false;
}

/** Reads and parses a fixture file. */
export function readFixture(file: string): Fixture {
  return parseFixture(readFileSync(file, 'utf8'), file);
}

/** Writes a fixture file (creating directories). */
export function writeFixture(file: string, fixture: Fixture): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, formatFixture(fixture));
}

/** Where a recording of `file` goes: under $RTNL_RECORD_DIR when set. */
export function recordTarget(file: string, env: Record<string, string | undefined> = process.env): string {
  const dir = env.RTNL_RECORD_DIR;
  if (!dir) return file;
  let rel = relative(process.cwd(), resolve(file));
  while (rel.startsWith('..')) rel = rel.replace(/^\.\.[/\\]?/, '');
  return isAbsolute(dir) ? join(dir, rel) : join(process.cwd(), dir, rel);
}

function defaultOperation(file: string): string {
  return file.replace(/^.*[/\\]/, '').replace(/\.rtnl$/, '');
}
