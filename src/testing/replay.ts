/**
 * The replay: a Shim that answers a program from a fixture, without a
 * kernel and without privileges. Sockets, namespace files and setns are
 * faked; every request the program sends is compared byte for byte with the
 * recorded one (sequence numbers aside — they are mapped); the recorded
 * replies are then handed to the following receives, with the program's own
 * sequence numbers put back in.
 *
 * Order rules, chosen to be as strict as the kernel is and no stricter:
 *  - requests (send) must come in the recorded order, on the recorded fd;
 *  - a reply is available once the request before it on its socket was
 *    sent; a notification (a message not addressed to the socket's own
 *    port) once as many actions as in the recording were replayed;
 *  - sockets are handed out in the recorded order and must be opened in the
 *    recorded namespace; files are matched by path;
 *  - ioctls and TAP writes follow the recorded order per fd.
 *
 * A divergence throws a ReplayMismatchError from the call that diverged and
 * is remembered: verify() throws it again even if the program caught it.
 *
 * Why one file of ~530 lines: the ordering rules above are one state
 * machine over the recording (slots, per-fd counters, the sequence map);
 * each shim call below is a transition of it.
 */
import type { Poller, Shim } from '../shim/types.js';
import { AF_NETLINK, MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC, O_NONBLOCK, SOCK_NONBLOCK } from '../shim/constants.js';
import { errnoValue, systemError } from '../shim/errors.js';
import { NLMSG, NLMSG_HDRLEN } from '../netlink/constants.js';
import { forEachMessage } from '../netlink/message.js';
import { decodedDifferences, firstDifference, formatDifferences, hexDiff, summary, type Difference } from './diff.js';
import { ReplayIncompleteError, ReplayMismatchError } from './errors.js';
import type { Fixture, FixtureEvent, IoctlEvent, IoctlIntEvent, MountEvent, OpenEvent, RecvEvent, SetnsEvent, SocketEvent, UmountEvent } from './fixture.js';
import { NetnsTracker } from './netns-tracker.js';

/** Options of replayShim. */
export interface ReplayOptions {
  /** The fixture's file name, for messages. */
  file?: string;
}

/** What replayShim returns: a Shim answering from its fixture, plus the checks that the replay ran to the end. */
export interface ReplayShim extends Shim {
  readonly fixture: Fixture;
  /**
   * Checks the replay ran to the end: throws the first mismatch (even one
   * the program caught), else a ReplayIncompleteError naming the recorded
   * exchanges never made and, with `leaks` (default true), the fds the
   * program left open.
   */
  verify(options?: { leaks?: boolean }): void;
  /** Recorded exchanges not consumed yet. */
  remaining(): FixtureEvent[];
}

interface Slot {
  ev: FixtureEvent;
  used: boolean;
  /** recv/read: sends on the same fd before it in the recording. */
  afterSends: number;
  /** recv/read: actions (send, write, ioctl) before it in the recording. */
  afterActions: number;
  /** recv: carries a message not addressed to the socket (an event), so it waits for the global action count. */
  notification: boolean;
  /** Position among the recorded requests (1-based), for messages. */
  requestNo: number;
}

interface Fake {
  fd: number;
  socket?: SocketEvent;
  path?: string;
  nonblocking: boolean;
  pollers: Set<FakePoller>;
}

interface FakePoller {
  fd: number;
  cb: () => void;
  closed: boolean;
  scheduled: boolean;
  refd: boolean;
  immediate: ReturnType<typeof setImmediate> | undefined;
}

/** The event type whose `kind` admits K (SendEvent for 'send' and 'write'). */
type EventOf<K> = FixtureEvent extends infer E ? (E extends { kind: infer EK } ? (K extends EK ? E : never) : never) : never;

/** The name a replaying shim gives itself (Shim.backend). */
const REPLAY_BACKEND = 'replay';

/** A Shim answering from `fixture`. */
export function replayShim(fixture: Fixture, options: ReplayOptions = {}): ReplayShim {
  const where = (line: number | undefined) => `${options.file ?? 'fixture'}${line ? `:${line}` : ''}`;
  const slots: Slot[] = [];
  {
    const sendsPerFd = new Map<number, number>();
    const portOf = new Map<number, number>();
    let actions = 0;
    let requests = 0;
    for (const ev of fixture.events) {
      const s: Slot = { ev, used: false, afterSends: 0, afterActions: actions, notification: false, requestNo: 0 };
      if (ev.kind === 'socket' && !ev.error) portOf.set(ev.fd, ev.port);
      if (ev.kind === 'recv' || ev.kind === 'read') {
        s.afterSends = sendsPerFd.get(ev.fd) ?? 0;
        s.notification = ev.kind === 'read' || addressedElsewhere(ev.data, portOf.get(ev.fd) ?? 0);
      }
      if (ev.kind === 'send') {
        sendsPerFd.set(ev.fd, (sendsPerFd.get(ev.fd) ?? 0) + 1);
        s.requestNo = ++requests;
      }
      if (ev.kind === 'send' || ev.kind === 'write' || ev.kind === 'ioctl' || ev.kind === 'ioctl-int') actions++;
      slots.push(s);
    }
  }

  const tracker = new NetnsTracker();
  const fakes = new Map<number, Fake>();
  const sendsDone = new Map<number, number>();
  let actionsDone = 0;
  /** Per port: recorded sequence number → the one the program used. */
  const seqMap = new Map<number, Map<number, number>>();
  const pollers = new Set<FakePoller>();
  let failure: ReplayMismatchError | undefined;

  const fail = (message: string, opts: { line?: number | undefined; differences?: Difference[] | undefined } = {}): ReplayMismatchError => {
    const init: { line?: number; differences?: Difference[] } = {};
    if (opts.line !== undefined) init.line = opts.line;
    if (opts.differences) init.differences = opts.differences;
    const e = new ReplayMismatchError(`rtnl replay (${where(opts.line)}): ${message}`, init);
    failure ??= e;
    return e;
  };
  const sysError = (syscall: string, code: string, path?: string) => systemError(syscall, errnoValue(code) ?? 5, path);
  const need = (fd: number, syscall: string): Fake => {
    const f = fakes.get(fd);
    if (!f) throw sysError(syscall, 'EBADF');
    return f;
  };
  const next = <E extends FixtureEvent>(pred: (e: FixtureEvent) => e is E, also: (e: E) => boolean = () => true): { slot: Slot; ev: E } | undefined => {
    for (const slot of slots) {
      if (!slot.used && pred(slot.ev) && also(slot.ev)) return { slot, ev: slot.ev };
    }
    return undefined;
  };
  const is =
    <K extends FixtureEvent['kind']>(kind: K) =>
    (e: FixtureEvent): e is EventOf<K> =>
      e.kind === kind;

  const available = (slot: Slot): boolean => {
    const ev = slot.ev as RecvEvent;
    if ((sendsDone.get(ev.fd) ?? 0) < slot.afterSends) return false;
    return !slot.notification || actionsDone >= slot.afterActions;
  };
  const nextIncoming = (fd: number, kind: 'recv' | 'read') => next(is(kind), (e) => e.fd === fd);

  const schedulePolls = (): void => {
    for (const p of pollers) {
      if (p.closed || p.scheduled) continue;
      const fake = fakes.get(p.fd);
      const n = nextIncoming(p.fd, fake?.socket ? 'recv' : 'read');
      if (!n || !available(n.slot)) continue;
      p.scheduled = true;
      // Level-triggered like uv_poll: run the callback, then look again.
      p.immediate = setImmediate(() => {
        p.scheduled = false;
        if (p.closed) return;
        p.cb();
        schedulePolls();
      });
      if (!p.refd) p.immediate.unref();
    }
  };
  const acted = (): void => {
    actionsDone++;
    schedulePolls();
  };

  /** Copies recorded bytes, putting back the sequence numbers the program used. */
  const rewriteSeqs = (data: Uint8Array): Uint8Array => {
    const out = data.slice();
    const view = new DataView(out.buffer);
    try {
      forEachMessage(view, out.length, (off, h) => {
        const actual = seqMap.get(h.pid)?.get(h.seq);
        if (actual !== undefined) view.setUint32(off + 8, actual, true);
        if (h.type === NLMSG.ERROR && h.len >= NLMSG_HDRLEN + 4 + NLMSG_HDRLEN) {
          const echo = off + NLMSG_HDRLEN + 4;
          const epid = view.getUint32(echo + 12, true);
          const a = seqMap.get(epid === 0 ? h.pid : epid)?.get(view.getUint32(echo + 8, true));
          if (a !== undefined) view.setUint32(echo + 8, a, true);
        }
      });
    } catch {
      // Recorded as not-netlink: handed over as it is.
    }
    return out;
  };

  const shim: ReplayShim = {
    backend: REPLAY_BACKEND,
    fixture,

    socket(domain, type, protocol) {
      const n = next(is('socket'));
      if (!n) throw fail(`the program opens a socket (domain ${domain}, protocol ${protocol}) the recording does not have`);
      const { slot, ev } = n;
      if (ev.domain !== domain || ev.protocol !== protocol) {
        throw fail(`socket: the program asks for domain ${domain} protocol ${protocol}, the recording opened domain ${ev.domain} protocol ${ev.protocol}`, { line: ev.line });
      }
      if (ev.netns !== tracker.current) {
        throw fail(`socket opened in network namespace "${tracker.current}", but the recording opened it in "${ev.netns}"`, { line: ev.line });
      }
      slot.used = true;
      if (ev.error) throw sysError('socket', ev.error);
      fakes.set(ev.fd, { fd: ev.fd, socket: ev, nonblocking: (type & SOCK_NONBLOCK) !== 0, pollers: new Set() });
      return ev.fd;
    },

    bind(fd) {
      need(fd, 'bind');
    },

    getsockname(fd, sa) {
      const f = need(fd, 'getsockname');
      sa.fill(0);
      const v = new DataView(sa.buffer, sa.byteOffset, sa.byteLength);
      if (sa.length >= 8) {
        v.setUint16(0, f.socket?.domain ?? AF_NETLINK, true);
        v.setUint32(4, f.socket?.port ?? 0, true);
      }
      return Math.min(12, sa.length);
    },

    setsockopt(fd) {
      need(fd, 'setsockopt');
    },

    getsockopt(fd, _level, _name, value) {
      need(fd, 'getsockopt');
      value.fill(0);
      return value.length;
    },

    send(fd, buf, length) {
      const fake = need(fd, 'send');
      const sent = buf.slice(0, length);
      const n = next(is('send'));
      if (!n) throw fail(`the program sends a request the recording does not have: ${summary(sent, false)}`);
      const { slot, ev } = n;
      if (ev.fd !== fd) {
        throw fail(
          `request ${slot.requestNo} is sent on fd ${fd}, the recording sent it on fd ${ev.fd}\n  sent:     ${summary(sent, false)}\n  recorded: ${summary(ev.data, false)}`,
          { line: ev.line },
        );
      }
      const aligned = withSeqsOf(sent, ev.data);
      if (firstDifference(aligned, ev.data) !== -1) {
        const diffs = decodedDifferences(ev.data, aligned, fixture.ignore);
        const acceptable = diffs !== undefined && diffs.length === 0 && fixture.ignore.length > 0;
        if (!acceptable) {
          const lines = [`request ${slot.requestNo} differs from the recording (${summary(ev.data, false)})`];
          if (diffs === undefined) lines.push('  (one side does not decode with the family tables; bytes only)');
          else if (diffs.length === 0) lines.push('  the decoded fields are equal: the bytes differ in attribute order, padding or flag bits');
          else lines.push(...formatDifferences(diffs));
          lines.push(...hexDiff(ev.data, aligned, firstDifference(aligned, ev.data), diffs?.[0]?.path));
          throw fail(lines.join('\n'), { line: ev.line, differences: diffs });
        }
      }
      slot.used = true;
      mapSeqs(seqMap, fake.socket?.port ?? 0, ev.data, sent);
      sendsDone.set(fd, (sendsDone.get(fd) ?? 0) + 1);
      acted();
      if (ev.error) throw sysError('send', ev.error);
      return length;
    },

    recv(fd, buf, flags) {
      const fake = need(fd, 'recv');
      const n = nextIncoming(fd, 'recv');
      if (!n || !available(n.slot)) {
        if (flags & MSG_DONTWAIT || fake.nonblocking || fake.pollers.size) throw sysError('recv', 'EAGAIN');
        throw fail(
          n
            ? `the program waits for a reply on fd ${fd}, but in the recording the next datagram on it came only after another request`
            : `the program waits for a reply on fd ${fd}, but the recording has no more datagrams on it`,
          { line: n?.ev.line },
        );
      }
      const { slot, ev } = n;
      const peek = (flags & MSG_PEEK) !== 0;
      if (!peek) slot.used = true;
      if (ev.error) throw sysError('recv', ev.error);
      const data = rewriteSeqs(ev.data);
      const copied = Math.min(data.length, buf.length);
      buf.set(data.subarray(0, copied));
      return flags & MSG_TRUNC ? ev.length : copied;
    },

    read(fd, buf) {
      need(fd, 'read');
      const n = nextIncoming(fd, 'read');
      if (!n || !available(n.slot)) throw sysError('read', 'EAGAIN');
      n.slot.used = true;
      if (n.ev.error) throw sysError('read', n.ev.error);
      const copied = Math.min(n.ev.data.length, buf.length);
      buf.set(n.ev.data.subarray(0, copied));
      return copied;
    },

    write(fd, buf, length) {
      need(fd, 'write');
      const sent = buf.slice(0, length);
      const n = next(is('write'), (e) => e.fd === fd);
      if (!n) throw fail(`the program writes ${length} bytes to fd ${fd}; the recording has no further write there`);
      const at = firstDifference(n.ev.data, sent);
      if (at !== -1) throw fail([`write to fd ${fd} differs from the recording`, ...hexDiff(n.ev.data, sent, at)].join('\n'), { line: n.ev.line });
      n.slot.used = true;
      acted();
      if (n.ev.error) throw sysError('write', n.ev.error);
      return length;
    },

    close(fd) {
      const f = need(fd, 'close');
      for (const p of f.pollers) p.closed = true;
      fakes.delete(fd);
      tracker.closed(fd);
    },

    open(path, flags) {
      const n = next(is('open'), (e: OpenEvent) => e.path === path);
      if (!n) throw fail(`the program opens ${JSON.stringify(path)}, which the recording never opened${hintNetns(path, fixture)}`);
      n.slot.used = true;
      const ev = n.ev;
      if (ev.error) throw sysError('open', ev.error, path);
      fakes.set(ev.fd as number, { fd: ev.fd as number, path, nonblocking: (flags & O_NONBLOCK) !== 0, pollers: new Set() });
      tracker.opened(ev.fd as number, ev.netns);
      return ev.fd as number;
    },

    ioctlPtr(fd, request, arg) {
      need(fd, 'ioctl');
      const n = next(is('ioctl'), (e: IoctlEvent) => e.fd === fd);
      if (!n) throw fail(`the program makes ioctl 0x${request.toString(16)} on fd ${fd}; the recording has no further ioctl there`);
      const ev = n.ev;
      if (ev.request !== request) throw fail(`ioctl on fd ${fd}: request 0x${request.toString(16)}, the recording made 0x${ev.request.toString(16)}`, { line: ev.line });
      const at = firstDifference(ev.arg, arg);
      if (at !== -1) throw fail([`ioctl 0x${request.toString(16)} on fd ${fd}: the argument differs from the recording`, ...hexDiff(ev.arg, arg, at)].join('\n'), { line: ev.line });
      n.slot.used = true;
      acted();
      if (ev.error) throw sysError('ioctl', ev.error);
      if (ev.out) arg.set(ev.out.subarray(0, arg.length));
      return ev.result;
    },

    ioctlInt(fd, request, arg) {
      need(fd, 'ioctl');
      const n = next(is('ioctl-int'), (e: IoctlIntEvent) => e.fd === fd);
      if (!n) throw fail(`the program makes ioctl 0x${request.toString(16)} on fd ${fd}; the recording has no further ioctl there`);
      const ev = n.ev;
      if (ev.request !== request || ev.arg !== arg) {
        throw fail(`ioctl on fd ${fd}: request 0x${request.toString(16)} arg ${arg}, the recording made 0x${ev.request.toString(16)} arg ${ev.arg}`, { line: ev.line });
      }
      n.slot.used = true;
      acted();
      if (ev.error) throw sysError('ioctl', ev.error);
      return ev.result;
    },

    setns(fd) {
      need(fd, 'setns');
      const n = next(is('setns'), (e: SetnsEvent) => e.fd === fd);
      if (n) {
        n.slot.used = true;
        if (n.ev.error) throw sysError('setns', n.ev.error);
      }
      tracker.entered(fd);
    },

    unshare(flags) {
      const n = next(is('unshare'));
      if (!n || n.ev.flags !== flags) throw fail(`the program calls unshare(0x${flags.toString(16)}), which the recording ${n ? `made with 0x${n.ev.flags.toString(16)}` : 'does not have'}`, { line: n?.ev.line });
      n.slot.used = true;
      if (n.ev.error) throw sysError('unshare', n.ev.error);
      tracker.unshared(flags);
    },

    mount(source, target, fstype, flags, data) {
      const n = next(is('mount'));
      const want: Omit<MountEvent, 'kind' | 'line' | 'error'> = { source, target, fstype, flags, data };
      if (!n || !sameFields(n.ev, want)) {
        throw fail(`the program mounts ${JSON.stringify(want)}; the recording ${n ? `mounted ${JSON.stringify(pick(n.ev, want))}` : 'has no further mount'}`, { line: n?.ev.line });
      }
      n.slot.used = true;
      if (n.ev.error) throw sysError('mount', n.ev.error, target);
    },

    umount2(target, flags) {
      const n = next(is('umount'));
      const want: Omit<UmountEvent, 'kind' | 'line' | 'error'> = { target, flags };
      if (!n || !sameFields(n.ev, want)) {
        throw fail(`the program unmounts ${JSON.stringify(want)}; the recording ${n ? `unmounted ${JSON.stringify(pick(n.ev, want))}` : 'has no further unmount'}`, { line: n?.ev.line });
      }
      n.slot.used = true;
      if (n.ev.error) throw sysError('umount2', n.ev.error, target);
    },

    poll(fd, onReadable): Poller {
      const f = need(fd, 'poll');
      const p: FakePoller = { fd, cb: onReadable, closed: false, scheduled: false, refd: true, immediate: undefined };
      f.pollers.add(p);
      pollers.add(p);
      schedulePolls();
      return {
        ref() {
          p.refd = true;
          p.immediate?.ref();
        },
        unref() {
          p.refd = false;
          p.immediate?.unref();
        },
        close() {
          p.closed = true;
          pollers.delete(p);
          f.pollers.delete(p);
          if (p.immediate) clearImmediate(p.immediate);
        },
      };
    },

    remaining() {
      return slots.filter((s) => !s.used && required(s.ev)).map((s) => s.ev);
    },

    verify({ leaks = true } = {}) {
      if (failure) throw failure;
      const left = shim.remaining();
      const problems: string[] = [];
      if (left.length) {
        problems.push(`${left.length} recorded exchange${left.length === 1 ? ' was' : 's were'} never made:`);
        for (const ev of left.slice(0, 5)) problems.push(`  ${where(ev.line)}: ${describe(ev)}`);
        if (left.length > 5) problems.push(`  … and ${left.length - 5} more`);
      }
      if (leaks && fakes.size) {
        problems.push(`the program left ${fakes.size} fd${fakes.size === 1 ? '' : 's'} open: ${[...fakes.values()].map((f) => `${f.fd} (${f.socket ? 'socket' : f.path})`).join(', ')}`);
      }
      if (problems.length) throw new ReplayIncompleteError(`rtnl replay (${options.file ?? 'fixture'}): ${problems.join('\n')}`);
    },
  };
  return shim;
}

/** Events a replay must consume: the conversation itself. Opens, sockets and setns are answered on demand. */
function required(e: FixtureEvent): boolean {
  return e.kind !== 'socket' && e.kind !== 'open' && e.kind !== 'setns';
}

function describe(ev: FixtureEvent): string {
  switch (ev.kind) {
    case 'send':
      return `send on fd ${ev.fd}: ${summary(ev.data, false)}`;
    case 'recv':
      return ev.error ? `recv on fd ${ev.fd} failing with ${ev.error}` : `recv on fd ${ev.fd}: ${summary(ev.data, true)}`;
    case 'ioctl':
    case 'ioctl-int':
      return `ioctl 0x${ev.request.toString(16)} on fd ${ev.fd}`;
    case 'read':
    case 'write':
      return `${ev.kind} of ${ev.data.length} bytes on fd ${ev.fd}`;
    default:
      return ev.kind;
  }
}

/** True when a datagram holds a message for another port than the socket's own: a notification. */
function addressedElsewhere(data: Uint8Array, port: number): boolean {
  let other = false;
  try {
    forEachMessage(new DataView(data.buffer, data.byteOffset, data.byteLength), data.length, (_off, h) => {
      if (h.pid !== port) other = true;
    });
  } catch {
    return false;
  }
  return other;
}

function headers(data: Uint8Array): { off: number; seq: number }[] {
  const out: { off: number; seq: number }[] = [];
  try {
    forEachMessage(new DataView(data.buffer, data.byteOffset, data.byteLength), data.length, (off, h) => out.push({ off, seq: h.seq }));
  } catch {
    return [];
  }
  return out;
}

/** A copy of `sent` carrying the recorded sequence numbers, message by message, so bytes compare without them. */
function withSeqsOf(sent: Uint8Array, recorded: Uint8Array): Uint8Array {
  const out = sent.slice();
  const a = headers(out);
  const b = headers(recorded);
  if (a.length !== b.length) return out;
  const view = new DataView(out.buffer);
  a.forEach((m, i) => view.setUint32(m.off + 8, (b[i] as { seq: number }).seq, true));
  return out;
}

function mapSeqs(seqMap: Map<number, Map<number, number>>, port: number, recorded: Uint8Array, sent: Uint8Array): void {
  const a = headers(recorded);
  const b = headers(sent);
  let m = seqMap.get(port);
  if (!m) seqMap.set(port, (m = new Map()));
  a.forEach((h, i) => {
    const s = b[i];
    if (s) m.set(h.seq, s.seq);
  });
}

function sameFields(a: object, want: object): boolean {
  for (const [k, v] of Object.entries(want)) if ((a as Record<string, unknown>)[k] !== v) return false;
  return true;
}

function pick(a: object, like: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(like)) out[k] = (a as Record<string, unknown>)[k];
  return out;
}

function hintNetns(path: string, f: Fixture): string {
  if (!/^\/(?:var\/)?run\/netns\//.test(path) || !f.netns.length) return '';
  return ` (the recording's namespaces are ${f.netns.map((n) => `"${n.label}"`).join(', ')}: in replay, name them by label, e.g. through the fixture context's netns())`;
}

