/**
 * `rtnl -j -d link show` against `ip -j -d link show`, field for field:
 * every field ip prints must be printed with the same value (KNOWN_MISSING
 * lists exceptions, and is empty); rtnl may print more, but only fields
 * that newer iproute2 releases print for the same attributes
 * (NEWER_IPROUTE2). Shared by the command's compatibility test and the
 * link-kind tests of the full-kernel lane.
 */
import { expect } from 'vitest';
import { ipJson } from '../helpers/live.js';
import { rtnlOk } from './_cli.js';
import { KIND_DEFS } from '../../src/rtnetlink/link/attrs.js';

/**
 * Kinds the library has no table for print no `info_data`. Loading a tunnel
 * module gives every namespace a fallback device of its kind (sit0, ip6tnl0,
 * ip6gre0 …) — which modules a machine has loaded is the machine's, not the
 * test's — so their `info_data` is left out of the comparison, and said so.
 */

/** Fields ip prints that rtnl does not. */
const KNOWN_MISSING: Record<string, string> = {};

/**
 * Fields rtnl prints that this machine's iproute2 (6.1) does not, because
 * they come from attributes newer iproute2 releases print (names and shapes
 * as in iproute2's current ip/ipaddress.c, iplink_bridge*.c, iplink_vxlan.c).
 */
const NEWER_IPROUTE2 = new Set([
  'netns-immutable',
  'gso_ipv4_max_size',
  'gro_ipv4_max_size',
  'linkinfo.info_data.fdb_n_learned',
  'linkinfo.info_data.fdb_max_learned',
  'linkinfo.info_data.mst_enabled',
  'linkinfo.info_data.mdb_offload_fail_notification',
  'linkinfo.info_data.fdb_local_vlan_0',
  'linkinfo.info_data.stp_mode',
  'linkinfo.info_slave_data.mab',
  'linkinfo.info_slave_data.neigh_vlan_suppress',
  'linkinfo.info_slave_data.neigh_forward_grat',
  'linkinfo.info_slave_data.backup_nhid',
  // vxlan: current ip prints every boolean option it receives, 6.1 only some.
  'linkinfo.info_data.external',
  'linkinfo.info_data.vnifilter',
  'linkinfo.info_data.proxy',
  'linkinfo.info_data.rsc',
  'linkinfo.info_data.l2miss',
  'linkinfo.info_data.l3miss',
  'linkinfo.info_data.remcsum_tx',
  'linkinfo.info_data.remcsum_rx',
  'linkinfo.info_data.localbypass',
  'linkinfo.info_data.mcroute',
  'linkinfo.info_data.reserved_bits',
]);

/** Timers tick between the two commands: equal within a second. */
const TIMERS = new Set(['hello_timer', 'tcn_timer', 'topology_change_timer', 'gc_timer', 'hold_timer', 'message_age_timer', 'forward_delay_timer']);

export type Json = Record<string, unknown>;

export interface Comparison {
  missing: string[];
  extra: string[];
  different: string[];
  compared: number;
}

function compare(ours: Json, theirs: Json, path: string, out: Comparison): void {
  for (const [k, v] of Object.entries(theirs)) {
    const p = path ? `${path}.${k}` : k;
    if (!(k in ours)) {
      if (!(p in KNOWN_MISSING)) out.missing.push(p);
      continue;
    }
    const mine = ours[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && mine && typeof mine === 'object' && !Array.isArray(mine)) {
      compare(mine as Json, v as Json, p, out);
    } else if (TIMERS.has(k)) {
      out.compared++;
      if (Math.abs(Number(mine) - Number(v)) > 1) out.different.push(`${p}: ${String(mine)} vs ${String(v)}`);
    } else {
      out.compared++;
      if (JSON.stringify(mine) !== JSON.stringify(v)) out.different.push(`${p}: ${JSON.stringify(mine)} vs ${JSON.stringify(v)}`);
    }
  }
  for (const k of Object.keys(ours)) {
    const p = path ? `${path}.${k}` : k;
    if (!(k in theirs) && !NEWER_IPROUTE2.has(p)) out.extra.push(p);
  }
}

export function compareLinks(netns: string): Comparison {
  const ours = JSON.parse(rtnlOk(['-n', netns, '-j', '-d', 'link', 'show'])) as Json[];
  const theirs = ipJson<Json[]>(['-d', 'link', 'show'], netns);
  expect(ours.map((l) => l['ifname'])).toEqual(theirs.map((l) => l['ifname']));
  const out: Comparison = { missing: [], extra: [], different: [], compared: 0 };
  theirs.forEach((t, i) => {
    const li = t['linkinfo'] as Json | undefined;
    const kind = li?.['info_kind'];
    if (li && typeof kind === 'string' && !Object.hasOwn(KIND_DEFS, kind) && 'info_data' in li) {
      console.warn(`compareLinks: ${String(t['ifname'])} is a ${kind} device, a kind rtnl has no table for: its info_data is not compared`);
      const { info_data: _skipped, ...rest } = li;
      t = { ...t, linkinfo: rest };
    }
    compare(ours[i] as Json, t, '', out);
  });
  return out;
}

