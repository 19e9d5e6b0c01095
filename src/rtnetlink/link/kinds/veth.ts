/**
 * veth link data: IFLA_INFO_DATA when IFLA_INFO_KIND is "veth" (VETH_INFO_*
 * in <linux/veth.h>; the YNL spec has no veth set).
 *
 * VETH_INFO_PEER (1) is not a plain nest: its payload is a whole struct
 * ifinfomsg followed by IFLA_* attributes, exactly like the body of an
 * RTM_NEWLINK, describing the peer (name, address, MTU, and IFLA_NET_NS_FD
 * to create it directly inside another namespace). The kernel parses it in
 * veth_newlink() with the link policy.
 *
 * veth has no fill_info for its peer: the kernel never sends VETH_INFO_PEER
 * back, so it only appears in requests. A dumped veth names its peer through
 * IFLA_LINK (the peer's ifindex) and IFLA_LINK_NETNSID (the peer's
 * namespace, when it is another one).
 */
import { type AttrSet, type Codec, attr, attrSet, decodeAttrs, decodeError, encodeAttrs } from '../../../netlink/schema.js';
import { type IfInfoMsg, IFINFOMSG_SIZE, ifinfomsg } from '../header.js';
import type { LinkAttrs } from '../attrs.js';

/** VETH_INFO_PEER (<linux/veth.h>): the veth attribute holding the peer's ifinfomsg and link attributes. */
export const VETH_INFO_PEER = 1;

/** The peer of a pair being created (veth, netkit): its own ifinfomsg and link attributes. */
export interface LinkPeer {
  header: IfInfoMsg;
  attrs: LinkAttrs;
}
/** The peer of a veth being created (VETH_INFO_PEER): its own ifinfomsg and link attributes. */
export type VethPeer = LinkPeer;

/**
 * The codec of a peer message (VETH_INFO_PEER, IFLA_NETKIT_PEER_INFO).
 * `linkAttrs` is passed lazily because the link attribute table itself
 * contains the linkinfo table that contains this.
 */
export function peerMessageCodec(linkAttrs: () => AttrSet, kind: string): Codec<LinkPeer> {
  return {
    kind: 'ifinfomsg+link',
    // The peer's attributes are link attributes: kernel errors inside the
    // peer (EEXIST on its name, a bad MTU) map back to `…peer.<attr>` paths.
    get set() {
      return linkAttrs();
    },
    decode(ctx, off, len) {
      if (len < IFINFOMSG_SIZE) throw decodeError(ctx, `${kind} peer wants at least a ${IFINFOMSG_SIZE}-byte ifinfomsg, got ${len}`);
      const header = ifinfomsg.decode(ctx, off, IFINFOMSG_SIZE);
      const attrs = decodeAttrs(linkAttrs(), ctx, off + IFINFOMSG_SIZE, off + len) as LinkAttrs;
      return { header, attrs };
    },
    encode(w, v) {
      ifinfomsg.encode(w, v.header ?? { family: 0, type: 0, index: 0, flags: 0, change: 0 });
      if (v.attrs) encodeAttrs(w, linkAttrs(), v.attrs);
    },
  };
}

/** The veth attribute set, built around the link table (see `vethPeerCodec`). */
export function makeVethAttrs(linkAttrs: () => AttrSet) {
  return attrSet('veth', {
    peer: attr(VETH_INFO_PEER, peerMessageCodec(linkAttrs, 'veth')),
  });
}

/** VETH_INFO_* as decoded: a veth's IFLA_INFO_DATA (the peer appears only in requests). */
export interface VethAttrs {
  peer?: VethPeer;
}

/**
 * The friendly view of a veth (`Link.info` when kind is "veth"): the kernel
 * sends no veth data, so this is built from IFLA_LINK / IFLA_LINK_NETNSID.
 */
export interface VethInfo {
  kind: 'veth';
  /** The peer's ifindex, inside the namespace `peerNetnsId` names (or this one). */
  peerIndex?: number;
  /** The peer's namespace id as seen from the link's namespace, when it is another namespace. */
  peerNetnsId?: number;
}

/** `Link.info` of a veth, from the link's IFLA_LINK and IFLA_LINK_NETNSID. */
export function vethInfo(l: { index: number; link?: number | undefined; linkNetnsid?: number | undefined }): VethInfo {
  return { kind: 'veth', ...peerFacts(l) };
}

/** The peer of a paired device (veth, netkit) from the link's IFLA_LINK and IFLA_LINK_NETNSID. */
export function peerFacts(l: { index: number; link?: number | undefined; linkNetnsid?: number | undefined }): { peerIndex?: number; peerNetnsId?: number } {
  const v: { peerIndex?: number; peerNetnsId?: number } = {};
  // IFLA_LINK equal to the link's own index means "no peer" (mid-deletion)
  // only inside one namespace: a peer in another namespace may well have the
  // same ifindex — in two fresh namespaces both ends are usually 2.
  if (l.link !== undefined && (l.link !== l.index || l.linkNetnsid !== undefined)) v.peerIndex = l.link;
  if (l.linkNetnsid !== undefined) v.peerNetnsId = l.linkNetnsid;
  return v;
}
