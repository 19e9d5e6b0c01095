/**
 * How the command reports failures, in ip's words and with ip's exit codes,
 * so scripts that test `$?` or grep stderr keep working:
 *
 * - the kernel refused (NetlinkError): `RTNETLINK answers: File exists`,
 *   or, when the kernel explained itself in its extended ACK,
 *   `Error: <kernel text>.` — exit 2. We add the attribute of our request
 *   the kernel pointed at, which ip cannot name.
 * - bad command line: `Error: …` / `Command "x" is unknown …` — exit 255
 *   (ip's exit(-1)).
 * - bad value or missing object caught before any system call
 *   (ValidationError): `Error: …` — exit 1.
 * - a namespace that exists or is missing: ip's `Cannot create namespace
 *   file …` / `Cannot remove namespace file …` — exit 1; with `-n`, ip's
 *   `Cannot open network namespace "x": …` — exit 255.
 * - a topology apply/verify/recover that failed (TopologyError): its
 *   message, then its cause and each failed undo as reported on their own
 *   — exit 2. A topology document's mistake is a ValidationError naming
 *   the path in the document (`links[1].master`) — exit 1.
 */
import { type TopologyError, isNetlinkError, isRtnlError } from '../wire.js';
import { strerror } from '../wire.js';

/** A command-line mistake: printed with a hint, exit 255 like ip. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A failure the command already described in ip's words (e.g. `Cannot find device "x"`). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}


export interface Report {
  /** Lines for stderr. */
  lines: string[];
  exitCode: number;
}

/** A namespace that exists or is missing (netlink/errors.ts namespaceStateError): its SystemError's fields. */
function namespaceState(e: unknown): { code: string; path: string; field: string; operation: string; message: string } | undefined {
  if (!isRtnlError(e) || e.name !== 'SystemError') return undefined;
  const x = e as { code?: string; path?: string; field?: string; operation?: string };
  if ((x.code !== 'EEXIST' && x.code !== 'ENOENT') || x.path === undefined || x.field === undefined || x.operation === undefined) return undefined;
  return { code: x.code, path: x.path, field: x.field, operation: x.operation, message: e.message };
}

/** `lines` under a label: the first after it, the rest indented to match (a nested report stays readable). */
function labelled(label: string, lines: readonly string[]): string[] {
  return lines.map((l, i) => (i === 0 ? `  ${label}: ${l}` : `  ${' '.repeat(label.length)}  ${l}`));
}

/**
 * A topology apply, verify or recover that failed (exit 2): its message
 * (which change, and whether everything was undone), then the failure
 * behind it and every undo that failed, each reported as it would be on
 * its own (a NetlinkError keeps ip's first line), and where the journal is.
 */
function topologyReport(e: TopologyError): Report {
  const lines = [`Error: ${e.message}`];
  // recover's cause is its first revert error: shown once, among those.
  if (e.cause !== undefined && !e.revertErrors.includes(e.cause)) lines.push(...labelled('cause', report(e.cause).lines));
  e.revertErrors.forEach((r, i) => lines.push(...labelled(`undo failed (${i + 1} of ${e.revertErrors.length})`, report(r).lines)));
  if (e.journal !== undefined && e.phase !== 'recover') lines.push(`rtnl: the journal ${e.journal} is kept: "rtnl apply --recover --journal ${e.journal}" undoes what remains once the cause is fixed`);
  return { lines, exitCode: 2 };
}

/** Turns anything thrown by a command into ip-style stderr lines and an exit code. */
export function report(e: unknown): Report {
  if (e instanceof UsageError) return { lines: [e.message, ...(e.hint ? [e.hint] : [])], exitCode: 255 };
  if (e instanceof CliError) return { lines: [e.message], exitCode: e.exitCode };
  // A device named on the command line that is not there: ip looks names up first and says so (exit 1).
  if (isNetlinkError(e, 'ENODEV') && typeof e.missingLink === 'string') return { lines: [`Cannot find device "${e.missingLink}"`], exitCode: 1 };
  if (isNetlinkError(e)) {
    const lines: string[] = [];
    const km = e.kernelMessage?.trim();
    // ip: "Error: <extack>." when the kernel sent a reason, else strerror.
    if (km) lines.push(`Error: ${km}${km.endsWith('.') ? '' : '.'}`);
    else lines.push(`RTNETLINK answers: ${strerror(e.code)}`);
    // Then what rtnl knows beyond ip: operation, errno name, the attribute
    // of our request the kernel pointed at, and the library's explanation.
    lines.push(`rtnl: ${e.message}`);
    return { lines, exitCode: 2 };
  }
  const ns = namespaceState(e);
  if (ns) {
    // ip's own words for a namespace that is there or not (ip/ipnetns.c), then ours.
    const why = strerror(ns.code);
    const own = `rtnl: ${ns.message}`;
    // `-n NAME` naming no namespace: ip cannot switch to it either (exit 255, netns_switch).
    if (ns.field === 'netns') return { lines: [`Cannot open network namespace "${ns.path.slice(ns.path.lastIndexOf('/') + 1)}": ${why}`], exitCode: 255 };
    if (ns.operation === 'createNetns') return { lines: [`Cannot create namespace file "${ns.path}": ${why}`, own], exitCode: 1 };
    if (ns.operation === 'deleteNetns') return { lines: [`Cannot remove namespace file "${ns.path}": ${why}`, own], exitCode: 1 };
    if (ns.operation === 'netnsPids') return { lines: [`Cannot open network namespace: ${why}`, own], exitCode: 1 };
  }
  if (isRtnlError(e) && e.name === 'TopologyError') return topologyReport(e);
  if (isRtnlError(e) && e.name === 'ValidationError') {
    // A topology document names each of its problems by path (validateTopology's `problems`): one line each.
    const problems = (e as { problems?: unknown }).problems;
    if (Array.isArray(problems) && problems.length > 1) return { lines: problems.map((p: { path: string; message: string }) => `Error: ${p.path}: ${p.message}`), exitCode: 1 };
  }
  if (isRtnlError(e)) {
    // ValidationError, TimeoutError, DecodeError … — our own diagnosis.
    return { lines: [`Error: ${e.message}`], exitCode: e.name === 'ValidationError' ? 1 : 2 };
  }
  const sys = e as { code?: unknown; syscall?: unknown; message?: unknown };
  if (e instanceof Error && typeof sys.code === 'string') {
    // A system call refused (open /dev/net/tun, mount, setns …): name it as ip would.
    const isPlainSyscall = typeof sys.syscall === 'string' && e.message.startsWith(String(sys.syscall));
    const text = isPlainSyscall ? `${String(sys.syscall)}: ${strerror(sys.code)}` : e.message;
    return { lines: [text], exitCode: 2 };
  }
  return { lines: [`Error: ${e instanceof Error ? e.message : String(e)}`], exitCode: 1 };
}
