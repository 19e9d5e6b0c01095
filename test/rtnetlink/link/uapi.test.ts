/**
 * Every attribute number in our link tables, checked against the UAPI
 * headers installed here (<linux/if_link.h>, <linux/veth.h>,
 * <linux/if_bridge.h>): same number for the same name, and every
 * enumerator of the header is in the table. The tables are newer than
 * Linux 6.1's headers: the rows past a 6.1 header's last enumerator are
 * listed here and were checked against the YNL spec (coverage.test.ts).
 *
 * Which headers a machine has is not ours to choose (linux-libc-dev 6.1 on
 * Debian 12, 6.12 on Debian 13, 5.15 on Ubuntu 22.04): with 6.1 headers the
 * list of newer rows must match exactly; with others, rows past the header
 * must be among them, and enumerators of a header newer than every row of
 * a table are reported, not failed — the tables follow the kernel's specs.
 */
import { describe, expect, it } from 'vitest';
import type { AttrSet } from '../../../src/netlink/schema.js';
import {
  bridgeAttrs,
  bridgePortAttrs,
  bridgeQuerierAttrs,
  inet6AfAttrs,
  inetAfAttrs,
  linkAttrs,
  propListAttrs,
  protoDownReasonAttrs,
  tunAttrs,
  vethAttrs,
  vxlanAttrs,
  xdpAttrs,
  vlanAttrs,
  vlanQosAttrs,
  macvlanAttrs,
  ipvlanAttrs,
  vrfAttrs,
  vrfPortAttrs,
  bondAttrs,
  bondAdInfoAttrs,
  bondPortAttrs,
  geneveAttrs,
  greAttrs,
  iptunAttrs,
  ip6tnlAttrs,
  ip6greAttrs,
  IPVLAN_MODE,
  MACVLAN_MODE,
} from '../../../src/rtnetlink/link/index.js';
import { vlanDbAttrs, vlanDbDumpAttrs, vlanDbEntryAttrs, vlanDbGlobalAttrs, vlanDbStatsAttrs, vlanDbTunnelAttrs } from '../../../src/rtnetlink/vlan/index.js';
import { readUapiEnum, uapiVersion, upperSnake } from './_spec.js';

const linkinfoTable = linkAttrs.byKey.linkinfo!.codec.set!;

const headers = uapiVersion();
/** The headers the `newer` lists were written against. */
const exact = headers === '6.1';

/**
 * table, header, enumerator prefix, the keys newer than the 6.1 header, the
 * enumerator the enum starts at (where prefixes overlap), and the
 * enumerators a kind that shares another's numbers never sends (so its
 * table has no row for them).
 */
const CASES: [string, AttrSet, string, string, string[], (string | undefined)?, string[]?][] = [
  ['link', linkAttrs, 'if_link.h', 'IFLA_', ['devlinkPort', 'gsoIpv4MaxSize', 'groIpv4MaxSize', 'dpllPin', 'maxPacingOffloadHorizon', 'netnsImmutable', 'headroom', 'tailroom']],
  ['linkinfo', linkinfoTable, 'if_link.h', 'IFLA_INFO_', []],
  ['bridge', bridgeAttrs, 'if_link.h', 'IFLA_BR_', ['fdbNLearned', 'fdbMaxLearned', 'stpMode']],
  ['brport', bridgePortAttrs, 'if_link.h', 'IFLA_BRPORT_', ['mab', 'mcastNGroups', 'mcastMaxGroups', 'neighVlanSuppress', 'backupNhid', 'neighForwardGrat']],
  ['tun', tunAttrs, 'if_link.h', 'IFLA_TUN_', []],
  ['vxlan', vxlanAttrs, 'if_link.h', 'IFLA_VXLAN_', ['localbypass', 'labelPolicy', 'reservedBits', 'mcRoute']],
  ['veth', vethAttrs, 'veth.h', 'VETH_INFO_', []],
  ['xdp', xdpAttrs, 'if_link.h', 'IFLA_XDP_', []],
  ['af-inet', inetAfAttrs, 'if_link.h', 'IFLA_INET_', []],
  ['af-inet6', inet6AfAttrs, 'if_link.h', 'IFLA_INET6_', []],
  ['prop-list', propListAttrs, 'if_link.h', 'IFLA_', []],
  ['proto-down-reason', protoDownReasonAttrs, 'if_link.h', 'IFLA_PROTO_DOWN_REASON_', []],
  ['bridge-querier', bridgeQuerierAttrs, 'if_bridge.h', 'BRIDGE_QUERIER_', []],
  ['vlan', vlanAttrs, 'if_link.h', 'IFLA_VLAN_', [], 'IFLA_VLAN_ID'],
  ['vlan-qos', vlanQosAttrs, 'if_link.h', 'IFLA_VLAN_QOS_', []],
  ['macvlan', macvlanAttrs, 'if_link.h', 'IFLA_MACVLAN_', []],
  ['ipvlan', ipvlanAttrs, 'if_link.h', 'IFLA_IPVLAN_', []],
  ['vrf', vrfAttrs, 'if_link.h', 'IFLA_VRF_', [], 'IFLA_VRF_TABLE'],
  ['vrf-port', vrfPortAttrs, 'if_link.h', 'IFLA_VRF_PORT_', []],
  ['bond', bondAttrs, 'if_link.h', 'IFLA_BOND_', [], 'IFLA_BOND_MODE'],
  ['bond-ad-info', bondAdInfoAttrs, 'if_link.h', 'IFLA_BOND_AD_INFO_', []],
  ['bond-slave', bondPortAttrs, 'if_link.h', 'IFLA_BOND_SLAVE_', []],
  ['geneve', geneveAttrs, 'if_link.h', 'IFLA_GENEVE_', ['portRange']],
  ['gre', greAttrs, 'if_tunnel.h', 'IFLA_GRE_', []],
  ['iptun', iptunAttrs, 'if_tunnel.h', 'IFLA_IPTUN_', []],
  // ip6_tnl_fill_info sends no TOS (the traffic class is in FLOWINFO), PMTUDISC or 6rd rows; ip6gre_fill_info no IPv4 header fields.
  ['ip6tnl', ip6tnlAttrs, 'if_tunnel.h', 'IFLA_IPTUN_', [], undefined, ['IFLA_IPTUN_TOS', 'IFLA_IPTUN_PMTUDISC', 'IFLA_IPTUN_6RD_PREFIX', 'IFLA_IPTUN_6RD_RELAY_PREFIX', 'IFLA_IPTUN_6RD_PREFIXLEN', 'IFLA_IPTUN_6RD_RELAY_PREFIXLEN']],
  ['ip6gre', ip6greAttrs, 'if_tunnel.h', 'IFLA_GRE_', [], undefined, ['IFLA_GRE_TOS', 'IFLA_GRE_PMTUDISC', 'IFLA_GRE_IGNORE_DF']],
  // The bridge VLAN database (RTM_*VLAN): its prefixes overlap, so each enum is found by its first member.
  ['vlandb', vlanDbAttrs, 'if_bridge.h', 'BRIDGE_VLANDB_', [], 'BRIDGE_VLANDB_ENTRY'],
  ['vlandb-dump', vlanDbDumpAttrs, 'if_bridge.h', 'BRIDGE_VLANDB_DUMP_', []],
  ['vlandb-entry', vlanDbEntryAttrs, 'if_bridge.h', 'BRIDGE_VLANDB_ENTRY_', ['mcastNGroups', 'mcastMaxGroups', 'neighSuppress']],
  ['vlandb-tinfo', vlanDbTunnelAttrs, 'if_bridge.h', 'BRIDGE_VLANDB_TINFO_', []],
  ['vlandb-stats', vlanDbStatsAttrs, 'if_bridge.h', 'BRIDGE_VLANDB_STATS_', []],
  ['vlandb-gopts', vlanDbGlobalAttrs, 'if_bridge.h', 'BRIDGE_VLANDB_GOPTS_', []],
];


describe('attribute numbers against the UAPI headers', () => {
  for (const [label, table, header, prefix, newer, anchor, absent = []] of CASES) {
    // One enum only where prefixes overlap (IFLA_* vs IFLA_BR_*, IFLA_VLAN_* vs IFLA_VLAN_QOS_*).
    const uapi = readUapiEnum(header, prefix, anchor ?? (prefix === 'IFLA_' ? 'IFLA_IFNAME' : undefined));
    const title = `${label}: ${prefix}* in <linux/${header}> (${headers ? `headers of Linux ${headers}` : 'skipped: no UAPI headers in /usr/include/linux (package linux-libc-dev)'})`;
    it.skipIf(!uapi)(title, () => {
      const enums = uapi ?? new Map<string, number>();
      const max = Math.max(...[...enums.values()].filter((v) => Number.isFinite(v)));
      const beyond: string[] = [];
      for (const [key, def] of Object.entries(table.byKey)) {
        const name = `${prefix}${upperSnake(key)}`;
        const want = enums.get(name);
        if (want === undefined) {
          // Not in these (older) headers: it must come after everything they know.
          expect(def.type, `${name} not in the header and not past its end`).toBeGreaterThan(max);
          beyond.push(key);
        } else {
          expect(def.type, name).toBe(want);
        }
      }
      if (exact) expect(beyond.sort()).toEqual([...newer].sort());
      else for (const key of beyond) expect(newer, `${prefix}${upperSnake(key)} is past the header's end but not known as newer than 6.1`).toContain(key);
      if (label === 'prop-list') return;
      // And the other way: every enumerator of the header has a row.
      const last = Math.max(...Object.values(table.byKey).map((d) => d.type));
      const unmodelled: string[] = [];
      for (const [name, value] of enums) {
        if (/_UNSPEC$|_MAX$/.test(name) || value === 0 || absent.includes(name)) continue;
        if (prefix === 'IFLA_' && name === 'IFLA_IF_NETNSID') continue; // old name of IFLA_TARGET_NETNSID (46)
        if (!exact && value > last) {
          unmodelled.push(`${name} = ${value}`);
          continue;
        }
        expect(table.byType[value]?.key, `${name} = ${value}`).toBeDefined();
      }
      if (unmodelled.length) console.warn(`uapi: <linux/${header}> (Linux ${headers}) is newer than the ${label} table: ${unmodelled.join(', ')} have no row yet`);
    });
  }
});

describe('kind enums against the UAPI headers', () => {
  const ENUMS: [string, Readonly<Record<string, number>>][] = [
    ['MACVLAN_MODE_', MACVLAN_MODE],
    ['IPVLAN_MODE_', IPVLAN_MODE],
  ];
  for (const [prefix, values] of ENUMS) {
    const uapi = readUapiEnum('if_link.h', prefix);
    it.skipIf(!uapi)(`${prefix}* in <linux/if_link.h> have the values the tables use`, () => {
      for (const [word, value] of Object.entries(values)) expect(uapi?.get(`${prefix}${word.toUpperCase()}`), `${prefix}${word.toUpperCase()}`).toBe(value);
    });
  }
});
