/**
 * rtnl: Linux virtual network devices over rtnetlink, from TypeScript.
 * The public API; lower layers are reachable through their own modules.
 */
export * from './netlink/errors.js';
export type { ErrnoName } from './shim/errno-names.js';
export { RtnlSocket, type SocketOptions, type RequestOptions, type Message } from './netlink/socket.js';
export type { NetnsRef } from './netlink/netns.js';
export type { OperationOptions } from './ops/options.js';
export { getShim, ShimUnavailableError, type Shim, type BackendName, type SystemCallError } from './shim/index.js';
export * from './ops/links/index.js';
export * from './ops/bridge/vlans.js';
export * from './ops/bridge/vlan-db.js';
export * from './ops/tap/index.js';
export * from './ops/netns/index.js';
export * from './ops/addresses/index.js';
export * from './ops/routes/index.js';
export * from './ops/neighbours/index.js';
export * from './ops/rules/index.js';
export * from './ops/sysctl/index.js';
export * from './ops/monitor/index.js';
/** Declarative topologies: plan, apply (all or nothing, journaled), destroy, recover. See docs/topology.md. */
export * as topology from './topology/index.js';
export type { Topology, TopologyLink, TopologyLinkEnd, TopologyRoute, TopologyNeighbour, TopologyChange } from './topology/index.js';
/** Open vSwitch over OVSDB (RFC 7047): bridges, ports and interfaces, without ovs-vsctl. See docs/ovs.md. */
export * as ovs from './ovs/index.js';

// NODE_DEBUG=rtnl's decoded lines and RTNL_RECORD=file's whole-process
// recording (testing/process-hooks.ts).
import { installProcessHooks } from './testing/process-hooks.js';
installProcessHooks();
