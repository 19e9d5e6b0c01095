/**
 * Declarative topologies: a description of namespaces, links, addresses,
 * routes and neighbours as plain data; `plan` to see what would change,
 * `apply` to make it so (all or nothing, journaled against crashes),
 * `destroy` to remove it, `recover` after a killed apply. See docs/topology.md.
 */
export type { Topology, TopologyLink, TopologyLinkEnd, TopologyRoute, TopologyNeighbour, TopologyRule, TopologyOvs, TopologyOvsBridge, TopologyOvsPort } from './types.js';
export type { Model as TopologyModel, EndModel, LinkModel, RouteModel, NeighbourModel, RuleModel, OvsModel, OvsBridgeModel, NsKey } from './model.js';
export type { TopologyChange, LinkSettings, RouteFields, CreateLinkSpec, OvsTarget } from './changes.js';
export { describeChange } from './changes.js';
export type { TopologyProblem } from './validate.js';
export { validateTopology } from './validate.js';
export {
  plan,
  apply,
  destroy,
  recover,
  type ApplyOptions,
  type ApplyProgress,
  type ApplyResult,
  type RecoverOptions,
  type RecoveredJournal,
  type TopologyCallOptions,
  type TopologyPlanOptions,
} from './apply.js';
export { JOURNAL_DIR } from './journal.js';
