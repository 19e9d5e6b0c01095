/**
 * A private Open vSwitch for tests: ovsdb-server and ovs-vswitchd from
 * Debian's openvswitch-switch, on a database, sockets, pidfiles and logs in
 * a temp dir, never the system's /var/run/openvswitch or /etc/openvswitch.
 *
 * ovs-vswitchd runs inside a throwaway network namespace: with the
 * userspace (netdev) datapath it opens and creates devices in its own
 * namespace, and the devices it creates (the datapath's "ovs-netdev" and
 * every internal port) are *persistent* TAPs that outlive the daemon.
 * Deleting the namespace removes them all; the root namespace is never
 * touched. ovsdb-server needs no network at all.
 *
 * Daemons are stopped by the pids in their pidfiles, also when a test
 * failed or start-up broke half-way. The process plumbing (tool env, daemon
 * options, pidfile stop) is the demo's, from examples/ovs-daemons.ts; unlike
 * the demo, tests start from an empty database (no root row written).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { daemonArgs, ovsToolEnv, readPid, runTool as run, socketDir, stopPid } from '../../examples/ovs-daemons.js';
import { createNetnsWithIp, deleteNetnsWithIp, liveSkipReason, uniqueName } from '../helpers/live.js';
import { toolMissing } from '../helpers/tools.js';

const SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';
/** The daemons, the test oracle (ovs-vsctl) and ovs-appctl, which the demo's MAC-table step asks. */
const TOOLS = ['ovsdb-tool', 'ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovs-appctl'];

function probe(): string | undefined {
  if (liveSkipReason) return liveSkipReason;
  const missing = TOOLS.filter((t) => toolMissing(t) !== undefined);
  if (missing.length) return `Open vSwitch is not installed (missing ${missing.join(', ')}): apt-get install -y openvswitch-switch`;
  if (!existsSync(SCHEMA)) return `the OVS schema ${SCHEMA} is missing (package openvswitch-common)`;
  return undefined;
}

/** Why the OVS live tests cannot run here, or undefined. */
export const ovsSkipReason = probe();
if (ovsSkipReason) console.warn(`\n*** rtnl OVS live tests SKIPPED: ${ovsSkipReason} ***\n`);

export interface OvsEnv {
  dir: string;
  /** ovsdb-server's unix socket. */
  socket: string;
  /** The namespace ovs-vswitchd lives in; devices it should open go here. */
  netns: string;
  /** Runs ovs-vsctl against this database (the test oracle) and returns stdout. */
  vsctl(args: string[]): string;
  /** Stops ovs-vswitchd only (to test what happens without it). */
  stopVswitchd(): void;
  /** Stops ovsdb-server (and so leaves the socket path dead). */
  stopOvsdb(): void;
  stop(): void;
}

/** SIGTERM the pid in `pidfile`, wait up to 5 s, then SIGKILL. */
function stopByPidfile(pidfile: string): void {
  stopPid(readPid(pidfile));
}

/** Starts a private ovsdb-server + ovs-vswitchd; on any failure stops what it started and throws. */
export function startOvs(prefix = 'rtnlovs'): OvsEnv {
  const dir = socketDir(prefix);
  const env = ovsToolEnv(dir);
  const socket = join(dir, 'db.sock');
  const netns = uniqueName(prefix);
  let nsMade = false;
  const stopVswitchd = () => stopByPidfile(join(dir, 'ovs-vswitchd.pid'));
  const stopOvsdb = () => stopByPidfile(join(dir, 'ovsdb-server.pid'));
  const stop = () => {
    stopVswitchd();
    stopOvsdb();
    if (nsMade) deleteNetnsWithIp(netns);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('ovsdb-tool', ['create', join(dir, 'conf.db'), SCHEMA], env);
    // --detach returns once the daemon is ready (for ovsdb-server: listening on the socket).
    run('ovsdb-server', [join(dir, 'conf.db'), `--remote=punix:${socket}`, ...daemonArgs(dir, 'ovsdb-server')], env);
    createNetnsWithIp(netns);
    nsMade = true;
    run('ip', ['netns', 'exec', netns, 'ovs-vswitchd', `unix:${socket}`, ...daemonArgs(dir, 'ovs-vswitchd')], env);
  } catch (e) {
    let log = '';
    for (const f of ['ovsdb-server.log', 'ovs-vswitchd.log']) {
      try {
        log += `\n--- ${f}\n${readFileSync(join(dir, f), 'utf8').slice(-2000)}`;
      } catch {
        // not written
      }
    }
    stop();
    throw new Error(`could not start Open vSwitch daemons: ${(e as Error).message}${log}`);
  }
  return {
    dir,
    socket,
    netns,
    vsctl: (args) => run('ovs-vsctl', [`--db=unix:${socket}`, '--timeout=10', ...args], env),
    stopVswitchd,
    stopOvsdb,
    stop,
  };
}
