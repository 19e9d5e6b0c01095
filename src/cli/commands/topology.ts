/**
 * `rtnl plan|apply|destroy FILE` — a declarative topology (a JSON file of
 * namespaces, links, addresses, routes and neighbours; the library's
 * `topology` module) made real from the command line. `plan` prints what
 * would change, `apply` changes it (all or nothing, journaled), `destroy`
 * removes it, `apply --recover` undoes what a killed apply left behind.
 * Each change prints as one `describeChange` line, or with -j the changes
 * as the JSON array the library returns, so a script sees what a program
 * would.
 *
 * The global `-n NS` is the topology's current namespace: where its links
 * without a `netns` live. Options are ovs-vsctl-style `--opt` (`--opt VALUE`
 * or `--opt=VALUE`), since they are not ip words.
 */
import { readFileSync } from 'node:fs';
import { type Topology, type TopologyChange, topology } from '../../index.js';
import { strerror } from '../../wire.js';
import { type Args, isHelp } from '../args.js';
import { type Context, printJson } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import type { JsonValue } from '../json.js';

const FILE_WORDS = `FILE := a JSON topology: { "namespaces", "links", "routes", "rules", "neighbours", "ovs" } ("-": standard input)

"-n NS" names the topology's current namespace: its links, routes and
neighbours without "netns" live there (default: this process's).
Each change prints as one line; "-j" prints the changes as a JSON array.
`;

export const PLAN_HELP = `Usage: rtnl plan FILE [ --prune ]
${FILE_WORDS}
Prints the changes that would make the kernel's state what FILE describes,
in the order apply makes them; nothing when it already is. Reads only.
--prune   also delete what the topology's own namespaces hold that FILE does not describe
`;

export const APPLY_HELP = `Usage: rtnl apply FILE [ --dry-run ] [ --prune ] [ --journal-dir DIR ]
       rtnl apply --recover [ --journal FILE | --journal-dir DIR ]
${FILE_WORDS}
Makes the kernel's state what FILE describes, printing each change once it
is made, then checks it by reading back. All or nothing: on a failure (or
Ctrl-C) every change made is undone. A journal (under /run/rtnl, or
--journal-dir) lets "apply --recover" undo what a killed apply had made.
--dry-run      print what would be changed, change nothing
--prune        also delete what the topology's own namespaces hold that FILE does not describe
--recover      undo what applies that did not finish had made, per journal
--journal FILE recover this journal only
`;

export const DESTROY_HELP = `Usage: rtnl destroy FILE
${FILE_WORDS}
Removes what FILE describes: its links in the current namespace (a veth
end there takes its peer), then its namespaces with everything in them.
What is already gone is skipped; prints the changes made.
`;

/** The options each command takes: flags, and options with a value. */
interface Spec {
  object: string;
  help: string;
  flags: readonly string[];
  valued: readonly string[];
}

interface Parsed {
  file?: string;
  flags: Set<string>;
  values: Map<string, string>;
}

/** FILE and `--options`, in any order; undefined when help was asked for (and printed). */
function parse(ctx: Context, args: Args, spec: Spec): Parsed | undefined {
  const out: Parsed = { flags: new Set(), values: new Map() };
  const hint = `Try "rtnl ${spec.object} help".`;
  while (!args.done) {
    const a = args.next() as string;
    if (isHelp(a)) {
      ctx.stdout(spec.help);
      return undefined;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const key = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (spec.valued.includes(key)) out.values.set(key, eq < 0 ? args.value(`--${key}`) : a.slice(eq + 1));
      else if (spec.flags.includes(key) && eq < 0) out.flags.add(key);
      else throw new UsageError(`Error: option "${a}" is unknown${spec.flags.includes(key) ? ' (it takes no value)' : ''}.`, hint);
    } else if (a.startsWith('-') && a !== '-') {
      // A file whose name starts with a dash: ./-x (as for most commands).
      throw new UsageError(`Error: option "${a}" is unknown.`, hint);
    } else if (out.file !== undefined) {
      throw new UsageError(`Error: one topology file only, got "${out.file}" and "${a}".`, hint);
    } else {
      out.file = a;
    }
  }
  return out;
}

function needFile(p: Parsed, object: string): string {
  if (p.file === undefined) throw new UsageError('Error: no topology file given ("-" reads standard input).', `Try "rtnl ${object} help".`);
  return p.file;
}

/**
 * The topology in FILE, as plain data. What it holds is the library's to
 * judge (validateTopology names the path of each problem); here only
 * whether it can be read and is JSON — exit 1, like a bad value.
 */
function readTopology(file: string): Topology {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    // ip's words for a file it cannot open (as -batch says it), with the errno's text rather than Node's whole message.
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`Cannot open file "${file}" for reading: ${code !== undefined ? `${strerror(code)} (${code})` : (e as Error).message}`, 1);
  }
  try {
    return JSON.parse(text) as Topology;
  } catch (e) {
    throw new CliError(`Error: ${file === '-' ? 'standard input' : `"${file}"`} is not a JSON topology: ${(e as Error).message}`, 1);
  }
}

/** The `netns` option of plan/apply/destroy: `-n`'s namespace, else none (this process's). */
const where = (ctx: Context): { netns?: string } => (ctx.netns === undefined ? {} : { netns: ctx.netns });

/** Changes are plain data (they are what the journal stores as JSON), printed as they are. */
const asJson = (v: unknown): JsonValue => v as JsonValue;

function printChanges(ctx: Context, changes: readonly TopologyChange[]): void {
  if (ctx.json) printJson(ctx, asJson(changes));
  else for (const c of changes) ctx.stdout(`${topology.describeChange(c)}\n`);
}

const PLAN: Spec = { object: 'plan', help: PLAN_HELP, flags: ['prune'], valued: [] };

export async function planCommand(ctx: Context, args: Args): Promise<number> {
  const p = parse(ctx, args, PLAN);
  if (!p) return 0;
  const doc = readTopology(needFile(p, 'plan'));
  printChanges(ctx, await topology.plan(doc, { ...where(ctx), prune: p.flags.has('prune') }));
  return 0;
}

const APPLY: Spec = { object: 'apply', help: APPLY_HELP, flags: ['dry-run', 'prune', 'recover'], valued: ['journal', 'journal-dir'] };

export async function applyCommand(ctx: Context, args: Args): Promise<number> {
  const p = parse(ctx, args, APPLY);
  if (!p) return 0;
  if (p.flags.has('recover')) return recover(ctx, p);
  if (p.values.has('journal')) throw new UsageError('Error: "--journal FILE" names the journal to recover: it goes with --recover.', 'Try "rtnl apply help".');
  const doc = readTopology(needFile(p, 'apply'));
  const dir = p.values.get('journal-dir');
  const { changes } = await topology.apply(doc, {
    ...where(ctx),
    prune: p.flags.has('prune'),
    dryRun: p.flags.has('dry-run'),
    ...(dir !== undefined ? { journalDir: dir } : {}),
    onChange: ({ change, phase }) => {
      // Ctrl-C (main.ts aborts the signal on the first one): stop between two changes, and apply undoes what it made.
      if (phase === 'before' && ctx.signal.aborted) throw new CliError('interrupted (Ctrl-C)');
      // As each change is made, so that a failure later leaves a record of how far it got (undone, as the error says).
      if (phase === 'after' && !ctx.json) ctx.stdout(`${topology.describeChange(change)}\n`);
    },
  });
  // A dry run has no onChange calls: its plan prints here; JSON always at the end, as one document.
  if (ctx.json) printJson(ctx, asJson(changes));
  else if (p.flags.has('dry-run')) printChanges(ctx, changes);
  return 0;
}

/** `apply --recover`: one header line per journal recovered, then the changes undone, newest first. */
async function recover(ctx: Context, p: Parsed): Promise<number> {
  const hint = 'Try "rtnl apply help".';
  if (p.file !== undefined) throw new UsageError(`Error: --recover takes no topology file (got "${p.file}"): it undoes what the journals record.`, hint);
  for (const f of ['dry-run', 'prune']) if (p.flags.has(f)) throw new UsageError(`Error: --${f} does not go with --recover.`, hint);
  if (p.values.has('journal') && p.values.has('journal-dir')) throw new UsageError('Error: --journal and --journal-dir: give one (a journal, or where to look for them).', hint);
  // Each journal names the namespace its apply acted in; a -n here could only disagree with it.
  if (ctx.netns !== undefined) throw new UsageError('Error: "-n" does not go with --recover: each journal names the namespace its apply acted in.', hint);
  const journal = p.values.get('journal');
  const dir = p.values.get('journal-dir');
  const done = await topology.recover({ ...(journal !== undefined ? { journal } : {}), ...(dir !== undefined ? { journalDir: dir } : {}) });
  if (ctx.json) {
    printJson(ctx, asJson(done));
    return 0;
  }
  for (const j of done) {
    ctx.stdout(`${j.path} (pid ${j.pid}): ${j.undone.length} change(s) undone\n`);
    for (const c of j.undone) ctx.stdout(`    ${topology.describeChange(c)}\n`);
  }
  return 0;
}

const DESTROY: Spec = { object: 'destroy', help: DESTROY_HELP, flags: [], valued: [] };

export async function destroyCommand(ctx: Context, args: Args): Promise<number> {
  const p = parse(ctx, args, DESTROY);
  if (!p) return 0;
  const doc = readTopology(needFile(p, 'destroy'));
  printChanges(ctx, await topology.destroy(doc, where(ctx)));
  return 0;
}
