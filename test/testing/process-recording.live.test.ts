/**
 * RTNL_RECORD=file records a whole process with no change to its code: a
 * child process creates, lists and deletes a bridge in a throwaway
 * namespace; the file it leaves at exit is a fixture that replays the same
 * calls here, without the kernel, and its .pcap twin holds one record per
 * netlink datagram. Needs root (the child talks to the real kernel).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listLinks } from '../../src/index.js';
import { readFixture, withReplay } from '../../src/testing/index.js';
import { backendEnv, repoPath } from '../helpers/child.js';
import { canRunLive, liveSkipReason, useNetns } from '../helpers/live.js';

const ns = useNetns('rtnlrecp');
let dir = '';
let probe = '';
beforeAll(() => {
  if (!canRunLive) return;
  dir = mkdtempSync(join(repoPath('.cache'), 'rtnl-process-record-'));
  const entry = join(dir, 'probe.ts');
  probe = join(dir, 'probe.mjs');
  writeFileSync(entry, `import { body } from ${JSON.stringify(join(dir, 'body.ts'))};\nconsole.log(JSON.stringify(await body(process.argv[2])));\n`);
  writeFileSync(join(dir, 'body.ts'), `export { body } from ${JSON.stringify(repoPath('test/testing/fixtures/process-body.ts'))};\n`);
  buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: probe, logLevel: 'error' });
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runChild(record: string): { status: number | null; stdout: string; stderr: string } {
  const env = backendEnv({ RTNL_RECORD: record });
  delete env.NODE_DEBUG;
  return spawnSync(process.execPath, [probe, ns.name], { encoding: 'utf8', env, cwd: dir });
}

describe.skipIf(!canRunLive)(`RTNL_RECORD=file on the real kernel${liveSkipReason ? ` — skipped: ${liveSkipReason}` : ''}`, () => {
  it('writes the whole conversation at exit as a fixture that replays the same calls', async () => {
    const child = runChild('whole.rtnl'); // relative: resolved against the child's working directory
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual(['lo', 'brrec0']);
    expect((await listLinks({ netns: ns.name })).map((l) => l.name)).toEqual(['lo']); // the child removed its bridge
    const file = join(dir, 'whole.rtnl');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^operation: the process \d+: .*probe\.mjs /m);
    expect(text).toMatch(/RTM_NEWLINK seq=\d+ pid=0 flags=REQUEST\|ACK\|(ECHO\|)?EXCL\|CREATE/);
    expect(text).toMatch(/linkinfo\.kind=bridge/);
    expect(text).toMatch(/RTM_DELLINK/);
    // The file is a fixture: the same body replays against it, no kernel involved.
    const { body } = await import('./fixtures/process-body.js');
    await expect(withReplay(file, () => body(ns.name))).resolves.toEqual(['lo', 'brrec0']);
    // …and a different program does not.
    await expect(withReplay(file, () => listLinks({ netns: ns.name }))).rejects.toThrow(/replay/i);
  });

  it('writes a .pcap of the same datagrams, and nothing for RTNL_RECORD=1 (the test harness\'s switch)', () => {
    const child = runChild(join(dir, 'whole.pcap'));
    expect(child.status, child.stderr).toBe(0);
    const pcap = readFileSync(join(dir, 'whole.pcap'));
    expect(pcap.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(pcap.readUInt32LE(20)).toBe(253); // LINKTYPE_NETLINK
    let records = 0;
    for (let off = 24; off < pcap.length; off += 16 + pcap.readUInt32LE(off + 8)) records++;
    const fixture = readFixture(join(dir, 'whole.rtnl'));
    const netlink = new Set(fixture.events.flatMap((e) => (e.kind === 'socket' && e.domain === 16 ? [e.fd] : [])));
    const datagrams = fixture.events.filter((e) => (e.kind === 'send' || e.kind === 'recv') && netlink.has(e.fd) && !e.error).length;
    expect(records).toBe(datagrams);
    expect(datagrams).toBeGreaterThan(4);

    const before = readdirSync(dir).sort();
    const harness = runChild('1');
    expect(harness.status, harness.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
