/**
 * The in-memory form of a fixture: one recorded conversation between rtnl
 * and the kernel, already normalised (see normalise.ts), in the order the
 * calls happened. format.ts writes it as reviewable text, parse.ts reads it
 * back, replay.ts answers a program from it.
 */

/** An errno name (`ENOENT`) recorded instead of a result when a call failed. */
export type ErrnoName = string;

interface Base {
  /** 1-based line of the event in the fixture file (set by the parser; 0 when recorded in memory). */
  line?: number;
}

/** socket(2): the fd (renumbered), the namespace the thread was in, the port the kernel bound (renumbered). */
export interface SocketEvent extends Base {
  kind: 'socket';
  fd: number;
  domain: number;
  protocol: number;
  netns: string;
  /** Canonical netlink port id (nl_pid); 0 until getsockname was seen. */
  port: number;
  error?: ErrnoName;
}

/** open(2) of a namespace file, /dev/net/tun …: path (namespace names replaced by labels) and fd or error. */
export interface OpenEvent extends Base {
  kind: 'open';
  path: string;
  flags: number;
  fd?: number;
  /** The namespace the opened file stands for, when it is one. */
  netns?: string;
  error?: ErrnoName;
}

/** setns(2): which fd, and the namespace the thread is in afterwards. */
export interface SetnsEvent extends Base {
  kind: 'setns';
  fd: number;
  nstype: number;
  netns?: string;
  error?: ErrnoName;
}

export interface UnshareEvent extends Base {
  kind: 'unshare';
  flags: number;
  netns?: string;
  error?: ErrnoName;
}

export interface MountEvent extends Base {
  kind: 'mount';
  source: string;
  target: string;
  fstype: string | null;
  flags: number;
  data: string | null;
  error?: ErrnoName;
}

export interface UmountEvent extends Base {
  kind: 'umount';
  target: string;
  flags: number;
  error?: ErrnoName;
}

/** send(2) on a netlink socket, or write(2) on any other fd (a TAP frame). */
export interface SendEvent extends Base {
  kind: 'send' | 'write';
  fd: number;
  data: Uint8Array;
  error?: ErrnoName;
}

/** recv(2) on a netlink socket, or read(2) on any other fd. */
export interface RecvEvent extends Base {
  kind: 'recv' | 'read';
  fd: number;
  /** What the call returned: with MSG_TRUNC the datagram's real length, which may exceed `data`. */
  length: number;
  data: Uint8Array;
  error?: ErrnoName;
}

/** ioctl(2) with a pointer argument: the argument's bytes before and after. */
export interface IoctlEvent extends Base {
  kind: 'ioctl';
  fd: number;
  request: number;
  arg: Uint8Array;
  /** The argument after the call, when the kernel changed it. */
  out?: Uint8Array;
  result: number;
  error?: ErrnoName;
}

/** ioctl(2) with an integer argument (TUNSETPERSIST, TUNSETOWNER …). */
export interface IoctlIntEvent extends Base {
  kind: 'ioctl-int';
  fd: number;
  request: number;
  arg: number;
  result: number;
  error?: ErrnoName;
}

/** One recorded call of a fixture: socket, open, setns, unshare, mount, umount, send or write, recv or read, ioctl. */
export type FixtureEvent =
  | SocketEvent
  | OpenEvent
  | SetnsEvent
  | UnshareEvent
  | MountEvent
  | UmountEvent
  | SendEvent
  | RecvEvent
  | IoctlEvent
  | IoctlIntEvent;

/** One recorded conversation: its header (operation, kernel, namespace labels, notes, ignored fields) and its events in order. */
export interface Fixture {
  /** What was recorded, in words (`createVethPair with the peer in another namespace`). */
  operation: string;
  /** Kernel release the conversation was recorded on (/proc/sys/kernel/osrelease). */
  kernel: string;
  /** Namespace labels used in the file and what they stand for. */
  netns: { label: string; note: string }[];
  /** How the recording was normalised, one sentence each. */
  notes: string[];
  /**
   * Request fields the replay does not compare, as decoded attribute paths
   * (`link.netNsPid`, `addr.cacheinfo`): values that legitimately differ
   * between the recording and a replay.
   */
  ignore: string[];
  events: FixtureEvent[];
}

export const FIXTURE_MAGIC = 'rtnl-fixture v1';

