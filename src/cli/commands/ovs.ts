/**
 * `rtnl ovs add-br|del-br|add-port|del-port|list-ports|list-br` — Open
 * vSwitch bridges and ports, spelled as ovs-vsctl spells them, through the
 * library's OVSDB client (src/ovs/). Unlike every other object this one does
 * not speak rtnetlink: it talks JSON-RPC to ovsdb-server's unix socket, and
 * a write returns once ovs-vswitchd has applied it (next_cfg/cur_cfg).
 *
 * Options (`--may-exist`, `--db`, …) may stand before or after the verb,
 * as `--opt VALUE` or ovs-vsctl's `--opt=VALUE`.
 */
import { addBridge, addPort, deleteBridge, deletePort, isOvsError, listBridges, listPorts } from '../../ovs/index.js';
import type { OvsWriteOptions } from '../../ovs/index.js';
import { isRtnlError } from '../../wire.js';
import { type Args, isHelp } from '../args.js';
import { type Context, printJson } from '../context.js';
import { CliError, UsageError } from '../errors.js';

export const OVS_HELP = `Usage: rtnl ovs [ --db unix:PATH | --db PATH ] [ --no-wait ] [ --timeout SECS ] COMMAND
COMMAND := { add-br BRIDGE [ --datapath-type { netdev | system } ] [ --may-exist ] |
             del-br BRIDGE [ --if-exists ] |
             add-port BRIDGE PORT [ --type { system | internal | tap } ] [ --may-exist ] |
             del-port BRIDGE PORT [ --if-exists ] |
             list-ports BRIDGE |
             list-br }

Talks to ovsdb-server (OVSDB, RFC 7047) like ovs-vsctl; default database:
unix:$OVS_RUNDIR/db.sock, else unix:/var/run/openvswitch/db.sock.
Writes return once ovs-vswitchd has applied them (--no-wait: once stored).
"-j" prints list-ports and list-br as a JSON array of names.
`;

const VERBS = ['add-br', 'del-br', 'add-port', 'del-port', 'list-ports', 'list-br'] as const;
type Verb = (typeof VERBS)[number];

/** How many names each verb takes. */
const ARITY: Record<Verb, number> = { 'add-br': 1, 'del-br': 1, 'add-port': 2, 'del-port': 2, 'list-ports': 1, 'list-br': 0 };

/** Options that take a value, and the verbs they belong to (undefined: every verb). */
const VALUED: Record<string, readonly Verb[] | undefined> = {
  db: undefined,
  timeout: undefined,
  'datapath-type': ['add-br'],
  type: ['add-port'],
};
const FLAGS: Record<string, readonly Verb[] | undefined> = {
  'no-wait': undefined,
  'may-exist': ['add-br', 'add-port'],
  'if-exists': ['del-br', 'del-port'],
};

interface Parsed {
  verb: Verb;
  names: string[];
  values: Map<string, string>;
  flags: Set<string>;
}

function parse(args: Args): Parsed | undefined {
  let verb: Verb | undefined;
  const names: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  while (!args.done) {
    const a = args.next() as string;
    if (isHelp(a) && (a.startsWith('-') || verb === undefined)) return undefined;
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const key = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (key in VALUED) {
        values.set(key, eq < 0 ? args.value(`--${key}`) : a.slice(eq + 1));
      } else if (key in FLAGS) {
        if (eq >= 0) throw new UsageError(`Error: option "--${key}" takes no value.`, 'Try "rtnl ovs help".');
        flags.add(key);
      } else {
        throw new UsageError(`Error: option "${a}" is unknown.`, 'Try "rtnl ovs help".');
      }
    } else if (verb === undefined) {
      verb = VERBS.find((v) => v === a);
      if (verb === undefined) throw new UsageError(`Command "${a}" is unknown, try "rtnl ovs help".`);
    } else {
      names.push(a);
    }
  }
  if (verb === undefined) throw new UsageError('Error: no command given.', 'Try "rtnl ovs help".');
  const want = ARITY[verb];
  if (names.length !== want) {
    const what = verb.endsWith('port') ? 'BRIDGE PORT' : verb === 'list-br' ? 'no argument' : 'BRIDGE';
    throw new UsageError(`Error: "${verb}" takes ${what}, got ${names.length ? names.map((n) => JSON.stringify(n)).join(' ') : 'nothing'}.`, 'Try "rtnl ovs help".');
  }
  // An option for another verb is a mistake worth saying (ovs-vsctl says so too).
  for (const [table, keys] of [
    [VALUED, [...values.keys()]],
    [FLAGS, [...flags]],
  ] as const) {
    for (const k of keys) {
      const only = table[k];
      if (only && !only.includes(verb)) throw new UsageError(`Error: option "--${k}" does not apply to "${verb}".`, 'Try "rtnl ovs help".');
    }
  }
  return { verb, names, values, flags };
}

/** `--db unix:PATH` or `--db PATH`; ovsdb-server's other remotes (tcp:, ssl:) are not offered. */
function dbSocket(db: string | undefined): string | undefined {
  if (db === undefined) return undefined;
  if (/^(tcp|ssl|ptcp|pssl|punix):/.test(db)) {
    throw new UsageError(`Error: --db "${db}" is not supported: only a unix socket (unix:PATH or PATH).`);
  }
  const path = db.startsWith('unix:') ? db.slice(5) : db;
  if (path === '') throw new UsageError('Error: --db needs the path of ovsdb-server\'s unix socket.');
  return path;
}

function choice(values: Map<string, string>, key: string, allowed: readonly string[]): string | undefined {
  const v = values.get(key);
  if (v !== undefined && !allowed.includes(v)) throw new UsageError(`Error: --${key} must be ${allowed.join(' or ')}, not "${v}".`);
  return v;
}

export async function ovsCommand(ctx: Context, args: Args): Promise<number> {
  const p = parse(args);
  if (!p) {
    ctx.stdout(OVS_HELP);
    return 0;
  }
  if (ctx.netns !== undefined) {
    // The socket is a file, reached the same from every namespace; which
    // namespace ports live in is ovs-vswitchd's, not ours, to choose.
    throw new UsageError('Error: "-n" does not apply to "rtnl ovs": ovs-vswitchd opens ports in its own namespace; use --db to pick the switch.');
  }
  const o: OvsWriteOptions = {};
  const socket = dbSocket(p.values.get('db'));
  if (socket !== undefined) o.socket = socket;
  const timeout = p.values.get('timeout');
  if (timeout !== undefined) {
    // ovs-vsctl's --timeout is in seconds.
    if (!/^\d+(\.\d+)?$/.test(timeout) || Number(timeout) <= 0) throw new UsageError(`Error: --timeout must be a positive number of seconds, not "${timeout}".`);
    o.timeout = Number(timeout) * 1000;
  }
  if (p.flags.has('no-wait')) o.wait = false;
  const [a = '', b = ''] = p.names;
  try {
    switch (p.verb) {
      case 'add-br': {
        const datapathType = choice(p.values, 'datapath-type', ['netdev', 'system']);
        await addBridge(a, { ...o, mayExist: p.flags.has('may-exist'), ...(datapathType !== undefined ? { datapathType } : {}) });
        return 0;
      }
      case 'del-br':
        await deleteBridge(a, { ...o, ifExists: p.flags.has('if-exists') });
        return 0;
      case 'add-port': {
        const type = choice(p.values, 'type', ['system', 'internal', 'tap']) as 'system' | 'internal' | 'tap' | undefined;
        await addPort(a, b, { ...o, mayExist: p.flags.has('may-exist'), ...(type !== undefined ? { type } : {}) });
        return 0;
      }
      case 'del-port':
        await deletePort(a, b, { ...o, ifExists: p.flags.has('if-exists') });
        return 0;
      case 'list-ports':
        printNames(ctx, (await listPorts(a, o)).map((port) => port.name));
        return 0;
      case 'list-br':
        printNames(ctx, (await listBridges(o)).map((br) => br.name));
        return 0;
    }
  } catch (e) {
    throw describe(e);
  }
}

/** One name per line, as ovs-vsctl prints them; `-j`: a JSON array. */
function printNames(ctx: Context, names: string[]): void {
  if (ctx.json) printJson(ctx, names);
  else for (const n of names) ctx.stdout(n + '\n');
}

/**
 * The OVS client's errors in ovs-vsctl's manner (`rtnl ovs: no bridge named
 * "br9"`). A missing or existing bridge/port exits 1, as ovs-vsctl and as
 * `Device "x" does not exist.` do; the server or ovs-vswitchd failing
 * (unreachable, refused, not confirming in time) exits 2, as a kernel
 * refusal does in the other commands. ValidationError is left to the
 * common report (exit 1).
 */
function describe(e: unknown): unknown {
  if (isOvsError(e)) {
    const exit = e.code === 'ERR_OVS_NOT_FOUND' || e.code === 'ERR_OVS_EXISTS' ? 1 : 2;
    return new CliError(`rtnl ovs: ${e.message}`, exit);
  }
  if (isRtnlError(e) && e.name === 'TimeoutError') return new CliError(`rtnl ovs: ${e.message}`, 2);
  return e;
}
