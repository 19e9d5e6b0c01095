/**
 * Many links in few system calls: look-ups and deletions pipelined through
 * RtnlSocket.batch — up to a window of requests in one send(), their answers
 * read after it. Each request settles on its own, as Promise.allSettled's
 * results do: one missing link is one `rejected` entry (a NetlinkError
 * ENODEV naming it), the rest are unaffected.
 */
import { type NetlinkError, isNetlinkError } from '../../netlink/errors.js';
import type { BatchOptions, BatchResult, RtnlSocket } from '../../netlink/socket.js';
import { RTM } from '../../rtnetlink/constants.js';
import { type Link, linkAttrs, linkMessage, readLinkAt, rejectUnknownKeys, validateBoolean, validateLinkRef } from '../../rtnetlink/link/index.js';
import { type OperationOptions, withSocket } from '../options.js';
import { type LinkRef, getLinkBody, linkNotFound } from './lookup.js';
import { OPERATION_KEYS, header, target } from './request.js';

/** Options of the bulk calls: where, and how many requests may be in flight (RtnlSocket.batch's window). */
export interface BulkOptions extends OperationOptions, BatchOptions {}

/** Options of getLinks: the bulk options and getLink's `stats`. */
export interface GetLinksOptions extends BulkOptions {
  /** `false`: leave the counters out (RTEXT_FILTER_SKIP_STATS), as getLink's `stats`. Default true. */
  stats?: boolean;
}

const BULK_KEYS = [...OPERATION_KEYS, 'window'] as const;

/** A batch result as allSettled's: the value made from the replies, or the request's error (`fail` may name it better). */
export function settle<T>(r: BatchResult, value: (replies: Extract<BatchResult, { ok: true }>['replies']) => T, fail: (e: Error) => unknown = (e) => e): PromiseSettledResult<T> {
  if (!r.ok) return { status: 'rejected', reason: fail(r.error) };
  try {
    return { status: 'fulfilled', value: value(r.replies) };
  } catch (e) {
    return { status: 'rejected', reason: e };
  }
}

/**
 * Reads many links by name or ifindex, pipelined: one entry per reference,
 * in order, each the link or the reason it could not be read (ENODEV:
 * a NetlinkError naming the missing link, as getLink's).
 */
export async function getLinks(refs: readonly LinkRef[], opts: GetLinksOptions = {}): Promise<PromiseSettledResult<Link>[]> {
  if (!Array.isArray(refs)) throw new TypeError('getLinks: expected an array of link names or ifindexes');
  refs.forEach((r, i) => validateLinkRef(r, `refs[${i}]`));
  rejectUnknownKeys(opts, [...BULK_KEYS, 'stats'], '');
  const stats = opts.stats === undefined ? true : validateBoolean(opts.stats, 'stats');
  return withSocket(opts, (sock) => {
    // Each reply is read where it was received (no copy of the message), as getLink's.
    const links: (Link | undefined)[] = new Array(refs.length);
    const results = sock.batch(
      refs.map((ref, i) => ({
        type: RTM.GETLINK,
        flags: 0,
        body: getLinkBody(ref, !stats),
        options: { operation: 'getLinks', attrs: linkMessage.attrs, ack: false },
        read: (buf, view, off, h) => {
          if (h.type === RTM.NEWLINK) links[i] ??= readLinkAt(buf, view, off, h.len, undefined, stats);
        },
      })),
      opts.window === undefined ? {} : { window: opts.window },
    );
    return results.map((r, i) =>
      settle(
        r,
        () => links[i] ?? throwNotFound(refs[i]!),
        (e) => (isNetlinkError(e, 'ENODEV') ? linkNotFound(refs[i]!, 'getLinks', fieldOf(refs[i]!), e) : e),
      ),
    );
  });
}

function throwNotFound(ref: LinkRef): never {
  throw linkNotFound(ref, 'getLinks', fieldOf(ref));
}

const fieldOf = (ref: LinkRef): string => (typeof ref === 'number' ? 'index' : 'ifname');

/**
 * Deletes many links by name or ifindex, pipelined (one RTM_DELLINK each).
 * A veth end takes its peer with it: listing both ends makes the second a
 * `rejected` ENODEV.
 */
export async function deleteLinkList(refs: readonly LinkRef[], opts: BulkOptions = {}): Promise<PromiseSettledResult<void>[]> {
  if (!Array.isArray(refs)) throw new TypeError('deleteLinks: expected an array of link names or ifindexes');
  refs.forEach((r, i) => validateLinkRef(r, `links[${i}]`));
  rejectUnknownKeys(opts, BULK_KEYS, '');
  return withSocket(opts, (sock) => {
    const results = sock.batch(
      refs.map((ref) => {
        const t = target(ref);
        return { type: RTM.DELLINK, flags: 0, body: (w: Parameters<typeof linkMessage.encode>[0]) => linkMessage.encode(w, { header: header(t.index), attrs: t.attrs }), options: { operation: 'deleteLinks', attrs: linkAttrs } };
      }),
      opts.window === undefined ? {} : { window: opts.window },
    );
    return results.map((r, i) => settle(r, () => undefined, (e) => (isNetlinkError(e, 'ENODEV') ? linkNotFound(refs[i]!, 'deleteLinks', fieldOf(refs[i]!), e) : e)));
  });
}

/**
 * The ifindexes of link names, each distinct name asked once, in one batch
 * of look-ups. A name whose look-up failed maps to the failure as it is —
 * the kernel's ENODEV for a name it has no link for (callers name it with
 * linkNotFound, by their own field), or whatever else went wrong (its send,
 * a timeout), which says nothing about the link; a name answered without a
 * link has no entry.
 */
export function resolveNames(sock: RtnlSocket, names: Iterable<string>, operation: string): Map<string, number | Error> {
  const list = [...new Set(names)];
  const index = new Map<string, number | Error>();
  sock.batch(list.map((n) => ({ type: RTM.GETLINK, flags: 0, body: getLinkBody(n, true), options: { operation, ack: false } }))).forEach((a, i) => {
    if (!a.ok) return void index.set(list[i]!, a.error);
    const m = a.replies.find((x) => x.type === RTM.NEWLINK);
    // ifinfomsg.ifi_index: after the 16-byte nlmsghdr, family (1), pad (1) and type (2).
    if (m) index.set(list[i]!, new DataView(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength).getInt32(20, true));
  });
  return index;
}

/**
 * What resolveNames found for `ref`: its ifindex, or the error to report —
 * ENODEV (or no answer) as linkNotFound naming `field`, anything else as it is.
 */
export function indexOrError(index: Map<string, number | Error>, ref: LinkRef, operation: string, field: string): number | Error {
  if (typeof ref === 'number') return ref;
  const ix = index.get(ref);
  if (typeof ix === 'number') return ix;
  if (ix === undefined || isNetlinkError(ix, 'ENODEV')) return linkNotFound(ref, operation, field, ix as NetlinkError | undefined);
  return ix;
}
