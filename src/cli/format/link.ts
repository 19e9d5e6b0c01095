/**
 * One link as `ip link show` / `ip -d link show` / `ip -br link` prints it,
 * text and JSON from the same calls, in ip's field order (iproute2's
 * print_linkinfo). The input is the decoded RTM_NEWLINK message (ifinfomsg
 * header + attributes), which is what both listLinks and monitor events
 * carry; every value is read from the decoded attributes, never from bytes.
 */
import { paint, type ColorAttr } from '../color.js';
import { ADDR_GEN_MODE, IFF, type LinkAttrs, formatHex, formatIp, ipFlagWords, parseMac } from '../../wire.js';
import { Out } from '../out.js';
import { colonHex } from './fields.js';
import { KIND_PRINTERS, type KindContext, SLAVE_KIND_PRINTERS } from './kinds.js';

/** The decoded message: ifinfomsg header and the link attributes. */
export interface LinkMsg {
  header: { index: number; type: number; flags: number };
  attrs: LinkAttrs;
}

const OPER_STATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];
const LINK_MODES = ['DEFAULT', 'DORMANT'];
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
function llAddr(addr: string, type: number): string {
  // Everything but the IP tunnels: the decoder's text is already ip's
  // (two lower-case hex digits a byte, colons between), so it is not parsed
  // and printed again — 80,000 times for 40,000 links.
  if (type !== 768 && type !== 776 && type !== 778 && type !== 769 && type !== 823) return addr;
  const b = parseMac(addr) ?? new Uint8Array(0);
  if ((type === 768 || type === 776 || type === 778) && b.length === 4) return formatIp(b);
  if ((type === 769 || type === 823) && b.length === 16) return formatIp(b);
  return colonHex(b);
}

export interface LinkFormatContext extends KindContext {
  /** `ip link` (true) prints `mode` and the IPv6 address-generation mode; `ip addr` (false) does not. */
  doLink: boolean;
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
  attrs: LinkAttrs;
}

function flagsField(o: Out, flags: number, mdown: boolean): void {
  const names = ipFlagWords(flags);
  if (mdown) names.push('M-DOWN');
  o.array('flags', names);
  if (o.textOn) o.put(`<${names.join(',')}> `);
}

/**
 * The name, with `@peer` for links that have an IFLA_LINK (veth, vxlan on
 * a device …). JSON: `link` (same namespace), `link_index` (peer in another
 * namespace, where only its index is known), or `link: null` (IFLA_LINK 0).
 * Returns whether ip would add M-DOWN (the peer here is down).
 */
function nameAndLink(o: Out, name: string, a: LinkAttrs, k: LinkFormatContext, textFmt: (s: string) => string): boolean {
  const iflink = a.link;
  let text = name;
  let mdown = false;
  if (iflink !== undefined) {
    if (iflink) {
      if (a.linkNetnsid !== undefined) {
        o.json('link_index', iflink);
        text = `${name}@if${iflink}`;
      } else {
        const peer = k.names.get(iflink) ?? `if${iflink}`;
        o.json('link', peer);
        text = `${name}@${peer}`;
        const pf = k.flagsOf.get(iflink);
        mdown = pf !== undefined && !(pf & IFF.UP);
      }
    } else {
      o.json('link', null);
      text = `${name}@NONE`;
    }
  }
  o.field('ifname', name, paint('ifname', textFmt(text)));
  return mdown;
}

/** Kind data as decoded, or nothing when the library keeps it raw (a kind it has no table for). */
const table = (d: unknown): Record<string, unknown> | undefined => (d === undefined || d instanceof Uint8Array ? undefined : (d as Record<string, unknown>));

function linkinfo(o: Out, li: NonNullable<LinkAttrs['linkinfo']>, k: LinkFormatContext): void {
  const info = o.nest('linkinfo');
  if (li.kind !== undefined) {
    info.put('\n    ');
    info.field('info_kind', li.kind, `${li.kind} `);
    const print = KIND_PRINTERS[li.kind];
    // ip opens info_data only for kinds it knows how to print (veth has none).
    if (print) print(info.nest('info_data'), table(li.data) ?? {}, k);
  }
  if (li.slaveKind !== undefined) {
    info.put('\n    ');
    info.field('info_slave_kind', li.slaveKind, `${li.slaveKind}_slave `);
    const print = SLAVE_KIND_PRINTERS[li.slaveKind];
    if (print) print(info.nest('info_slave_data'), table(li.slaveData) ?? {}, k);
  }
}

function afSpec(o: Out, spec: LinkAttrs['afSpec']): void {
  const mode = spec instanceof Uint8Array ? undefined : spec?.inet6?.addrGenMode;
  if (mode === undefined) return;
  const name = ADDR_GEN_MODE[mode] ?? `0x${mode.toString(16).padStart(2, '0')}`;
  o.field('inet6_addr_gen_mode', name, `addrgenmode ${name} `);
}

function stats64(o: Out, s: LinkAttrs['stats64']): void {
  if (!s) return;
  const g = (key: keyof typeof s): bigint => (s[key] as bigint | undefined) ?? 0n;
  const st = o.nest('stats64');
  const rx = st.nest('rx');
  rx.json('bytes', g('rxBytes')).json('packets', g('rxPackets')).json('errors', g('rxErrors')).json('dropped', g('rxDropped'));
  rx.json('over_errors', g('rxOverErrors')).json('multicast', g('multicast'));
  if (g('rxCompressed')) rx.json('compressed', g('rxCompressed'));
  const tx = st.nest('tx');
  tx.json('bytes', g('txBytes')).json('packets', g('txPackets')).json('errors', g('txErrors')).json('dropped', g('txDropped'));
  tx.json('carrier_errors', g('txCarrierErrors')).json('collisions', g('collisions'));
  if (g('txCompressed')) tx.json('compressed', g('txCompressed'));
  const row = (cells: (string | bigint)[]) => cells.map((c) => String(c).padStart(10)).join('');
  o.put(`\n    RX:${row(['bytes', 'packets', 'errors', 'dropped', 'missed', 'mcast'])}`);
  o.put(`\n       ${row([g('rxBytes'), g('rxPackets'), g('rxErrors'), g('rxDropped'), g('rxMissedErrors'), g('multicast')])}`);
  o.put(`\n    TX:${row(['bytes', 'packets', 'errors', 'dropped', 'carrier', 'collsns'])}`);
  o.put(`\n       ${row([g('txBytes'), g('txPackets'), g('txErrors'), g('txDropped'), g('txCarrierErrors'), g('collisions')])}`);
}

/** ip's oper_state_color: UP and DOWN have colours, the other states none. */
function stateColor(state: string): ColorAttr | undefined {
  return state === 'UP' ? 'up' : state === 'DOWN' ? 'down' : undefined;
}

/** Formats one link; `o` may already hold fields (e.g. `deleted` for monitor events). */
export function formatLink(msg: LinkMsg, k: LinkFormatContext, o: Out = new Out()): FormattedLink {
  const a = msg.attrs;
  const h = msg.header;
  const name = a.ifname ?? `if${h.index}`;
  const result = { out: o, index: h.index, name, attrs: a };
  const operstate = a.operstate;

  if (k.brief) {
    const mdown = nameAndLink(o, name, a, k, (s) => `${s.padEnd(16)} `);
    if (operstate !== undefined) {
      const s = OPER_STATES[operstate];
      if (s !== undefined) o.field('operstate', s, paint(stateColor(s), `${s.padEnd(14)} `));
      else o.field('operstate_index', operstate, `state 0x${operstate.toString(16)} `);
    }
    if (k.doLink) {
      if (a.address !== undefined) o.field('address', llAddr(a.address, h.type), paint('mac', `${llAddr(a.address, h.type)} `));
      flagsField(o, h.flags, mdown);
    }
    return result;
  }

  const t = o.textOn;
  o.field('ifindex', h.index, t ? `${h.index}: ` : undefined);
  const mdown = nameAndLink(o, name, a, k, (s) => `${s}: `);
  flagsField(o, h.flags, mdown);
  if (a.mtu !== undefined) o.field('mtu', a.mtu, t ? `mtu ${a.mtu} ` : undefined);
  if (a.qdisc !== undefined) o.field('qdisc', a.qdisc, t ? `qdisc ${a.qdisc} ` : undefined);
  if (a.master !== undefined) {
    const m = k.names.get(a.master) ?? `if${a.master}`;
    o.field('master', m, `master ${m} `);
  }
  if (operstate !== undefined) {
    const s = OPER_STATES[operstate];
    if (s !== undefined) o.field('operstate', s, t ? paint(stateColor(s), `state ${s} `) : undefined);
    else o.field('operstate_index', operstate, `state 0x${operstate.toString(16)} `);
  }
  const mode = a.linkmode;
  if (k.doLink && mode !== undefined) {
    const m = LINK_MODES[mode];
    if (m !== undefined) o.field('linkmode', m, t ? `mode ${m} ` : undefined);
    else o.field('linkmode_index', mode, `mode ${mode} `);
  }
  if (a.group !== undefined) {
    // iproute2 names group 0 "default" (its /etc/iproute2/group); others print as numbers.
    const g = a.group === 0 ? 'default' : String(a.group);
    o.field('group', g, t ? `group ${g} ` : undefined);
  }
  if (a.txqlen) o.field('txqlen', a.txqlen, t ? `qlen ${a.txqlen}` : undefined);
  const event = a.event;
  if (event !== undefined) {
    if (event >= LINK_EVENTS.length) o.field('event', event, `event ${event} `);
    else if (event) o.field('event', LINK_EVENTS[event] as string, `event ${LINK_EVENTS[event]} `);
  }

  if (k.linkLayer !== false || k.details) {
    const lt = LINK_TYPES[h.type] ?? `[${h.type}]`;
    o.put('\n    ');
    o.field('link_type', lt, `link/${lt} `);
    if (a.address !== undefined) o.field('address', llAddr(a.address, h.type), paint('mac', llAddr(a.address, h.type)));
    if (a.broadcast !== undefined) {
      if (h.flags & IFF.POINTOPOINT) o.put(' peer ').json('link_pointtopoint', true);
      else o.put(' brd ');
      o.field('broadcast', llAddr(a.broadcast, h.type), paint('mac', llAddr(a.broadcast, h.type)));
    }
    if (a.permAddress !== undefined && a.permAddress !== a.address) {
      o.put(' permaddr ').field('permaddr', llAddr(a.permAddress, h.type), paint('mac', llAddr(a.permAddress, h.type)));
    }
  }

  const nsid = a.linkNetnsid;
  if (nsid !== undefined) {
    o.json('link_netnsid', nsid);
    if (nsid >= 0) {
      const n = k.nsidNames.get(nsid);
      o.put(n !== undefined ? ` link-netns ${n}` : ` link-netnsid ${nsid}`);
    } else o.put(' link-netnsid unknown');
  }
  if (a.newNetnsid !== undefined) {
    const n = k.nsidNames.get(a.newNetnsid);
    o.put(n !== undefined ? ` new-netns ${n}` : ` new-netnsid ${a.newNetnsid}`);
  }
  if (a.newIfindex !== undefined) o.put(` new-ifindex ${a.newIfindex}`);
  if (a.protoDown) o.field('proto_down', true, ' protodown on ');

  if (k.details) {
    const u = (v: number | undefined, key: string, label: string) => {
      if (v !== undefined) o.field(key, v, t ? `${label} ${v} ` : undefined);
    };
    u(a.promiscuity, 'promiscuity', ' promiscuity');
    u(a.allmulti, 'allmulti', ' allmulti');
    u(a.minMtu, 'min_mtu', 'minmtu');
    u(a.maxMtu, 'max_mtu', 'maxmtu');
    if (a.netnsImmutable) o.field('netns-immutable', true, 'netns-immutable ');
    if (a.linkinfo) linkinfo(o, a.linkinfo, k);
    if (k.doLink && a.afSpec !== undefined) afSpec(o, a.afSpec);
    u(a.numTxQueues, 'num_tx_queues', 'numtxqueues');
    u(a.numRxQueues, 'num_rx_queues', 'numrxqueues');
    u(a.gsoMaxSize, 'gso_max_size', 'gso_max_size');
    u(a.gsoMaxSegs, 'gso_max_segs', 'gso_max_segs');
    u(a.tsoMaxSize, 'tso_max_size', 'tso_max_size');
    u(a.tsoMaxSegs, 'tso_max_segs', 'tso_max_segs');
    u(a.groMaxSize, 'gro_max_size', 'gro_max_size');
    u(a.gsoIpv4MaxSize, 'gso_ipv4_max_size', 'gso_ipv4_max_size');
    u(a.groIpv4MaxSize, 'gro_ipv4_max_size', 'gro_ipv4_max_size');
    const s = (v: string | undefined, key: string, label: string) => {
      if (v !== undefined) o.field(key, v, t ? `${label} ${v} ` : undefined);
    };
    s(a.physPortName, 'phys_port_name', 'portname');
    s(a.physPortId && formatHex(a.physPortId), 'phys_port_id', 'portid');
    s(a.physSwitchId && formatHex(a.physSwitchId), 'phys_switch_id', 'switchid');
    s(a.parentDevBusName, 'parentbus', 'parentbus');
    s(a.parentDevName, 'parentdev', 'parentdev');
  }
  if ((k.doLink || k.details) && a.ifalias !== undefined) o.put('\n    ').field('ifalias', a.ifalias, `alias ${a.ifalias}`);
  if (k.doLink && k.stats) stats64(o, a.stats64);
  const alt = a.propList?.altIfname ?? [];
  if (alt.length) {
    o.array('altnames', alt);
    for (const n of alt) o.put(`\n    altname ${n}`);
  }
  return result;
}

/** The IFLA_LINKINFO kind and slave kind of a link, for `type KIND` filters. */
export function kindsOf(msg: LinkMsg): { kind?: string; slaveKind?: string } {
  const li = msg.attrs.linkinfo;
  const out: { kind?: string; slaveKind?: string } = {};
  if (li?.kind !== undefined) out.kind = li.kind;
  if (li?.slaveKind !== undefined) out.slaveKind = li.slaveKind;
  return out;
}
