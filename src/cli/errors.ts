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
 */
import { isNetlinkError, isRtnlError } from '../netlink/errors.js';

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

/**
 * glibc's strerror() texts, which ip prints after "RTNETLINK answers:".
 * (libuv's own texts differ, e.g. "file already exists", and Node 20 has no
 * util.getSystemErrorMessage.)
 */
const STRERROR: Record<string, string> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ESRCH: 'No such process',
  EINTR: 'Interrupted system call',
  EIO: 'Input/output error',
  ENXIO: 'No such device or address',
  E2BIG: 'Argument list too long',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EFAULT: 'Bad address',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  EXDEV: 'Invalid cross-device link',
  ENODEV: 'No such device',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files',
  ENOSPC: 'No space left on device',
  ERANGE: 'Numerical result out of range',
  EDEADLK: 'Resource deadlock avoided',
  ENAMETOOLONG: 'File name too long',
  ENOSYS: 'Function not implemented',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
  ENOMSG: 'No message of desired type',
  ENODATA: 'No data available',
  ENOLINK: 'Link has been severed',
  EPROTO: 'Protocol error',
  EBADMSG: 'Bad message',
  EOVERFLOW: 'Value too large for defined data type',
  EBADFD: 'File descriptor in bad state',
  EMSGSIZE: 'Message too long',
  EPROTONOSUPPORT: 'Protocol not supported',
  EOPNOTSUPP: 'Operation not supported',
  ENOTSUP: 'Operation not supported',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENETDOWN: 'Network is down',
  ENETUNREACH: 'Network is unreachable',
  ENOBUFS: 'No buffer space available',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  EALREADY: 'Operation already in progress',
  EINPROGRESS: 'Operation now in progress',
  EDQUOT: 'Disk quota exceeded',
};

export function strerror(code: string): string {
  return STRERROR[code] ?? code;
}

export interface Report {
  /** Lines for stderr. */
  lines: string[];
  exitCode: number;
}

/** Turns anything thrown by a command into ip-style stderr lines and an exit code. */
export function report(e: unknown): Report {
  if (e instanceof UsageError) return { lines: [e.message, ...(e.hint ? [e.hint] : [])], exitCode: 255 };
  if (e instanceof CliError) return { lines: [e.message], exitCode: e.exitCode };
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
