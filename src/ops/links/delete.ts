/**
 * Deleting links: one by name or ifindex, or a whole group in one request.
 */
import { ValidationError, explainError, isNetlinkError } from '../../netlink/errors.js';
import { type OperationOptions, withSocket } from '../options.js';
import { RTM } from '../../rtnetlink/constants.js';
import {
  rejectUnknownKeys,
  validateLinkRef,
  validateU32,
} from '../../rtnetlink/link/index.js';
import { type LinkRef, linkNotFound } from './lookup.js';
import { OPERATION_KEYS, header, sendLink, target } from './request.js';
import { type BulkOptions, deleteLinkList } from './bulk.js';

/**
 * Deletes a link. Deleting either end of a veth pair deletes both; deleting
 * a bridge releases its ports. A missing link is ENODEV.
 */
export async function deleteLink(ref: LinkRef, opts: OperationOptions = {}): Promise<void> {
  validateLinkRef(ref, 'link');
  rejectUnknownKeys(opts, OPERATION_KEYS, '');
  await withSocket(opts, async (sock) => {
    const t = target(ref);
    try {
      await sendLink(sock, RTM.DELLINK, 0, header(t.index), t.attrs, 'deleteLink');
    } catch (e) {
      if (isNetlinkError(e, 'ENODEV')) throw linkNotFound(ref, 'deleteLink', typeof ref === 'number' ? 'index' : 'ifname', e);
      throw e;
    }
  });
}

/**
 * Deletes every link of a group with ONE RTM_DELLINK (ifindex 0 and
 * IFLA_GROUP): the kernel removes them together. An empty group is ENODEV,
 * as the kernel reports it; group 0 (the default group, which holds every
 * link not put elsewhere, lo included) is refused before any request.
 */
export function deleteLinks(filter: { group: number }, opts?: OperationOptions): Promise<void>;
/**
 * Deletes the links listed (names or ifindexes), pipelined: one request
 * each, sent in batches (bulk.ts). One entry per link, in order, as
 * Promise.allSettled gives them: a missing link is a `rejected` ENODEV and
 * does not stop the others.
 */
export function deleteLinks(links: readonly LinkRef[], opts?: BulkOptions): Promise<PromiseSettledResult<void>[]>;
export function deleteLinks(filter: { group: number } | readonly LinkRef[], opts: BulkOptions = {}): Promise<void | PromiseSettledResult<void>[]> {
  if (Array.isArray(filter)) return deleteLinkList(filter, opts);
  return deleteGroup(filter as { group: number }, opts);
}

async function deleteGroup(filter: { group: number }, opts: OperationOptions): Promise<void> {
  if (!filter || typeof filter !== 'object') throw new ValidationError('filter', 'expected { group } or an array of links');
  rejectUnknownKeys(filter, ['group'], '');
  const group = validateU32(filter.group, 'group', 'a group number');
  if (group === 0) throw new ValidationError('group', 'group 0 is the default group of every link; refusing to delete it');
  rejectUnknownKeys(opts, OPERATION_KEYS, '');
  await withSocket(opts, async (sock) => {
    try {
      await sendLink(sock, RTM.DELLINK, 0, header(0), { group }, 'deleteLinks');
    } catch (e) {
      if (isNetlinkError(e, 'ENODEV')) throw explainError(e, 'group', `no link in group ${group}`);
      throw e;
    }
  });
}


