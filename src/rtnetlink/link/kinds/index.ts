/**
 * The one registry of link kinds: for each IFLA_INFO_KIND this library
 * models, the table that lays out its IFLA_INFO_DATA and the function that
 * makes its friendly `Link.info`; for each master kind, the table of its
 * ports' IFLA_INFO_SLAVE_DATA. The linkinfo codec, the `Link` view, the
 * lazy reader and the types `LinkInfoData` / `LinkKindInfo` all come from
 * here, so a new kind is one file plus one line below.
 */
import type { AttrSet, Decoded, OptionsOf } from '../../../netlink/schema.js';
import type { LinkInfoOf } from '../linkinfo.js';
import { BOND_IP_ORDER, BOND_PORT_IP_ORDER, bondAttrs, bondInfo, bondPortAttrs } from './bond.js';
import { BRIDGE_IP_ORDER, bridgeAttrs, bridgeInfo } from './bridge.js';
import { BRIDGE_PORT_IP_ORDER, bridgePortAttrs } from './bridge-port.js';
import { dummyAttrs } from './dummy.js';
import { ifbAttrs } from './ifb.js';
import { TUN_IP_ORDER, tunAttrs, tunInfo } from './tun.js';
import { makeVethAttrs, vethInfo } from './veth.js';
import { NETKIT_IP_ORDER, makeNetkitAttrs, netkitInfo } from './netkit.js';
import { GENEVE_IP_ORDER, geneveAttrs, geneveInfo } from './geneve.js';
import { GRE_IP_ORDER, greAttrs, greInfo, withGreKeyFlags } from './gre.js';
import { IPTUN_IP_ORDER, iptunAttrs, iptunInfo } from './iptun.js';
import { ip6TunnelDefaults } from './ip6-tunnel.js';
import { IP6GRE_IP_ORDER, ip6greAttrs, ip6greInfo } from './ip6gre.js';
import { IP6TNL_IP_ORDER, ip6tnlAttrs, ip6tnlInfo } from './ip6tnl.js';
import { IPVLAN_IP_ORDER, ipvlanAttrs, ipvlanInfo } from './ipvlan.js';
import { MACVLAN_IP_ORDER, macvlanAttrs, macvlanInfo, withMacaddrMode } from './macvlan.js';
import { VLAN_IP_ORDER, vlanAttrs, vlanInfo } from './vlan.js';
import { VRF_IP_ORDER, VRF_PORT_IP_ORDER, vrfAttrs, vrfInfo, vrfPortAttrs } from './vrf.js';
import { VXLAN_IP_ORDER, vxlanAttrs, vxlanInfo } from './vxlan.js';
import { wireguardAttrs } from './wireguard.js';

/** What a kind's view may read besides its data: the link's own IFLA_LINK and IFLA_LINK_NETNSID (a veth's peer). */
export interface KindLinkFacts {
  index: number;
  link?: number | undefined;
  linkNetnsid?: number | undefined;
}

/**
 * One link kind (an IFLA_INFO_KIND) in the registry: its IFLA_INFO_DATA table, its `Link.info` view
 * and how requests for it are completed and changed.
 */
export interface LinkKindDef<A extends AttrSet = AttrSet, I = unknown> {
  /** The IFLA_INFO_DATA table. */
  readonly data: A;
  /**
   * The order in which iproute2 prints the table's spelled rows (`ip -d
   * link show`); spelled rows not listed follow. A kind whose table has no
   * spelled row gets no `info_data` in the command's output (ip has no
   * printer for it: veth, ifb, dummy).
   */
  readonly ipOrder?: readonly (keyof A['specs'] & string)[];
  /** `Link.info` from the decoded data (undefined when the kernel sent none) and the link's own facts. */
  info(data: Decoded<A> | undefined, link: KindLinkFacts): I;
  /**
   * The view needs no kind data (veth, ifb): the lazy reader builds it at
   * once instead of decoding IFLA_INFO_DATA on first access.
   */
  readonly dataless?: boolean;
  /** Completes a request's data from the options (gre: a key turns on GRE_KEY), for every create call, setLink and the command. */
  readonly adjust?: (data: Record<string, unknown>) => void;
  /**
   * The kind's changelink rebuilds every parameter from the request, so
   * what a change leaves out is reset (the IP tunnels: ipgre_netlink_parms,
   * ipip_netlink_parms, ipip6_netlink_parms, ip6_tnl_netlink_parms and
   * ip6gre_netlink_parms start from zeros): setLink sends the current data
   * with the new values, as iproute2 does.
   */
  readonly changeSendsAll?: boolean;
  /**
   * Rows the kind's changelink ignores without an error (vlan_changelink
   * applies only FLAGS and the QoS maps): setLink refuses a new value for
   * them up front instead of reporting a change that did not happen.
   */
  readonly fixedAfterCreate?: readonly string[];
}

/** A master kind's port data (IFLA_INFO_SLAVE_DATA) and iproute2's order for it. */
export interface SlaveKindDef<A extends AttrSet = AttrSet> {
  readonly data: A;
  readonly ipOrder?: readonly (keyof A['specs'] & string)[];
}

const kind = <A extends AttrSet, I>(def: LinkKindDef<A, I>) => def;
/** GRE over IPv6: keys turn on GRE_KEY as for gre, and ip's hop and encapsulation limits. */
const ip6gre = (data: Record<string, unknown>): void => {
  withGreKeyFlags(data);
  ip6TunnelDefaults(data);
};
/** netkit's table holds the peer's link attributes (PEER_INFO), like veth's. */
const netkitKind = (linkAttrs: () => AttrSet) => {
  const data = makeNetkitAttrs(linkAttrs);
  return kind({ data, info: (d, l) => netkitInfo(data, d, l), ipOrder: NETKIT_IP_ORDER });
};
const slave = <A extends AttrSet>(def: SlaveKindDef<A>) => def;

/** The registry, around the link table (veth's peer holds link attributes, so it is passed lazily). */
export function linkKinds(linkAttrs: () => AttrSet) {
  return {
    kinds: {
      veth: kind({ data: makeVethAttrs(linkAttrs), info: (_d, l) => vethInfo(l), dataless: true }),
      bridge: kind({ data: bridgeAttrs, info: (d) => bridgeInfo(d ?? {}), ipOrder: BRIDGE_IP_ORDER }),
      tun: kind({ data: tunAttrs, info: (d) => tunInfo(d ?? {}), ipOrder: TUN_IP_ORDER }),
      vxlan: kind({ data: vxlanAttrs, info: (d) => vxlanInfo(d ?? {}), ipOrder: VXLAN_IP_ORDER }),
      ifb: kind({ data: ifbAttrs, info: () => ({ kind: 'ifb' as const }), dataless: true }),
      dummy: kind({ data: dummyAttrs, info: () => ({ kind: 'dummy' as const }), dataless: true }),
      vlan: kind({ data: vlanAttrs, info: (d) => vlanInfo(d ?? {}), ipOrder: VLAN_IP_ORDER, fixedAfterCreate: ['id', 'protocol'] }),
      macvlan: kind({ data: macvlanAttrs, info: (d) => macvlanInfo('macvlan', d ?? {}), ipOrder: MACVLAN_IP_ORDER, adjust: withMacaddrMode }),
      macvtap: kind({ data: macvlanAttrs, info: (d) => macvlanInfo('macvtap', d ?? {}), ipOrder: MACVLAN_IP_ORDER, adjust: withMacaddrMode }),
      ipvlan: kind({ data: ipvlanAttrs, info: (d) => ipvlanInfo('ipvlan', d ?? {}), ipOrder: IPVLAN_IP_ORDER }),
      ipvtap: kind({ data: ipvlanAttrs, info: (d) => ipvlanInfo('ipvtap', d ?? {}), ipOrder: IPVLAN_IP_ORDER }),
      geneve: kind({ data: geneveAttrs, info: (d) => geneveInfo(d ?? {}), ipOrder: GENEVE_IP_ORDER }),
      gre: kind({ data: greAttrs, info: (d) => greInfo('gre', d ?? {}), ipOrder: GRE_IP_ORDER, adjust: withGreKeyFlags, changeSendsAll: true }),
      gretap: kind({ data: greAttrs, info: (d) => greInfo('gretap', d ?? {}), ipOrder: GRE_IP_ORDER, adjust: withGreKeyFlags, changeSendsAll: true }),
      // Loading ip_gre gives every namespace fallback gre0, gretap0 and erspan0 devices: all three are known here.
      erspan: kind({ data: greAttrs, info: (d) => greInfo('erspan', d ?? {}), ipOrder: GRE_IP_ORDER, adjust: withGreKeyFlags, changeSendsAll: true }),
      ipip: kind({ data: iptunAttrs, info: (d) => iptunInfo('ipip', d ?? {}), ipOrder: IPTUN_IP_ORDER, changeSendsAll: true }),
      sit: kind({ data: iptunAttrs, info: (d) => iptunInfo('sit', d ?? {}), ipOrder: IPTUN_IP_ORDER, changeSendsAll: true }),
      ip6tnl: kind({ data: ip6tnlAttrs, info: (d) => ip6tnlInfo(d ?? {}), ipOrder: IP6TNL_IP_ORDER, adjust: ip6TunnelDefaults, changeSendsAll: true }),
      ip6gre: kind({ data: ip6greAttrs, info: (d) => ip6greInfo('ip6gre', d ?? {}), ipOrder: IP6GRE_IP_ORDER, adjust: ip6gre, changeSendsAll: true }),
      ip6gretap: kind({ data: ip6greAttrs, info: (d) => ip6greInfo('ip6gretap', d ?? {}), ipOrder: IP6GRE_IP_ORDER, adjust: ip6gre, changeSendsAll: true }),
      ip6erspan: kind({ data: ip6greAttrs, info: (d) => ip6greInfo('ip6erspan', d ?? {}), ipOrder: IP6GRE_IP_ORDER, adjust: ip6gre, changeSendsAll: true }),
      bond: kind({ data: bondAttrs, info: (d) => bondInfo(d ?? {}), ipOrder: BOND_IP_ORDER }),
      vrf: kind({ data: vrfAttrs, info: (d) => vrfInfo(d ?? {}), ipOrder: VRF_IP_ORDER }),
      netkit: netkitKind(linkAttrs),
      wireguard: kind({ data: wireguardAttrs, info: () => ({ kind: 'wireguard' as const }), dataless: true }),
    },
    slaveKinds: {
      bridge: slave({ data: bridgePortAttrs, ipOrder: BRIDGE_PORT_IP_ORDER }),
      bond: slave({ data: bondPortAttrs, ipOrder: BOND_PORT_IP_ORDER }),
      vrf: slave({ data: vrfPortAttrs, ipOrder: VRF_PORT_IP_ORDER }),
    },
  };
}

type Registry = ReturnType<typeof linkKinds>;

declare const otherKind: unique symbol;
/**
 * A kind the kernel has and rtnl does not model (`'ipoib'`, `'can'` …),
 * made with {@link anyLinkKind}: the branded escape that lets a filter name
 * it while a misspelt modelled kind (`'vethh'`) still fails to compile.
 */
export type OtherLinkKind = string & { readonly [otherKind]: true };

/** Marks `kind` as a kind rtnl does not model, for filters typed KnownLinkKind. */
export function anyLinkKind(kind: string): OtherLinkKind {
  return kind as OtherLinkKind;
}
type Kinds = Registry['kinds'];
type SlaveKinds = Registry['slaveKinds'];

/** The kinds with a table here (`'veth'`, `'bridge'`, `'tun'`, `'vxlan'`, `'bond'` …). */
export type KnownLinkKind = keyof Kinds;

/** IFLA_INFO_DATA of the kinds this library models, or raw bytes for any other. */
export type LinkInfoData = { [K in keyof Kinds]: Decoded<Kinds[K]['data']> }[keyof Kinds] | Uint8Array;
/** IFLA_INFO_SLAVE_DATA: bridge port attributes, or raw bytes for other masters. */
export type LinkInfoSlaveData = { [K in keyof SlaveKinds]: Decoded<SlaveKinds[K]['data']> }[keyof SlaveKinds] | Uint8Array;
/** IFLA_LINKINFO as decoded. */
export type LinkInfo = LinkInfoOf<LinkInfoData, LinkInfoSlaveData>;
/** What setLink's `info` takes: a kind and the writable fields of its `Link.info` (`{ kind: 'bridge', stp: true }`). */
export type LinkKindOptions = { [K in keyof Kinds]: { kind: K } & OptionsOf<Kinds[K]['data']> }[keyof Kinds];
/** What setLink's `port` takes: the master's kind and the writable fields of the port's data (`{ kind: 'bond', queueId: 2 }`). */
export type PortKindOptions = { [K in keyof SlaveKinds]: { kind: K } & OptionsOf<SlaveKinds[K]['data']> }[keyof SlaveKinds];
/** `Link.info`: kind-specific data of the kinds this library models. */
export type LinkKindInfo = { [K in keyof Kinds]: ReturnType<Kinds[K]['info']> }[keyof Kinds];
