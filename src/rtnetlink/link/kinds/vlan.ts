/**
 * 802.1Q / 802.1ad VLAN devices (IFLA_VLAN_* in <linux/if_link.h>, flags
 * in <linux/if_vlan.h>; the kernel's vlan_netlink.c). A vlan sits on a
 * lower device (IFLA_LINK) and tags with one VLAN id.
 *
 * Wire facts from vlan_fill_info(): the protocol is a big-endian EtherType;
 * IFLA_VLAN_FLAGS is struct ifla_vlan_flags { flags, mask } with mask ~0 in
 * replies (in requests the mask says which flags to change); the QoS maps
 * are nests of IFLA_VLAN_QOS_MAPPING { from, to } entries — the kernel sends
 * only the ingress mappings that are not 0 and every egress mapping.
 */
import { attr, attrSet, nest, type Decoded, type OptionsOf, type ViewOf } from '../../../netlink/schema.js';
import { be16, struct, u16 } from '../../../netlink/codecs.js';
import { readView } from '../../../netlink/fields.js';
import { ValidationError } from '../../../netlink/errors.js';
import { formatValue } from '../../../netlink/format-value.js';
import { flagSet, vlanProtocol } from './convs.js';

/** struct ifla_vlan_flags. */
export const vlanFlagsStruct = struct('ifla_vlan_flags', { flags: 'u32', mask: 'u32' });
/** struct ifla_vlan_qos_mapping. */
export const vlanQosMapping = struct('ifla_vlan_qos_mapping', { from: 'u32', to: 'u32' });

/** IFLA_VLAN_QOS_* (a QoS map nest). */
export const vlanQosAttrs = attrSet('vlan-qos', {
  mapping: attr(1, vlanQosMapping, { multi: true }),
});

/** VLAN_FLAG_* (<linux/if_vlan.h>). */
export const VLAN_FLAG = { reorderHdr: 0x1, gvrp: 0x2, looseBinding: 0x4, mvrp: 0x8, bridgeBinding: 0x10 } as const;
/** The same bits as ip prints them, by bit number (0x1, 0x2, 0x4, 0x8, 0x10). */
const VLAN_FLAG_WORDS = ['REORDER_HDR', 'GVRP', 'LOOSE_BINDING', 'MVRP', 'BRIDGE_BINDING'];
const vlanFlags = flagSet(VLAN_FLAG);

/** One QoS mapping of a vlan (struct ifla_vlan_qos_mapping): egress maps skb priority to PCP, ingress PCP to skb priority. */
export interface VlanQosMap {
  from: number;
  to: number;
}

/** A QoS map: `[{ from, to }]` ↔ the nest of IFLA_VLAN_QOS_MAPPING entries. */
const qosMap = {
  read: (n: { mapping?: { from: number; to: number }[] }): VlanQosMap[] => (n.mapping ?? []).map(({ from, to }) => ({ from, to })),
  write(v: unknown, field: string): { mapping: { from: number; to: number }[] } {
    if (!Array.isArray(v)) throw new ValidationError(field, `expected an array of { from, to }, got ${formatValue(v)}`);
    return {
      mapping: v.map((m: unknown, i) => {
        const e = m as Partial<VlanQosMap>;
        const ok = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
        if (!m || typeof m !== 'object' || !ok(e.from) || !ok(e.to)) throw new ValidationError(`${field}[${i}]`, `expected { from, to } with integers, got ${formatValue(m)}`);
        return { from: e.from as number, to: e.to as number };
      }),
    };
  },
};

/** IFLA_VLAN_*: number and codec, the friendly field of `Link.info` and of createVlan's options, iproute2's spelling. */
export const vlanAttrs = attrSet('vlan', {
  /** The VLAN id, 0–4094. */
  id: attr(1, u16).view('id', 'num', { writable: true }).spelled('id'),
  /** REORDER_HDR (on by default), GVRP, LOOSE_BINDING, MVRP, BRIDGE_BINDING; a request changes only the flags it names. */
  flags: attr(2, vlanFlagsStruct).view('flags', vlanFlags.masked, { writable: true }).spelled('flags', {
    shape: 'vlan-flags',
    names: VLAN_FLAG_WORDS,
    option: false,
    flagOptions: { reorder_hdr: 'reorderHdr', gvrp: 'gvrp', mvrp: 'mvrp', loose_binding: 'looseBinding', bridge_binding: 'bridgeBinding' },
  }),
  /** skb priority → 802.1p PCP of outgoing frames. */
  egressQos: attr(3, nest(vlanQosAttrs)).view('egressQos', qosMap, { writable: true }).spelled('egress_qos', { label: 'egress-qos-map', shape: 'qos-map', option: false }),
  /** 802.1p PCP → skb priority of incoming frames. */
  ingressQos: attr(4, nest(vlanQosAttrs)).view('ingressQos', qosMap, { writable: true }).spelled('ingress_qos', { label: 'ingress-qos-map', shape: 'qos-map', option: false }),
  /** 802.1Q (default) or 802.1ad (QinQ). */
  protocol: attr(5, be16).view('protocol', vlanProtocol, { writable: true }).spelled('protocol', { shape: 'ethertype' }),
});

/** IFLA_VLAN_* as decoded: a vlan's IFLA_INFO_DATA. */
export type VlanAttrs = Decoded<typeof vlanAttrs>;

/** The friendly view of a vlan (`Link.info` when kind is "vlan"). */
export type VlanInfo = { kind: 'vlan' } & ViewOf<typeof vlanAttrs>;
/** createVlan's vlan options. */
export type VlanOptions = OptionsOf<typeof vlanAttrs>;

/** The friendly view of vlan link data. */
export function vlanInfo(data: VlanAttrs): VlanInfo {
  return { kind: 'vlan', ...readView(vlanAttrs, data) } as VlanInfo;
}

/** The order `ip -d link show` prints these rows in (iproute2's iplink_vlan.c vlan_print_opt). */
export const VLAN_IP_ORDER: readonly (keyof typeof vlanAttrs.specs)[] = ['protocol', 'id', 'flags', 'ingressQos', 'egressQos'];
