/**
 * Errors of the replay. They are not rtnl errors (NetlinkError …) on
 * purpose: a program under test must not mistake a diverging replay for a
 * kernel refusal and handle it.
 */
import type { Difference } from './diff.js';

/** The program did something the recording does not have (another request, an extra socket …). */
export class ReplayMismatchError extends Error {
  override readonly name = 'ReplayMismatchError';
  readonly code = 'ERR_RTNL_REPLAY_MISMATCH';
  /** Decoded differences of a request, when the mismatch is one. */
  readonly differences: Difference[];
  /** The fixture line of the recorded entry concerned, if any. */
  readonly line: number | undefined;
  constructor(message: string, options: { differences?: Difference[]; line?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.differences = options.differences ?? [];
    this.line = options.line;
  }
}

/** The program finished without making every recorded exchange. */
export class ReplayIncompleteError extends Error {
  override readonly name = 'ReplayIncompleteError';
  readonly code = 'ERR_RTNL_REPLAY_INCOMPLETE';
}
