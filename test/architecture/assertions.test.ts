/**
 * Assertions that cannot fail are not tests. vitest's toMatchObject (and
 * toEqual) compares a RegExp value as an object with no own keys, so
 * `toMatchObject({ message: /x/ })` passes for ANY message; the matcher
 * that tests the pattern is `expect.stringMatching(/x/)`. This scans every
 * test file for a regular-expression literal given as a property value
 * inside those matchers.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/child.js';

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : testFiles(p);
    return /\.(ts|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** Property values that are regex literals inside toMatchObject(…)/toEqual(…)/toStrictEqual(…) on one line. */
const BARE = /\.(toMatchObject|toEqual|toStrictEqual)\(\{[^\n]*?[\w'"]\s*:\s*\/(?![/*])[^\n]*?\/[dgimsuy]*\s*[,}]/;

describe('assertions', () => {
  it('vitest really treats a RegExp property as matching anything (the reason for this check)', () => {
    expect({ message: 'anything' }).toMatchObject({ message: /never/ });
  });

  it('no regular-expression literal as a property value of toMatchObject/toEqual (use expect.stringMatching)', () => {
    const offenders = testFiles(join(repoRoot, 'test'))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').map((line, i) => ({ f, line, i })))
      .filter(({ f, line }) => BARE.test(line) && !f.endsWith('assertions.test.ts'))
      .map(({ f, i, line }) => `${relative(repoRoot, f)}:${i + 1}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });
});
