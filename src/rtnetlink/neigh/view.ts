/**
 * The friendly view of a neighbour message (RTM_NEWNEIGH): an ARP/NDP entry
 * or a bridge FDB entry, with the names `ip -j neigh` and `bridge -j fdb`
 * use, while `raw` keeps the decoded message.
 */
import type { Decoded } from '../../netlink/schema.js';
import { withToJSON } from '../../netlink/json-safe.js';
import { AF } from '../constants.js';
import type { neighAttrs } from './attrs.js';
import { NTF, NTF_EXT, stateNames, type NdMsg } from './header.js';

/** A neighbour message's ndm_family by name: AF_INET, AF_INET6 or AF_BRIDGE (FDB). */
export type NeighbourFamily = 'inet' | 'inet6' | 'bridge';

/** A neighbour or FDB entry as the kernel reports it. */
export interface Neighbour {
  family: NeighbourFamily | string;
  /** ifindex of the link (for FDB entries: the bridge port or device). */
  index: number;
  link?: string;
  /** The IP address (NDA_DST): `ip neigh`'s `dst`; for vxlan FDB entries the remote. */
  address?: string;
  lladdr?: string;
  /** NUD_* state names, as ip -j prints them (`PERMANENT`, `REACHABLE`, … or `NONE`). */
  state: string[];
  /** NTF_* and NTF_EXT_* names (`router`, `proxy`, `self`, `master`, `extern_learn`, `sticky`, `managed` …). */
  flags: string[];
  vlan?: number;
  /** The bridge an FDB entry belongs to (NDA_MASTER), by name when resolved. */
  master?: string;
  masterIndex?: number;
  probes?: number;
  vni?: number;
  port?: number;
  linkNetnsid?: number;
  protocol?: number;
  /** Ages in jiffies (1/100 s) since last confirmed, used and updated; reference count. */
  cache?: { confirmed: number; used: number; updated: number; refcnt: number };
  raw: { header: NdMsg; attrs: Decoded<typeof neighAttrs> };
}

function familyName(f: number): string {
  return f === AF.INET ? 'inet' : f === AF.INET6 ? 'inet6' : f === AF.BRIDGE ? 'bridge' : String(f);
}

/** Turns a decoded RTM_NEWNEIGH into a Neighbour. */
export function toNeighbour(msg: { header: NdMsg; attrs: Decoded<typeof neighAttrs> }, names?: Map<number, string>): Neighbour {
  const { header: h, attrs: a } = msg;
  const flags: string[] = [];
  for (const [name, bit] of Object.entries(NTF)) if (h.flags & bit) flags.push(name);
  for (const [name, bit] of Object.entries(NTF_EXT)) if ((a.flagsExt ?? 0) & bit) flags.push(name);
  const n: Neighbour = { family: familyName(h.family), index: h.ifindex, state: stateNames(h.state), flags, raw: msg };
  const link = names?.get(h.ifindex);
  if (link !== undefined) n.link = link;
  if (a.dst !== undefined) n.address = a.dst;
  if (a.lladdr !== undefined) n.lladdr = a.lladdr;
  if (a.vlan !== undefined) n.vlan = a.vlan;
  if (a.master !== undefined) {
    n.masterIndex = a.master;
    const m = names?.get(a.master);
    if (m !== undefined) n.master = m;
  }
  if (a.probes !== undefined) n.probes = a.probes;
  if (a.vni !== undefined) n.vni = a.vni;
  if (a.port !== undefined) n.port = a.port;
  if (a.linkNetnsid !== undefined) n.linkNetnsid = a.linkNetnsid;
  if (a.protocol !== undefined) n.protocol = a.protocol;
  if (a.cacheinfo) n.cache = { confirmed: a.cacheinfo.confirmed, used: a.cacheinfo.used, updated: a.cacheinfo.updated, refcnt: a.cacheinfo.refcnt };
  return withToJSON(n);
}
