/**
 * The `rtnl` command without process plumbing: global options, then one
 * object (`link`, `addr`, `route`, `rule`, `neigh`, `netns`, `tuntap`,
 * `monitor`; also `ovs`, which speaks OVSDB as ovs-vsctl does, and `plan`,
 * `apply`, `destroy` of a topology file) and its verb, as `ip` reads them.
 * Returns the exit code; main.ts wires stdout/stderr, signals and
 * process.exit around it.
 */
import { readFileSync } from 'node:fs';
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
import { ruleCommand, RULE_HELP } from './commands/rule.js';
import { applyCommand, APPLY_HELP, destroyCommand, DESTROY_HELP, planCommand, PLAN_HELP } from './commands/topology.js';
import { tuntapCommand, TUNTAP_HELP } from './commands/tuntap.js';
import { VERSION } from './version.js';
import { type ColorMode, colorOption, enableColor } from './color.js';
import { COMPLETION_HELP, completionCommand } from './commands/completion.js';

export const MAIN_HELP = `Usage: rtnl [ OPTIONS ] OBJECT { COMMAND | help }
where  OBJECT := { link | address | route | rule | neigh | netns | tuntap | monitor | ovs | bridge |
                   plan | apply | destroy | completion }
       OPTIONS := { -n[etns] NAME | -d[etails] | -j[son] | -p[retty] |
                    -br[ief] | -o[neline] | -s[tatistics] | -4 | -6 | -com[pressvlans] |
                    -c[olor][={always|auto|never}] | -b[atch] FILE | -force | -V[ersion] | -h[elp] }

rtnl speaks rtnetlink directly (no iproute2); its output follows "ip":
"-j" prints the field names and shapes of "ip -j", "-d" the details of "ip -d".
"-n NAME" acts inside the network namespace /run/netns/NAME without moving
the process. "rtnl bridge vlan" does what "bridge vlan" does; "rtnl ovs"
configures Open vSwitch bridges and ports through ovsdb-server, as ovs-vsctl
does. "rtnl plan|apply|destroy FILE" make a declarative topology (a JSON
file of namespaces, links, addresses, routes, rules, neighbours) real, all
or nothing. "rtnl OBJECT help" shows each object's commands.
`;

interface ObjectDef {
  name: string;
  run: (ctx: Context, args: Args) => Promise<number>;
  help: string;
  /** Its commands, as its help lists them: what `rtnl completion bash` offers after it. */
  commands: readonly string[];
  /** It takes a FILE (its `commands` are then its options): completion offers file names too. */
  files?: boolean;
}

/** In ip's table order, so an abbreviation picks what ip would (`l` is link, `n` is neigh). */
const OBJECTS: ObjectDef[] = [
  { name: 'address', run: addrCommand, help: ADDR_HELP, commands: ['show', 'add', 'change', 'replace', 'delete', 'flush', 'help'] },
  { name: 'route', run: routeCommand, help: ROUTE_HELP, commands: ['show', 'get', 'add', 'replace', 'delete', 'flush', 'help'] },
  { name: 'rule', run: ruleCommand, help: RULE_HELP, commands: ['show', 'add', 'delete', 'help'] },
  { name: 'neighbour', run: neighCommand, help: NEIGH_HELP, commands: ['show', 'add', 'replace', 'delete', 'flush', 'help'] },
  { name: 'neighbor', run: neighCommand, help: NEIGH_HELP, commands: ['show', 'add', 'replace', 'delete', 'flush', 'help'] },
  { name: 'link', run: linkCommand, help: LINK_HELP, commands: ['show', 'add', 'set', 'change', 'delete', 'help'] },
  { name: 'tuntap', run: tuntapCommand, help: TUNTAP_HELP, commands: ['show', 'add', 'delete', 'help'] },
  { name: 'tap', run: tuntapCommand, help: TUNTAP_HELP, commands: ['show', 'add', 'delete', 'help'] },
  { name: 'monitor', run: monitorCommand, help: MONITOR_HELP, commands: ['all', 'link', 'address', 'route', 'neigh', 'nsid', 'help'] },
  { name: 'netns', run: netnsCommand, help: NETNS_HELP, commands: ['list', 'add', 'delete', 'set', 'list-id', 'identify', 'pids', 'help'] },
  { name: 'ovs', run: ovsCommand, help: OVS_HELP, commands: ['list-br', 'add-br', 'del-br', 'list-ports', 'add-port', 'del-port', 'help'] },
  // The `bridge` tool's objects, under one name here.
  { name: 'bridge', run: bridgeCommand, help: BRIDGE_HELP, commands: ['vlan', 'help'] },
  // Declarative topologies (the library's `topology`): after ip's objects, so that no abbreviation of those changes meaning.
  { name: 'plan', run: planCommand, help: PLAN_HELP, commands: ['--prune', 'help'], files: true },
  { name: 'apply', run: applyCommand, help: APPLY_HELP, commands: ['--dry-run', '--prune', '--recover', '--journal', '--journal-dir', 'help'], files: true },
  { name: 'destroy', run: destroyCommand, help: DESTROY_HELP, commands: ['help'], files: true },
  { name: 'completion', run: (ctx, args) => completionCommand(ctx, args, OBJECTS), help: COMPLETION_HELP, commands: ['bash'] },
];

export interface RunIo {
  stdout(text: string): void;
  stderr(text: string): void;
  signal?: AbortSignal;
  /** Whether standard output is a terminal (`-color=auto`). */
  stdoutIsTty?: boolean;
}

/** Reads `-x` options up to the object; returns the options and where the object starts. */
export function parseGlobals(argv: readonly string[]): { opts: GlobalOptions; rest: string[]; version: boolean; help: boolean; batch?: string; force: boolean } {
  const opts: GlobalOptions = { details: false, json: false, pretty: false, brief: false, stats: false };
  let i = 0;
  let version = false;
  let help = false;
  let batch: string | undefined;
  let force = false;
  let color: ColorMode | undefined;
  for (; i < argv.length; i++) {
    let a = argv[i] as string;
    if (!a.startsWith('-') || a === '-') break;
    if (a.startsWith('--')) a = a.slice(1);
    if (a === '-4') opts.family = 'inet';
    else if (a === '-6') opts.family = 'inet6';
    else if (matches(a, '-statistics') || matches(a, '-stats')) opts.stats = true;
    else if (matches(a, '-details')) opts.details = true;
    else if (matches(a, '-Version')) version = true;
    else if (matches(a, '-batch')) {
      batch = argv[++i];
      if (batch === undefined) throw new UsageError('Option "-batch" needs a file name ("-" for standard input).');
    } else if (a.length >= 3 && matches(a, '-force')) force = true; // ip reads a bare -f as -family
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
    else if ((color = colorOption(a, matches)) !== undefined) opts.color = color;
    else throw new UsageError(`Option "${argv[i]}" is unknown, try "rtnl -help".`);
  }
  const out: ReturnType<typeof parseGlobals> = { opts, rest: argv.slice(i), version, help, force };
  if (batch !== undefined) out.batch = batch;
  return out;
}

/**
 * The commands of a batch file as ip reads them (lib/utils.c getcmdline and
 * makeargs): a `#` starts a comment, a line ending in a backslash goes on
 * on the next, words are split on blanks, and a word that begins with a
 * quote runs to the same quote. A command is numbered by its last line, as ip does.
 */
export function batchCommands(text: string): { line: number; argv: string[] }[] {
  const lines = text.split('\n');
  const out: { line: number; argv: string[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const strip = (l: string) => (l.includes('#') ? l.slice(0, l.indexOf('#')) : l);
    let line = strip(lines[i] as string);
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + strip(lines[++i] as string);
    // ip counts a continued command by its last line (cmdlineno after getcmdline).
    const last = i + 1;
    const argv: string[] = [];
    let at = 0;
    for (;;) {
      while (at < line.length && ' \t\r'.includes(line[at] as string)) at++;
      if (at >= line.length) break;
      const q = line[at];
      if (q === "'" || q === '"') {
        const end = line.indexOf(q, at + 1);
        if (end < 0) throw new UsageError(`Unterminated quoted string (line ${last})`);
        argv.push(line.slice(at + 1, end));
        at = end + 1;
      } else {
        let end = at;
        while (end < line.length && !' \t\r'.includes(line[end] as string)) end++;
        argv.push(line.slice(at, end));
        at = end;
      }
    }
    if (argv.length) out.push({ line: last, argv });
  }
  return out;
}

/** One command (OBJECT and its words) with the given options; errors are reported as ip reports them. */
async function runCommand(words: readonly string[], opts: GlobalOptions, io: RunIo): Promise<number> {
  try {
    const objName = words[0] as string;
    if (isHelp(objName)) {
      io.stdout(MAIN_HELP);
      return 0;
    }
    const def = OBJECTS.find((o) => matches(objName, o.name));
    if (!def) throw new UsageError(`Object "${objName}" is unknown, try "rtnl help".`);
    const ctx: Context = { ...opts, stdout: io.stdout, stderr: io.stderr, signal: io.signal ?? new AbortController().signal };
    return await def.run(ctx, new Args(words.slice(1)));
  } catch (e) {
    const r = report(e);
    for (const line of r.lines) io.stderr(line + '\n');
    return r.exitCode;
  }
}

/**
 * `-batch FILE` (`-` for standard input): each line a command, run in
 * order with the command line's options, in this one process — no process
 * per command. Stops at the first that fails ("Command failed FILE:LINE",
 * exit 1), or with `-force` runs the rest and exits 1 if any failed.
 */
async function runBatch(file: string, force: boolean, opts: GlobalOptions, io: RunIo): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    io.stderr(`Cannot open file "${file}" for reading: ${(e as Error).message}\n`);
    return 1;
  }
  let failed = false;
  for (const { line, argv } of batchCommands(text)) {
    if ((await runCommand(argv, opts, io)) !== 0) {
      io.stderr(`Command failed ${file}:${line}\n`);
      failed = true;
      if (!force) break;
    }
  }
  return failed ? 1 : 0;
}

export async function run(argv: readonly string[], io: RunIo): Promise<number> {
  try {
    const { opts, rest, version, help, batch, force } = parseGlobals(argv);
    if (version) {
      io.stdout(`rtnl ${VERSION} (rtnetlink, no iproute2)\n`);
      return 0;
    }
    enableColor(opts.color ?? 'never', opts.json, io.stdoutIsTty === true, process.env);
    if (batch !== undefined) return await runBatch(batch, force, opts, io);
    const objName = rest[0];
    if (help || objName === undefined || isHelp(objName)) {
      (objName === undefined && !help ? io.stderr : io.stdout)(MAIN_HELP);
      return objName === undefined && !help ? 255 : 0;
    }
    return await runCommand(rest, opts, io);
  } catch (e) {
    const r = report(e);
    for (const line of r.lines) io.stderr(line + '\n');
    return r.exitCode;
  }
}
