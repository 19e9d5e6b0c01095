/**
 * The recorder: a Shim that forwards every call to the real one and logs
 * the conversation — each netlink request as sent and each datagram as
 * received, plus the calls a replay must be able to answer (open of
 * namespace files and /dev/net/tun, setns, unshare, mount, TUN ioctls, TAP
 * reads and writes). The program sees the kernel's real answers; only the
 * log is normalised (normalise.ts), so two recordings agree byte for byte.
 *
 * Not logged: bind, setsockopt, getsockopt, close (the replay answers them
 * without the recording), receives that only peek (MSG_PEEK: the real
 * receive follows), and "nothing there yet" (EAGAIN) on non-blocking or
 * polled fds, whose timing no two runs share.
 */
import { readFileSync } from 'node:fs';
import type { Poller, Shim } from '../shim/types.js';
import { AF_NETLINK, MSG_DONTWAIT, MSG_PEEK, O_NONBLOCK } from '../shim/constants.js';
import type { Fixture, FixtureEvent, SocketEvent } from './fixture.js';
import type { ReplayShim } from './replay.js';
import { NetnsTracker } from './netns-tracker.js';
import { Normaliser } from './normalise.js';

/** What recordShim returns: the wrapped Shim, plus the conversation so far as a fixture and namespace aliases for it. */
export interface RecordingShim extends Shim {
  /**
   * The conversation so far as a fixture. `operation` describes it;
   * `ignore` lists request fields a replay should not compare; `kernel`
   * overrides the provenance line (by default the release of the kernel
   * that answered: the running one, or the recorded one when the wrapped
   * shim is itself a replay).
   */
  fixture(meta?: { operation?: string; ignore?: string[]; kernel?: string }): Fixture;
  /**
   * Declares that a namespace the recording uses under a throwaway name
   * (`rtnlrec-4711-0-blue`) is to appear in the fixture as `label`.
   */
  alias(realName: string, label: string, note?: string): void;
}

interface FdInfo {
  /** Canonical number. */
  fd: number;
  socket?: SocketEvent;
  realPort: number;
  nonblocking: boolean;
  polled: boolean;
}

const STANDARD_NOTES = [
  'file descriptors are renumbered from 3 in the order the program opened them; the replay hands out these numbers',
  'netlink port ids (nl_pid) are renumbered from 1 in the order they appeared; sequence numbers are renumbered from 1 per port in the order of the requests, and the replay maps them to the ones the program sends',
];

/** Wraps `real` so that everything it does is recorded. */
export function recordShim(real: Shim): RecordingShim {
  const norm = new Normaliser();
  const tracker = new NetnsTracker();
  const events: FixtureEvent[] = [];
  const fds = new Map<number, FdInfo>();
  const labels = new Map<string, string>();

  const info = (realFd: number): FdInfo => {
    let i = fds.get(realFd);
    if (!i) {
      i = { fd: norm.fd(realFd), realPort: 0, nonblocking: false, polled: false };
      fds.set(realFd, i);
    }
    return i;
  };
  const code = (e: unknown): string => (e as { code?: string }).code ?? 'EIO';
  const isAgain = (e: unknown) => code(e) === 'EAGAIN' || code(e) === 'EWOULDBLOCK';

  const shim: RecordingShim = {
    backend: real.backend,

    socket(domain, type, protocol) {
      let fd: number;
      try {
        fd = real.socket(domain, type, protocol);
      } catch (e) {
        events.push({ kind: 'socket', fd: -1, domain, protocol, netns: tracker.current, port: 0, error: code(e) });
        throw e;
      }
      const c = norm.openFd(fd);
      const ev: SocketEvent = { kind: 'socket', fd: c, domain, protocol, netns: tracker.current, port: 0 };
      events.push(ev);
      fds.set(fd, { fd: c, socket: ev, realPort: 0, nonblocking: (type & O_NONBLOCK) !== 0, polled: false });
      return fd;
    },

    bind: (fd, sa) => real.bind(fd, sa),

    getsockname(fd, sa) {
      const n = real.getsockname(fd, sa);
      const i = info(fd);
      if (i.socket && i.socket.domain === AF_NETLINK && n >= 8) {
        i.realPort = new DataView(sa.buffer, sa.byteOffset, sa.byteLength).getUint32(4, true);
        i.socket.port = norm.port(i.realPort);
      }
      return n;
    },

    setsockopt: (fd, level, name, value) => real.setsockopt(fd, level, name, value),
    getsockopt: (fd, level, name, value) => real.getsockopt(fd, level, name, value),

    send(fd, buf, length, flags, to) {
      const i = info(fd);
      const data = norm.request(buf.subarray(0, length), i.realPort);
      try {
        const n = real.send(fd, buf, length, flags, to);
        events.push({ kind: 'send', fd: i.fd, data });
        return n;
      } catch (e) {
        events.push({ kind: 'send', fd: i.fd, data, error: code(e) });
        throw e;
      }
    },

    recv(fd, buf, flags, from) {
      const i = info(fd);
      let n: number;
      try {
        n = real.recv(fd, buf, flags, from);
      } catch (e) {
        if (!(isAgain(e) && (flags & MSG_DONTWAIT || i.nonblocking || i.polled))) {
          events.push({ kind: 'recv', fd: i.fd, length: -1, data: new Uint8Array(0), error: code(e) });
        }
        throw e;
      }
      if (!(flags & MSG_PEEK)) {
        const got = Math.min(n, buf.length);
        events.push({ kind: 'recv', fd: i.fd, length: n, data: norm.reply(buf.subarray(0, got), got, i.realPort) });
      }
      return n;
    },

    read(fd, buf) {
      const i = info(fd);
      let n: number;
      try {
        n = real.read(fd, buf);
      } catch (e) {
        if (!(isAgain(e) && (i.nonblocking || i.polled))) events.push({ kind: 'read', fd: i.fd, length: -1, data: new Uint8Array(0), error: code(e) });
        throw e;
      }
      events.push({ kind: 'read', fd: i.fd, length: n, data: norm.bytes(buf.subarray(0, n)) });
      return n;
    },

    write(fd, buf, length) {
      const i = info(fd);
      const data = norm.bytes(buf.subarray(0, length));
      try {
        const n = real.write(fd, buf, length);
        events.push({ kind: 'write', fd: i.fd, data });
        return n;
      } catch (e) {
        events.push({ kind: 'write', fd: i.fd, data, error: code(e) });
        throw e;
      }
    },

    close(fd) {
      const i = fds.get(fd);
      real.close(fd);
      if (i) tracker.closed(i.fd);
      fds.delete(fd);
      norm.closeFd(fd);
    },

    open(path, flags, mode) {
      const p = norm.path(path);
      let fd: number;
      try {
        fd = real.open(path, flags, mode);
      } catch (e) {
        events.push({ kind: 'open', path: p, flags, error: code(e) });
        throw e;
      }
      const c = norm.openFd(fd);
      fds.set(fd, { fd: c, realPort: 0, nonblocking: (flags & O_NONBLOCK) !== 0, polled: false });
      const label = tracker.labelOf(p);
      tracker.opened(c, label);
      const ev: FixtureEvent = { kind: 'open', path: p, flags, fd: c };
      if (label !== undefined) ev.netns = label;
      events.push(ev);
      return fd;
    },

    ioctlPtr(fd, request, arg) {
      const i = info(fd);
      const before = norm.bytes(arg);
      try {
        const r = real.ioctlPtr(fd, request, arg);
        const after = norm.bytes(arg);
        const ev: FixtureEvent = { kind: 'ioctl', fd: i.fd, request, arg: before, result: r };
        if (!equal(before, after)) ev.out = after;
        events.push(ev);
        return r;
      } catch (e) {
        events.push({ kind: 'ioctl', fd: i.fd, request, arg: before, result: -1, error: code(e) });
        throw e;
      }
    },

    ioctlInt(fd, request, arg) {
      const i = info(fd);
      try {
        const r = real.ioctlInt(fd, request, arg);
        events.push({ kind: 'ioctl-int', fd: i.fd, request, arg, result: r });
        return r;
      } catch (e) {
        events.push({ kind: 'ioctl-int', fd: i.fd, request, arg, result: -1, error: code(e) });
        throw e;
      }
    },

    setns(fd, nstype) {
      const i = info(fd);
      try {
        real.setns(fd, nstype);
      } catch (e) {
        events.push({ kind: 'setns', fd: i.fd, nstype, error: code(e) });
        throw e;
      }
      events.push({ kind: 'setns', fd: i.fd, nstype, netns: tracker.entered(i.fd) });
    },

    unshare(flags) {
      try {
        real.unshare(flags);
      } catch (e) {
        events.push({ kind: 'unshare', flags, error: code(e) });
        throw e;
      }
      events.push({ kind: 'unshare', flags, netns: tracker.unshared(flags) });
    },

    mount(source, target, fstype, flags, data) {
      const ev: FixtureEvent = { kind: 'mount', source: norm.path(source), target: norm.path(target), fstype, flags, data };
      try {
        real.mount(source, target, fstype, flags, data);
      } catch (e) {
        events.push({ ...ev, error: code(e) });
        throw e;
      }
      events.push(ev);
    },

    umount2(target, flags) {
      const ev: FixtureEvent = { kind: 'umount', target: norm.path(target), flags };
      try {
        real.umount2(target, flags);
      } catch (e) {
        events.push({ ...ev, error: code(e) });
        throw e;
      }
      events.push(ev);
    },

    poll(fd, onReadable): Poller {
      info(fd).polled = true;
      return real.poll(fd, onReadable);
    },

    alias(realName, label, note = 'throwaway namespace created for the recording; its real name is replaced by this label') {
      norm.names.set(realName, label);
      labels.set(label, note);
    },

    fixture(meta = {}) {
      return {
        operation: meta.operation ?? 'recorded conversation',
        kernel: meta.kernel ?? answeringKernel(real),
        netns: [...labels].map(([label, note]) => ({ label, note })),
        notes: [...STANDARD_NOTES, ...norm.applied],
        ignore: meta.ignore ?? [],
        events: events.slice(),
      };
    },
  };
  return shim;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Which kernel the answers came from: a replay answers with the kernel its
 * fixture was recorded on, so re-recording a replay gives back the same
 * provenance on any machine; otherwise the running kernel.
 */
function answeringKernel(real: Shim): string {
  return (real as Partial<ReplayShim>).fixture?.kernel ?? kernelRelease();
}

/** The running kernel's release, as uname -r prints it. */
export function kernelRelease(): string {
  try {
    return readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}
