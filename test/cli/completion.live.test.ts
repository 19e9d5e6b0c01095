/**
 * `rtnl completion bash`: the script parses (bash -n), and completing words
 * gives what a user expects — objects, an object's commands (also after
 * an abbreviation and after global options), link kinds after `type`,
 * options after `-`, and, from the real kernel, the devices of the
 * namespace `-n` names after `dev` and the namespace names after `-n`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLive, ip, liveSkipReason, useNetns } from '../helpers/live.js';
import { repoPath } from '../helpers/child.js';
import { bundle, rtnl, rtnlOk, useCli } from './_cli.js';

useCli();
const ns = useNetns('rtnlcomp');
const bash = spawnSync('bash', ['--version']).status === 0 ? undefined : 'no bash on this machine';

let dir = '';
let script = '';
beforeAll(() => {
  dir = mkdtempSync(join(repoPath('.cache'), 'rtnl-completion-'));
  // `rtnl` on PATH, as an installed command would be: the script asks it for device names.
  writeFileSync(join(dir, 'rtnl'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(bundle())} "$@"\n`);
  chmodSync(join(dir, 'rtnl'), 0o755);
  script = join(dir, 'rtnl.bash');
  writeFileSync(script, rtnlOk(['completion', 'bash']));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What bash offers for the command line `words` (the last word is the one being completed). */
function complete(...words: string[]): string[] {
  const array = ['rtnl', ...words].map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const body = `source ${JSON.stringify(script)}; COMP_WORDS=(${array}); COMP_CWORD=${words.length}; _rtnl_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', body], { encoding: 'utf8', env: { PATH: `${dir}:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: dir } });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe.skipIf(bash !== undefined)(`rtnl completion bash${bash ? ` — skipped: ${bash}` : ''}`, () => {
  it('prints a script bash can parse; other shells and stray words are usage errors', () => {
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
    expect(rtnl(['completion', 'zsh'])).toMatchObject({ status: 255, stderr: expect.stringMatching(/only bash/) });
    expect(rtnl(['completion', 'bash', 'extra']).status).toBe(255);
  });

  it('completes objects, commands (after abbreviations and options), kinds and options', () => {
    expect(complete('')).toEqual(['address', 'apply', 'bridge', 'completion', 'destroy', 'link', 'monitor', 'neighbor', 'neighbour', 'netns', 'ovs', 'plan', 'route', 'rule', 'tap', 'tuntap']);
    expect(complete('ru', '')).toEqual(['add', 'delete', 'help', 'show']);
    expect(complete('ne')).toEqual(['neighbor', 'neighbour', 'netns']);
    expect(complete('li', '')).toEqual(['add', 'change', 'delete', 'help', 'set', 'show']);
    expect(complete('-d', '-j', 'a', 'f')).toEqual(['flush']);
    expect(complete('netns', 'l')).toEqual(['list', 'list-id']);
    expect(complete('link', 'add', 'x', 'type', 've')).toEqual(['veth']);
    expect(complete('link', 'add', 'x', 'type', 'mac')).toEqual(['macvlan', 'macvtap']);
    expect(complete('-js')).toEqual(['-json']);
    expect(complete('-co')).toEqual(['-color', '-compressvlans']);
  });
});

describe.skipIf(bash !== undefined || !canRunLive)(`rtnl completion bash, names from the kernel${liveSkipReason ? ` — skipped: ${liveSkipReason}` : ''}`, () => {
  it('offers the devices of the -n namespace after dev and link show, and namespace names after -n', () => {
    ip(['link', 'add', 'compa0', 'type', 'veth', 'peer', 'name', 'compb0'], ns.name);
    expect(complete('-n', ns.name, 'addr', 'show', 'dev', 'comp')).toEqual(['compa0', 'compb0']);
    expect(complete('-n', ns.name, 'link', 'set', 'compa')).toEqual(['compa0']);
    expect(complete('-n', ns.name, 'rule', 'add', 'iif', 'compa')).toEqual(['compa0']);
    expect(complete('-n', ns.name.slice(0, -1))).toContain(ns.name);
    expect(complete('netns', 'delete', ns.name.slice(0, -1))).toContain(ns.name);
  });
});
