/**
 * One link as `ip link show` / `ip -d link show` / `ip -br link` prints it,
 * text and JSON from the same calls, in ip's field order (iproute2's
 * print_linkinfo). The input is the decoded RTM_NEWLINK message (ifinfomsg
 * header + attributes), which is what both listLinks and monitor events
 * carry; every attribute is read by its kernel number (see ../raw.ts).
 */
import { formatIp } from '../../wire.js';
import { ipFlagWords } from '../../wire.js';
import { linkAttrs } from '../../wire.js';
import { Out } from '../out.js';
import { type RawAttrs, parseNest, rawAttrsOf, rd } from '../raw.js';
import { colonHex } from './fields.js';
import { type KindContext, printBridge, printBridgePort, printTun, printVxlan } from './kinds.js';

/** The decoded message: ifinfomsg header and the link attribute object. */
export interface LinkMsg {
  header: { index: number; type: number; flags: number };
  attrs: object;
}

/** IFLA_* numbers (<linux/if_link.h>; the newest from iproute2's copy of the UAPI header). */
export const IFLA = {
  ADDRESS: 1,
  BROADCAST: 2,
  IFNAME: 3,
  MTU: 4,
  LINK: 5,
  QDISC: 6,
  MASTER: 10,
  TXQLEN: 13,
  OPERSTATE: 16,
  LINKMODE: 17,
  LINKINFO: 18,
  IFALIAS: 20,
  STATS64: 23,
  AF_SPEC: 26,
  GROUP: 27,
  PROMISCUITY: 30,
  NUM_TX_QUEUES: 31,
  NUM_RX_QUEUES: 32,
  CARRIER: 33,
  PHYS_PORT_ID: 34,
  CARRIER_CHANGES: 35,
  PHYS_SWITCH_ID: 36,
  LINK_NETNSID: 37,
  PHYS_PORT_NAME: 38,
  PROTO_DOWN: 39,
  GSO_MAX_SEGS: 40,
  GSO_MAX_SIZE: 41,
  EVENT: 44,
  NEW_NETNSID: 45,
  NEW_IFINDEX: 49,
  MIN_MTU: 50,
  MAX_MTU: 51,
  PROP_LIST: 52,
  ALT_IFNAME: 53,
  PERM_ADDRESS: 54,
  PARENT_DEV_NAME: 56,
  PARENT_DEV_BUS_NAME: 57,
  GRO_MAX_SIZE: 58,
  TSO_MAX_SIZE: 59,
  TSO_MAX_SEGS: 60,
  ALLMULTI: 61,
  GSO_IPV4_MAX_SIZE: 63,
  GRO_IPV4_MAX_SIZE: 64,
  NETNS_IMMUTABLE: 67,
} as const;

const IFLA_INFO = { KIND: 1, DATA: 2, XSTATS: 3, SLAVE_KIND: 4, SLAVE_DATA: 5 } as const;
const AF_INET6 = 10;
const IFLA_INET6_ADDR_GEN_MODE = 8;

const IFF_UP = 0x1;
const IFF_POINTOPOINT = 0x10;

const OPER_STATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];
const LINK_MODES = ['DEFAULT', 'DORMANT'];
const ADDR_GEN_MODES = ['eui64', 'none', 'stable_secret', 'random'];
const LINK_EVENTS = ['NONE', 'REBOOT', 'FEATURE CHANGE', 'BONDING FAILOVER', 'NOTIFY PEERS', 'RESEND IGMP', 'BONDING OPTION'];

/** ARPHRD_* → the name after `link/` (iproute2's ll_types table, the common part). */
const LINK_TYPES: Record<number, string> = {
  0: 'netrom',
  1: 'ether',
  2: 'eether',
  3: 'ax25',
  15: 'dlci',
  19: 'atm',
  23: 'metricom',
  24: 'ieee1394',
  32: 'infiniband',
  256: 'slip',
  257: 'cslip',
  258: 'slip6',
  259: 'cslip6',
  260: 'rsrvd',
  264: 'adapt',
  270: 'rose',
  271: 'x25',
  272: 'hwx25',
  280: 'can',
  290: 'mctp',
  512: 'ppp',
  513: 'hdlc',
  516: 'lapb',
  517: 'ddcmp',
  518: 'rawhdlc',
  519: 'rawip',
  768: 'ipip',
  769: 'tunnel6',
  770: 'frad',
  771: 'skip',
  772: 'loopback',
  773: 'ltalk',
  774: 'fddi',
  775: 'bif',
  776: 'sit',
  777: 'ip/ddp',
  778: 'gre',
  779: 'pimreg',
  780: 'hippi',
  781: 'ash',
  782: 'econet',
  783: 'irda',
  800: 'tr',
  801: 'ieee802.11',
  802: 'ieee802.11/prism',
  803: 'ieee802.11/radiotap',
  804: 'ieee802.15.4',
  805: 'ieee802.15.4/monitor',
  820: 'phonet',
  821: 'phonet_pipe',
  822: 'caif',
  823: 'gre6',
  824: 'netlink',
  825: '6lowpan',
  65534: 'none',
  65535: 'void',
};

/** Link-layer address text: IPv4/IPv6 for IP tunnels (ll_addr_n2a), colon hex otherwise. */
function llAddr(b: Uint8Array, type: number): string {
  if ((type === 768 || type === 776 || type === 778) && b.length === 4) return formatIp(b);
  if ((type === 769 || type === 823) && b.length === 16) return formatIp(b);
  return colonHex(b);
}

export interface LinkFormatContext extends KindContext {
  /** `ip link` (true) prints `mode` and the IPv6 address-generation mode; `ip addr` (false) does not. */
  doLink: boolean;
  /** -d given (a count: -d -d shows even default vxlan options in text). */
  details: number;
  brief: boolean;
  stats: boolean;
  /** Print `link/ether ADDR brd ADDR` (ip leaves it out of `ip -4/-6 addr` unless -d). Default true. */
  linkLayer?: boolean;
  /** ifindex → IFF_* flags, for M-DOWN (the IFLA_LINK device is down). */
  flagsOf: Map<number, number>;
  /** Namespace id → name (/run/netns), for text `link-netns NAME`. */
  nsidNames: Map<number, string>;
}

export interface FormattedLink {
  out: Out;
  index: number;
  name: string;
  attrs: RawAttrs;
}

function flagsField(o: Out, flags: number, mdown: boolean): void {
  const names = ipFlagWords(flags);
  if (mdown) names.push('M-DOWN');
  o.array('flags', names);
  o.put(`<${names.join(',')}> `);
}

/**
 * The name, with `@peer` for links that have an IFLA_LINK (veth, vxlan on
 * a device …). JSON: `link` (same namespace), `link_index` (peer in another
 * namespace, where only its index is known), or `link: null` (IFLA_LINK 0).
 * Returns whether ip would add M-DOWN (the peer here is down).
 */
function nameAndLink(o: Out, name: string, a: RawAttrs, k: LinkFormatContext, textFmt: (s: string) => string): boolean {
  const iflink = rd.u32(a.get(IFLA.LINK));
  let text = name;
  let mdown = false;
  if (iflink !== undefined) {
    if (iflink) {
      if (a.has(IFLA.LINK_NETNSID)) {
        o.json('link_index', iflink);
        text = `${name}@if${iflink}`;
      } else {
        const peer = k.names.get(iflink) ?? `if${iflink}`;
        o.json('link', peer);
        text = `${name}@${peer}`;
        const pf = k.flagsOf.get(iflink);
        mdown = pf !== undefined && !(pf & IFF_UP);
      }
    } else {
      o.json('link', null);
      text = `${name}@NONE`;
    }
  }
  o.field('ifname', name, textFmt(text));
  return mdown;
}

function linkinfo(o: Out, raw: Uint8Array | undefined, k: LinkFormatContext): void {
  const li = parseNest(raw);
  const info = o.nest('linkinfo');
  const kind = rd.str(li.get(IFLA_INFO.KIND));
  if (kind !== undefined) {
    info.put('\n    ');
    info.field('info_kind', kind, `${kind} `);
    const data = li.get(IFLA_INFO.DATA);
    const printers: Record<string, (x: Out, d: RawAttrs) => void> = {
      bridge: (x, d) => printBridge(x, d),
      tun: (x, d) => printTun(x, d, k),
      vxlan: (x, d) => printVxlan(x, d, k, k.details),
    };
    const p = printers[kind];
    // ip opens info_data only for kinds it knows how to print (veth has none).
    if (p) p(info.nest('info_data'), parseNest(data));
  }
  const slave = rd.str(li.get(IFLA_INFO.SLAVE_KIND));
  if (slave !== undefined) {
    info.put('\n    ');
    info.field('info_slave_kind', slave, `${slave}_slave `);
    if (slave === 'bridge') printBridgePort(info.nest('info_slave_data'), parseNest(li.get(IFLA_INFO.SLAVE_DATA)), k);
  }
}

function afSpec(o: Out, raw: Uint8Array | undefined): void {
  const inet6 = parseNest(parseNest(raw).get(AF_INET6));
  const mode = rd.u8(inet6.get(IFLA_INET6_ADDR_GEN_MODE));
  if (mode === undefined) return;
  const name = ADDR_GEN_MODES[mode] ?? `0x${mode.toString(16).padStart(2, '0')}`;
  o.field('inet6_addr_gen_mode', name, `addrgenmode ${name} `);
}

const STATS64_FIELDS = [
  'rx_packets',
  'tx_packets',
  'rx_bytes',
  'tx_bytes',
  'rx_errors',
  'tx_errors',
  'rx_dropped',
  'tx_dropped',
  'multicast',
  'collisions',
  'rx_length_errors',
  'rx_over_errors',
  'rx_crc_errors',
  'rx_frame_errors',
  'rx_fifo_errors',
  'rx_missed_errors',
  'tx_aborted_errors',
  'tx_carrier_errors',
  'tx_fifo_errors',
  'tx_heartbeat_errors',
  'tx_window_errors',
  'rx_compressed',
  'tx_compressed',
  'rx_nohandler',
  'rx_otherhost_dropped',
] as const;

function stats64(o: Out, raw: Uint8Array | undefined): void {
  if (!raw || raw.length < 8 * 10) return;
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const s: Record<string, bigint> = {};
  STATS64_FIELDS.forEach((f, i) => {
    s[f] = (i + 1) * 8 <= raw.length ? v.getBigUint64(i * 8, true) : 0n;
  });
  const g = (k: string) => s[k] as bigint;
  const st = o.nest('stats64');
  const rx = st.nest('rx');
  rx.json('bytes', g('rx_bytes')).json('packets', g('rx_packets')).json('errors', g('rx_errors')).json('dropped', g('rx_dropped'));
  rx.json('over_errors', g('rx_over_errors')).json('multicast', g('multicast'));
  if (g('rx_compressed')) rx.json('compressed', g('rx_compressed'));
  const tx = st.nest('tx');
  tx.json('bytes', g('tx_bytes')).json('packets', g('tx_packets')).json('errors', g('tx_errors')).json('dropped', g('tx_dropped'));
  tx.json('carrier_errors', g('tx_carrier_errors')).json('collisions', g('collisions'));
  if (g('tx_compressed')) tx.json('compressed', g('tx_compressed'));
  const row = (cells: (string | bigint)[]) => cells.map((c) => String(c).padStart(10)).join('');
  o.put(`\n    RX:${row(['bytes', 'packets', 'errors', 'dropped', 'missed', 'mcast'])}`);
  o.put(`\n       ${row([g('rx_bytes'), g('rx_packets'), g('rx_errors'), g('rx_dropped'), g('rx_missed_errors'), g('multicast')])}`);
  o.put(`\n    TX:${row(['bytes', 'packets', 'errors', 'dropped', 'carrier', 'collsns'])}`);
  o.put(`\n       ${row([g('tx_bytes'), g('tx_packets'), g('tx_errors'), g('tx_dropped'), g('tx_carrier_errors'), g('collisions')])}`);
}

/** Formats one link; `o` may already hold fields (e.g. `deleted` for monitor events). */
export function formatLink(msg: LinkMsg, k: LinkFormatContext, o: Out = new Out()): FormattedLink {
  const a = rawAttrsOf(linkAttrs, msg.attrs);
  const h = msg.header;
  const name = rd.str(a.get(IFLA.IFNAME)) ?? `if${h.index}`;
  const result = { out: o, index: h.index, name, attrs: a };
  const operstate = rd.u8(a.get(IFLA.OPERSTATE));

  if (k.brief) {
    const mdown = nameAndLink(o, name, a, k, (s) => `${s.padEnd(16)} `);
    if (operstate !== undefined) {
      const s = OPER_STATES[operstate];
      if (s !== undefined) o.field('operstate', s, `${s.padEnd(14)} `);
      else o.field('operstate_index', operstate, `state 0x${operstate.toString(16)} `);
    }
    if (k.doLink) {
      const addr = a.get(IFLA.ADDRESS);
      if (addr) o.field('address', llAddr(addr, h.type), `${llAddr(addr, h.type)} `);
      flagsField(o, h.flags, mdown);
    }
    return result;
  }

  o.field('ifindex', h.index, `${h.index}: `);
  const mdown = nameAndLink(o, name, a, k, (s) => `${s}: `);
  flagsField(o, h.flags, mdown);
  const mtu = rd.u32(a.get(IFLA.MTU));
  if (mtu !== undefined) o.field('mtu', mtu, `mtu ${mtu} `);
  const qdisc = rd.str(a.get(IFLA.QDISC));
  if (qdisc !== undefined) o.field('qdisc', qdisc, `qdisc ${qdisc} `);
  const master = rd.u32(a.get(IFLA.MASTER));
  if (master !== undefined) {
    const m = k.names.get(master) ?? `if${master}`;
    o.field('master', m, `master ${m} `);
  }
  if (operstate !== undefined) {
    const s = OPER_STATES[operstate];
    if (s !== undefined) o.field('operstate', s, `state ${s} `);
    else o.field('operstate_index', operstate, `state 0x${operstate.toString(16)} `);
  }
  const mode = rd.u8(a.get(IFLA.LINKMODE));
  if (k.doLink && mode !== undefined) {
    const m = LINK_MODES[mode];
    if (m !== undefined) o.field('linkmode', m, `mode ${m} `);
    else o.field('linkmode_index', mode, `mode ${mode} `);
  }
  const group = rd.u32(a.get(IFLA.GROUP));
  if (group !== undefined) {
    // iproute2 names group 0 "default" (its /etc/iproute2/group); others print as numbers.
    const g = group === 0 ? 'default' : String(group);
    o.field('group', g, `group ${g} `);
  }
  const qlen = rd.u32(a.get(IFLA.TXQLEN));
  if (qlen) o.field('txqlen', qlen, `qlen ${qlen}`);
  const event = rd.u32(a.get(IFLA.EVENT));
  if (event !== undefined) {
    if (event >= LINK_EVENTS.length) o.field('event', event, `event ${event} `);
    else if (event) o.field('event', LINK_EVENTS[event] as string, `event ${LINK_EVENTS[event]} `);
  }

  if (k.linkLayer !== false || k.details) {
    const t = LINK_TYPES[h.type] ?? `[${h.type}]`;
    o.put('\n    ');
    o.field('link_type', t, `link/${t} `);
    const addr = a.get(IFLA.ADDRESS);
    if (addr) o.field('address', llAddr(addr, h.type), llAddr(addr, h.type));
    const brd = a.get(IFLA.BROADCAST);
    if (brd) {
      if (h.flags & IFF_POINTOPOINT) o.put(' peer ').json('link_pointtopoint', true);
      else o.put(' brd ');
      o.field('broadcast', llAddr(brd, h.type), llAddr(brd, h.type));
    }
    const perm = a.get(IFLA.PERM_ADDRESS);
    if (perm && !(addr && addr.length === perm.length && addr.every((x, i) => x === perm[i]))) {
      o.put(' permaddr ').field('permaddr', llAddr(perm, h.type), llAddr(perm, h.type));
    }
  }

  const nsid = rd.s32(a.get(IFLA.LINK_NETNSID));
  if (nsid !== undefined) {
    o.json('link_netnsid', nsid);
    if (nsid >= 0) {
      const n = k.nsidNames.get(nsid);
      o.put(n !== undefined ? ` link-netns ${n}` : ` link-netnsid ${nsid}`);
    } else o.put(' link-netnsid unknown');
  }
  const newNsid = rd.s32(a.get(IFLA.NEW_NETNSID));
  if (newNsid !== undefined) {
    const n = k.nsidNames.get(newNsid);
    o.put(n !== undefined ? ` new-netns ${n}` : ` new-netnsid ${newNsid}`);
  }
  const newIndex = rd.s32(a.get(IFLA.NEW_IFINDEX));
  if (newIndex !== undefined) o.put(` new-ifindex ${newIndex}`);
  if (rd.u8(a.get(IFLA.PROTO_DOWN))) o.field('proto_down', true, ' protodown on ');

  if (k.details) {
    const u = (type: number, key: string, label: string) => {
      const v = rd.u32(a.get(type));
      if (v !== undefined) o.field(key, v, `${label} ${v} `);
    };
    u(IFLA.PROMISCUITY, 'promiscuity', ' promiscuity');
    u(IFLA.ALLMULTI, 'allmulti', ' allmulti');
    u(IFLA.MIN_MTU, 'min_mtu', 'minmtu');
    u(IFLA.MAX_MTU, 'max_mtu', 'maxmtu');
    if (rd.u8(a.get(IFLA.NETNS_IMMUTABLE))) o.field('netns-immutable', true, 'netns-immutable ');
    if (a.has(IFLA.LINKINFO)) linkinfo(o, a.get(IFLA.LINKINFO), k);
    if (k.doLink && a.has(IFLA.AF_SPEC)) afSpec(o, a.get(IFLA.AF_SPEC));
    u(IFLA.NUM_TX_QUEUES, 'num_tx_queues', 'numtxqueues');
    u(IFLA.NUM_RX_QUEUES, 'num_rx_queues', 'numrxqueues');
    u(IFLA.GSO_MAX_SIZE, 'gso_max_size', 'gso_max_size');
    u(IFLA.GSO_MAX_SEGS, 'gso_max_segs', 'gso_max_segs');
    u(IFLA.TSO_MAX_SIZE, 'tso_max_size', 'tso_max_size');
    u(IFLA.TSO_MAX_SEGS, 'tso_max_segs', 'tso_max_segs');
    u(IFLA.GRO_MAX_SIZE, 'gro_max_size', 'gro_max_size');
    u(IFLA.GSO_IPV4_MAX_SIZE, 'gso_ipv4_max_size', 'gso_ipv4_max_size');
    u(IFLA.GRO_IPV4_MAX_SIZE, 'gro_ipv4_max_size', 'gro_ipv4_max_size');
    const s = (type: number, key: string, label: string, hex = false) => {
      const b = a.get(type);
      if (!b) return;
      const v = hex ? Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('') : (rd.str(b) ?? '');
      o.field(key, v, `${label} ${v} `);
    };
    s(IFLA.PHYS_PORT_NAME, 'phys_port_name', 'portname');
    s(IFLA.PHYS_PORT_ID, 'phys_port_id', 'portid', true);
    s(IFLA.PHYS_SWITCH_ID, 'phys_switch_id', 'switchid', true);
    s(IFLA.PARENT_DEV_BUS_NAME, 'parentbus', 'parentbus');
    s(IFLA.PARENT_DEV_NAME, 'parentdev', 'parentdev');
  }
  const alias = rd.str(a.get(IFLA.IFALIAS));
  if ((k.doLink || k.details) && alias !== undefined) o.put('\n    ').field('ifalias', alias, `alias ${alias}`);
  if (k.doLink && k.stats) stats64(o, a.get(IFLA.STATS64));
  const props = parseNestAll(a.get(IFLA.PROP_LIST), IFLA.ALT_IFNAME);
  if (props.length) {
    o.array('altnames', props);
    for (const n of props) o.put(`\n    altname ${n}`);
  }
  return result;
}

/** Every attribute of one number in a nest (IFLA_PROP_LIST repeats IFLA_ALT_IFNAME). */
function parseNestAll(payload: Uint8Array | undefined, type: number): string[] {
  const out: string[] = [];
  if (!payload) return out;
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let off = 0;
  while (off + 4 <= payload.length) {
    const len = v.getUint16(off, true);
    if (len < 4 || off + len > payload.length) break;
    if ((v.getUint16(off + 2, true) & 0x3fff) === type) out.push(rd.str(payload.subarray(off + 4, off + len)) ?? '');
    off += (len + 3) & ~3;
  }
  return out;
}

/** The IFLA_LINKINFO kind and slave kind of a link, for `type KIND` filters. */
export function kindsOf(msg: LinkMsg): { kind?: string; slaveKind?: string } {
  const a = rawAttrsOf(linkAttrs, msg.attrs);
  const li = parseNest(a.get(IFLA.LINKINFO));
  const out: { kind?: string; slaveKind?: string } = {};
  const kind = rd.str(li.get(IFLA_INFO.KIND));
  const slave = rd.str(li.get(IFLA_INFO.SLAVE_KIND));
  if (kind !== undefined) out.kind = kind;
  if (slave !== undefined) out.slaveKind = slave;
  return out;
}
