/**
 * Throwaway network namespaces for recordings, made the way `ip netns add`
 * makes them (unshare(CLONE_NEWNET) on this thread, bind-mount
 * /proc/thread-self/ns/net onto /run/netns/NAME, setns back) but through the
 * real shim directly, so that nothing of it lands in the recording.
 *
 * Each one is prepared so that recordings are reproducible:
 *  - lo is up (as in most tests);
 *  - IPv6 addr_gen_mode = 1 (none) for new devices: no automatic
 *    link-local address, whose appearance is timed by link events;
 *  - IPv6 accept_dad = 0: addresses are usable at once, not "tentative"
 *    for a second.
 */
import { closeSync, mkdirSync, openSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Shim } from '../shim/types.js';
import { CLONE_NEWNET, MNT_DETACH, MS_BIND, O_CLOEXEC, O_RDONLY } from '../shim/constants.js';
import { NETNS_RUN_DIR } from '../netlink/netns.js';
import { RtnlSocket } from '../netlink/socket.js';
import { AF, RTM } from '../rtnetlink/constants.js';
import { IFF, linkMessage } from '../rtnetlink/link/index.js';

export const SCRATCH_NOTE = 'throwaway namespace made for the recording (lo up, IPv6 addr_gen_mode=none, accept_dad=0); its real name is replaced by this label';

const SYSCTLS: readonly [string, string][] = [
  ['net/ipv6/conf/default/addr_gen_mode', '1'],
  ['net/ipv6/conf/default/accept_dad', '0'],
  ['net/ipv6/conf/all/accept_dad', '0'],
];

/** Creates /run/netns/`name` as a fresh, prepared network namespace. */
export function createScratchNetns(shim: Shim, name: string): void {
  const path = `${NETNS_RUN_DIR}/${name}`;
  mkdirSync(NETNS_RUN_DIR, { recursive: true, mode: 0o755 });
  closeSync(openSync(path, 'wx', 0o444));
  const self = shim.open('/proc/thread-self/ns/net', O_RDONLY | O_CLOEXEC, 0);
  try {
    shim.unshare(CLONE_NEWNET);
    try {
      shim.mount('/proc/thread-self/ns/net', path, 'none', MS_BIND, null);
      // /proc/sys/net resolves to the namespace of the thread that opens it;
      // synchronous fs calls run on this thread, which is inside the new one.
      for (const [key, value] of SYSCTLS) {
        try {
          writeFileSync(`/proc/sys/${key}`, value);
        } catch (e) {
          // No IPv6 in this kernel: nothing to make deterministic.
          if ((e as { code?: string }).code !== 'ENOENT') throw e;
        }
      }
      const sock = RtnlSocket.open({ shim });
      try {
        sock.requestSync(RTM.NEWLINK, 0, (w) => linkMessage.encode(w, { header: { family: AF.UNSPEC, type: 0, index: 1, flags: IFF.UP, change: IFF.UP } }), {
          operation: 'scratch namespace: lo up',
        });
      } finally {
        sock.close();
      }
    } finally {
      shim.setns(self, CLONE_NEWNET);
    }
  } catch (e) {
    removeScratchNetns(shim, name);
    throw e;
  } finally {
    shim.close(self);
  }
}

/** Unmounts and removes /run/netns/`name`; the namespace dies with its last user. */
export function removeScratchNetns(shim: Shim, name: string): void {
  const path = `${NETNS_RUN_DIR}/${name}`;
  try {
    shim.umount2(path, MNT_DETACH);
  } catch {
    // not mounted (creation failed half way)
  }
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
