/**
 * Undoing what a failed create made. The original error is what the caller
 * sees; an undo step that fails too is attached to it (`undoErrors`),
 * never swallowed.
 */
import { isNetlinkError } from '../../netlink/errors.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import { RTM } from '../../rtnetlink/constants.js';
import type { Link } from '../../rtnetlink/link/index.js';
import { type LinkRef, lookupLink } from './lookup.js';
import { header, sendLink, target } from './request.js';

/**
 * Runs one undo step; a failure is collected rather than thrown (the
 * original error is the one to throw), except where the step found nothing
 * to undo (`gone`: the kernel's ENODEV for a link that is not there).
 */
export async function undoStep(failures: unknown[], step: () => unknown, gone: (e: unknown) => boolean = (e) => isNetlinkError(e, 'ENODEV')): Promise<void> {
  try {
    await step();
  } catch (e) {
    if (!gone(e)) failures.push(e);
  }
}

/** Deletes what a failed operation created; returns the failures of the undo (none when it worked or the link was already gone). */
export async function undoCreate(sock: RtnlSocket, ref: LinkRef, operation: string): Promise<unknown[]> {
  const t = target(ref);
  const failures: unknown[] = [];
  await undoStep(failures, () => sendLink(sock, RTM.DELLINK, 0, header(t.index), t.attrs, `${operation} (rollback)`));
  return failures;
}

/**
 * After a creating request timed out: the kernel may have made the link and
 * only its answer was lost. The name was ours to give and the kernel
 * refuses a taken one (EEXIST), so a link of that name and kind is taken
 * to be the one this call made, and deleted. Costs requests only on this
 * failure path. Returns the failures of the undo.
 */
export async function undoLostCreate(sock: RtnlSocket, name: string, kind: string, operation: string): Promise<unknown[]> {
  let made: Link | undefined;
  const failures: unknown[] = [];
  // Not there (the request never ran): nothing to undo.
  await undoStep(failures, () => (made = lookupLink(sock, name, `${operation} (rollback)`, { field: 'ifname', stats: false })));
  return made?.kind === kind ? [...failures, ...(await undoCreate(sock, made.index, operation))] : failures;
}
