/**
 * The error family of rtnl. Every class has a narrow `name` and a stable
 * `code`; `isRtnlError`-style guards check structure, not `instanceof`, so
 * they keep working when the ESM and CJS copies of the package are both
 * loaded in one process.
 */

import type { ShimUnavailableError } from '../shim/index.js';
import type { ErrnoName } from '../shim/errno-names.js';
import { errnoValue } from '../shim/errors.js';

const BRAND = Symbol.for('rtnl.error');

abstract class RtnlErrorBase extends Error {
  abstract readonly code: string;
  /**
   * Failures of the steps that tried to undo what a failed multi-step call
   * had made (a rollback): present only when one failed. The error itself
   * stays the original failure.
   */
  declare undoErrors?: unknown[];
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * `e instanceof NetlinkError` holds too for an error made by the other
   * copy of rtnl in the process (its ESM and CJS builds both loaded): an
   * rtnl error (the brand) whose name is the class's. Within one copy this
   * is the ordinary prototype check.
   */
  static override [Symbol.hasInstance](this: { name: string }, e: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, e)) return true;
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true && (e as { name?: unknown }).name === this.name;
  }
}

/**
 * Records on `error` the failures of the undo steps after it (see
 * `undoErrors`); a plain Error gets the same property. Returns `error`, so
 * a rollback can end in `throw withUndoFailures(e, failures)`.
 */
export function withUndoFailures<E>(error: E, failures: readonly unknown[]): E {
  if (failures.length && typeof error === 'object' && error !== null) {
    const prior = (error as { undoErrors?: unknown[] }).undoErrors ?? [];
    Object.defineProperty(error, 'undoErrors', { value: [...prior, ...failures], enumerable: true, configurable: true, writable: true });
  }
  return error;
}

/** Details the kernel attached to an error in its extended ACK. */
export interface ExtAck {
  /** NLMSGERR_ATTR_MSG: the kernel's human-readable reason. */
  message?: string;
  /** NLMSGERR_ATTR_OFFS: byte offset of the offending attribute in our request. */
  offset?: number;
  /** NLMSGERR_ATTR_MISS_TYPE: type number of a missing attribute. */
  missingType?: number;
  /** NLMSGERR_ATTR_MISS_NEST: offset of the nest that lacks it. */
  missingNestOffset?: number;
  /** NLMSGERR_ATTR_COOKIE. */
  cookie?: Uint8Array;
}

/** The fields a NetlinkError is made from (operations rebuild errors from them to add what they know). */
export interface NetlinkErrorInit {
  /** The errno, either sign (the kernel's nlmsgerr carries it negative); stored negative. */
  errno: number;
  code: string;
  operation: string;
  seq?: number;
  extack?: ExtAck;
  /** The offending attribute, mapped back from the offset to our request's path. */
  attrPath?: string;
  /** The missing attribute, named as `nest.attr`. */
  missingAttr?: string;
  /** ENODEV of a look-up: the link (name or ifindex) that is not there. */
  missingLink?: string | number;
  /** What to do about it; by default derived from the errno (EPERM: the capability). */
  hint?: string;
  /** Our explanation, appended to the message (most link errors come without extended ACK). */
  detail?: string;
  /** The error this one explains (the kernel's own, when an operation adds what it knows). */
  cause?: unknown;
}

/**
 * rtnetlink answers EPERM when the caller lacks CAP_NET_ADMIN over the
 * namespace (netlink_ns_capable() in every change handler, and in dumps
 * that need it), and the kernel says nothing more: tell the user what is
 * missing.
 */
const EPERM_HINT =
  'this needs CAP_NET_ADMIN in the user namespace that owns the network namespace: run as root, grant the capability ' +
  '(e.g. setcap cap_net_admin+ep on the program, or AmbientCapabilities=CAP_NET_ADMIN in a systemd unit), or work in a namespace you own';

/** Only a bare EPERM is the capability check: an EPERM with the kernel's own reason is about something else (geneve's "only one externally controlled device on a destination port"). */
function defaultHint(errno: number, kernelMessage: string | undefined): string | undefined {
  return Math.abs(errno) === 1 && !kernelMessage ? EPERM_HINT : undefined;
}

/**
 * The kernel refused a request: errno number and name (`EEXIST`), the
 * kernel's extended-ACK text, the attribute path inside our own request that
 * it points at, and the operation that sent it.
 */
export class NetlinkError extends RtnlErrorBase {
  override readonly name = 'NetlinkError';
  /** errno name, e.g. `EEXIST`. */
  readonly code: string;
  /**
   * The errno as a negative number (EEXIST: -17), as Node's own system
   * errors and libuv have it, and as the kernel wrote it in nlmsgerr.
   */
  readonly errno: number;
  readonly operation: string;
  // The optional fields exist only when they have a value, so that
  // util.inspect shows what there is and no `undefined` noise.
  declare readonly seq?: number;
  /** The kernel's extended-ACK message, when it sent one. */
  declare readonly kernelMessage?: string;
  declare readonly attrPath?: string;
  declare readonly missingAttr?: string;
  /** ENODEV of a look-up: the link (name or ifindex) that is not there. */
  declare readonly missingLink?: string | number;
  readonly extack: ExtAck;
  /** What to do about it, when we know (EPERM: the capability that is missing). */
  declare readonly hint?: string;

  constructor(init: NetlinkErrorInit) {
    const parts = [`${init.operation}: ${init.code}`];
    if (init.extack?.message) parts.push(init.extack.message);
    if (init.attrPath) parts.push(`(attribute ${init.attrPath})`);
    if (init.missingAttr) parts.push(`(missing attribute ${init.missingAttr})`);
    // Derived in the constructor, so an error rebuilt from another one's
    // fields (as operations do to add an explanation) keeps it.
    const hint = init.hint ?? defaultHint(init.errno, init.extack?.message);
    if (hint) parts.push(`— ${hint}`);
    super(init.detail ? `${parts.join(' ')}: ${init.detail}` : parts.join(' '), { cause: init.cause });
    this.code = init.code;
    this.errno = -Math.abs(init.errno);
    this.operation = init.operation;
    this.extack = init.extack ?? {};
    const set = (k: string, v: unknown) => {
      if (v !== undefined) (this as Record<string, unknown>)[k] = v;
    };
    set('hint', hint);
    set('seq', init.seq);
    set('kernelMessage', init.extack?.message);
    set('attrPath', init.attrPath);
    set('missingAttr', init.missingAttr);
    set('missingLink', init.missingLink);
  }
}

/**
 * The same kernel refusal with what the operation knows added: the
 * attribute path when the kernel gave none, and an explanation. The
 * kernel's error is the `cause`; `kernelMessage`, errno and code stay the
 * kernel's. Anything that is not a NetlinkError is returned as it is.
 */
export function explainError(e: unknown, attrPath: string | undefined, detail: string): unknown {
  if (!isNetlinkError(e)) return e;
  const init: NetlinkErrorInit = { errno: e.errno, code: e.code, operation: e.operation, extack: e.extack, detail, cause: e };
  if (e.seq !== undefined) init.seq = e.seq;
  const path = e.attrPath ?? attrPath;
  if (path !== undefined) init.attrPath = path;
  if (e.missingAttr !== undefined) init.missingAttr = e.missingAttr;
  if (e.missingLink !== undefined) init.missingLink = e.missingLink;
  return new NetlinkError(init);
}

/** Bytes that do not form a valid message; `path` names the attribute. */
export class DecodeError extends RtnlErrorBase {
  override readonly name = 'DecodeError';
  readonly code = 'ERR_RTNL_DECODE';
  declare readonly path?: string;
  constructor(message: string, path?: string) {
    super(path ? `${message} (at ${path})` : message);
    if (path !== undefined) (this as { path?: string }).path = path;
  }
}

/** A value that cannot be written into a message (out of range, wrong type). */
export class EncodeError extends RtnlErrorBase {
  override readonly name = 'EncodeError';
  readonly code = 'ERR_RTNL_ENCODE';
  declare readonly path?: string;
  constructor(message: string, path?: string) {
    super(path ? `${message} (at ${path})` : message);
    if (path !== undefined) (this as { path?: string }).path = path;
  }
}

/** Bad input to a public call, rejected before any system call. */
export class ValidationError extends RtnlErrorBase {
  override readonly name = 'ValidationError';
  readonly code = 'ERR_RTNL_INVALID';
  /** The option or argument at fault, e.g. `peer.name`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** No reply within the socket's timeout. */
export class TimeoutError extends RtnlErrorBase {
  override readonly name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
}

/** The socket was closed while the operation was pending, or before it started. */
export class SocketClosedError extends RtnlErrorBase {
  override readonly name = 'SocketClosedError';
  readonly code = 'ERR_RTNL_CLOSED';
}

/**
 * The table changed while it was being dumped (NLM_F_DUMP_INTR): the results
 * may be inconsistent; dump again.
 */
export class DumpInterruptedError extends RtnlErrorBase {
  override readonly name = 'DumpInterruptedError';
  readonly code = 'ERR_RTNL_DUMP_INTR';
}

/**
 * A system call outside netlink failed (open, setns, mount, unshare, the
 * TUN ioctls): the errno name and (negative) number, the call, the path it
 * concerned, the operation, and — for EPERM and EACCES — what is missing
 * (`hint`, also in the message). The shim's own error is the `cause`.
 */
export class SystemError extends RtnlErrorBase {
  override readonly name = 'SystemError';
  /** errno name, e.g. `EPERM`. */
  readonly code: string;
  /** The errno as a negative number (EPERM: -1), as Node's system errors and NetlinkError's. */
  readonly errno: number;
  readonly syscall: string;
  declare readonly path?: string;
  readonly operation: string;
  declare readonly hint?: string;
  /** The option that named what the call found or missed (`name`, `netns`), when one did. */
  declare readonly field?: string;

  constructor(init: { operation: string; code: string; errno: number; syscall: string; path?: string | undefined; hint?: string | undefined; field?: string; detail?: string; cause?: unknown }) {
    const what = `${init.operation}: ${init.code} from ${init.syscall}${init.path !== undefined ? ` ${init.path}` : ''}`;
    const parts = [init.detail ? `${what}: ${init.detail}` : what];
    if (init.hint) parts.push(`— ${init.hint}`);
    super(parts.join(' '), { cause: init.cause });
    this.code = init.code;
    this.errno = -Math.abs(init.errno);
    this.syscall = init.syscall;
    this.operation = init.operation;
    if (init.path !== undefined) (this as { path?: string }).path = init.path;
    if (init.hint !== undefined) (this as { hint?: string }).hint = init.hint;
    if (init.field !== undefined) (this as { field?: string }).field = init.field;
  }
}

/**
 * A namespace (or process) that is there when it must not be, or missing
 * when it must be there: a SystemError with the errno the system call
 * that found out gave (EEXIST from the exclusive create of its file,
 * ENOENT from opening or unmounting it), as `ip netns` reports it — not a
 * ValidationError, since nothing is wrong with the input.
 */
export function namespaceStateError(init: { operation: string; code: 'EEXIST' | 'ENOENT'; syscall: string; path: string; field: string; detail: string; cause?: unknown }): SystemError {
  return new SystemError({ ...init, errno: errnoValue(init.code) ?? 0 });
}

/**
 * The shim's error `e` as a SystemError of `operation`, with `hint` when
 * its code is one `hints` names; anything that is not a system error (or
 * is an rtnl error already) is returned as it is.
 */
export function systemErrorOf(e: unknown, operation: string, hints: Readonly<Record<string, string>> = {}, detail?: string): unknown {
  if (isRtnlError(e) || typeof e !== 'object' || e === null) return e;
  const x = e as { code?: unknown; errno?: unknown; syscall?: unknown; path?: unknown };
  if (typeof x.code !== 'string' || typeof x.errno !== 'number' || typeof x.syscall !== 'string') return e;
  const init: ConstructorParameters<typeof SystemError>[0] = { operation, code: x.code, errno: x.errno, syscall: x.syscall, cause: e };
  if (typeof x.path === 'string') init.path = x.path;
  const hint = hints[x.code];
  if (hint !== undefined) init.hint = hint;
  if (detail !== undefined) init.detail = detail;
  return new SystemError(init);
}

/**
 * A topology could not be applied, verified or recovered. `cause` is the
 * original failure (the kernel's refusal of one change); the failures of
 * putting things back are beside it in `revertErrors`, never instead of it.
 * `journal` names the journal left for `recover` when the revert did not
 * finish.
 */
export class TopologyError extends RtnlErrorBase {
  override readonly name = 'TopologyError';
  readonly code = 'ERR_RTNL_TOPOLOGY';
  /** Which step failed: carrying out a change, the read-back after the last one, or a recovery. */
  readonly phase: 'apply' | 'verify' | 'recover';
  /** The change that failed (apply), as the plan lists it. */
  readonly change?: unknown;
  /** What still differs after applying (verify): the plan a second read made. */
  readonly remaining?: unknown[];
  /** Failures while undoing what had been made, in the order they happened. */
  readonly revertErrors: unknown[];
  /** The journal kept for `recover` (when the revert failed or did not run). */
  readonly journal?: string;
  constructor(init: { phase: 'apply' | 'verify' | 'recover'; message: string; cause?: unknown; change?: unknown; remaining?: unknown[]; revertErrors?: unknown[]; journal?: string }) {
    super(init.message, { cause: init.cause });
    this.phase = init.phase;
    if (init.change !== undefined) this.change = init.change;
    if (init.remaining !== undefined) this.remaining = init.remaining;
    this.revertErrors = init.revertErrors ?? [];
    if (init.journal !== undefined) this.journal = init.journal;
  }
}

/** Every error rtnl throws, by class; `isRtnlError(e)` tells them from others (by brand, across module copies). */
export type RtnlError =
  | ShimUnavailableError
  | SystemError
  | NetlinkError
  | DecodeError
  | EncodeError
  | ValidationError
  | TimeoutError
  | SocketClosedError
  | DumpInterruptedError
  | TopologyError;

/** True for any rtnl error, from either module format. */
export function isRtnlError(e: unknown): e is RtnlError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * True for a kernel refusal, optionally of one errno name — a name Linux
 * defines, so that `isNetlinkError(e, 'EEXISTS')` does not compile.
 */
export function isNetlinkError(e: unknown, code?: ErrnoName): e is NetlinkError {
  return isRtnlError(e) && e.name === 'NetlinkError' && (code === undefined || e.code === code);
}
