/**
 * Open vSwitch without ovs-vsctl: bridges and ports configured through
 * OVSDB (RFC 7047, JSON-RPC over ovsdb-server's unix socket), each change
 * confirmed by ovs-vswitchd through the next_cfg/cur_cfg handshake.
 * See docs/ovs.md.
 */
export { addBridge, deleteBridge, listBridges, type AddBridgeOptions, type DeleteBridgeOptions } from './bridges.js';
export { addPort, deletePort, listPorts, type AddPortOptions, type DeletePortOptions, type ListPortsOptions } from './ports.js';
export type { OvsBridge, OvsPort, OvsInterface } from './snapshot.js';
export type { OvsOptions, OvsWriteOptions } from './options.js';
export type { OvsPortType } from './validate.js';
export {
  OvsdbClient,
  defaultSocketPath,
  OPEN_VSWITCH_DB,
  type ClientOptions,
  type Operation,
  type OperationResult,
  type Condition,
  type Mutation,
  type Row,
} from './client.js';
export { uuid, namedUuid, set, map, type Atom, type Datum, type Uuid, type NamedUuid } from './datum.js';
export {
  OvsdbUnavailableError,
  OvsdbError,
  OvsNotFoundError,
  OvsExistsError,
  OvsInterfaceError,
  isOvsError,
  type OvsError,
} from './errors.js';
