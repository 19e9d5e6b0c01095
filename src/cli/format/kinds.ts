/**
 * `ip -d` details of every link kind (and port kind) the kind registry
 * models; veth has none (ip prints just `veth`: the driver reports no
 * IFLA_INFO_DATA).
 *
 * Nothing about an attribute is spelled here: the JSON key, the text label
 * and the value's shape are columns of the kind's own table row
 * (`.spelled(…)` in rtnetlink/link/kinds/), iproute2's order of a kind's
 * fields is the kind's `ipOrder` in the kind registry, and the values are
 * the decoded ones. What this file holds is how each shape prints. A
 * spelled row missing from an order list is printed after the listed ones,
 * so a new row shows without touching this file; a new kind prints as soon
 * as it is registered.
 */
import { type AttrSet, type IpSpelling, KIND_DEFS, SLAVE_KIND_DEFS, tunAttrs } from '../../wire.js';
import { JsonRaw } from '../json.js';
import type { Out } from '../out.js';
import { bridgeIdText, centiseconds, hex0x } from './fields.js';
import { IP6_TUNNEL_SHAPES } from './ip6-tunnel.js';

export interface KindContext {
  /** ifindex → name in the namespace being listed (backup_port, vxlan dev). */
  names: Map<number, string>;
  /** uid/gid → name, as ip resolves tun owners through getpwuid/getgrgid. */
  userName(uid: number): string | undefined;
  groupName(gid: number): string | undefined;
  /** -d given (a count: -d -d shows even default vxlan options in text). */
  details: number;
}

type Data = Record<string, unknown>;
/** Prints one attribute of `data` (whose value `v` is defined) as ip does. */
/** `row` is the attribute's row, for shapes that need its codec (a nest's set). */
type ShapePrinter = (o: Out, ip: IpSpelling, v: unknown, data: Data, k: KindContext, row?: AttrSet['byKey'][string]) => void;

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));
const zeroIp = (s: unknown) => s === undefined || s === '0.0.0.0' || s === '::';
const field = (o: Out, ip: IpSpelling, json: Parameters<Out['field']>[1], text: string) => o.field(ip.key, json, `${ip.label} ${text} `);

/** iproute2's print helpers, as seen from a script reading the output. */
const SHAPES: Record<string, ShapePrinter> = {
  /** print_uint: JSON number, text `label N`. */
  uint: (o, ip, v) => field(o, ip, num(v), String(v)),
  /** print_on_off: JSON true/false, text `label on|off`. */
  onoff: (o, ip, v) => field(o, ip, num(v) !== 0, num(v) ? 'on' : 'off'),
  /** print_0xhex: JSON string "0x1f" ("0" for zero). */
  xhex: (o, ip, v) => field(o, ip, hex0x(num(v)), hex0x(num(v))),
  /** Clock ticks as seconds with two decimals; text right-aligned in 7 columns. */
  timer: (o, ip, v) => {
    const t = centiseconds(BigInt(v as bigint));
    field(o, ip, new JsonRaw(t), t.padStart(7));
  },
  /** A bridge id as ether_ntoa prints its address (no zero padding). */
  brid: (o, ip, v) => field(o, ip, bridgeIdText(v as string), bridgeIdText(v as string)),
  mac: (o, ip, v) => field(o, ip, v as string, v as string),
  string: (o, ip, v) => field(o, ip, v as string, v as string),
  /** An enum by name; unknown values as numbers. */
  words: (o, ip, v) => {
    const w = ip.names?.[num(v)] ?? String(v);
    field(o, ip, w, w);
  },
  /** A bridge port state by name; an unknown one as `state_index`, text `state (N)`. */
  'port-state': (o, ip, v) => {
    const w = ip.names?.[num(v)];
    if (w !== undefined) field(o, ip, w, w);
    else o.field(`${ip.key}_index`, num(v), `${ip.label} (${num(v)}) `);
  },
  /** An EtherType by its ll_proto name. */
  ethertype: (o, ip, v) => {
    const n = num(v);
    const w = n === 0x8100 ? '802.1Q' : n === 0x88a8 ? '802.1ad' : `0x${n.toString(16).padStart(4, '0')}`;
    field(o, ip, w, w);
  },
  /** struct { u32 optval; u32 optmask }: one `NAME 0|1` per bit the mask reports. */
  bits: (o, ip, v) => {
    const { optval, optmask } = v as { optval: number; optmask: number };
    (ip.names ?? []).forEach((name, bit) => {
      if ((optmask >>> bit) & 1) {
        const b = (optval >>> bit) & 1;
        o.field(name, b, `${name} ${b} `);
      }
    });
  },
  /** A present flag attribute: JSON null, text `label`. */
  flag: (o, ip) => o.field(ip.key, null, `${ip.label} `),
  /** A link by ifindex, printed by name. */
  ifname: (o, ip, v, _d, k) => {
    const n = k.names.get(num(v)) ?? `if${num(v)}`;
    field(o, ip, n, n);
  },
  'nonzero-ifname': (o, ip, v, d, k) => {
    if (num(v)) SHAPES.ifname!(o, ip, v, d, k);
  },
  nonzero: (o, ip, v) => {
    if (num(v)) field(o, ip, num(v), String(v));
  },
  'nonzero-xhex': (o, ip, v) => {
    if (num(v)) field(o, ip, hex0x(num(v)), hex0x(num(v)));
  },
  /** ip prints fast leave twice in text (again as mcast_fast_leave), once in JSON. */
  'fast-leave': (o, ip, v) => {
    SHAPES.onoff!(o, ip, v, {}, undefined as never);
    o.put(`mcast_fast_leave ${num(v) ? 'on' : 'off'} `);
  },
  /** The mask, then its bits by name (802.1D reserved group addresses 01:80:c2:00:00:0X). */
  'group-fwd-mask': (o, ip, v) => {
    SHAPES.xhex!(o, ip, v, {}, undefined as never);
    const names: Record<number, string> = { 0: 'stp', 2: 'lacp', 14: 'lldp' };
    const parts: string[] = [];
    for (let i = 0; i < 16; i++) if (num(v) & (1 << i)) parts.push(names[i] ?? `0x${(1 << i).toString(16)}`);
    const s = parts.length ? parts.join(',') : '0x0';
    o.field(`${ip.key}_str`, s, `${ip.label}_str ${s} `);
  },
  // ------------------------------------------------------------ vlan
  /** struct ifla_vlan_flags: the set bits by name, JSON array `flags`, text `<A,B> `. */
  'vlan-flags': (o, ip, v) => {
    let bits = (v as { flags: number }).flags;
    const names: string[] = [];
    (ip.names ?? []).forEach((name, bit) => {
      if (bits & (1 << bit)) {
        names.push(name);
        bits &= ~(1 << bit);
      }
    });
    if (bits) names.push(bits.toString(16));
    o.array(ip.key, names);
    o.put(`<${names.join(',')}> `);
  },
  /** A QoS map: JSON `[{ from, to }]`, text on its own line `ingress-qos-map { 1:2 } `. */
  'qos-map': (o, ip, v) => {
    const m = ((v as { mapping?: { from: number; to: number }[] }).mapping ?? []).map(({ from, to }) => ({ from, to }));
    o.array(ip.key, m);
    o.put(`\n      ${ip.label} { ${m.map((e) => `${e.from}:${e.to} `).join('')}} `);
  },
  // ------------------------------------------------------------ macvlan
  /** A flag word: each set bit as its own `NAME: true` key, text `NAME ` (macvlan's nopromisc, nodst). */
  'flag-keys': (o, ip, v) => {
    (ip.names ?? []).forEach((name, bit) => {
      if (num(v) & (1 << bit)) o.field(name, true, `${name} `);
    });
  },
  /** The source list's size, in source mode only (the kernel sends the count, 0, in every mode): JSON number, text `remotes (N) `. */
  'macvlan-count': (o, ip, v, d) => {
    if (d.mode === 16) o.field(ip.key, num(v), `${ip.label} (${num(v)}) `);
  },
  /** The source list, in source mode: JSON array, text each address followed by a space. */
  'macvlan-sources': (o, ip, v, d) => {
    if (d.mode !== 16) return;
    const macs = (v as { macaddr?: string[] }).macaddr ?? [];
    o.array(ip.key, macs);
    o.put(macs.map((m) => `${m} `).join(''));
  },
  // ------------------------------------------------------------ geneve
  /** A present flag ip prints as a JSON true (print_bool): geneve's `external`, `innerprotoinherit`. */
  'present-true': (o, ip) => o.field(ip.key, true, `${ip.label} `),
  /** An address printed only when not 0.0.0.0 / ::. */
  'nonzero-ip': (o, ip, v) => {
    if (!zeroIp(v)) o.field(ip.key, v as string, `${ip.label} ${v as string} `);
  },
  /** REMOTE6: only without an IPv4 REMOTE, and not when unspecified or multicast. */
  'geneve-remote6': (o, ip, v, d) => {
    const s = v as string;
    if (d.remote !== undefined || zeroIp(s) || s.toLowerCase().startsWith('ff')) return;
    o.field(ip.key, s, `${ip.label} ${s} `);
  },
  /** `ttl inherit` in text only (TTL_INHERIT on); else the TTL, `ttl auto` in text for 0. */
  'geneve-ttl': (o, ip, v, d) => {
    if (num(d.ttlInherit)) o.put('ttl inherit ');
    else o.field(ip.key, num(v), num(v) ? `ttl ${num(v)} ` : 'ttl auto ');
  },
  /** A switch: JSON true/false, text `label` or `nolabel` (geneve's udpcsum …). */
  'no-word': (o, ip, v) => o.field(ip.key, num(v) !== 0, `${num(v) ? '' : 'no'}${ip.label} `),
  // ------------------------------------------------------------ gre
  /** Printed by another row's shape. */
  hidden: () => undefined,
  /** A tunnel endpoint: the address, or "any" for 0.0.0.0 / :: (tnl_print_endpoint). */
  endpoint: (o, ip, v) => {
    const s = zeroIp(v) ? 'any' : (v as string);
    o.field(ip.key, s, `${ip.label} ${s} `);
  },
  /** JSON always the number; text `ttl inherit` for 0. */
  'tunnel-ttl': (o, ip, v) => o.field(ip.key, num(v), num(v) ? `ttl ${num(v)} ` : 'ttl inherit '),
  /** Path MTU discovery: JSON true/false, text `nopmtudisc` only when off. */
  pmtudisc: (o, ip, v) => o.field(ip.key, num(v) !== 0, num(v) ? '' : 'nopmtudisc '),
  /** A switch printed only when on: JSON true, text `label`. */
  'true-only': (o, ip, v) => {
    if (num(v)) o.field(ip.key, true, `${ip.label} `);
  },
  /** A GRE key as ip prints it (inet_ntop of the big-endian key), only when the direction's flags have GRE_KEY. */
  'gre-key': (o, ip, v, d) => {
    const flags = num(ip.key === 'ikey' ? d.iflags : d.oflags);
    if (!(flags & 0x2000)) return;
    const n = num(v) >>> 0;
    const s = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    o.field(ip.key, s, `${ip.key} ${s} `);
  },
  /** iseq, oseq, icsum, ocsum from both flag words, in ip's order. */
  'gre-flags': (o, _ip, v, d) => {
    const i = num(v);
    const out = num(d.oflags ?? 0);
    for (const [key, on] of [['iseq', i & 0x1000], ['oseq', out & 0x1000], ['icsum', i & 0x8000], ['ocsum', out & 0x8000]] as const) {
      if (on) o.field(key, true, `${key} `);
    }
  },
  /** An enum printed only for the values ip names (ipip's proto). */
  'known-words': (o, ip, v) => {
    const w = ip.names?.[num(v)];
    if (w !== undefined) o.field(ip.key, w, `${w} `);
  },
  /** ipip/sit: JSON true/false, text `pmtudisc` or `nopmtudisc`. */
  'pmtudisc-word': (o, ip, v) => o.field(ip.key, num(v) !== 0, num(v) ? 'pmtudisc ' : 'nopmtudisc '),
  /** sit's FLAGS: `isatap` when SIT_ISATAP is set. */
  isatap: (o, _ip, v) => {
    if (num(v) & 1) o.field('isatap', true, 'isatap ');
  },
  /** sit 6rd, when a prefix length is set: JSON prefix, prefixlen (and the relay's when set); text `6rd-prefix P/L `. */
  sixrd: (o, _ip, v, d) => {
    const len = num(d['6rdPrefixlen'] ?? 0);
    if (!len) return;
    const relay = d['6rdRelayPrefix'] as string | undefined;
    const relayLen = num(d['6rdRelayPrefixlen'] ?? 0);
    o.json('prefix', v as string).json('prefixlen', len);
    o.put(`6rd-prefix ${v as string}/${len} `);
    if (relay !== undefined && !zeroIp(relay)) {
      o.json('relay_prefix', relay).json('relay_prefixlen', relayLen);
      o.put(`6rd-relay_prefix ${relay}/${relayLen} `);
    }
  },
  /** ip prints 0 as ingress and anything else as egress. */
  'erspan-dir': (o, ip, v) => {
    const w = num(v) === 0 ? 'ingress' : 'egress';
    o.field(ip.key, w, `${ip.label} ${w} `);
  },
  /** FOU/GUE encapsulation, when there is one: JSON object `encap`. */
  'tunnel-encap': (o, _ip, v, d) => {
    const type = num(v);
    if (!type) return;
    const name = type === 1 ? 'fou' : type === 2 ? 'gue' : null;
    const e = o.nest('encap');
    e.field('type', name, `encap ${name ?? 'unknown'} `);
    const flags = num(d.encapFlags ?? 0);
    e.json('sport', num(d.encapSport ?? 0));
    e.json('dport', num(d.encapDport ?? 0));
    e.json('csum', (flags & 1) !== 0);
    e.json('csum6', (flags & 2) !== 0);
    e.json('remcsum', (flags & 4) !== 0);
  },
  // ------------------------------------------------------------ ipvlan
  /** IFLA_IPVLAN_FLAGS: ip prints one of `private`, `vepa`, `bridge` as a JSON true (PRIVATE wins if both bits are set). */
  'ipvlan-isolation': (o, _ip, v) => {
    const w = num(v) & 1 ? 'private' : num(v) & 2 ? 'vepa' : 'bridge';
    o.field(w, true, `${w} `);
  },
  // ------------------------------------------------------------ bond
  /** An address list (bond's ARP / NS targets): when not empty, JSON array, text `label a,b `. */
  'address-list': (o, ip, v) => {
    const list = v as string[];
    if (!list.length) return;
    o.array(ip.key, list);
    o.put(`${ip.label} ${list.join(',')} `);
  },
  /** An enum by name whose 0 is JSON null (bond's arp_validate none): text `label none `. */
  'words-null0': (o, ip, v) => {
    const w = ip.names?.[num(v)] ?? 'UNKNOWN';
    o.field(ip.key, num(v) === 0 ? null : w, `${ip.label} ${w} `);
  },
  /** A nest printed as a JSON object of its spelled rows (bond's ad_info). */
  object: (o, ip, v, _d, k, row) => {
    const inner = o.nest(ip.key);
    if (row?.codec.set) printKind(inner, row.codec.set, v as Data, [], k);
  },
  /** An enum by name, or `key_index` with text `label N` for a value ip has no name for (bond port state, mii_status). */
  'word-or-index': (o, ip, v) => {
    const w = ip.names?.[num(v)];
    if (w !== undefined) field(o, ip, w, w);
    else o.field(`${ip.key}_index`, num(v), `${ip.label} ${num(v)} `);
  },
  /** An LACP port state: the number, then its bits by name as `label_str` (JSON array, text ` <a,b> `). */
  'lacp-state': (o, ip, v) => {
    field(o, ip, num(v), String(num(v)));
    const names = ['active', 'short_timeout', 'aggregating', 'in_sync', 'collecting', 'distributing', 'defaulted', 'expired'].filter((_, bit) => num(v) & (1 << bit));
    o.array(`${ip.key}_str`, names);
    o.put(` <${names.join(',')}> `);
  },
  // ------------------------------------------------------------ tun
  'tun-type': (o, ip, v) => {
    const t = num(v) === 1 ? 'tun' : num(v) === 2 ? 'tap' : `UNKNOWN:${num(v)}`;
    field(o, ip, t, t);
  },
  /** JSON false without text when off; when on, `multi_queue` and the queue counts right after it. */
  'tun-multi-queue': (o, ip, v, d) => {
    if (!num(v)) {
      o.json(ip.key, false);
      return;
    }
    o.field(ip.key, true, `${ip.label} `);
    for (const key of ['numQueues', 'numDisabledQueues']) {
      const q = d[key];
      const s = tunAttrs.byKey[key]?.ip;
      if (q !== undefined && s) field(o, s, num(q), String(q));
    }
  },
  /** Printed by tun-multi-queue. */
  'tun-queues': () => undefined,
  user: (o, ip, v, _d, k) => {
    const n = k.userName(num(v)) ?? num(v);
    field(o, ip, n, String(n));
  },
  group: (o, ip, v, _d, k) => {
    const n = k.groupName(num(v)) ?? num(v);
    field(o, ip, n, String(n));
  },
  // ------------------------------------------------------------ vxlan
  /** GROUP (IPv4): `group` when multicast, `remote` otherwise; nothing when 0.0.0.0. */
  'vxlan-peer': (o, ip, v, d) => {
    const s = v as string;
    const v6 = ip.key.endsWith('6');
    if (zeroIp(s) || (v6 && !zeroIp(d.group))) return;
    const mc = v6 ? s.toLowerCase().startsWith('ff') : Number(s.split('.')[0]) >= 224 && Number(s.split('.')[0]) <= 239;
    const key = `${mc ? 'group' : 'remote'}${v6 ? '6' : ''}`;
    o.field(key, s, `${mc ? 'group' : 'remote'} ${s} `);
  },
  /** LOCAL, else LOCAL6 when there is no IPv4 one. */
  'vxlan-local': (o, ip, v, d) => {
    if (zeroIp(v) || (ip.key.endsWith('6') && d.local !== undefined)) return;
    o.field(ip.key, v as string, `local ${v as string} `);
  },
  'vxlan-tos': (o, ip, v) => {
    if (num(v)) o.field(ip.key, hex0x(num(v)), num(v) === 1 ? 'tos inherit ' : `tos ${hex0x(num(v))} `);
  },
  /** `ttl inherit` (TTL_INHERIT), else the TTL (`ttl auto` for 0). */
  'vxlan-ttl': (o, ip, v, d) => {
    if (ip.key === 'ttl_inherit') {
      if (v && d.ttl === undefined) o.put('ttl inherit ');
      return;
    }
    if (d.ttlInherit) o.put('ttl inherit ');
    else o.field(ip.key, num(v), num(v) ? `ttl ${num(v)} ` : 'ttl auto ');
  },
  'vxlan-df': (o, ip, v) => {
    const w = ip.names?.[num(v)];
    if (w !== undefined) o.field(ip.key, w, num(v) ? `df ${w} ` : '');
  },
  'vxlan-ageing': (o, ip, v) => o.field(ip.key, num(v), num(v) === 0 ? 'ageing none ' : `ageing ${num(v)} `),
  'port-range': (o, ip, v) => {
    const { low, high } = v as { low: number; high: number };
    o.nest(ip.key).json('low', low).json('high', high);
    o.put(`${ip.label} ${low} ${high} `);
  },
  /** A big-endian 64-bit mask (struct vxlanhdr) in hex. */
  'be64-xhex': (o, ip, v) => {
    const b = v as Uint8Array;
    if (b.length < 8) return;
    const x = hex0x(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, false));
    field(o, ip, x, x);
  },
  /** `[no]NAME` in text only when it differs from ip's default (or with -d -d); JSON always. */
  toggle: (o, ip, v, _d, k) => {
    const on = num(v) !== 0;
    o.field(ip.key, on, on !== ip.default || k.details > 1 ? `${on ? '' : 'no'}${ip.label} ` : '');
  },
  // ------------------------------------------------------------ ip6tnl, ip6gre
  ...IP6_TUNNEL_SHAPES,
};

/** The shape of a row: its own, else the codec's natural one. */
function shapeOf(set: AttrSet, key: string): string {
  const def = set.byKey[key];
  if (def?.ip?.shape) return def.ip.shape;
  return def?.codec.kind === 'string' ? 'string' : def?.codec.kind === 'hwaddr' ? 'mac' : 'uint';
}

/** Prints `data` in ip's order for the kind: the listed rows, then any other spelled row. */
export function printKind(o: Out, set: AttrSet, data: Data, order: readonly string[], k: KindContext): void {
  const done = new Set<string>();
  const one = (key: string) => {
    done.add(key);
    const ip = set.byKey[key]?.ip;
    const v = data[key];
    if (!ip || v === undefined) return;
    const print = SHAPES[shapeOf(set, key)];
    if (!print) throw new Error(`${set.name}.${key}: no printer for shape ${shapeOf(set, key)}`);
    print(o, ip, v, data, k, set.byKey[key]);
  };
  for (const key of order) one(key);
  for (const key of Object.keys(set.byKey)) if (!done.has(key)) one(key);
}

/** Whether ip has a printer for a kind: it opens `info_data` only for those (veth, ifb, dummy have none). */
const printable = (set: AttrSet) => Object.values(set.byKey).some((d) => d.ip);

/** IFLA_INFO_DATA printers by kind, from the kind registry. */
export const KIND_PRINTERS: Record<string, (o: Out, data: Data, k: KindContext) => void> = Object.fromEntries(
  Object.entries(KIND_DEFS)
    .filter(([, def]) => printable(def.data))
    .map(([name, def]) => [name, (o: Out, d: Data, k: KindContext) => printKind(o, def.data, d, def.ipOrder ?? [], k)]),
);

/** IFLA_INFO_SLAVE_DATA printers by the master's kind. */
export const SLAVE_KIND_PRINTERS: Record<string, (o: Out, data: Data, k: KindContext) => void> = Object.fromEntries(
  Object.entries(SLAVE_KIND_DEFS)
    .filter(([, def]) => printable(def.data))
    .map(([name, def]) => [name, (o: Out, d: Data, k: KindContext) => printKind(o, def.data, d, def.ipOrder ?? [], k)]),
);
