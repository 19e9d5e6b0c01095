/**
 * Follows which network namespace the calling thread is in, by label, from
 * the calls a program makes: open() of a namespace file, setns(), unshare().
 * The recorder notes the label with each socket; the replay, running the
 * same logic over its fake fds, checks that the program opens each socket in
 * the same namespace as the recording did.
 *
 * Labels: `host` for the namespace the thread started in, the name for
 * /run/netns/NAME (already replaced by its label when it was a throwaway
 * namespace), `newN` for the N-th namespace made by unshare(CLONE_NEWNET).
 */
import { CLONE_NEWNET } from '../shim/constants.js';

export class NetnsTracker {
  current = 'host';
  private readonly fdLabel = new Map<number, string>();
  private fresh = 0;

  /** The namespace a path stands for (paths already normalised), or undefined for other files. */
  labelOf(path: string): string | undefined {
    const named = /^\/(?:var\/)?run\/netns\/([^/]+)$/.exec(path);
    if (named) return named[1];
    // /proc/self is the thread-group leader, which is the JavaScript thread in Node and Bun.
    if (path === '/proc/thread-self/ns/net' || path === '/proc/self/ns/net') return this.current;
    if (/^\/proc\/\d+\/(?:task\/\d+\/)?ns\/net$/.test(path)) return 'pid';
    return undefined;
  }

  opened(fd: number, label: string | undefined): void {
    if (label !== undefined) this.fdLabel.set(fd, label);
    else this.fdLabel.delete(fd);
  }

  closed(fd: number): void {
    this.fdLabel.delete(fd);
  }

  labelOfFd(fd: number): string | undefined {
    return this.fdLabel.get(fd);
  }

  /** After a successful setns(fd). */
  entered(fd: number): string {
    this.current = this.fdLabel.get(fd) ?? `fd${fd}`;
    return this.current;
  }

  /** After a successful unshare(flags). */
  unshared(flags: number): string {
    if (flags & CLONE_NEWNET) this.current = `new${++this.fresh}`;
    return this.current;
  }
}
