/**
 * `rtnl plan|apply|destroy FILE` and `rtnl apply --recover` as subprocesses,
 * against the kernel, with `ip -j` as the oracle. Everything happens inside
 * a throwaway base namespace (`-n`, the topology's current namespace) and
 * namespaces the topology itself names, all uniquely named and removed in
 * afterAll whatever happens; journals go to a temporary directory, not
 * /run/rtnl. The kinds are those every test kernel has: veth, bridge, tap,
 * ifb.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeChange, type Topology, type TopologyChange } from '../../src/topology/index.js';
import { canRunLive, deleteNetnsWithIp, ip, ipJson, uniqueName, useNetns } from '../helpers/live.js';
import { kernelLacks } from '../helpers/kernel.js';
import { rtnl, rtnlOk, useCli } from './_cli.js';

useCli();
const base = useNetns('rtnltopo');
/** The topology's own namespaces: made by the command under test, removed here in any case. */
const NS = uniqueName('rtnltopo-a');
const NS_FAIL = uniqueName('rtnltopo-b');
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rtnl-topology-cli-'));
});
afterAll(() => {
  if (canRunLive) for (const n of [NS, NS_FAIL]) deleteNetnsWithIp(n);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const doc = (): Topology => ({
  namespaces: [NS],
  links: [
    { name: 'br0', kind: 'bridge', addresses: ['10.0.0.1/24'] },
    { name: 'v0', kind: 'veth', master: 'br0', mtu: 1400, peer: { name: 'eth0', netns: NS, addresses: ['10.0.0.2/24'] } },
    { name: 'tap0', kind: 'tap', master: 'br0' },
    { name: 'ifb0', kind: 'ifb', netns: NS, up: false },
  ],
  routes: [{ netns: NS, dst: '10.1.0.0/16', gateway: '10.0.0.1' }],
  neighbours: [{ dev: 'br0', address: '10.0.0.9', lladdr: '02:00:00:00:00:09' }],
});

/** The plan from scratch, as describeChange words it (the order apply makes it in). */
const PLANNED = [
  `create netns ${NS}`,
  'create link br0 type bridge',
  `create link v0 type veth peer eth0 in ${NS} mtu 1400`,
  'create link tap0 type tap',
  `create link ifb0 in ${NS} type ifb`,
  'set link br0 up',
  `set link eth0 in ${NS} up`,
  'set link v0 master br0 up',
  'set link tap0 master br0 up',
  'create address 10.0.0.1/24 dev br0',
  `create address 10.0.0.2/24 dev eth0 in ${NS}`,
  `create route 10.1.0.0/16 via 10.0.0.1 in ${NS}`,
  'create neighbour 10.0.0.9 lladdr 02:00:00:00:00:09 dev br0',
];

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const lines = (s: string): string[] => s.split('\n').filter(Boolean);
const B = () => ['-n', base.name];
const journal = () => ['--journal-dir', join(dir, 'journals')];

interface IpLink {
  ifname: string;
  mtu: number;
  master?: string;
  flags: string[];
  linkinfo?: { info_kind?: string };
}
const linksIn = (ns: string) => ipJson<IpLink[]>(['-d', 'link', 'show'], ns);
const namesIn = (ns: string) => linksIn(ns).map((l) => l.ifname).sort();
const addrsOf = (dev: string, ns: string) => ipJson<{ addr_info: { local: string; prefixlen: number }[] }[]>(['addr', 'show', 'dev', dev], ns)[0]?.addr_info.map((a) => `${a.local}/${a.prefixlen}`) ?? [];
const namespaces = () => ipJson<{ name: string }[]>(['netns', 'list']).map((n) => n.name);

/** Nothing of the topology exists: the base namespace holds only lo, and the topology's namespace is not there. */
function nothingMade(): void {
  expect(namesIn(base.name)).toEqual(['lo']);
  expect(namespaces()).not.toContain(NS);
  expect(namespaces()).not.toContain(NS_FAIL);
}

// Probed first (in a scratch namespace that leaves no trace): loading the ifb module makes ifb0 and ifb1 in the machine's own namespace.
const ifbLacks = kernelLacks('ifb');
describe.skipIf(ifbLacks !== undefined)(`rtnl plan, apply, destroy${ifbLacks ? ` — skipped: ${ifbLacks}` : ''}`, () => {
  it('plan prints one line per change (FILE or - for stdin); -j the changes as a JSON array; nothing is made', () => {
    const f = file('topo.json', doc());
    expect(lines(rtnlOk([...B(), 'plan', f]))).toEqual(PLANNED);
    const fromStdin = rtnl([...B(), 'plan', '-'], JSON.stringify(doc()));
    expect(fromStdin).toMatchObject({ status: 0, stderr: '' });
    expect(lines(fromStdin.stdout)).toEqual(PLANNED);
    const json = JSON.parse(rtnlOk(['-j', ...B(), 'plan', f])) as TopologyChange[];
    expect(json.map(describeChange)).toEqual(PLANNED);
    expect(json[2]).toMatchObject({ action: 'create', object: 'link', netns: '', name: 'v0', spec: { kind: 'veth', mtu: 1400, peer: { name: 'eth0', netns: NS } } });
    nothingMade();
  });

  it('apply --dry-run prints the plan and makes nothing', () => {
    const f = file('topo.json', doc());
    expect(lines(rtnlOk([...B(), 'apply', '--dry-run', f, ...journal()]))).toEqual(PLANNED);
    expect((JSON.parse(rtnlOk(['-j', ...B(), 'apply', f, '--dry-run'])) as TopologyChange[]).map(describeChange)).toEqual(PLANNED);
    nothingMade();
  });

  it('apply makes it, printing each change; ip sees links, masters, addresses, the route and the neighbour; plan is then empty', () => {
    const f = file('topo.json', doc());
    const r = rtnl([...B(), 'apply', f, ...journal()]);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(lines(r.stdout)).toEqual(PLANNED);

    const here = linksIn(base.name);
    const link = (n: string, ls = here) => ls.find((l) => l.ifname === n);
    expect(here.map((l) => l.ifname).sort()).toEqual(['br0', 'lo', 'tap0', 'v0']);
    expect(link('br0')?.linkinfo?.info_kind).toBe('bridge');
    expect(link('br0')?.flags).toContain('UP');
    expect(link('v0')).toMatchObject({ master: 'br0', mtu: 1400, linkinfo: { info_kind: 'veth' } });
    expect(link('tap0')).toMatchObject({ master: 'br0', linkinfo: { info_kind: 'tun' } });
    expect(addrsOf('br0', base.name)).toContain('10.0.0.1/24');

    const there = linksIn(NS);
    expect(there.map((l) => l.ifname).sort()).toEqual(['eth0', 'ifb0', 'lo']);
    expect(link('eth0', there)?.flags).toContain('UP');
    expect(link('ifb0', there)?.flags).not.toContain('UP');
    expect(addrsOf('eth0', NS)).toContain('10.0.0.2/24');
    expect(ipJson<{ dst: string; gateway?: string; dev: string }[]>(['route', 'show', '10.1.0.0/16'], NS)).toEqual([expect.objectContaining({ dst: '10.1.0.0/16', gateway: '10.0.0.1', dev: 'eth0' })]);
    expect(ipJson<{ dst: string; lladdr: string; state: string[] }[]>(['neigh', 'show', 'dev', 'br0'], base.name)).toEqual([expect.objectContaining({ dst: '10.0.0.9', lladdr: '02:00:00:00:00:09', state: ['PERMANENT'] })]);

    // Already as described: nothing to print, nothing to do, and no journal left behind.
    expect(rtnl([...B(), 'plan', f])).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(rtnlOk(['-j', ...B(), 'plan', f, '--prune']).trim()).toBe('[]');
    expect(rtnl([...B(), 'apply', f, ...journal()])).toMatchObject({ status: 0, stdout: '' });
    expect(rtnlOk(['-j', ...B(), 'apply', f, ...journal()]).trim()).toBe('[]');
    expect(existsSync(join(dir, 'journals')) ? readdirSync(join(dir, 'journals')) : []).toEqual([]);
  });

  it('destroy removes all of it (the veth peer with its end, the namespace with what is in it), then has nothing to do', () => {
    const f = file('topo.json', doc());
    const r = rtnl([...B(), 'destroy', f]);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(lines(r.stdout)).toEqual(['delete link tap0 (tap)', 'delete link v0 (veth)', 'delete link br0 (bridge)', `delete netns ${NS}`]);
    nothingMade();
    expect(rtnl([...B(), 'destroy', f])).toMatchObject({ status: 0, stdout: '' });
    expect(rtnlOk(['-j', ...B(), 'destroy', f]).trim()).toBe('[]');
  });

  it('a document error exits 1 naming its path in the document, and makes nothing', () => {
    const bad = doc();
    bad.namespaces = [NS_FAIL];
    bad.links = [{ name: 'br0', kind: 'bridge' }, { name: 'v0', kind: 'veth', master: 'nosuch', peer: { name: 'eth0', netns: NS_FAIL } }];
    bad.routes = [];
    const f = file('bad.json', bad);
    for (const verb of [['plan'], ['apply', ...journal()], ['destroy']]) {
      const r = rtnl([...B(), verb[0]!, f, ...verb.slice(1)]);
      expect(r).toMatchObject({ status: 1, stdout: '' });
      expect(r.stderr).toContain('links[1].master');
      expect(r.stderr).toMatch(/^Error: links\[1\]\.master: no link nosuch in the current namespace/);
    }
    // Several problems: one line each, every one with its path.
    const two = file('two.json', { links: [{ name: 'x', kind: 'nosuchkind' }, { name: 'y', kind: 'bridge', mtu: 10 }] });
    expect(lines(rtnl(['plan', two]).stderr)).toEqual([expect.stringMatching(/^Error: links\[0\]\.kind: /), expect.stringMatching(/^Error: links\[1\]\.mtu: /)]);
    nothingMade();
  });

  it('a change the kernel refuses exits 2 with the message and its cause, and everything made is undone', () => {
    // A route through a gateway no address of NS_FAIL covers: nothing in the document is wrong, the kernel refuses it (ENETUNREACH) after six changes were made.
    const refused: Topology = {
      namespaces: [NS_FAIL],
      links: [{ name: 'br0', kind: 'bridge' }, { name: 'v0', kind: 'veth', peer: { name: 'eth0', netns: NS_FAIL } }],
      routes: [{ netns: NS_FAIL, dst: '10.201.0.0/16', gateway: '10.200.0.1' }],
    };
    const f = file('refused.json', refused);
    const r = rtnl([...B(), 'apply', f, ...journal()]);
    expect(r.status).toBe(2);
    expect(lines(r.stdout)).toEqual([`create netns ${NS_FAIL}`, 'create link br0 type bridge', `create link v0 type veth peer eth0 in ${NS_FAIL}`, 'set link br0 up', 'set link v0 up', `set link eth0 in ${NS_FAIL} up`]);
    const err = lines(r.stderr);
    expect(err[0]).toMatch(/^Error: change 7 of 7 failed \(create route 10\.201\.0\.0\/16 via 10\.200\.0\.1 in .*\): .*ENETUNREACH.*; every change made was undone$/);
    expect(err[1]).toMatch(/^ {2}cause: (Error: .+\.|RTNETLINK answers: Network is unreachable)$/);
    expect(err.slice(2).join('\n')).toMatch(/rtnl: addRoute: ENETUNREACH/);
    expect(r.stderr).not.toMatch(/undo failed/);
    nothingMade();
    expect(readdirSync(join(dir, 'journals'))).toEqual([]);
  });

  it('an unreadable or non-JSON file exits 1 with a clear message; a bad command line exits 255', () => {
    expect(rtnl(['plan', join(dir, 'missing.json')])).toMatchObject({ status: 1, stderr: `Cannot open file "${join(dir, 'missing.json')}" for reading: No such file or directory (ENOENT)\n` });
    expect(rtnl(['apply', dir])).toMatchObject({ status: 1, stderr: expect.stringContaining('Is a directory (EISDIR)') });
    const notJson = file('not.json', '{ "links": [ ');
    expect(rtnl(['plan', notJson])).toMatchObject({ status: 1, stderr: expect.stringMatching(/^Error: ".*not\.json" is not a JSON topology: /) });
    expect(rtnl(['destroy', '-'], 'links:\n  - name: x\n')).toMatchObject({ status: 1, stderr: expect.stringMatching(/^Error: standard input is not a JSON topology: /) });
    expect(rtnl(['plan', '-'], '')).toMatchObject({ status: 1, stderr: expect.stringMatching(/not a JSON topology/) });
    expect(rtnl(['plan'])).toMatchObject({ status: 255, stderr: expect.stringMatching(/no topology file given/) });
    expect(rtnl(['plan', notJson, notJson]).status).toBe(255);
    expect(rtnl(['plan', notJson, '--dry-run'])).toMatchObject({ status: 255, stderr: expect.stringMatching(/option "--dry-run" is unknown/) });
    expect(rtnl(['apply', notJson, '--journal', 'x'])).toMatchObject({ status: 255, stderr: expect.stringMatching(/goes with --recover/) });
    expect(rtnl([...B(), 'apply', '--recover'])).toMatchObject({ status: 255, stderr: expect.stringMatching(/"-n" does not go with --recover/) });
    expect(rtnl(['-n', uniqueName('rtnltopo-none'), 'plan', file('empty.json', {})])).toMatchObject({ status: 255, stderr: expect.stringMatching(/^Cannot open network namespace/) });
  });

  it('apply --recover: an empty journal directory has nothing to undo; a killed apply\'s journal is undone and removed', () => {
    const empty = join(dir, 'no-journals');
    expect(rtnl(['apply', '--recover', '--journal-dir', empty])).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(rtnlOk(['-j', 'apply', '--recover', '--journal-dir', empty]).trim()).toBe('[]');

    // What an apply killed right after its first change leaves: the journal (journal.ts's format) of a process that is gone.
    ip(['link', 'add', 'left0', 'type', 'bridge'], base.name);
    const journals = join(dir, 'killed');
    mkdirSync(journals);
    const st = statSync(`/run/netns/${base.name}`);
    const change: TopologyChange = { action: 'create', object: 'link', netns: '', name: 'left0', spec: { kind: 'bridge', options: {} } };
    const path = join(journals, 'apply-2147483647-1-1.json');
    writeFileSync(path, JSON.stringify({ version: 1, pid: 2147483647, startTime: '1', created: new Date().toISOString(), base: base.name, baseId: `${st.dev}:${st.ino}`, changes: [change], reached: 0 }));
    const r = rtnl(['apply', '--recover', '--journal-dir', journals]);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toBe(`${path} (pid 2147483647): 1 change(s) undone\n    create link left0 type bridge\n`);
    expect(namesIn(base.name)).toEqual(['lo']);
    expect(existsSync(path)).toBe(false);
    // A file that is not a journal, named with --journal: the library's ValidationError, exit 1.
    expect(rtnl(['apply', '--recover', '--journal', file('stray.json', {})])).toMatchObject({ status: 1, stderr: expect.stringMatching(/is not an rtnl apply journal/) });
  });
});

describe('rtnl plan, apply, destroy: help and the command table', () => {
  it('are objects of the command: help, abbreviations, the main usage', () => {
    expect(rtnlOk(['help'])).toMatch(/plan \| apply \| destroy/);
    expect(rtnlOk(['plan', 'help'])).toMatch(/^Usage: rtnl plan FILE \[ --prune \]/);
    expect(rtnlOk(['p', '--help'])).toMatch(/^Usage: rtnl plan FILE/);
    expect(rtnlOk(['ap', 'help'])).toMatch(/^Usage: rtnl apply FILE .*\n {7}rtnl apply --recover/);
    expect(rtnlOk(['destroy', 'help'])).toMatch(/^Usage: rtnl destroy FILE/);
    // `a` stays address, as in ip.
    expect(rtnlOk(['a', 'help'])).toMatch(/rtnl address/);
  });

  it.skipIf(spawnSync('bash', ['--version']).status !== 0)('bash completion offers their options and file names', () => {
    const script = file('rtnl.bash', rtnlOk(['completion', 'bash']));
    const cwd = join(dir, 'completion');
    mkdirSync(cwd);
    for (const f of ['topo-a.json', 'topo-b.json', 'other.json']) writeFileSync(join(cwd, f), '{}');
    const complete = (...words: string[]) => {
      const array = ['rtnl', ...words].map((w) => `'${w}'`).join(' ');
      const body = `cd ${JSON.stringify(cwd)}; source ${JSON.stringify(script)}; COMP_WORDS=(${array}); COMP_CWORD=${words.length}; _rtnl_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const r = spawnSync('bash', ['--norc', '--noprofile', '-c', body], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return lines(r.stdout).sort();
    };
    expect(complete('pl')).toEqual(['plan']);
    expect(complete('apply', '--')).toEqual(['--dry-run', '--journal', '--journal-dir', '--prune', '--recover']);
    expect(complete('apply', 'topo-')).toEqual(['topo-a.json', 'topo-b.json']);
    expect(complete('-n', 'x', 'apply', '--prune', 'topo-a')).toEqual(['topo-a.json']);
    expect(complete('destroy', 'o')).toEqual(['other.json']);
    expect(complete('p', '')).toEqual(['--prune', 'help', 'other.json', 'topo-a.json', 'topo-b.json']);
  });
});
