/**
 * `rtnl bridge vlan show|tunnelshow|add|del` — bridge VLAN filtering, as
 * the `bridge` tool of iproute2 does it, with `bridge -j vlan show`'s JSON
 * (per port: `ifname` and `vlans` [{ vlan, flags: ["PVID", "Egress
 * Untagged"] }], or `tunnels` [{ vlan, tunid }]) and its text layout.
 */
import { addBridgeVlan, addBridgeVlanTunnel, deleteBridgeVlan, deleteBridgeVlanTunnel, listBridgeVlans, type BridgeVlan, type BridgeVlanSpec, type BridgeVlanTunnel } from '../../index.js';
import { Args, isHelp, pick, unknownArg } from '../args.js';
import { type Context, ops, printJson } from '../context.js';
import { UsageError } from '../errors.js';
import { detailShow, globalSet, globalShow, idRange, optionSet, showFilter } from './bridge-vlan-db.js';

export const BRIDGE_HELP = `Usage: rtnl bridge vlan { add | del } vid VLAN_ID[-VLAN_END] dev DEV [ tunnel_info id TUNNEL_ID[-TUNNEL_END] ]
                                    [ pvid ] [ untagged ] [ self ] [ master ]
       rtnl bridge vlan { show | tunnelshow } [ dev DEV ] [ vid VLAN_ID ]
       rtnl bridge vlan set dev DEV vid VLAN_ID[-VLAN_END] [ state STP_STATE ] [ mcast_router ROUTER ]
                                    [ mcast_max_groups N ] [ neigh_suppress { on | off } ]
       rtnl bridge vlan global { show [ dev DEV ] [ vid VLAN_ID ] | set dev DEV vid VLAN_ID[-VLAN_END]
                                 [ mcast_snooping 0|1 ] [ mcast_querier 0|1 ] [ mcast_igmp_version 2|3 ]
                                 [ mcast_mld_version 1|2 ] [ mcast_last_member_count N ] [ mcast_startup_query_count N ]
                                 [ mcast_{last_member,membership,querier,query,query_response,startup_query}_interval CS ]
                                 [ msti MSTI ] }
The VLANs of bridge ports and of bridges themselves ("self" is implied for a
bridge device), and the VLAN-to-VNI mappings of vxlan ports. With -d, show lists the VLAN
database: runs of VLANs with their per-VLAN options (state, mcast_router …).
Times (CS) are centiseconds, as bridge takes and prints them.
`;

export async function bridgeCommand(ctx: Context, args: Args): Promise<number> {
  const object = args.next();
  if (isHelp(object) || isHelp(args.peek())) {
    ctx.stdout(BRIDGE_HELP);
    return 0;
  }
  if (object === undefined || pick(object, ['vlan'] as const) !== 'vlan') throw new UsageError(`Object "${object ?? ''}" is unknown, try "rtnl bridge help".`);
  const verb = args.next();
  const which = verb === undefined ? 'show' : pick(verb, ['add', 'delete', 'show', 'list', 'lst', 'tunnelshow', 'set', 'global'] as const);
  switch (which) {
    case 'set':
      return optionSet(ctx, args);
    case 'global': {
      const g = args.next();
      if (g === undefined || g === 'show' || g === 'list' || g === 'lst') return globalShow(ctx, args);
      if (g === 'set') return globalSet(ctx, args);
      throw new UsageError(`Command "${g}" is unknown, try "rtnl bridge help".`);
    }
    case 'show':
    case 'list':
    case 'lst':
      return show(ctx, args, 'vlans');
    case 'tunnelshow':
      return show(ctx, args, 'tunnels');
    case 'add':
    case 'delete':
      return modify(ctx, args, which);
    default:
      throw new UsageError(`Command "${verb}" is unknown, try "rtnl bridge help".`);
  }
}

async function modify(ctx: Context, args: Args, verb: 'add' | 'delete'): Promise<number> {
  let dev: string | undefined;
  let vid: [number, number | undefined] | undefined;
  let tunnel: [number, number | undefined] | undefined;
  const spec: Omit<BridgeVlanSpec, 'vid'> = {};
  while (!args.done) {
    const a = args.next() as string;
    if (a === 'dev') dev = args.value('dev');
    else if (a === 'vid') vid = idRange(args.value('vid'), 'vid');
    else if (a === 'pvid') spec.pvid = true;
    else if (a === 'untagged') spec.untagged = true;
    // The library tells a bridge from a port itself: self and master only say what it would find.
    else if (a === 'self' || a === 'master') continue;
    else if (a === 'tunnel_info') {
      const k = args.next();
      if (k !== 'id') throw unknownArg(k ?? '', 'bridge');
      tunnel = idRange(args.value('id'), 'tunnel id');
    } else throw unknownArg(a, 'bridge');
  }
  if (dev === undefined) throw new UsageError('Device and VLAN ID are required.');
  if (vid === undefined) throw new UsageError('VLAN ID is not specified');
  const [first, last] = vid;
  const range = last === undefined ? {} : { vidEnd: last };
  if (tunnel) {
    const t = { vid: first, ...range, tunnelId: tunnel[0] };
    await (verb === 'add' ? addBridgeVlanTunnel(dev, t, ops(ctx)) : deleteBridgeVlanTunnel(dev, t, ops(ctx)));
    return 0;
  }
  const v: BridgeVlanSpec = { vid: first, ...range, ...(verb === 'add' ? spec : {}) };
  await (verb === 'add' ? addBridgeVlan(dev, v, ops(ctx)) : deleteBridgeVlan(dev, v, ops(ctx)));
  return 0;
}

/** `%-16s  ` as bridge pads port names (IFNAMSIZ). */
const port = (name: string) => `${name.padEnd(16)}  `;
/** bridge's VLAN_ID_LEN: the width of the vlan-id column. */
const VLAN_ID_LEN = 9;

/**
 * Rows as `bridge vlan show` prints them: one per VLAN, or with `-c` one per
 * range — bridge then asks with RTEXT_FILTER_BRVLAN_COMPRESSED and the kernel
 * (br_fill_ifvlaninfo_compressed) joins consecutive VLANs whose flags are
 * equal, and tunnel mappings whose VLANs and tunnel ids both run on by one.
 * The library lists each VLAN; the joining is done here, by the same rule.
 */
function vlanRows(vlans: readonly BridgeVlan[], compress: boolean): Row[] {
  const rows: Row[] = [];
  let run: { first: BridgeVlan; last: number } | undefined;
  const flush = () => {
    if (!run) return;
    const { first, last } = run;
    const flags = [...(first.pvid ? ['PVID'] : []), ...(first.untagged ? ['Egress Untagged'] : [])];
    const ids = last === first.vid ? `${first.vid}` : `${first.vid}-${last}`;
    rows.push({
      first: first.vid,
      last,
      // bridge prints the flags array whenever the entry's flags are not 0, and a range's end entry
      // carries BRIDGE_VLAN_INFO_RANGE_END: a range always has one, empty or not.
      json: { vlan: first.vid, ...(last === first.vid ? {} : { vlanEnd: last }), ...(flags.length || last !== first.vid ? { flags } : {}) },
      text: `${ids}${flags.map((f) => ` ${f}`).join('')}`,
    });
  };
  for (const v of vlans) {
    if (compress && run && v.vid === run.last + 1 && v.pvid === run.first.pvid && v.untagged === run.first.untagged) run.last = v.vid;
    else {
      flush();
      run = { first: v, last: v.vid };
    }
  }
  flush();
  return rows;
}

/** Tunnel mappings always come in ranges: br_fill_vlan_tunnel_info() joins them whatever the filter asks. */
function tunnelRows(tunnels: readonly BridgeVlanTunnel[]): Row[] {
  const rows: Row[] = [];
  let run: { first: BridgeVlanTunnel; last: BridgeVlanTunnel } | undefined;
  const flush = () => {
    if (!run) return;
    const { first, last } = run;
    const range = last.vid !== first.vid;
    rows.push({
      first: first.vid,
      last: last.vid,
      json: { vlan: first.vid, ...(range ? { vlanEnd: last.vid } : {}), tunid: first.tunnelId, ...(range ? { tunidEnd: last.tunnelId } : {}) },
      text: `${(range ? `${first.vid}-${last.vid}` : `${first.vid}`).padEnd(VLAN_ID_LEN)}  ${range ? `${first.tunnelId}-${last.tunnelId}` : first.tunnelId}`,
    });
  };
  for (const t of tunnels) {
    if (run && t.vid === run.last.vid + 1 && t.tunnelId === run.last.tunnelId + 1) run.last = t;
    else {
      flush();
      run = { first: t, last: t };
    }
  }
  flush();
  return rows;
}

interface Row {
  /** The VLANs the row covers. */
  first: number;
  last: number;
  json: Record<string, unknown>;
  text: string;
}

async function show(ctx: Context, args: Args, subject: 'vlans' | 'tunnels'): Promise<number> {
  const { dev, vid } = showFilter(args);
  // bridge -d vlan show reads the VLAN database (RTM_GETVLAN) instead of the link dump.
  if (ctx.details && subject === 'vlans') return detailShow(ctx, dev, vid);
  const ports = await listBridgeVlans({ ...ops(ctx), ...(dev === undefined ? {} : { link: dev }) });
  const json: { ifname: string; vlans?: unknown[]; tunnels?: unknown[] }[] = [];
  let text = `${'port'.padEnd(16)}  ${'vlan-id'.padEnd(VLAN_ID_LEN)}${subject === 'tunnels' ? '  tunnel-id' : ''}\n`;
  for (const p of ports) {
    // A filter by VLAN keeps the whole range that holds it, as bridge does.
    const rows = (subject === 'vlans' ? vlanRows(p.vlans, ctx.compressVlans === true) : tunnelRows(p.tunnels)).filter(
      (r) => vid === undefined || (r.first <= vid && vid <= r.last),
    );
    if (!rows.length) continue;
    json.push({ ifname: p.name, [subject]: rows.map((r) => r.json) });
    rows.forEach((r, i) => {
      text += `${i === 0 ? port(p.name) : port('')}${r.text}\n`;
    });
  }
  if (ctx.json) printJson(ctx, json as never);
  else ctx.stdout(text);
  return 0;
}
