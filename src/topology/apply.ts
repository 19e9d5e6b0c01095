/**
 * plan, apply, destroy and recover: a topology made real, all or nothing.
 *
 * `apply` validates the whole document, reads the kernel's state, and
 * carries out the plan change by change (each one request or a short
 * sequence of them, through rtnl's own calls). It then reads the state
 * again: the plan it makes then must be empty. On any failure it undoes
 * every change it made, newest first, and throws a TopologyError whose
 * `cause` is the original failure. A journal written before the first change
 * lets `recover` do the same for a process that was killed.
 */
import { rmSync } from 'node:fs';
import { TopologyError, ValidationError, isRtnlError } from '../netlink/errors.js';
import { formatValue } from '../netlink/format-value.js';
import { validateNetnsName } from '../netlink/netns.js';
import { deleteLink } from '../ops/links/index.js';
import { deleteNetns } from '../ops/netns/index.js';
import { deleteBridge } from '../ovs/index.js';
import { type TopologyChange, describeChange } from './changes.js';
import { type PlanOptions, computePlan } from './diff.js';
import { type Target, batchable, execute, executeMany, undo } from './execute.js';
import { JOURNAL_DIR, Journal, basePath, journalFiles, namespaceId, ownerAlive, readJournal } from './journal.js';
import type { Model } from './model.js';
import { readNamespace, readState } from './state.js';
import type { Topology } from './types.js';
import { validateTopology } from './validate.js';

/** The most changes sent as one pipelined call (the batch itself sends them a window at a time). */
const MAX_RUN = 256;

/** Where a topology call acts: the namespace of links and routes that name none. */
export interface TopologyCallOptions {
  /**
   * The namespace objects without `netns` live in: a name under /run/netns
   * or a path (not an fd or pid: a journal must be able to name it again
   * after a crash). Default: the caller's own.
   */
  netns?: string;
}

/** Options of `plan`: where, and whether to prune. */
export interface TopologyPlanOptions extends TopologyCallOptions, PlanOptions {}

/** What `apply` reports about each change, before and after it is made. */
export interface ApplyProgress {
  /** The change's position in the plan. */
  index: number;
  change: TopologyChange;
  /** Before it is sent, or after the kernel took it. */
  phase: 'before' | 'after';
}

/** Options of `apply`. */
export interface ApplyOptions extends TopologyPlanOptions {
  /** Plan only: return the changes, make none. */
  dryRun?: boolean;
  /** Where the journal is written (default /run/rtnl). */
  journalDir?: string;
  /** Called before and after each change (progress, logging). A throw stops the apply, which then reverts. */
  onChange?: (progress: ApplyProgress) => void;
}

/** What `apply` did. */
export interface ApplyResult {
  /** The changes made (or, with `dryRun`, the ones that would be). Empty: the state already was as described. */
  changes: TopologyChange[];
}

function targetOf(opts: TopologyCallOptions | undefined): Target & { name?: string } {
  const netns = opts?.netns;
  if (netns === undefined) return { base: undefined };
  if (typeof netns !== 'string') throw new ValidationError('netns', `expected a namespace name or path, got ${formatValue(netns)} (a topology's namespace must be nameable again after a crash: not an fd or a pid)`);
  if (!netns.startsWith('/')) validateNetnsName(netns);
  return { base: netns, name: netns };
}

/**
 * The validated model, and the call's namespace checked against it: the
 * namespace the call acts in is never one the topology owns (prune would
 * clean the document's own links out of it, and destroy delete it).
 */
function modelFor(topology: Topology, t: Target & { name?: string }): Model {
  const model = validateTopology(topology);
  if (t.name !== undefined && model.namespaces.includes(t.name)) {
    throw new ValidationError('netns', `${t.name} is one of the topology's namespaces; the call's namespace holds what names no netns, and must be another`);
  }
  return model;
}

/** The changes that would make the kernel's state what `topology` describes, in order. Reads only. */
export async function plan(topology: Topology, opts: TopologyPlanOptions = {}): Promise<TopologyChange[]> {
  const t = targetOf(opts);
  const model = modelFor(topology, t);
  return computePlan(model, await readState(model, t.base), { prune: opts.prune === true });
}

/** Undoes `changes` newest first; the failures, in order (an undo that fails does not stop the others). */
async function revert(t: Target, changes: readonly TopologyChange[]): Promise<unknown[]> {
  const failures: unknown[] = [];
  for (let i = changes.length - 1; i >= 0; i--) {
    try {
      await undo(t, changes[i]!);
    } catch (e) {
      failures.push(e);
    }
  }
  return failures;
}

/**
 * Makes the kernel's state what `topology` describes, then verifies it by
 * reading back. All or nothing: on a failure every change made is undone and
 * a TopologyError thrown (`cause`: the original failure; `revertErrors`:
 * what could not be undone, beside it). A failure before the first change
 * (an invalid document, a conflict, reading the state) is thrown as it is:
 * nothing was made. With nothing to change, it sends no request that
 * changes anything and writes no journal.
 */
export async function apply(topology: Topology, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const t = targetOf(opts);
  if (opts.onChange !== undefined && typeof opts.onChange !== 'function') throw new ValidationError('onChange', `expected a function, got ${formatValue(opts.onChange)}`);
  const model = modelFor(topology, t);
  const prune = opts.prune === true;
  const changes = computePlan(model, await readState(model, t.base), { prune });
  if (changes.length === 0 || opts.dryRun) return { changes };
  const journal = Journal.create(opts.journalDir ?? JOURNAL_DIR, t.name, changes);
  for (let index = 0; index < changes.length; ) {
    // A run of new addresses (or routes) of one namespace goes as one pipelined call (RtnlSocket.batch).
    let end = index + 1;
    while (end < changes.length && end - index < MAX_RUN && batchable(changes[index]!, changes[end]!)) end++;
    const run = changes.slice(index, end);
    let failedAt = index;
    try {
      // The journal names the last change of the run: any of them may be made once the run is sent.
      journal.reach(end - 1);
      for (const [k, change] of run.entries()) opts.onChange?.({ index: index + k, change, phase: 'before' });
      if (run.length === 1) await execute(t, run[0]!);
      else {
        const results = await executeMany(t, run);
        const bad = results.findIndex((r) => r.status === 'rejected');
        if (bad >= 0) {
          failedAt = index + bad;
          throw (results[bad] as PromiseRejectedResult).reason;
        }
      }
      for (const [k, change] of run.entries()) opts.onChange?.({ index: index + k, change, phase: 'after' });
    } catch (cause) {
      const change = changes[failedAt]!;
      const revertErrors = await revert(t, changes.slice(0, end));
      if (!revertErrors.length) journal.remove();
      throw new TopologyError({
        phase: 'apply',
        message: `change ${failedAt + 1} of ${changes.length} failed (${describeChange(change)}): ${(cause as Error)?.message ?? String(cause)}; ${revertErrors.length ? `${revertErrors.length} change(s) could not be undone, journal kept at ${journal.path}` : 'every change made was undone'}`,
        cause,
        change,
        revertErrors,
        ...(revertErrors.length ? { journal: journal.path } : {}),
      });
    }
    index = end;
  }
  let remaining: TopologyChange[];
  try {
    remaining = await verifyState(model, t, prune);
  } catch (cause) {
    // The read-back is part of the apply: if it cannot be made, what was made is not known to be right.
    const revertErrors = await revert(t, changes);
    if (!revertErrors.length) journal.remove();
    throw new TopologyError({
      phase: 'verify',
      message: `reading the state back after ${changes.length} change(s) failed: ${(cause as Error)?.message ?? String(cause)}; ${revertErrors.length ? `${revertErrors.length} change(s) could not be undone, journal kept at ${journal.path}` : 'every change made was undone'}`,
      cause,
      revertErrors,
      ...(revertErrors.length ? { journal: journal.path } : {}),
    });
  }
  if (remaining.length) {
    const revertErrors = await revert(t, changes);
    if (!revertErrors.length) journal.remove();
    throw new TopologyError({
      phase: 'verify',
      message: `after ${changes.length} change(s) the state still differs (${remaining.map(describeChange).join('; ')}); ${revertErrors.length ? `${revertErrors.length} change(s) could not be undone, journal kept at ${journal.path}` : 'every change made was undone'}`,
      remaining,
      revertErrors,
      ...(revertErrors.length ? { journal: journal.path } : {}),
    });
  }
  journal.remove();
  return { changes };
}

async function verifyState(model: Model, t: Target, prune: boolean): Promise<TopologyChange[]> {
  return computePlan(model, await readState(model, t.base), { prune });
}

/**
 * Removes what `topology` describes: its links in the namespace the call
 * acts in (a veth end there takes its peer), then its namespaces with
 * everything in them. What is already gone is skipped; returns the changes
 * made.
 */
export async function destroy(topology: Topology, opts: TopologyCallOptions = {}): Promise<TopologyChange[]> {
  const t = targetOf(opts);
  const model = modelFor(topology, t);
  const made: TopologyChange[] = [];
  // OVS bridges first: their ports are devices about to go.
  if (model.ovs) {
    const ovs = model.ovs;
    const o = ovs.socket === undefined ? { wait: ovs.wait } : { socket: ovs.socket, wait: ovs.wait };
    for (const b of ovs.bridges) if (await deleteBridge(b.name, { ...o, ifExists: true })) made.push({ action: 'delete', object: 'ovs-bridge', bridge: b.name, ovs: o });
  }
  const here = await readNamespace('', t.base);
  // Uppers before lowers: the document order reversed puts a vlan before its parent.
  for (const link of [...model.links].reverse()) {
    const end = link.end.ns === '' ? link.end : link.peer?.ns === '' ? link.peer : undefined;
    if (!end || !here?.links.has(end.name)) continue;
    try {
      await deleteLink(end.name, t.base === undefined ? {} : { netns: t.base });
      made.push({ action: 'delete', object: 'link', netns: '', name: end.name, kind: link.kind });
    } catch (e) {
      // Gone meanwhile (its lower device or peer took it): nothing to do.
      if (!(isRtnlError(e) && e.code === 'ENODEV')) throw e;
    }
  }
  for (const ns of model.namespaces) {
    if (!(await readNamespace(ns, t.base))) continue;
    await deleteNetns(ns);
    made.push({ action: 'delete', object: 'netns', netns: ns });
  }
  return made;
}

/** Options of `recover`. */
export interface RecoverOptions {
  /** Where to look for journals (default /run/rtnl). */
  journalDir?: string;
  /** Recover this journal file only. */
  journal?: string;
}

/** One journal recovered: whose it was, and the changes undone. */
export interface RecoveredJournal {
  /** The journal file (removed now). */
  path: string;
  /** The pid of the apply that did not finish. */
  pid: number;
  /** The changes undone, newest first. */
  undone: TopologyChange[];
}

/**
 * Undoes what applies that did not finish (their process killed) had made,
 * from the journals they left: every change up to the last one that may
 * have been sent, newest first, what is already gone skipped. A journal
 * whose process still runs is left alone. One written for another
 * namespace than the one its name leads to now (checked by nsfs inode) is
 * not touched: that, and an undo that fails, is a TopologyError thrown
 * after every other journal of the directory was recovered. A journal is
 * removed once everything in it is undone.
 */
export async function recover(opts: RecoverOptions = {}): Promise<RecoveredJournal[]> {
  const one = opts.journal !== undefined;
  const files = one ? [opts.journal as string] : journalFiles(opts.journalDir ?? JOURNAL_DIR);
  const out: RecoveredJournal[] = [];
  // Scanning a directory, one journal that cannot be recovered does not keep the others back: its error is reported after them.
  const failed: unknown[] = [];
  for (const path of files) {
    try {
      const r = await recoverOne(path, one);
      if (r) out.push(r);
    } catch (e) {
      if (one) throw e;
      failed.push(e);
    }
  }
  if (failed.length) {
    throw new TopologyError({
      phase: 'recover',
      message: `${failed.length} journal(s) could not be recovered (${failed.map((e) => (e as Error).message).join('; ')})${out.length ? `; ${out.length} other(s) were` : ''}`,
      cause: failed[0],
      revertErrors: failed.slice(1),
    });
  }
  return out;
}

/** Recovers one journal; undefined for a file that is no journal or whose owner still runs (when scanning). */
async function recoverOne(path: string, named: boolean): Promise<RecoveredJournal | undefined> {
  const data = readJournal(path);
  if (!data) {
    if (named) throw new ValidationError('journal', `${path} is not an rtnl apply journal`);
    return undefined;
  }
  if (ownerAlive(data)) {
    if (named) throw new ValidationError('journal', `${path} belongs to process ${data.pid}, which is still running`);
    return undefined;
  }
  let id: string | undefined;
  try {
    id = namespaceId(basePath(data.base));
  } catch {
    id = undefined;
  }
  if (id !== data.baseId) {
    throw new TopologyError({ phase: 'recover', message: `${path} was written for ${data.base === undefined ? 'the namespace its process ran in' : `namespace ${data.base}`} (nsfs ${data.baseId}), which is not ${data.base === undefined ? "this process's" : 'the one there now'} (${id ?? 'missing'}): recover it from there`, journal: path });
  }
  const made = data.changes.slice(0, data.reached + 1);
  const revertErrors = await revert({ base: data.base }, made);
  if (revertErrors.length) {
    throw new TopologyError({ phase: 'recover', message: `${revertErrors.length} of ${made.length} change(s) of ${path} could not be undone; the journal is kept`, cause: revertErrors[0], revertErrors, journal: path });
  }
  rmSync(path, { force: true });
  return { path, pid: data.pid, undone: made.reverse() };
}
