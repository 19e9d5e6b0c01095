/**
 * Types that catch typos. The typecheck leg compiles this file: each
 * `@ts-expect-error` below must meet an error, or tsc fails with "Unused
 * '@ts-expect-error' directive" — so a misspelt errno name, monitor object
 * or link kind keeps failing to compile, and the escapes keep compiling.
 */
import { describe, expect, it } from 'vitest';
import { anyLinkKind, isNetlinkError, type listLinks, type monitor } from '../../src/index.js';

// Never called: only compiled.
function typos(e: unknown, mon: typeof monitor, list: typeof listLinks): void {
  // @ts-expect-error: no such errno name
  isNetlinkError(e, 'EEXISTS');
  // @ts-expect-error: no such monitor object
  mon(['link', 'adress']);
  // @ts-expect-error: no such link kind
  void list({ kind: 'vethh' });
  // The right spellings, and the escape for a kind rtnl does not model:
  isNetlinkError(e, 'EEXIST');
  mon(['link', 'addr', 'neighbour']);
  void list({ kind: 'veth' });
  void list({ kind: anyLinkKind('ipoib') });
}

describe('typed names', () => {
  it('compile where they are right (this file is type-checked with its @ts-expect-error lines)', () => {
    expect(typeof typos).toBe('function');
    expect(anyLinkKind('ipoib')).toBe('ipoib');
  });
});
