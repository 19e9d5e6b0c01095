/**
 * rtnl: Linux virtual network devices over rtnetlink, from TypeScript.
 * The public API; lower layers are reachable through their own modules.
 */
export * from './netlink/errors.js';
export { RtnlSocket, type SocketOptions, type RequestOptions, type Message } from './netlink/socket.js';
export type { NetnsRef } from './netlink/netns.js';
export type { OperationOptions } from './options.js';
export { getShim, ShimUnavailableError, type Shim, type BackendName } from './shim/index.js';
export * from './links.js';
export * from './tap.js';
export * from './netns.js';
export * from './addresses.js';
export * from './routes.js';
export * from './neighbours.js';
export * from './monitor.js';
export * as ovs from './ovs/index.js';
