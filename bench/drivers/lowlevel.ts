/**
 * The benchmark's rtnetlink requests written against rtnl's core directly
 * (RtnlSocket + the link message table), without the public API: the same
 * messages the API sends. Used for the codec-only workload, for recording
 * dumps, and as the "core" leg that separates the cost of the socket and
 * codec from the cost of the API layer above them.
 */
import type { RtnlSocket } from '../../src/netlink/socket.js';
import { AF, RTM } from '../../src/rtnetlink/constants.js';
import { linkMessage } from '../../src/rtnetlink/link/index.js';
import { RTEXT_FILTER } from '../../src/rtnetlink/link/attrs.js';
import { NLM_F } from '../../src/netlink/constants.js';

/** IFLA_EXT_MASK of the look-ups and dumps: RTEXT_FILTER_VF, what `ip link show` asks for. */
const RTEXT_FILTER_VF = RTEXT_FILTER.VF;

const header = { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 };

export async function createVeth(s: RtnlSocket, name: string, peer: string, group: number): Promise<void> {
  // IFLA_INFO_DATA of a veth: VETH_INFO_PEER { ifinfomsg, the peer's IFLA attributes }.
  const data = { peer: { header, attrs: { ifname: peer } } };
  await s.request(
    RTM.NEWLINK,
    NLM_F.CREATE | NLM_F.EXCL,
    (w) => linkMessage.encode(w, { header, attrs: { ifname: name, ...(group ? { group } : {}), linkinfo: { kind: 'veth', data } } }),
    { operation: 'createVeth', attrs: linkMessage.attrs },
  );
}

export async function deleteByName(s: RtnlSocket, name: string): Promise<void> {
  await s.request(RTM.DELLINK, 0, (w) => linkMessage.encode(w, { header, attrs: { ifname: name } }), {
    operation: 'deleteLink',
    attrs: linkMessage.attrs,
  });
}

export async function deleteGroup(s: RtnlSocket, group: number): Promise<void> {
  await s.request(RTM.DELLINK, 0, (w) => linkMessage.encode(w, { header, attrs: { group } }), {
    operation: 'deleteGroup',
    attrs: linkMessage.attrs,
  });
}

/** One RTM_GETLINK by name, reply decoded through the link table. */
export async function getByName(s: RtnlSocket, name: string) {
  const [reply] = await s.request(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header, attrs: { ifname: name, extMask: RTEXT_FILTER_VF } }), {
    operation: 'getLink',
    attrs: linkMessage.attrs,
  });
  if (!reply) throw new Error(`no reply for ${name}`);
  return linkMessage.decode(reply.bytes);
}

/** A full link dump, each message decoded and handed to `each` (streamed). */
export async function dumpLinks(s: RtnlSocket, each: (m: ReturnType<typeof linkMessage.decode>, bytes: Uint8Array) => void): Promise<number> {
  let n = 0;
  for await (const m of s.dump(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header, attrs: { extMask: RTEXT_FILTER_VF } }), { operation: 'dump' })) {
    if (m.type !== RTM.NEWLINK) continue;
    each(linkMessage.decode(m.bytes), m.bytes);
    n++;
  }
  return n;
}
