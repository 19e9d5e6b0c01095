/**
 * Many routes in few system calls: addRoutes and deleteRoutes pipelined
 * through RtnlSocket.batch. Device names are resolved first, each distinct
 * one once, in one batch of look-ups; then the route requests go a window
 * at a time. Each route settles on its own (as Promise.allSettled's
 * results); with `atomic`, one failure removes the routes the call added
 * and the call throws that failure.
 */
import { NLM_F } from '../../netlink/constants.js';
import { ValidationError, withUndoFailures } from '../../netlink/errors.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import { RTM } from '../../rtnetlink/constants.js';
import { routeMessage } from '../../rtnetlink/route/index.js';
import { rejectUnknownKeys } from '../../rtnetlink/link/index.js';
import { type BulkOptions, indexOrError, resolveNames, settle } from '../links/bulk.js';
import { checkedAt, withSocket } from '../options.js';
import { type Built, buildRoute } from './build.js';
import type { RouteSpec } from './index.js';

/** Options of addRoutes: the bulk options, `replace` for every route, and `atomic`. */
export interface AddRoutesOptions extends BulkOptions {
  /** Replace matching routes instead of failing with EEXIST (`ip route replace`). */
  replace?: boolean;
  /** All or nothing: if any route fails, the ones added are deleted again and the first failure is thrown. */
  atomic?: boolean;
}

const KEYS = ['netns', 'socket', 'timeout', 'window'];

function build(routes: readonly RouteSpec[], forDelete: boolean): Built[] {
  if (!Array.isArray(routes)) throw new ValidationError('routes', 'expected an array of routes');
  return routes.map((r, i) =>
    checkedAt(`routes[${i}]`, () => {
      if (!r || typeof r !== 'object') throw new ValidationError('options', 'expected a route description');
      return buildRoute(r as RouteSpec, forDelete);
    }),
  );
}

/** Resolves every device name of `built` with one batch of look-ups (each distinct name once). */
function resolveAll(socket: RtnlSocket, built: Built[], operation: string): void {
  const index = resolveNames(socket, built.flatMap((b) => b.links.map((l) => l.ref)).filter((r): r is string => typeof r === 'string'), operation);
  built.forEach((b, i) => {
    for (const l of b.links) {
      // Before any route is sent: a route on a device that is not there is the caller's mistake, named by its place.
      const ix = indexOrError(index, l.ref, operation, `routes[${i}].${l.field}`);
      if (ix instanceof Error) throw ix;
      l.set(ix);
    }
  });
}

/**
 * Adds many routes, pipelined. One entry per route, in order: fulfilled,
 * or rejected with the kernel's error for that route. With `atomic`, a
 * failure deletes the routes this call added and throws the first failure
 * (its `undoErrors` listing any deletion that failed).
 */
export async function addRoutes(routes: readonly RouteSpec[], opts: AddRoutesOptions = {}): Promise<PromiseSettledResult<void>[]> {
  rejectUnknownKeys(opts, [...KEYS, 'replace', 'atomic'], '');
  for (const k of ['replace', 'atomic'] as const) if (opts[k] !== undefined && typeof opts[k] !== 'boolean') throw new ValidationError(k, 'expected a boolean');
  if (opts.atomic && opts.replace) throw new ValidationError('atomic', 'atomic cannot be combined with replace: a replaced route could not be put back as it was');
  const built = build(routes, false);
  const flags = NLM_F.CREATE | (opts.replace ? NLM_F.REPLACE : NLM_F.EXCL);
  const window = opts.window === undefined ? {} : { window: opts.window };
  return withSocket(opts, (socket) => {
    resolveAll(socket, built, 'addRoutes');
    const results = socket
      .batch(built.map((b) => ({ type: RTM.NEWROUTE, flags, body: (w) => routeMessage.encode(w, b), options: { operation: 'addRoutes', attrs: routeMessage.attrs } })), window)
      .map((r) => settle(r, () => undefined));
    const failed = results.find((r) => r.status === 'rejected');
    if (!opts.atomic || !failed) return results;
    const added = built.filter((_, i) => results[i]!.status === 'fulfilled');
    const undo = socket.batch(added.map((b) => ({ type: RTM.DELROUTE, flags: 0, body: (w) => routeMessage.encode(w, b), options: { operation: 'addRoutes (undo)', attrs: routeMessage.attrs } })), window);
    throw withUndoFailures(failed.reason, undo.filter((u) => !u.ok).map((u) => (u as { error: Error }).error));
  });
}

/** Deletes many routes, pipelined; fields left out of a route match any value, as deleteRoute. One entry per route, in order. */
export async function deleteRoutes(routes: readonly RouteSpec[], opts: BulkOptions = {}): Promise<PromiseSettledResult<void>[]> {
  rejectUnknownKeys(opts, KEYS, '');
  const built = build(routes, true);
  return withSocket(opts, (socket) => {
    resolveAll(socket, built, 'deleteRoutes');
    return socket
      .batch(built.map((b) => ({ type: RTM.DELROUTE, flags: 0, body: (w) => routeMessage.encode(w, b), options: { operation: 'deleteRoutes', attrs: routeMessage.attrs } })), opts.window === undefined ? {} : { window: opts.window })
      .map((r) => settle(r, () => undefined));
  });
}
