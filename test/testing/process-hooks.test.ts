/**
 * RTNL_RECORD has two meanings, told apart by its value: the name of a
 * .rtnl/.pcap file records the whole process (process-hooks.ts); any other
 * true value is the test harness's record mode.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureMode } from '../../src/testing/index.js';
import { processRecordingPath } from '../../src/testing/process-hooks.js';

describe('RTNL_RECORD', () => {
  it.each([
    [undefined, 'replay', undefined],
    ['', 'replay', undefined],
    ['0', 'replay', undefined],
    ['false', 'replay', undefined],
    ['1', 'record', undefined],
    ['yes', 'record', undefined],
    ['out.rtnl', 'replay', resolve('out.rtnl')],
    ['/tmp/a/b.PCAP', 'replay', '/tmp/a/b.PCAP'],
    ['notes.txt', 'record', undefined],
  ])('%j: harness %s, process recording %s', (value, mode, path) => {
    const env = { RTNL_RECORD: value };
    expect(fixtureMode(env)).toBe(mode);
    expect(processRecordingPath(env)).toBe(path);
  });
});
