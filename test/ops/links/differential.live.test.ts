/**
 * Differential test: `ip -j -d link show` (iproute2, an independent decoder)
 * and our decoder must agree field for field, for links made by `ip` and
 * for links made by us. Every key ip prints is either compared or listed in
 * IGNORED with the reason, so a field we do not model cannot slip by.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type Link, createBridge, createVethPair, listLinks, setLink } from '../../../src/ops/links/index.js';
import { unknownAttrs } from '../../../src/netlink/schema.js';
import { parseIp } from '../../../src/netlink/inet.js';
import { canRunLive, ip, useNetns, liveTitle } from '../../helpers/live.js';
import { type IpLink, ipLinks, useSecondNetns } from './_helpers.js';
import { oracleUnvalidated } from '../../helpers/iproute2.js';
import { kernelLacks, withoutRootTrace } from '../../helpers/kernel.js';

const ns = useNetns();
const other = useSecondNetns();

type Getter = (l: Link) => unknown;
type Rule = Getter | { ours: Getter; theirs: (v: unknown) => unknown } | { timer: Getter };

/** ip prints bridge ids with unpadded hex MAC bytes ("0064.0:0:0:0:0:0"); we pad like everywhere else. */
const normBridgeId = (v: unknown) => {
  const [prio, mac] = String(v).split('.');
  return `${prio}.${(mac ?? '').split(':').map((b) => b.padStart(2, '0')).join(':')}`;
};
const hex = (v: unknown) => (typeof v === 'string' ? parseInt(v, 16) : v);
const bool01 = (v: unknown) => v === 1 || v === true;
const uidName = (uid: unknown) => execFileSync('id', ['-nu', String(uid)], { encoding: 'utf8' }).trim();
const gidName = (gid: unknown) => execFileSync('getent', ['group', String(gid)], { encoding: 'utf8' }).split(':')[0];

const data = (l: Link) => (l.attrs.linkinfo?.data ?? {}) as Record<string, unknown>;
const bridge = (l: Link) => (l.info?.kind === 'bridge' ? l.info : ({} as never));
const port = (l: Link) => l.portInfo ?? ({} as never);

/** ip key → how to read the same value from our Link (raw kernel units where ip prints raw). */
const BRIDGE: Record<string, Rule> = {
  forward_delay: (l) => data(l).forwardDelay,
  hello_time: (l) => data(l).helloTime,
  max_age: (l) => data(l).maxAge,
  ageing_time: (l) => data(l).ageingTime,
  stp_state: (l) => data(l).stpState,
  priority: (l) => bridge(l).priority,
  vlan_filtering: (l) => data(l).vlanFiltering,
  // Sent by kernels with CONFIG_BRIDGE_VLAN_FILTERING (not this host's 6.18 build; Debian's 6.1 has it).
  vlan_protocol: (l) => bridge(l).vlanProtocol,
  vlan_default_pvid: (l) => data(l).vlanDefaultPvid,
  vlan_stats_enabled: (l) => data(l).vlanStatsEnabled,
  vlan_stats_per_port: (l) => data(l).vlanStatsPerPort,
  bridge_id: { ours: (l) => bridge(l).bridgeId, theirs: normBridgeId },
  root_id: { ours: (l) => bridge(l).rootId, theirs: normBridgeId },
  root_port: (l) => bridge(l).rootPort,
  root_path_cost: (l) => bridge(l).rootPathCost,
  topology_change: (l) => data(l).topologyChange,
  topology_change_detected: (l) => data(l).topologyChangeDetected,
  // Running timers (STP on): read twice, so only close.
  hello_timer: { timer: (l) => bridge(l).helloTimer },
  tcn_timer: { timer: (l) => bridge(l).tcnTimer },
  topology_change_timer: { timer: (l) => bridge(l).topologyChangeTimer },
  group_fwd_mask: { ours: (l) => bridge(l).groupFwdMask, theirs: hex },
  group_addr: (l) => bridge(l).groupAddress,
  mcast_snooping: (l) => data(l).mcastSnooping,
  no_linklocal_learn: { ours: (l) => bridge(l).noLinklocalLearn, theirs: bool01 },
  mcast_vlan_snooping: { ours: (l) => bridge(l).multicastVlanSnooping, theirs: bool01 },
  mcast_router: (l) => bridge(l).multicastRouter,
  mcast_query_use_ifaddr: (l) => data(l).mcastQueryUseIfaddr,
  mcast_querier: (l) => data(l).mcastQuerier,
  mcast_hash_elasticity: (l) => bridge(l).multicastHashElasticity,
  mcast_hash_max: (l) => bridge(l).multicastHashMax,
  mcast_last_member_cnt: (l) => bridge(l).multicastLastMemberCount,
  mcast_startup_query_cnt: (l) => bridge(l).multicastStartupQueryCount,
  // ip prints these raw (clock_t); ours are seconds.
  mcast_last_member_intvl: (l) => Math.round((bridge(l).multicastLastMemberInterval ?? NaN) * 100),
  mcast_membership_intvl: (l) => Math.round((bridge(l).multicastMembershipInterval ?? NaN) * 100),
  mcast_querier_intvl: (l) => Math.round((bridge(l).multicastQuerierInterval ?? NaN) * 100),
  mcast_query_intvl: (l) => Math.round((bridge(l).multicastQueryInterval ?? NaN) * 100),
  mcast_query_response_intvl: (l) => Math.round((bridge(l).multicastQueryResponseInterval ?? NaN) * 100),
  mcast_startup_query_intvl: (l) => Math.round((bridge(l).multicastStartupQueryInterval ?? NaN) * 100),
  mcast_stats_enabled: (l) => data(l).mcastStatsEnabled,
  mcast_igmp_version: (l) => bridge(l).multicastIgmpVersion,
  mcast_mld_version: (l) => bridge(l).multicastMldVersion,
  nf_call_iptables: (l) => data(l).nfCallIptables,
  nf_call_ip6tables: (l) => data(l).nfCallIp6tables,
  nf_call_arptables: (l) => data(l).nfCallArptables,
};

const PORT: Record<string, Rule> = {
  state: (l) => port(l).state,
  priority: (l) => port(l).priority,
  cost: (l) => port(l).cost,
  hairpin: (l) => port(l).hairpin,
  guard: (l) => port(l).guard,
  root_block: (l) => port(l).rootBlock,
  fastleave: (l) => port(l).fastLeave,
  learning: (l) => port(l).learning,
  flood: (l) => port(l).flood,
  id: { ours: (l) => port(l).id, theirs: hex },
  no: { ours: (l) => port(l).no, theirs: hex },
  designated_port: (l) => port(l).designatedPort,
  designated_cost: (l) => port(l).designatedCost,
  bridge_id: { ours: (l) => port(l).bridgeId, theirs: normBridgeId },
  root_id: { ours: (l) => port(l).rootId, theirs: normBridgeId },
  hold_timer: { timer: (l) => port(l).holdTimer },
  message_age_timer: { timer: (l) => port(l).messageAgeTimer },
  forward_delay_timer: { timer: (l) => port(l).forwardDelayTimer },
  topology_change_ack: { ours: (l) => port(l).topologyChangeAck, theirs: bool01 },
  config_pending: { ours: (l) => port(l).configPending, theirs: bool01 },
  proxy_arp: (l) => port(l).proxyArp,
  proxy_arp_wifi: (l) => port(l).proxyArpWifi,
  multicast_router: (l) => port(l).multicastRouter,
  mcast_flood: (l) => port(l).mcastFlood,
  bcast_flood: (l) => port(l).bcastFlood,
  mcast_to_unicast: (l) => port(l).mcastToUnicast,
  neigh_suppress: (l) => port(l).neighSuppress,
  group_fwd_mask: { ours: (l) => port(l).groupFwdMask, theirs: hex },
  group_fwd_mask_str: { ours: (l) => port(l).groupFwdMask, theirs: hex },
  vlan_tunnel: (l) => port(l).vlanTunnel,
  isolated: (l) => port(l).isolated,
  locked: (l) => port(l).locked,
};

const tun = (l: Link) => (l.info?.kind === 'tun' ? l.info : ({} as never));
const TUN: Record<string, Rule> = {
  type: (l) => tun(l).type,
  pi: (l) => tun(l).pi,
  vnet_hdr: (l) => tun(l).vnetHdr,
  multi_queue: (l) => tun(l).multiQueue,
  persist: (l) => tun(l).persist,
  numqueues: (l) => tun(l).numQueues,
  numdisabled: (l) => tun(l).numDisabledQueues,
  user: { ours: (l) => (tun(l).owner === undefined ? undefined : uidName(tun(l).owner)), theirs: (v) => v },
  group: { ours: (l) => (tun(l).group === undefined ? undefined : gidName(tun(l).group)), theirs: (v) => v },
};

const vx = (l: Link) => (l.info?.kind === 'vxlan' ? l.info : ({} as never));
const VXLAN: Record<string, Rule> = {
  id: (l) => vx(l).id,
  remote: (l) => vx(l).remote,
  remote6: (l) => vx(l).remote,
  group: (l) => vx(l).group,
  group6: (l) => vx(l).group,
  local: (l) => vx(l).local,
  local6: (l) => vx(l).local,
  link: { ours: (l) => vx(l).link, theirs: (v) => Number(ip(['-j', 'link', 'show', 'dev', String(v)], ns.name).match(/"ifindex":(\d+)/)?.[1]) },
  port_range: (l) => vx(l).portRange,
  port: (l) => vx(l).port,
  learning: (l) => vx(l).learning,
  proxy: (l) => vx(l).proxy,
  rsc: (l) => vx(l).rsc,
  l2miss: (l) => vx(l).l2miss,
  l3miss: (l) => vx(l).l3miss,
  tos: { ours: (l) => vx(l).tos, theirs: hex },
  ttl: (l) => vx(l).ttl,
  df: (l) => vx(l).df,
  label: { ours: (l) => vx(l).label, theirs: hex },
  ageing: (l) => vx(l).ageing,
  limit: (l) => vx(l).limit,
  udp_csum: (l) => vx(l).udpCsum,
  udp_zero_csum6_tx: (l) => vx(l).udpZeroCsum6Tx,
  udp_zero_csum6_rx: (l) => vx(l).udpZeroCsum6Rx,
  remcsum_tx: (l) => vx(l).remcsumTx,
  remcsum_rx: (l) => vx(l).remcsumRx,
  external: (l) => vx(l).external,
  gbp: (l) => vx(l).gbp,
  gpe: (l) => vx(l).gpe,
};

/** veth, ifb and links without a kind: the drivers report no IFLA_INFO_DATA, so ip prints none. */
const NO_DATA: Record<string, Rule> = {};

/** Keys ip prints that are not compared, and why. */
const IGNORED: Record<string, string> = {
  gc_timer: 'a running timer: changes between the two reads',
};

function compareTable(label: string, ours: Link, theirs: Record<string, unknown> | undefined, table: Record<string, Rule>): number {
  let n = 0;
  for (const [key, value] of Object.entries(theirs ?? {})) {
    if (key in IGNORED) continue;
    const rule = table[key];
    expect(rule, `${label}: ip prints ${key}=${JSON.stringify(value)} that the test does not map`).toBeDefined();
    if (!rule) continue;
    if (typeof rule === 'object' && 'timer' in rule) {
      expect(Math.abs(Number(rule.timer(ours)) - Number(value)), `${label}.${key}: ${String(rule.timer(ours))} vs ${String(value)}`).toBeLessThan(1);
    } else {
      const got = typeof rule === 'function' ? rule(ours) : rule.ours(ours);
      const want = typeof rule === 'function' ? value : rule.theirs(value);
      expect(got, `${label}.${key}`).toEqual(want);
    }
    n++;
  }
  return n;
}

/**
 * ip prints the link-layer address of IP tunnels (ARPHRD_TUNNEL, _SIT,
 * _IPGRE, _TUNNEL6, _IP6GRE: gre0, sit0, ip6tnl0 … which a loaded tunnel
 * module puts in every namespace) as the IPv4 or IPv6 address it is;
 * `Link.address` keeps the bytes in colon hex, as for every other link.
 * The same bytes, compared.
 */
/** ip's names (ll_types.c) of ARPHRD_TUNNEL, _SIT, _IPGRE, _TUNNEL6 and _IP6GRE. */
const IP_ADDRESSED = new Set(['ipip', 'sit', 'gre', 'tunnel6', 'gre6']);
function asHex(address: string | undefined, linkType: string | undefined): string | undefined {
  const bytes = address !== undefined && IP_ADDRESSED.has(linkType ?? '') ? parseIp(address) : undefined;
  return bytes ? Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':') : address;
}

/** Compares one link with ip's view; returns the number of fields compared. */
function compare(ours: Link, theirs: IpLink, byIndex: Map<number, string>): number {
  const at = ours.name;
  expect(ours.index, `${at}.ifindex`).toBe(theirs.ifindex);
  expect(ours.name).toBe(theirs.ifname);
  expect(ours.mtu, `${at}.mtu`).toBe(theirs.mtu);
  expect(ours.address, `${at}.address`).toBe(asHex(theirs.address, theirs.link_type));
  expect(ours.broadcast, `${at}.broadcast`).toBe(asHex(theirs.broadcast, theirs.link_type));
  expect(ours.operState, `${at}.operstate`).toBe(theirs.operstate);
  expect(ours.txQueueLen, `${at}.txqlen`).toBe(theirs.txqlen);
  expect(ours.minMtu, `${at}.min_mtu`).toBe(theirs.min_mtu);
  expect(ours.maxMtu, `${at}.max_mtu`).toBe(theirs.max_mtu);
  expect(ours.group === 0 ? 'default' : String(ours.group), `${at}.group`).toBe(theirs.group);
  expect(ours.alias, `${at}.ifalias`).toBe(theirs.ifalias);
  // ip hides RUNNING and prints NO-CARRIER (up without RUNNING) and M-DOWN (its peer/parent is down) instead.
  const ipFlags = theirs.flags.filter((f) => f !== 'NO-CARRIER' && f !== 'M-DOWN').sort();
  expect(ours.flags.filter((f) => f !== 'RUNNING').sort(), `${at}.flags`).toEqual(ipFlags);
  expect(theirs.flags.includes('NO-CARRIER'), `${at}.NO-CARRIER`).toBe(ours.up && !ours.flags.includes('RUNNING'));
  expect(ours.master === undefined ? undefined : byIndex.get(ours.master), `${at}.master`).toBe(theirs.master);
  if (theirs.link_netnsid !== undefined) {
    expect(ours.linkNetnsId, `${at}.link_netnsid`).toBe(theirs.link_netnsid);
    expect(ours.link, `${at}.link_index`).toBe(theirs.link_index);
  } else if (theirs.link !== undefined) {
    // IFLA_LINK 0 (the tunnel fallback devices gre0, sit0 …: bound to no device) is ip's "link": null (@NONE).
    const link = ours.link === undefined ? undefined : ours.link === 0 ? null : byIndex.get(ours.link);
    expect(link, `${at}.link`).toBe(theirs.link);
  }
  const li = theirs.linkinfo;
  expect(ours.kind, `${at}.info_kind`).toBe(li?.info_kind);
  expect(ours.slaveKind, `${at}.info_slave_kind`).toBe(li?.info_slave_kind);
  let n = 16;
  // The kinds this test makes have their rules here. Others appear only as
  // the fallback devices a loaded tunnel module puts in every namespace
  // (gre0, tunl0, sit0, ip6tnl0 …, present once another suite has loaded
  // the module): their device fields are compared above, their info_data
  // by the kinds' own tests against ip (kinds.live.test.ts) and the
  // command's parity test.
  const table = ours.kind === 'bridge' ? BRIDGE : ours.kind === 'tun' ? TUN : ours.kind === 'vxlan' ? VXLAN : ours.kind === 'veth' || ours.kind === 'ifb' || ours.kind === undefined ? NO_DATA : undefined;
  if (table) n += compareTable(`${at}.info_data`, ours, li?.info_data, table);
  if (li?.info_slave_kind === 'bridge') n += compareTable(`${at}.info_slave_data`, ours, li.info_slave_data, PORT);
  return n;
}

/** Attributes no table of ours knows, anywhere in a decoded object. */
function unknownAnywhere(o: unknown, path: string, out: string[] = []): string[] {
  if (!o || typeof o !== 'object' || o instanceof Uint8Array || Array.isArray(o)) return out;
  for (const u of unknownAttrs(o)) out.push(`${path}: type ${u.type & 0x3fff}`);
  for (const [k, v] of Object.entries(o)) unknownAnywhere(v, `${path}.${k}`, out);
  return out;
}

/**
 * Compares the namespace as we and ip read it. The two reads are moments
 * apart and some state settles asynchronously (an up link's operational
 * state comes from linkwatch), which a slow machine — the emulated kernel
 * lane — makes visible: a mismatch is read again, up to ten times, and only
 * the last attempt's assertion counts.
 */
async function compareNamespace(netns: string): Promise<{ links: number; fields: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await compareOnce(netns);
    } catch (e) {
      if (attempt >= 10) throw e;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

async function compareOnce(netns: string): Promise<{ links: number; fields: number }> {
  const ours = await listLinks({ netns });
  // Everything the kernel sent is modelled: no unknown attribute at any depth.
  expect(ours.flatMap((l) => unknownAnywhere(l.attrs, l.name))).toEqual([]);
  const theirs = ipLinks(netns);
  expect(ours.map((l) => l.name).sort()).toEqual(theirs.map((l) => l.ifname).sort());
  const byIndex = new Map(ours.map((l) => [l.index, l.name]));
  let fields = 0;
  for (const t of theirs) {
    const o = ours.find((l) => l.index === t.ifindex);
    expect(o, t.ifname).toBeDefined();
    if (o) fields += compare(o, t, byIndex);
  }
  return { links: theirs.length, fields };
}

/**
 * The devices a loaded tunnel module (ip_gre, ipip, sit, ip6_tunnel,
 * ip6_gre, ip_vti, ip6_vti) puts in every namespace: present when another
 * suite of the same kernel has loaded it, compared like any other link.
 */
const TUNNEL_FALLBACK = new Set(['gre0', 'gretap0', 'erspan0', 'tunl0', 'sit0', 'ip6tnl0', 'ip6gre0', 'ip6erspan0', 'ip_vti0', 'ip6_vti0']);

/** The links ip makes below need these kernel features. */
const byIpLacks = kernelLacks('tun', 'vxlan', 'ipv6', 'ifb');

/** Every key ip prints must have a rule: only true of the iproute2 releases the rules were written for. */
const oracle = oracleUnvalidated();

describe.skipIf(!canRunLive || oracle !== undefined)(liveTitle('ours vs ip -j -d link show', oracle), () => {
  it.skipIf(byIpLacks !== undefined)(`links made by ip decode field for field as ip shows them${byIpLacks ? ` — skipped: ${byIpLacks}` : ''}`, async () => {
    const n = ns.name;
    ip(['link', 'add', 'dv0', 'type', 'veth', 'peer', 'name', 'dv1'], n);
    ip(['link', 'add', 'dbr', 'type', 'bridge', 'forward_delay', '400', 'hello_time', '300', 'max_age', '1000', 'ageing_time', '1000', 'stp_state', '1', 'priority', '100', 'mcast_snooping', '0', 'group_fwd_mask', '8'], n);
    ip(['link', 'set', 'dv0', 'master', 'dbr'], n);
    ip(['link', 'set', 'dv0', 'type', 'bridge_slave', 'learning', 'off', 'cost', '7', 'priority', '9', 'flood', 'off', 'hairpin', 'on', 'isolated', 'on'], n);
    ip(['link', 'set', 'dv1', 'mtu', '1400', 'alias', 'peer end', 'group', '12', 'txqueuelen', '77', 'up'], n);
    ip(['link', 'set', 'dbr', 'up'], n);
    ip(['tuntap', 'add', 'dtap', 'mode', 'tap'], n);
    ip(['tuntap', 'add', 'dtun', 'mode', 'tun', 'user', '0', 'group', '0', 'multi_queue', 'pi'], n);
    ip(['link', 'add', 'dvx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'dev', 'lo'], n);
    ip(['link', 'add', 'dvx1', 'type', 'vxlan', 'id', '7', 'remote', '10.9.9.9', 'local', '10.9.9.1', 'dstport', '8472', 'ttl', '10', 'tos', '0x10', 'srcport', '1000', '2000', 'noudpcsum', 'l2miss', 'ageing', '100', 'maxaddress', '50', 'proxy'], n);
    ip(['link', 'add', 'dvx2', 'type', 'vxlan', 'id', '8', 'group', '239.1.1.1', 'dev', 'lo', 'dstport', '4789'], n);
    ip(['link', 'add', 'dvx3', 'type', 'vxlan', 'id', '9', 'remote', 'fd00::1', 'dstport', '4789', 'flowlabel', '5', 'df', 'set'], n);
    withoutRootTrace(() => ip(['link', 'add', 'difb', 'type', 'ifb'], n));
    ip(['link', 'add', 'dcross', 'type', 'veth', 'peer', 'name', 'dfar', 'netns', other.name], n);
    const { links, fields } = await compareNamespace(n);
    const names = ipLinks(n).map((l) => l.ifname);
    expect(names.filter((x) => !TUNNEL_FALLBACK.has(x)).sort()).toEqual(['dbr', 'dcross', 'difb', 'dtap', 'dtun', 'dv0', 'dv1', 'dvx0', 'dvx1', 'dvx2', 'dvx3', 'lo']);
    expect(links).toBe(names.length);
    expect(fields).toBeGreaterThan(300);
    await compareNamespace(other.name);
  });

  it('links made by us look right to ip', async () => {
    const n = other.name;
    await createBridge('obr', { netns: n, stp: true, forwardDelay: 5, helloTime: 1, maxAge: 8, ageingTime: 42, priority: 8192, groupFwdMask: 8, up: true, mtu: 1450, group: 3 });
    await createVethPair({ name: 'ov0', netns: n, master: 'obr', up: true, mtu: 1450, address: '02:00:00:00:0c:00', peer: { name: 'ov1', netns: ns.name, mtu: 1450, address: '02:00:00:00:0c:01', up: true } });
    await setLink('ov0', { netns: n, alias: 'made by rtnl', txQueueLen: 99, bridgePort: { cost: 11, priority: 3, learning: false, flood: false, mcastFlood: false, neighSuppress: true } });
    const [br] = ipLinks(n).filter((l) => l.ifname === 'obr');
    expect(br?.linkinfo?.info_data).toMatchObject({ forward_delay: 500, hello_time: 100, max_age: 800, ageing_time: 4200, stp_state: 1, priority: 8192, group_fwd_mask: '0x8' });
    const [ov0] = ipLinks(n).filter((l) => l.ifname === 'ov0');
    expect(ov0).toMatchObject({ master: 'obr', mtu: 1450, address: '02:00:00:00:0c:00', ifalias: 'made by rtnl', txqlen: 99 });
    expect(ov0?.linkinfo?.info_slave_data).toMatchObject({ cost: 11, priority: 3, learning: false, flood: false, mcast_flood: false, neigh_suppress: true });
    const [ov1] = ipLinks(ns.name).filter((l) => l.ifname === 'ov1');
    expect(ov1).toMatchObject({ mtu: 1450, address: '02:00:00:00:0c:01', link_index: ov0?.ifindex });
    expect(ov1?.flags).toContain('UP');
    await compareNamespace(n);
    await compareNamespace(ns.name);
  });
});
