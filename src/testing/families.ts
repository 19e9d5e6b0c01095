/**
 * Which rtnetlink family table decodes which message type. The fixture
 * annotations and the replay's decoded diffs use these tables, so a fixture
 * names attributes exactly as the library's API does (`linkinfo.kind`,
 * `cacheinfo.tstamp`).
 */
import type { AttrSet } from '../netlink/schema.js';
import type { Family } from '../rtnetlink/family.js';
import { RTM } from '../rtnetlink/constants.js';
import { linkMessage } from '../rtnetlink/link/index.js';
import { addrMessage } from '../rtnetlink/addr/index.js';
import { routeMessage } from '../rtnetlink/route/index.js';
import { neighMessage } from '../rtnetlink/neigh/index.js';
import { ruleMessage } from '../rtnetlink/rule/index.js';
import { nsidMessage } from '../rtnetlink/nsid/index.js';
import { vlanDbDumpRequest, vlanDbMessage } from '../rtnetlink/vlan/index.js';

export type AnyFamily = Family<unknown, AttrSet>;

/** Short family names, used as the first element of attribute paths (`link.mtu`). */
export type FamilyName = 'link' | 'addr' | 'route' | 'neigh' | 'rule' | 'nsid' | 'vlan';

interface Entry {
  name: FamilyName;
  family: AnyFamily;
}

const byType = new Map<number, Entry>();
function register(name: FamilyName, family: unknown, types: number[]): void {
  for (const t of types) byType.set(t, { name, family: family as AnyFamily });
}
register('link', linkMessage, [RTM.NEWLINK, RTM.DELLINK, RTM.GETLINK, RTM.SETLINK]);
register('addr', addrMessage, [RTM.NEWADDR, RTM.DELADDR, RTM.GETADDR]);
register('route', routeMessage, [RTM.NEWROUTE, RTM.DELROUTE, RTM.GETROUTE]);
register('neigh', neighMessage, [RTM.NEWNEIGH, RTM.DELNEIGH, RTM.GETNEIGH]);
register('rule', ruleMessage, [RTM.NEWRULE, RTM.DELRULE, RTM.GETRULE]);
register('nsid', nsidMessage, [RTM.NEWNSID, RTM.DELNSID, RTM.GETNSID]);
// The bridge VLAN database: a GETVLAN request carries BRIDGE_VLANDB_DUMP_* (another enum on the same numbers).
register('vlan', vlanDbMessage, [RTM.NEWVLAN, RTM.DELVLAN]);
register('vlan', vlanDbDumpRequest, [RTM.GETVLAN]);

/** The family of a message type, or undefined for control messages and unknown types. */
export function familyOf(type: number): Entry | undefined {
  return byType.get(type);
}
