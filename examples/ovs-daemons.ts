/**
 * A private Open vSwitch for the demo (`npm start -- --ovs`): ovsdb-server
 * on a fresh database in a temp dir, and ovs-vswitchd inside a network
 * namespace the caller made. The library itself never starts processes;
 * examples may.
 *
 * Why inside a namespace: with the userspace datapath (`netdev`)
 * ovs-vswitchd opens ports by name in its own namespace and forwards frames
 * itself, through packet sockets on them; and the devices it creates (the
 * datapath's `ovs-netdev`, the bridge's local port) are persistent TAPs that
 * outlive it. In a throwaway namespace the ports it must open are at hand,
 * and deleting the namespace removes everything it made; the machine's own
 * namespace and its system-wide OVS (if any: /var/run/openvswitch) are
 * never touched, because every path the tools use points into the temp dir.
 *
 * Daemons are stopped by the pids in their pidfiles: SIGTERM, then SIGKILL
 * after 5 s.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ovs, runInNetns } from '../src/index.js';

export const OVS_SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';
const TOOLS = ['ovsdb-tool', 'ovsdb-server', 'ovs-vswitchd'] as const;

/** The tool's absolute path on $PATH (root's PATH has the sbin directories the daemons live in). */
function findTool(name: string): string | undefined {
  const dirs = (process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter).filter(Boolean);
  for (const d of dirs) {
    const p = join(d, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** What is missing for a private Open vSwitch, in words for the user; undefined when all is there. */
export function ovsMissing(): string | undefined {
  const missing: string[] = TOOLS.filter((t) => findTool(t) === undefined);
  if (!existsSync(OVS_SCHEMA)) missing.push(OVS_SCHEMA);
  if (!missing.length) return undefined;
  return [
    `The --ovs demo needs Open vSwitch's ovsdb-tool, ovsdb-server and ovs-vswitchd on $PATH and its schema ${OVS_SCHEMA};`,
    `missing: ${missing.join(', ')}.`,
    'Install them, e.g. on Debian/Ubuntu:  apt-get install -y openvswitch-switch',
    '(the demo starts its own private daemons and stops them again; it does not use a system-wide OVS).',
  ].join('\n');
}

export interface OvsDaemons {
  /** ovsdb-server's unix socket (pass as `{ socket }` to the ovs functions, or `--db unix:PATH` to `rtnl ovs`). */
  socket: string;
  dir: string;
  /** pids, for the record. */
  pids: { ovsdb: number | undefined; vswitchd: number | undefined };
  /** ovs-appctl against this ovs-vswitchd (e.g. `fdb/show br0`); undefined when ovs-appctl is not installed. */
  appctl(args: string[]): string | undefined;
  /** Stops both daemons by pid and removes the temp dir; safe to call twice. */
  stop(): void;
}

/**
 * The environment for the OVS tools with every default path they derive
 * (run dir, logs, database, config) pointed at `dir`, so they never touch a
 * system-wide OVS in /var/run/openvswitch, /var/log/openvswitch, /etc/openvswitch.
 */
export function ovsToolEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVS_SYSCONFDIR: dir };
}

/** The options that make an OVS daemon keep its pidfile, control socket and log in `dir`, and detach once ready. */
export function daemonArgs(dir: string, name: string): string[] {
  const file = (ext: string) => join(dir, `${name}.${ext}`);
  return [`--pidfile=${file('pid')}`, `--unixctl=${file('ctl')}`, `--log-file=${file('log')}`, '--no-chdir', '--detach'];
}

/** Runs a tool found on $PATH and returns its stdout; throws with its stderr when it fails. */
export function runTool(tool: string, args: string[], env: NodeJS.ProcessEnv): string {
  const path = findTool(tool);
  if (!path) throw new Error(`${tool} is not installed`);
  try {
    return execFileSync(path, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')} failed: ${err.stderr?.trim() || err.message}`);
  }
}

/** The pid in a daemon's pidfile, or undefined when there is none (yet). */
export function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    // A zombie still answers kill(0); its /proc stat says Z.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** SIGTERM, wait up to 5 s for the process to go, then SIGKILL; nothing when it is not running. */
export function stopPid(pid: number | undefined): void {
  if (pid === undefined || !alive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const until = Date.now() + 5000;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (alive(pid) && Date.now() < until) Atomics.wait(nap, 0, 0, 20);
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * Writes the database's root row before ovs-vswitchd reads it, with
 * other_config:userspace-tso-enable=true, which ovs-vswitchd only reads at
 * start-up. Why: a host's UDP/TCP stack leaves the checksum of a packet it
 * sends through a veth to be filled in later (CHECKSUM_PARTIAL, veth's "tx
 * checksumming" offload). ovs-vswitchd reads the frame from a packet socket
 * on the other end; without a virtio-net header on that socket it would
 * forward the unfinished checksum and the receiving host would drop the
 * datagram. With the option on, ovs-vswitchd opens its packet sockets with
 * PACKET_VNET_HDR and hands the "checksum still to do" mark on with the frame.
 */
async function prepareDatabase(socket: string): Promise<void> {
  const client = await ovs.OvsdbClient.connect({ socket, timeout: 5000 });
  try {
    await client.transact([{ op: 'insert', table: 'Open_vSwitch', row: { other_config: ovs.map([['userspace-tso-enable', 'true']]) } }]);
  } finally {
    client.close();
  }
}

/**
 * A new private directory for unix sockets. A socket's path must fit
 * sun_path (108 bytes with the terminating NUL), so under a long TMPDIR
 * the directory goes to /tmp instead; the longest name the OVS daemons put
 * there is `ovs-vswitchd.PID.ctl`.
 */
export function socketDir(prefix: string): string {
  const fits = (base: string) => Buffer.byteLength(join(base, `${prefix}-XXXXXX`, 'ovs-vswitchd.4194304.ctl')) <= 107;
  return mkdtempSync(join(fits(tmpdir()) ? tmpdir() : '/tmp', `${prefix}-`));
}

/**
 * Starts ovsdb-server (on a new database) and ovs-vswitchd inside `netns`
 * (a namespace under /run/netns). On any failure it stops what it started
 * and throws, with the tail of the daemons' logs.
 */
export async function startOvsDaemons(netns: string): Promise<OvsDaemons> {
  const missing = ovsMissing();
  if (missing) throw new Error(missing);
  const dir = socketDir('rtnl-demo-ovs');
  // Every default path of the OVS tools derives from these.
  const env = ovsToolEnv(dir);
  const socket = join(dir, 'db.sock');
  const file = (name: string) => join(dir, name);
  const pids: OvsDaemons['pids'] = { ovsdb: undefined, vswitchd: undefined };
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    // Pids are read again: a daemon that started but failed to report still left its pidfile.
    stopPid(pids.vswitchd ?? readPid(file('ovs-vswitchd.pid')));
    stopPid(pids.ovsdb ?? readPid(file('ovsdb-server.pid')));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    runTool('ovsdb-tool', ['create', file('conf.db'), OVS_SCHEMA], env);
    // --detach returns once the daemon is ready: ovsdb-server is listening on the socket.
    runTool('ovsdb-server', [file('conf.db'), `--remote=punix:${socket}`, ...daemonArgs(dir, 'ovsdb-server')], env);
    pids.ovsdb = readPid(file('ovsdb-server.pid'));
    await prepareDatabase(socket);
    // A child is forked from the calling thread and keeps its network
    // namespace, so running the start inside runInNetns puts ovs-vswitchd in
    // `netns` without `ip netns exec`.
    runInNetns(netns, () => runTool('ovs-vswitchd', [`unix:${socket}`, ...daemonArgs(dir, 'ovs-vswitchd')], env));
    pids.vswitchd = readPid(file('ovs-vswitchd.pid'));
  } catch (e) {
    let log = '';
    for (const f of ['ovsdb-server.log', 'ovs-vswitchd.log']) {
      try {
        log += `\n--- ${f}\n${readFileSync(file(f), 'utf8').slice(-1500)}`;
      } catch {
        // not written
      }
    }
    stop();
    throw new Error(`could not start the Open vSwitch daemons: ${(e as Error).message}${log}`);
  }
  return {
    socket,
    dir,
    pids,
    appctl: (args) => (findTool('ovs-appctl') ? runTool('ovs-appctl', [`--target=${file('ovs-vswitchd.ctl')}`, ...args], env) : undefined),
    stop,
  };
}
