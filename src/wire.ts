/**
 * rtnl/wire: the protocol layers under the API, for programs that build or
 * read netlink messages themselves — the typed message codecs and
 * attribute tables of every rtnetlink family (link with its kinds, addr,
 * route, neigh, rule, nsid), the family-agnostic netlink pieces they are made of
 * (header, attribute reader and writer, descriptor tables, codecs, errors
 * and extended ACK, the socket client), and the errno names and texts.
 * These are the same tables and types the library uses itself.
 */
export * from './netlink/index.js';
export * from './rtnetlink/constants.js';
export * from './rtnetlink/family.js';
export * from './rtnetlink/link/index.js';
export * from './rtnetlink/addr/index.js';
export * from './rtnetlink/route/index.js';
export * from './rtnetlink/neigh/index.js';
export * from './rtnetlink/rule/index.js';
export * from './rtnetlink/nsid/index.js';
export * from './rtnetlink/vlan/index.js';
export { errnoName, errnoValue, strerror } from './shim/errors.js';

// As the API's entry: NODE_DEBUG=rtnl and RTNL_RECORD=file (testing/process-hooks.ts).
import { installProcessHooks } from './testing/process-hooks.js';
installProcessHooks();
