/**
 * IFLA_* link attributes (enum in <linux/if_link.h>), the table behind every
 * RTM_NEWLINK / GETLINK / SETLINK / DELLINK body. Numbers 62–69 are newer
 * than the 6.1 UAPI headers on this machine; they were checked against the
 * kernel's rt-link spec and against what a 6.18 kernel sends.
 *
 * Two attributes change meaning with the message's ifi_family, so there is
 * one table per family, identical except for those rows:
 * - IFLA_PROTINFO: raw for AF_UNSPEC, bridge port attributes for AF_BRIDGE,
 *   IPv6 attributes for AF_INET6;
 * - IFLA_AF_SPEC: one nest per address family for AF_UNSPEC, bridge VLAN
 *   attributes (IFLA_BRIDGE_*, af-bridge.ts) for AF_BRIDGE.
 * `linkMessage` (index.ts) picks the table from the header.
 */
import { type Codec, attr, attrSet, nest, type Decoded } from '../../netlink/schema.js';
import { bytes, hwaddr, s32, string, u16, u32, u8, uint } from '../../netlink/codecs.js';
import { type AfSpec, type Inet6AfAttrs, afSpecAttrs, inet6AfAttrs } from './af-spec.js';
import { type BridgeAfSpec, bridgeAfSpecAttrs } from './af-bridge.js';
import { orRaw } from './codecs.js';
import { linkInfoCodec } from './linkinfo.js';
import { type BridgePortAttrs, bridgePortAttrs } from './kinds/bridge-port.js';
import { type LinkInfo, type LinkKindDef, type SlaveKindDef, linkKinds } from './kinds/index.js';
import { rtnlLinkIfmap, rtnlLinkStats, rtnlLinkStats64 } from './stats.js';

/**
 * RTEXT_FILTER_* (<linux/rtnetlink.h>): bits of IFLA_EXT_MASK in a GETLINK
 * request, saying what extra (or less) the kernel should put in its reply.
 */
export const RTEXT_FILTER = {
  VF: 1 << 0,
  BRVLAN: 1 << 1,
  BRVLAN_COMPRESSED: 1 << 2,
  /** No IFLA_STATS / IFLA_STATS64 and no IPv6 counters (IFLA_INET6_STATS, IFLA_INET6_ICMP6STATS). */
  SKIP_STATS: 1 << 3,
  MRP: 1 << 4,
  CFM_CONFIG: 1 << 5,
  CFM_STATUS: 1 << 6,
  MST: 1 << 7,
} as const;

/** IFLA_XDP nest (IFLA_XDP_*): attach state and program ids. */
export const xdpAttrs = attrSet('xdp', {
  fd: attr(1, s32),
  /** enum XDP_ATTACHED_*: 0 none, 1 drv, 2 skb, 3 hw, 4 multi. */
  attached: attr(2, u8),
  flags: attr(3, u32),
  progId: attr(4, u32),
  drvProgId: attr(5, u32),
  skbProgId: attr(6, u32),
  hwProgId: attr(7, u32),
  expectedFd: attr(8, s32),
});

/** IFLA_PROP_LIST nest: alternative names, one IFLA_ALT_IFNAME each. */
export const propListAttrs = attrSet('prop-list', {
  altIfname: attr(53, string, { multi: true }),
});

/** IFLA_PROTO_DOWN_REASON nest. */
export const protoDownReasonAttrs = attrSet('proto-down-reason', {
  mask: attr(1, u32),
  value: attr(2, u32),
});

/** What IFLA_PROTINFO decodes to, by family: see the file comment. */
export type ProtInfo = Uint8Array | BridgePortAttrs | Inet6AfAttrs;
/** What IFLA_AF_SPEC decodes to, by family. */
export type AfSpecValue = AfSpec | Uint8Array;

const raw = orRaw(bytes);

// The table is built by a function so the per-family variants share every
// row but two; `linkAttrs` is referenced lazily by the veth peer codec.
/** The link kinds (kinds/index.ts), around this link table. */
export const LINK_KINDS = linkKinds(() => linkAttrs);
const linkInfo = linkInfoCodec(LINK_KINDS) as Codec<LinkInfo>;
/** The registry's kinds and master kinds, by name, for code that walks them all (the command's printers). */
export const KIND_DEFS = LINK_KINDS.kinds as unknown as Readonly<Record<string, LinkKindDef>>;
/** The registry's port (slave) kinds, by IFLA_INFO_SLAVE_KIND name, for code that walks them all. */
export const SLAVE_KIND_DEFS = LINK_KINDS.slaveKinds as unknown as Readonly<Record<string, SlaveKindDef>>;

function linkSpecs(protinfo: Codec<ProtInfo>, afSpec: Codec<AfSpecValue>) {
  return {
    address: attr(1, hwaddr),
    broadcast: attr(2, hwaddr),
    ifname: attr(3, string),
    mtu: attr(4, u32),
    /** Parent/peer ifindex (veth: the peer, in IFLA_LINK_NETNSID's namespace when set). */
    link: attr(5, u32),
    qdisc: attr(6, string),
    stats: attr(7, rtnlLinkStats),
    /** Unused by the kernel. */
    cost: attr(8, bytes),
    /** Unused by the kernel. */
    priority: attr(9, bytes),
    master: attr(10, u32),
    wireless: attr(11, bytes),
    protinfo: attr(12, protinfo),
    txqlen: attr(13, u32),
    map: attr(14, rtnlLinkIfmap),
    weight: attr(15, u32),
    /** RFC 2863 operational state (IF_OPER_*). */
    operstate: attr(16, u8),
    linkmode: attr(17, u8),
    linkinfo: attr(18, linkInfo),
    netNsPid: attr(19, u32),
    ifalias: attr(20, string),
    numVf: attr(21, u32),
    vfinfoList: attr(22, bytes),
    stats64: attr(23, rtnlLinkStats64),
    vfPorts: attr(24, bytes),
    portSelf: attr(25, bytes),
    afSpec: attr(26, afSpec),
    group: attr(27, u32),
    netNsFd: attr(28, u32),
    /** RTEXT_FILTER_* bits of a GETLINK request. */
    extMask: attr(29, u32),
    promiscuity: attr(30, u32),
    numTxQueues: attr(31, u32),
    numRxQueues: attr(32, u32),
    carrier: attr(33, u8),
    physPortId: attr(34, bytes),
    carrierChanges: attr(35, u32),
    physSwitchId: attr(36, bytes),
    /** The namespace id (as seen from here) of the peer/parent named by IFLA_LINK. */
    linkNetnsid: attr(37, s32),
    physPortName: attr(38, string),
    protoDown: attr(39, u8),
    gsoMaxSegs: attr(40, u32),
    gsoMaxSize: attr(41, u32),
    pad: attr(42, bytes),
    xdp: attr(43, nest(xdpAttrs)),
    event: attr(44, u32),
    newNetnsid: attr(45, s32),
    /** Act in the namespace with this id (IFLA_IF_NETNSID, renamed). */
    targetNetnsid: attr(46, s32),
    carrierUpCount: attr(47, u32),
    carrierDownCount: attr(48, u32),
    newIfindex: attr(49, s32),
    minMtu: attr(50, u32),
    maxMtu: attr(51, u32),
    propList: attr(52, nest(propListAttrs)),
    /** One alternative name, in requests (a dump lists them in propList). */
    altIfname: attr(53, string),
    permAddress: attr(54, hwaddr),
    protoDownReason: attr(55, nest(protoDownReasonAttrs)),
    parentDevName: attr(56, string),
    parentDevBusName: attr(57, string),
    groMaxSize: attr(58, u32),
    tsoMaxSize: attr(59, u32),
    tsoMaxSegs: attr(60, u32),
    allmulti: attr(61, u32),
    devlinkPort: attr(62, bytes),
    gsoIpv4MaxSize: attr(63, u32),
    groIpv4MaxSize: attr(64, u32),
    dpllPin: attr(65, bytes),
    /** Nanoseconds (nla_put_uint: 4 or 8 bytes). */
    maxPacingOffloadHorizon: attr(66, uint),
    netnsImmutable: attr(67, u8),
    headroom: attr(68, u16),
    tailroom: attr(69, u16),
  };
}

/** Link attributes of AF_UNSPEC messages (the usual ones). */
export const linkAttrs = attrSet('link', linkSpecs(raw as Codec<ProtInfo>, orRaw(nest(afSpecAttrs))));

/**
 * Link attributes of AF_BRIDGE messages (`bridge link`, `bridge vlan`): IFLA_PROTINFO holds bridge port
 * attributes and IFLA_AF_SPEC the bridge's VLAN attributes (af-bridge.ts). The shared LinkAttrs type names
 * the AF_UNSPEC shape of afSpec; `bridgeAfSpecOf` reads the AF_BRIDGE one.
 */
export const bridgeLinkAttrs = attrSet('link', linkSpecs(orRaw(nest(bridgePortAttrs)), orRaw(nest(bridgeAfSpecAttrs)) as unknown as Codec<AfSpecValue>));

/** IFLA_AF_SPEC of a decoded AF_BRIDGE link message, typed (undefined when absent or kept raw). */
export function bridgeAfSpecOf(attrs: { afSpec?: AfSpecValue | undefined }): BridgeAfSpec | undefined {
  const a = attrs.afSpec as unknown;
  return a === undefined || a instanceof Uint8Array ? undefined : (a as BridgeAfSpec);
}

/** Link attributes of AF_INET6 messages: IFLA_PROTINFO holds IFLA_INET6_* attributes. */
export const inet6LinkAttrs = attrSet('link', linkSpecs(orRaw(nest(inet6AfAttrs)), raw));

/** The decoded IFLA_* attributes of an AF_UNSPEC link message. */
export type LinkAttrs = Decoded<typeof linkAttrs>;

/** The veth table of the registry (VETH_INFO_PEER holds link attributes). */
export const vethAttrs = LINK_KINDS.kinds.veth.data;
/** The netkit table of the registry (IFLA_NETKIT_PEER_INFO holds link attributes). */
export const netkitAttrs = LINK_KINDS.kinds.netkit.data;
