/**
 * The npm scripts' programs (scripts/*.mjs) are not imported by any test,
 * so a syntax error in one (a comment closed early by a glob) would only
 * show when someone runs it: each is parsed here.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../scripts');
const scripts = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.mjs'));

describe('scripts', () => {
  it('there are scripts to check', () => expect(scripts.length).toBeGreaterThan(3));
  for (const f of scripts) {
    it(`${f} parses`, () => {
      const r = spawnSync(process.execPath, ['--check', join(dir, f)], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }
});
