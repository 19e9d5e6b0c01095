/**
 * netkit devices (IFLA_NETKIT_* and enum netkit_action / netkit_mode /
 * netkit_scrub in <linux/if_link.h> of Linux 6.7+; the kernel's
 * drivers/net/netkit.c). A netkit pair is a veth-like pair whose transmit
 * path runs BPF programs attached to the primary device (bpf_mprog), with a
 * default policy for each end when no program decides.
 *
 * Wire facts from netkit_new_link() / netkit_fill_info() / netkit_policy:
 * - PEER_INFO, like VETH_INFO_PEER, is a whole struct ifinfomsg followed by
 *   link attributes (the peer's name, namespace, address …); the kernel
 *   never sends it back. The peer is named "nk%d" when none is given.
 * - The kernel reports PRIMARY (u8: 1 on the device created, 0 on its
 *   peer), POLICY, MODE and PEER_POLICY (u32, the peer's policy, on both
 *   ends), and since 6.10 SCRUB / PEER_SCRUB; PRIMARY in a request is
 *   refused ("Primary attribute is read-only").
 * - POLICY and PEER_POLICY accept only NETKIT_PASS (0, ip's "forward") and
 *   NETKIT_DROP (2, "blackhole"); the defaults are forward. MODE is l3 (1,
 *   the default: no link-layer address, ARPHRD_NONE semantics) or l2 (0);
 *   an address in l3 mode is EOPNOTSUPP.
 * - changelink applies POLICY and PEER_POLICY, through the primary only
 *   (the peer: EACCES); MODE and PEER_INFO are fixed after creation.
 * - HEADROOM / TAILROOM (u16, 6.15+) and PAIRING (u32, net-next: a single
 *   device instead of a pair) are rows a kernel that predates them ignores
 *   (rtnl_newlink parses IFLA_INFO_DATA up to the kind's maxtype).
 */
import { attr, attrSet, type AttrSet, type Decoded, type OptionsOf, type ViewOf } from '../../../netlink/schema.js';
import { u8, u16, u32 } from '../../../netlink/codecs.js';
import { readView } from '../../../netlink/fields.js';
import { enumWords } from './convs.js';
import { type LinkPeer, peerFacts, peerMessageCodec } from './veth.js';

/** enum netkit_action, the values a default policy may take (ip's words). */
export const NETKIT_POLICY = { forward: 0, blackhole: 2 } as const;
/** A netkit end's default policy when no BPF program decides (IFLA_NETKIT_POLICY / PEER_POLICY): forward (NETKIT_PASS, the default) or blackhole (NETKIT_DROP). */
export type NetkitPolicy = keyof typeof NETKIT_POLICY;
/** enum netkit_mode. */
export const NETKIT_MODE = { l2: 0, l3: 1 } as const;
/** A netkit pair's mode (IFLA_NETKIT_MODE, enum netkit_mode): l3 (the default, no link-layer address) or l2; fixed after creation. */
export type NetkitMode = keyof typeof NETKIT_MODE;
/** enum netkit_scrub: whether skb metadata (mark, priority …) is cleared when a packet crosses to the peer. */
export const NETKIT_SCRUB = { none: 0, default: 1 } as const;
/** A netkit end's scrub setting (IFLA_NETKIT_SCRUB / PEER_SCRUB, 6.10+): default clears skb metadata crossing to the peer, none keeps it. */
export type NetkitScrub = keyof typeof NETKIT_SCRUB;
/** enum netkit_pairing (net-next). */
export const NETKIT_PAIRING = { pair: 0, single: 1 } as const;

const policy = enumWords(NETKIT_POLICY);
const mode = enumWords(NETKIT_MODE);
const scrub = enumWords(NETKIT_SCRUB);
const pairing = enumWords(NETKIT_PAIRING);

/** The netkit attribute set, built around the link table (PEER_INFO holds link attributes, as veth's peer does). */
export function makeNetkitAttrs(linkAttrs: () => AttrSet) {
  return attrSet('netkit', {
    /** The peer being created: written by createNetkitPair from its `peer` options, never sent back. */
    peerInfo: attr(1, peerMessageCodec(linkAttrs, 'netkit')),
    /** Whether this end is the primary (the device the pair was created as), where programs attach and settings change. */
    primary: attr(2, u8).view('primary', 'bool').spelled('type', { shape: 'words', names: ['peer', 'primary'], option: false }),
    policy: attr(3, u32).view('policy', policy.conv, { writable: true }).spelled('policy', { shape: 'words', names: policy.words, option: false, bareWords: { forward: 'forward', blackhole: 'blackhole' } }),
    /** The peer's default policy (createNetkitPair takes it as `peer.policy`). */
    peerPolicy: attr(4, u32).view('peerPolicy', policy.conv, { writable: true }).spelled('peer_policy', { label: 'peer policy', shape: 'words', names: policy.words, option: false }),
    mode: attr(5, u32).view('mode', mode.conv, { writable: true }).spelled('mode', { shape: 'words', names: mode.words }),
    scrub: attr(6, u32).view('scrub', scrub.conv, { writable: true }).spelled('scrub', { shape: 'words', names: scrub.words, option: false }),
    /** The peer's scrub setting (createNetkitPair takes it as `peer.scrub`). */
    peerScrub: attr(7, u32).view('peerScrub', scrub.conv, { writable: true }).spelled('peer_scrub', { label: 'peer scrub', shape: 'words', names: scrub.words, option: false }),
    /** Bytes reserved in front of a packet for the programs (needed_headroom of both ends). */
    headroom: attr(8, u16).view('headroom', 'num', { writable: true }),
    tailroom: attr(9, u16).view('tailroom', 'num', { writable: true }),
    pairing: attr(10, u32).view('pairing', pairing.conv),
  });
}

/** IFLA_NETKIT_* as decoded: a netkit end's IFLA_INFO_DATA (peerInfo appears only in requests). */
export interface NetkitAttrs {
  peerInfo?: LinkPeer;
  primary?: number;
  policy?: number;
  peerPolicy?: number;
  mode?: number;
  scrub?: number;
  peerScrub?: number;
  headroom?: number;
  tailroom?: number;
  pairing?: number;
}

type NetkitTable = ReturnType<typeof makeNetkitAttrs>;

/**
 * The friendly view of a netkit end (`Link.info` when kind is "netkit"):
 * its data, and its peer as IFLA_LINK / IFLA_LINK_NETNSID name it
 * (netkit_get_iflink, netkit_get_link_net), as for a veth.
 */
export type NetkitInfo = { kind: 'netkit'; peerIndex?: number; peerNetnsId?: number } & ViewOf<NetkitTable>;
/** The writable netkit fields (setLink's `info: { kind: 'netkit', policy }`; createNetkitPair spreads them over both ends). */
export type NetkitOptions = OptionsOf<NetkitTable>;

/** The friendly view of netkit link data, with the peer from the link's IFLA_LINK and IFLA_LINK_NETNSID. */
export function netkitInfo(table: NetkitTable, data: Decoded<NetkitTable> | undefined, l: { index: number; link?: number | undefined; linkNetnsid?: number | undefined }): NetkitInfo {
  return { kind: 'netkit', ...readView(table, data), ...peerFacts(l) } as NetkitInfo;
}

/** The order `ip -d link show` prints these rows in (iproute2's iplink_netkit.c netkit_print_opt). */
export const NETKIT_IP_ORDER = ['mode', 'primary', 'policy', 'peerPolicy', 'scrub', 'peerScrub'] as const;
