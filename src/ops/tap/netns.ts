/**
 * Where to open /dev/net/tun. A tun file belongs to the network namespace of
 * the thread that opened it (tun_chr_open takes current->nsproxy->net_ns),
 * and TUNSETIFF creates or finds the device there — so the open must happen
 * in the same namespace as the rtnetlink socket that sets the device up.
 */
import { type NetnsRef, SIOCGSKNS } from '../../netlink/netns.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import type { Shim } from '../../shim/types.js';

export { SIOCGSKNS };

/**
 * The namespace to open the tun file in: `netns` when given; otherwise the
 * namespace of a caller-supplied socket (asked of the kernel with
 * SIOCGSKNS, so it is right however the socket was opened); otherwise the
 * current one (undefined). `release` closes what this opened.
 */
export function tunNetns(shim: Shim, netns: NetnsRef | undefined, socket: RtnlSocket | undefined): { ref: NetnsRef | undefined; release(): void } {
  if (netns !== undefined || socket === undefined) return { ref: netns, release() {} };
  const fd = shim.ioctlInt(socket.fileDescriptor, SIOCGSKNS, 0);
  return {
    ref: { fd },
    release: () => shim.close(fd),
  };
}
