/**
 * The raw netlink bytes the shim tests send, built by hand so these tests
 * depend on nothing above the shim.
 */
import { AF_NETLINK } from '../../src/shim/constants.js';

export const NETLINK_ROUTE = 0;
export const RTM_GETLINK = 18;
export const NLM_F_REQUEST_DUMP = 0x301; // NLM_F_REQUEST | NLM_F_ROOT | NLM_F_MATCH

/** An RTM_GETLINK dump request: 16-byte nlmsghdr + 16-byte ifinfomsg (AF_UNSPEC, rest zero: every link). */
export function getlinkDump(seq: number): Uint8Array {
  const b = new Uint8Array(32);
  const v = new DataView(b.buffer);
  v.setUint32(0, 32, true);
  v.setUint16(4, RTM_GETLINK, true);
  v.setUint16(6, NLM_F_REQUEST_DUMP, true);
  v.setUint32(8, seq, true);
  return b;
}

/** A struct sockaddr_nl: family, pad, nl_pid (0: the kernel picks), nl_groups. */
export function sockaddrNl(portId = 0, groups = 0): Uint8Array {
  const sa = new Uint8Array(12);
  const v = new DataView(sa.buffer);
  v.setUint16(0, AF_NETLINK, true);
  v.setUint32(4, portId, true);
  v.setUint32(8, groups, true);
  return sa;
}
