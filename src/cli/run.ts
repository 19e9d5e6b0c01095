/**
 * The `rtnl` command without process plumbing: global options, then one
 * object (`link`, `addr`, `route`, `neigh`, `netns`, `tuntap`, `monitor`;
 * also `ovs`, which speaks OVSDB as ovs-vsctl does) and its verb, as `ip`
 * reads them. Returns the exit code; main.ts wires stdout/stderr,
 * signals and process.exit around it.
 */
import { Args, isHelp, matches } from './args.js';
import type { Context, GlobalOptions } from './context.js';
import { UsageError, report } from './errors.js';
import { addrCommand, ADDR_HELP } from './commands/addr.js';
import { bridgeCommand, BRIDGE_HELP } from './commands/bridge.js';
import { linkCommand, LINK_HELP } from './commands/link.js';
import { monitorCommand, MONITOR_HELP } from './commands/monitor.js';
import { neighCommand, NEIGH_HELP } from './commands/neigh.js';
import { netnsCommand, NETNS_HELP } from './commands/netns.js';
import { ovsCommand, OVS_HELP } from './commands/ovs.js';
import { routeCommand, ROUTE_HELP } from './commands/route.js';
import { tuntapCommand, TUNTAP_HELP } from './commands/tuntap.js';
import { VERSION } from './version.js';

export const MAIN_HELP = `Usage: rtnl [ OPTIONS ] OBJECT { COMMAND | help }
where  OBJECT := { link | address | route | neigh | netns | tuntap | monitor | ovs | bridge }
       OPTIONS := { -n[etns] NAME | -d[etails] | -j[son] | -p[retty] |
                    -br[ief] | -o[neline] | -s[tatistics] | -4 | -6 | -com[pressvlans] |
                    -V[ersion] | -h[elp] }

rtnl speaks rtnetlink directly (no iproute2); its output follows "ip":
"-j" prints the field names and shapes of "ip -j", "-d" the details of "ip -d".
"-n NAME" acts inside the network namespace /run/netns/NAME without moving
the process. "rtnl bridge vlan" does what "bridge vlan" does; "rtnl ovs"
configures Open vSwitch bridges and ports through ovsdb-server, as ovs-vsctl
does. "rtnl OBJECT help" shows each object's commands.
`;

interface ObjectDef {
  name: string;
  run: (ctx: Context, args: Args) => Promise<number>;
  help: string;
}

/** In ip's table order, so an abbreviation picks what ip would (`l` is link, `n` is neigh). */
const OBJECTS: ObjectDef[] = [
  { name: 'address', run: addrCommand, help: ADDR_HELP },
  { name: 'route', run: routeCommand, help: ROUTE_HELP },
  { name: 'neighbour', run: neighCommand, help: NEIGH_HELP },
  { name: 'neighbor', run: neighCommand, help: NEIGH_HELP },
  { name: 'link', run: linkCommand, help: LINK_HELP },
  { name: 'tuntap', run: tuntapCommand, help: TUNTAP_HELP },
  { name: 'tap', run: tuntapCommand, help: TUNTAP_HELP },
  { name: 'monitor', run: monitorCommand, help: MONITOR_HELP },
  { name: 'netns', run: netnsCommand, help: NETNS_HELP },
  { name: 'ovs', run: ovsCommand, help: OVS_HELP },
  // The `bridge` tool's objects, under one name here.
  { name: 'bridge', run: bridgeCommand, help: BRIDGE_HELP },
];

export interface RunIo {
  stdout(text: string): void;
  stderr(text: string): void;
  signal?: AbortSignal;
}

/** Reads `-x` options up to the object; returns the options and where the object starts. */
export function parseGlobals(argv: readonly string[]): { opts: GlobalOptions; rest: string[]; version: boolean; help: boolean } {
  const opts: GlobalOptions = { details: false, json: false, pretty: false, brief: false, stats: false };
  let i = 0;
  let version = false;
  let help = false;
  for (; i < argv.length; i++) {
    let a = argv[i] as string;
    if (!a.startsWith('-') || a === '-') break;
    if (a.startsWith('--')) a = a.slice(1);
    if (a === '-4') opts.family = 'inet';
    else if (a === '-6') opts.family = 'inet6';
    else if (matches(a, '-statistics') || matches(a, '-stats')) opts.stats = true;
    else if (matches(a, '-details')) opts.details = true;
    else if (matches(a, '-Version')) version = true;
    else if (matches(a, '-help')) help = true;
    else if (matches(a, '-netns')) {
      const ns = argv[++i];
      if (ns === undefined) throw new UsageError('Option "-netns" needs a namespace name.');
      opts.netns = ns;
    } else if (matches(a, '-json')) opts.json = true;
    else if (matches(a, '-pretty')) opts.pretty = true;
    else if (matches(a, '-brief')) opts.brief = true;
    else if (matches(a, '-oneline')) opts.oneline = true;
    // bridge and ip read a bare -c as -color: the long spelling only.
    else if (a.length >= 4 && matches(a, '-compressvlans')) opts.compressVlans = true;
    else throw new UsageError(`Option "${argv[i]}" is unknown, try "rtnl -help".`);
  }
  return { opts, rest: argv.slice(i), version, help };
}

export async function run(argv: readonly string[], io: RunIo): Promise<number> {
  try {
    const { opts, rest, version, help } = parseGlobals(argv);
    if (version) {
      io.stdout(`rtnl ${VERSION} (rtnetlink, no iproute2)\n`);
      return 0;
    }
    const objName = rest[0];
    if (help || objName === undefined || isHelp(objName)) {
      (objName === undefined && !help ? io.stderr : io.stdout)(MAIN_HELP);
      return objName === undefined && !help ? 255 : 0;
    }
    const def = OBJECTS.find((o) => matches(objName, o.name));
    if (!def) throw new UsageError(`Object "${objName}" is unknown, try "rtnl help".`);
    const ctx: Context = { ...opts, stdout: io.stdout, stderr: io.stderr, signal: io.signal ?? new AbortController().signal };
    return await def.run(ctx, new Args(rest.slice(1)));
  } catch (e) {
    const r = report(e);
    for (const line of r.lines) io.stderr(line + '\n');
    return r.exitCode;
  }
}
