/**
 * Only the kernel is trusted. Another socket — of this root process, or of
 * an unprivileged user who is root in a user namespace of its own — writes
 * forged replies, ACKs, events and garbage straight to our port ids and to
 * the link group, ahead of the kernel's answers. Each must be dropped unread
 * (the source address the kernel reports, sockaddr_nl.nl_pid, is not 0) and
 * counted; the kernel's own answer must win, on every backend.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridge, deleteLink, getLink, monitor, type MonitorEvent } from '../../src/index.js';
import { runInNetnsSync } from '../../src/netlink/netns.js';
import { RtnlSocket } from '../../src/netlink/socket.js';
import { getShim } from '../../src/shim/index.js';
import { AS_NOBODY, backendEnv, repoPath, unprivilegedMissing } from '../helpers/child.js';
import { canRunLive, ip, liveTitle, useNetns } from '../helpers/live.js';
import { GARBAGE, LINK_GROUP_BIT, forgeAll, forgedLink, forgerSocket, send } from './_forge.js';

const ns = useNetns('rtnlfg');
const COUNT = 64;

/** The next link event (without ending the iteration, as a `for await` that returns would). */
async function nextLinkEvent(m: AsyncIterator<MonitorEvent>): Promise<MonitorEvent> {
  for (;;) {
    const r = await m.next();
    if (r.done) throw new Error('the monitor ended');
    if (r.value.type === 'newlink' || r.value.type === 'dellink') return r.value;
  }
}

describe.skipIf(!canRunLive)(liveTitle('forged netlink datagrams from a root socket'), () => {
  const shim = canRunLive ? getShim() : undefined;
  let forger: { fd: number } | undefined;
  beforeAll(() => {
    forger = runInNetnsSync(shim!, ns.name, () => forgerSocket(shim!));
  });
  afterAll(() => {
    if (forger) shim!.close(forger.fd);
  });

  it('replies and ACKs queued ahead of the kernel\'s are dropped: getLink and deleteLink get the kernel\'s answers', async () => {
    await using sock = RtnlSocket.open({ netns: ns.name });
    const sent = forgeAll(shim!, forger!.fd, sock.portId, COUNT);
    const lo = await getLink('lo', { socket: sock });
    expect({ index: lo.index, mtu: lo.mtu }).toEqual({ index: 1, mtu: 65536 });
    // A forged ACK for every sequence number was queued: the deletion must still fail as the kernel says.
    await expect(deleteLink('nosuch0', { socket: sock })).rejects.toMatchObject({ code: 'ENODEV' });
    expect(sock.foreignDatagrams).toBe(sent);
    expect(sock.strayMessages).toBe(0);
  });

  it('a monitor drops forged events (unicast and to the link group), garbage and a 4-byte datagram, and keeps running', async () => {
    await using m = monitor(['link'], { netns: ns.name });
    send(shim!, forger!.fd, forgedLink(0, 0, { index: 998, name: 'evil0', mtu: 1500 }), { pid: m.portId });
    send(shim!, forger!.fd, GARBAGE, { pid: m.portId });
    send(shim!, forger!.fd, new Uint8Array(4), { pid: m.portId }); // shorter than a header (the kernel refuses 0 bytes: ENODATA)
    send(shim!, forger!.fd, forgedLink(0, 0, { index: 997, name: 'evil1', mtu: 1500 }), { groups: LINK_GROUP_BIT });
    ip(['link', 'add', 'real0', 'type', 'bridge'], ns.name);
    const events = m[Symbol.asyncIterator]();
    expect(await nextLinkEvent(events)).toMatchObject({ type: 'newlink', link: { name: 'real0' } });
    expect(m.foreignDatagrams).toBe(4);
    // Still running: the next real change arrives too.
    ip(['link', 'del', 'real0'], ns.name);
    expect(await nextLinkEvent(events)).toMatchObject({ type: 'dellink', link: { name: 'real0' } });
  });
});

// ---------------------------------------------------------------------------
// The unprivileged forger: uid 65534, root only of its own user namespace.

let dir: string | undefined;

/** Bundles the child (it runs on this test's runtime and backend); undefined reason when it can run. */
function prepareChild(): { file?: string; skip?: string } {
  if (!canRunLive) return {};
  mkdirSync(repoPath('.cache'), { recursive: true });
  dir = mkdtempSync(join(repoPath('.cache'), 'rtnl-forger-'));
  const file = join(dir, 'forger.mjs');
  buildSync({ entryPoints: [repoPath('test/netlink/fixtures/forger-child.ts')], bundle: true, platform: 'node', format: 'esm', outfile: file, logLevel: 'error' });
  chmodSync(dir, 0o755);
  chmodSync(file, 0o644);
  const env = backendEnv();
  const cannot = unprivilegedMissing(file, ...(env.RTNL_ADDON_PATH ? [env.RTNL_ADDON_PATH] : []));
  if (cannot) return { skip: cannot };
  const r = spawnSync('setpriv', [...AS_NOBODY, 'unshare', '--user', '--map-root-user', '--net', 'true'], { encoding: 'utf8' });
  if (r.status !== 0) return { skip: `uid 65534 cannot make a user namespace here (unshare: ${(r.stderr || r.error?.message || '').trim()})` };
  return { file };
}

const child = prepareChild();
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!canRunLive || !child.file)(liveTitle('forged netlink datagrams from an unprivileged user namespace', child.skip), () => {
  let proc: ChildProcessWithoutNullStreams | undefined;
  let lines: AsyncIterator<string> | undefined;
  const next = async (): Promise<Record<string, number>> => {
    const r = await lines!.next();
    if (r.done) throw new Error('the forger ended');
    return JSON.parse(r.value) as Record<string, number>;
  };
  const ask = async (cmd: object) => {
    proc!.stdin.write(`${JSON.stringify(cmd)}\n`);
    return (await next()).sent!;
  };
  afterAll(() => {
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
  });

  it('replies, ACKs and events forged by uid 65534 into its own namespace are dropped; the root caller gets the kernel\'s answers', async () => {
    proc = spawn('setpriv', [...AS_NOBODY, 'unshare', '--user', '--map-root-user', '--net', process.execPath, child.file!], { env: backendEnv() });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
    const hello = await next().catch((e: Error) => {
      throw new Error(`${e.message}: ${stderr}`);
    });
    expect(hello.uid).toBe(0); // root of its user namespace, uid 65534 outside
    const target = { pid: hello.ready! };

    await using sock = RtnlSocket.open({ netns: target });
    const sent = await ask({ reply: sock.portId, count: COUNT });
    const lo = await getLink('lo', { socket: sock });
    expect({ index: lo.index, mtu: lo.mtu }).toEqual({ index: 1, mtu: 65536 });
    await expect(deleteLink('nosuch0', { socket: sock })).rejects.toMatchObject({ code: 'ENODEV' });
    expect(sock.foreignDatagrams).toBe(sent);

    await using m = monitor(['link'], { netns: target });
    const forgedEvents = await ask({ event: m.portId });
    await using req = RtnlSocket.open({ netns: target });
    // A real change in that namespace, made by this (root) process.
    await createBridge('real1', { socket: req });
    expect(await nextLinkEvent(m[Symbol.asyncIterator]())).toMatchObject({ type: 'newlink', link: { name: 'real1' } });
    expect(m.foreignDatagrams).toBe(forgedEvents);
    proc.stdin.end();
  });
});
