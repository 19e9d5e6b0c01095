/**
 * Links: create veth pairs and bridges, read, list, change and delete
 * links. Every call takes OperationOptions: `netns` is always the namespace
 * the call acts in (where the link is, or is created); moving a link
 * elsewhere is `setLink(…, { moveToNetns })`, so the two never mean the
 * same option.
 */
export type {
  Link,
  BridgeOptions,
  LinkKindInfo,
  LinkKindOptions,
  PortKindOptions,
  BridgeInfo,
  BridgePortInfo,
  BridgePortOptions,
  BridgePortState,
  TunInfo,
  VxlanInfo,
  VethInfo,
  VlanInfo,
  VlanOptions,
  VlanQosMap,
  DummyInfo,
  MacvlanInfo,
  MacvlanOptions,
  MacvlanMode,
  IpvlanInfo,
  IpvlanOptions,
  IpvlanMode,
  IpvlanIsolation,
  VrfInfo,
  BondInfo,
  GeneveInfo,
  GreInfo,
  IptunInfo,
  IptunOptions,
  Ip6tnlInfo,
  Ip6tnlOptions,
  Ip6greInfo,
  Ip6greOptions,
  GreOptions,
  GeneveOptions,
  BondOptions,
  BondMode,
  BondPortInfo,
  VrfOptions,
  WireguardInfo,
  NetkitInfo,
  NetkitOptions,
  NetkitMode,
  NetkitPolicy,
  NetkitScrub,
  IfbInfo,
  OperState,
  LinkMode,
  LinkAttrs,
  LinkStats64,
  KnownLinkKind,
  OtherLinkKind,
} from '../../rtnetlink/link/index.js';
export { anyLinkKind, toLink } from '../../rtnetlink/link/index.js';
export type { LinkRef } from './lookup.js';
export { getLink, listLinks, iterateLinks, type GetLinkOptions, type ListLinksOptions } from './list.js';
export { createVethPair, type CreateVethPairOptions, type CreatedPair, type VethPeerOptions } from './pair.js';
export type { CreateEndOptions } from './request.js';
export { createNetkitPair, type CreateNetkitPairOptions, type NetkitPeerOptions } from './netkit.js';
export { createBridge, type CreateBridgeOptions } from './bridge.js';
export { setLink, type SetLinkOptions } from './set.js';
export { deleteLink, deleteLinks } from './delete.js';
export { getLinks, type BulkOptions, type GetLinksOptions } from './bulk.js';
export { randomLinkName } from './names.js';
export {
  createLink,
  createDummy,
  createVlan,
  createMacvlan,
  createMacvtap,
  createIpvlan,
  createIpvtap,
  createVrf,
  createBond,
  createGeneve,
  createGre,
  createGretap,
  createIpip,
  createSit,
  createIp6tnl,
  createIp6gre,
  createIp6gretap,
  createWireguard,
  type CreateLinkCommon,
  type CreatedLink,
  type CreateVlanOptions,
  type CreateMacvlanOptions,
  type CreateIpvlanOptions,
  type CreateVrfOptions,
  type CreateBondOptions,
  type CreateGeneveOptions,
  type CreateGreOptions,
  type CreateIptunOptions,
  type CreateIp6tnlOptions,
  type CreateIp6greOptions,
} from './kinds.js';
