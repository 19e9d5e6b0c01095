/**
 * Writing to the Open_vSwitch database the way ovs-vsctl does: the change,
 * guarded by `wait` operations, plus "next_cfg += 1" in the same atomic
 * transaction; then, unless told not to, wait until ovs-vswitchd reports the
 * new value in cur_cfg (see client.ts).
 *
 * Why `wait` guards: we decide what to write from a snapshot read in an
 * earlier round trip. A `wait` with timeout 0 re-checks, inside the
 * transaction, that what we relied on still holds ("no port named X",
 * "bridge Y still has port Z"); if another client changed it meanwhile, the
 * server aborts the whole transaction with "timed out" at that operation,
 * and we report the precondition's own error instead.
 */
import type { Condition, Operation, OvsdbClient, Row } from './client.js';
import { namedUuid, uuid, type NamedUuid, type Uuid } from './datum.js';
import { OvsdbError } from './errors.js';

export interface Guard {
  table: string;
  where: Condition[];
  /** The rows the `where` must select right now: [] for "none". */
  rows: Row[];
  columns?: string[];
  /** The error to throw when the guard no longer holds. */
  onFail: () => Error;
}

export interface Change {
  guards: Guard[];
  ops: Operation[];
  /**
   * The root Open_vSwitch row: its uuid, or the uuid-name of a root row
   * this transaction inserts (a database nobody has initialised yet).
   */
  root: Uuid | NamedUuid;
  /** Shown in ovsdb-server's log and `ovsdb-tool show-log`, as ovs-vsctl records its command line. */
  comment: string;
}

export interface CommitResult {
  /** Open_vSwitch.next_cfg after our transaction. */
  nextCfg: number;
  /** The results of `change.ops`, in order. */
  results: { uuid?: unknown; count?: number }[];
}

export async function commit(client: OvsdbClient, change: Change, opts: { wait: boolean; timeout: number }): Promise<CommitResult> {
  const guardOps: Operation[] = change.guards.map((g) => ({
    op: 'wait',
    table: g.table,
    where: g.where,
    columns: g.columns ?? ['_uuid'],
    until: '==',
    rows: g.rows,
    timeout: 0,
  }));
  const atRoot: Condition[] = [['_uuid', '==', change.root]];
  const all: Operation[] = [
    ...guardOps,
    ...change.ops,
    { op: 'mutate', table: 'Open_vSwitch', where: atRoot, mutations: [['next_cfg', '+=', 1]] },
    { op: 'select', table: 'Open_vSwitch', where: atRoot, columns: ['next_cfg'] },
    { op: 'comment', comment: `rtnl: ${change.comment}` },
  ];
  let results;
  try {
    results = await client.transact(all, { timeout: opts.timeout });
  } catch (e) {
    if (e instanceof OvsdbError && e.index !== undefined && e.index < guardOps.length && e.error === 'timed out') {
      throw change.guards[e.index]!.onFail();
    }
    throw e;
  }
  const first = guardOps.length;
  const selected = results[first + change.ops.length + 1]?.rows?.[0]?.['next_cfg'];
  if (typeof selected !== 'number') {
    throw new OvsdbError({ method: 'transact', error: 'no next_cfg in the reply', details: 'the Open_vSwitch root row vanished during the transaction' });
  }
  if (opts.wait) await client.waitForConfig(selected, opts.timeout);
  return { nextCfg: selected, results: results.slice(first, first + change.ops.length) };
}

/** The root row reference and, for an empty database, the guard and insert that create it. */
export function rootOf(rootUuid: string | undefined): { root: Uuid | NamedUuid; guards: Guard[]; create: boolean } {
  if (rootUuid !== undefined) return { root: uuid(rootUuid), guards: [], create: false };
  return {
    root: namedUuid('rtnl_root'),
    create: true,
    // Open_vSwitch has maxRows 1: make sure nobody created it since we looked.
    guards: [
      {
        table: 'Open_vSwitch',
        where: [],
        rows: [],
        onFail: () =>
          new OvsdbError({ method: 'transact', error: 'concurrent initialisation', details: 'another client created the Open_vSwitch root row at the same time; retry' }),
      },
    ],
  };
}
