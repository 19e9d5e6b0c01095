/**
 * Shared bits of the fixture tests: where fixtures live, and whether this
 * run records (RTNL_RECORD=1, root) or replays (the default, any user).
 */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { it } from 'vitest';
import { fixtureMode } from '../../src/testing/index.js';
import { canRunLive, liveSkipReason } from './live.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** fixtures/NAME.rtnl of this repository. */
export function fixturePath(name: string): string {
  return join(root, 'fixtures', `${name}.rtnl`);
}

export const mode = fixtureMode();

/** Recording needs the real kernel and root; replay needs nothing. */
export const fixtureSkipReason = mode === 'record' && !canRunLive ? `recording needs root: ${liveSkipReason}` : undefined;

/** `it`, skipped (with the reason in the title) when this run cannot record. */
export const itFixture = fixtureSkipReason ? (name: string, fn: () => Promise<unknown>) => it.skip(`${name} — skipped: ${fixtureSkipReason}`, fn) : it;
