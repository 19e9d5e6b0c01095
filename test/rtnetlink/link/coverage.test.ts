/**
 * Coverage of the kernel's rt-link YNL spec by our attribute tables:
 * for every attribute the spec lists, our table must have a row with the
 * same number, the same name (camelCase of the spec's kebab-case) and a
 * compatible wire type. Deliberate differences are listed with the kernel
 * fact behind them; anything else fails. Numbers for docs/coverage.md:
 * `RTNL_COVERAGE=1 npx vitest run test/rtnetlink/link/coverage.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import type { AttrSet } from '../../../src/netlink/schema.js';
import {
  afSpecAttrs,
  bridgeAttrs,
  bridgePortAttrs,
  inet6AfAttrs,
  inetAfAttrs,
  linkAttrs,
  propListAttrs,
  bondAdInfoAttrs,
  bondAttrs,
  bondPortAttrs,
  geneveAttrs,
  greAttrs,
  iptunAttrs,
  ip6tnlAttrs,
  ip6greAttrs,
  tunAttrs,
  vlanAttrs,
  vrfAttrs,
  netkitAttrs,
  xdpAttrs,
} from '../../../src/rtnetlink/link/index.js';
import { SPEC_PATH, type SpecAttr, kebab, readSpecSets } from './_spec.js';

const spec = readSpecSets();
const linkinfoTable = linkAttrs.byKey.linkinfo!.codec.set!;

/** Our tables, by spec set name. */
const TABLES: [string, AttrSet][] = [
  ['link-attrs', linkAttrs],
  ['linkinfo-attrs', linkinfoTable],
  ['linkinfo-bridge-attrs', bridgeAttrs],
  ['linkinfo-brport-attrs', bridgePortAttrs],
  ['linkinfo-tun-attrs', tunAttrs],
  ['linkinfo-vlan-attrs', vlanAttrs],
  ['linkinfo-bond-attrs', bondAttrs],
  ['bond-ad-info-attrs', bondAdInfoAttrs],
  ['bond-slave-attrs', bondPortAttrs],
  ['linkinfo-vrf-attrs', vrfAttrs],
  ['linkinfo-geneve-attrs', geneveAttrs],
  ['linkinfo-gre-attrs', greAttrs],
  ['linkinfo-iptun-attrs', iptunAttrs],
  ['linkinfo-ip6tnl-attrs', ip6tnlAttrs],
  ['linkinfo-gre6-attrs', ip6greAttrs],
  ['linkinfo-netkit-attrs', netkitAttrs],
  ['ifla-vlan-qos', vlanAttrs.byKey.egressQos!.codec.set!],
  ['prop-list-link-attrs', propListAttrs],
  ['af-spec-attrs', afSpecAttrs],
  ['xdp-attrs', xdpAttrs],
  ['ifla-attrs', inetAfAttrs],
  ['ifla6-attrs', inet6AfAttrs],
];

/** Bridge port switches the spec types `flag`, which the kernel sends and takes as u8 0/1 (br_port_fill_attrs, br_policy). */
const BRPORT_U8_FLAGS = [
  'mode', 'guard', 'protect', 'fast-leave', 'learning', 'unicast-flood', 'proxyarp', 'learning-sync', 'proxyarp-wifi',
  'mcast-flood', 'mcast-to-ucast', 'vlan-tunnel', 'bcast-flood', 'neigh-suppress', 'isolated', 'mrp-ring-open',
  'mrp-in-open', 'locked', 'mab', 'neigh-vlan-suppress',
];

/** Where our wire type differs from the spec's on purpose: set/attr → why. */
const DEVIATIONS: Record<string, string> = {
  ...Object.fromEntries(BRPORT_U8_FLAGS.map((n) => [`linkinfo-brport-attrs/${n}`, 'u8 0/1 on the wire (the golden bytes show it), not a flag'])),
  'linkinfo-brport-attrs/flush': 'write-only trigger; any payload is ignored, kept as bytes',
  'bond-slave-attrs/prio': 's32: bond_fill_slave_info uses nla_put_s32 and the policy is NLA_S32 (iproute2 prints it with rta_getattr_s32)',
  'linkinfo-geneve-attrs/remote': 'an IPv4 address (geneve_fill_info: nla_put_in_addr), typed as one; the spec says u32 with display-hint ipv4',
  'linkinfo-iptun-attrs/flags': 'host-order u16: sit copies the __be16 field raw both ways (ipip6_netlink_parms, ipip6_fill_info) and tests SIT_ISATAP 0x0001 on it, as iproute2 does',
  'linkinfo-iptun-attrs/6rd-relay-prefix': 'an IPv4 address (nla_put_in_addr), typed as one; the spec says u32 with display-hint ipv4',
  'linkinfo-bridge-attrs/vlan-protocol': 'big-endian: the kernel uses nla_put_be16 / nla_get_be16',
  'linkinfo-bridge-attrs/mcast-querier-state': 'a nest of BRIDGE_QUERIER_* (nla_nest_start in br_multicast_dump_querier_state), typed as such',
  'link-attrs/cost': 'unused by the kernel: raw bytes',
  'link-attrs/priority': 'unused by the kernel: raw bytes',
  'link-attrs/wireless': 'wireless-extension events: raw bytes',
  'link-attrs/protinfo': 'depends on ifi_family: raw in AF_UNSPEC, bridge port attrs in AF_BRIDGE, IPv6 attrs in AF_INET6',
  'link-attrs/proto-down-reason': 'a nest of IFLA_PROTO_DOWN_REASON_MASK/VALUE (rtnl_fill_proto_down), typed as such',
};

/** Spec types our codec kinds satisfy. */
function compatible(a: SpecAttr, codecKind: string): 'typed' | 'raw' | 'mismatch' {
  const big = a.byteOrder === 'big-endian';
  switch (a.type) {
    case 'u8':
    case 'u64':
    case 's32':
    case 'uint':
    case 'string':
    case 'flag':
      return codecKind === a.type ? 'typed' : 'mismatch';
    case 'u16':
    case 'u32':
      return codecKind === (big ? `be${a.type.slice(1)}` : a.type) ? 'typed' : 'mismatch';
    case 'pad':
      return codecKind === 'bytes' ? 'typed' : 'mismatch';
    case 'binary':
      return codecKind === 'bytes' ? 'raw' : 'typed';
    case 'nest':
    case 'indexed-array':
      return codecKind.startsWith('nest(') || codecKind.startsWith('indexed(') || codecKind === 'linkinfo' ? 'typed' : codecKind === 'bytes' ? 'raw' : 'mismatch';
    case 'sub-message':
      // IFLA_INFO_DATA / SLAVE_DATA: chosen by kind in linkinfo.ts.
      return 'typed';
    default:
      return 'mismatch';
  }
}

interface Row {
  set: string;
  spec: number;
  numbers: number;
  names: number;
  typed: number;
  raw: number;
  deviations: number;
  problems: string[];
}

function measure(setName: string, table: AttrSet): Row {
  const attrs = spec?.get(setName) ?? [];
  const row: Row = { set: setName, spec: attrs.length, numbers: 0, names: 0, typed: 0, raw: 0, deviations: 0, problems: [] };
  for (const a of attrs) {
    const def = table.byType[a.value];
    if (!def) {
      row.problems.push(`${a.name} (${a.value}) missing`);
      continue;
    }
    row.numbers++;
    if (kebab(def.key) === a.name) row.names++;
    else row.problems.push(`${a.value}: spec ${a.name}, ours ${def.key}`);
    const dev = DEVIATIONS[`${setName}/${a.name}`];
    const kind = def.codec.kind;
    const c = compatible(a, kind);
    if (dev) row.deviations++;
    else if (c === 'typed') row.typed++;
    else if (c === 'raw') row.raw++;
    else row.problems.push(`${a.name} (${a.value}): spec ${a.type}${a.byteOrder ? ` ${a.byteOrder}` : ''}, ours ${kind}`);
  }
  return row;
}

describe.skipIf(!spec)(`coverage of the rt-link YNL spec${spec ? '' : ` — skipped: ${SPEC_PATH} not found`}`, () => {
  const rows = TABLES.map(([n, t]) => measure(n, t));

  it('has every spec attribute, by number, name and wire type (deviations documented)', () => {
    for (const r of rows) {
      expect(r.problems, r.set).toEqual([]);
      expect(r.numbers, r.set).toBe(r.spec);
      expect(r.names, r.set).toBe(r.spec);
    }
  });

  it('uses each documented deviation (none stale)', () => {
    const used = new Set<string>();
    for (const [setName] of TABLES) for (const a of spec?.get(setName) ?? []) if (DEVIATIONS[`${setName}/${a.name}`]) used.add(`${setName}/${a.name}`);
    expect(Object.keys(DEVIATIONS).filter((k) => !used.has(k))).toEqual([]);
  });

  it('covers the four sets the project measures, in full', () => {
    const pick = (n: string) => rows.find((r) => r.set === n)!;
    expect(pick('link-attrs')).toMatchObject({ spec: 69, numbers: 69, names: 69 });
    expect(pick('linkinfo-bridge-attrs')).toMatchObject({ spec: 49, numbers: 49, names: 49 });
    expect(pick('linkinfo-brport-attrs')).toMatchObject({ spec: 44, numbers: 44, names: 44 });
    expect(pick('linkinfo-tun-attrs')).toMatchObject({ spec: 9, numbers: 9, names: 9, typed: 9 });
    if (process.env.RTNL_COVERAGE) {
      const lines = ['| attribute set | in spec | numbers | names | typed | raw bytes | typed differently (documented) |', '| --- | --- | --- | --- | --- | --- | --- |'];
      for (const r of rows) lines.push(`| ${r.set} | ${r.spec} | ${r.numbers} | ${r.names} | ${r.typed} | ${r.raw} | ${r.deviations} |`);
      console.log(lines.join('\n'));
    }
  });
});
