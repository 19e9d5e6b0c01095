/**
 * One create call per link kind, each `createKindLink` with its kind's
 * options typed: the common ones (name, lower device, target namespace,
 * MTU, address, master, up …) and the writable views of the kind's table.
 * Every call returns the new link and, when it has one, its lower device.
 */
import { ValidationError, explainError, withUndoFailures } from '../../netlink/errors.js';
import { formatValue } from '../../netlink/format-value.js';
import { type BondOptions, type GeneveOptions, type GreOptions, type IptunOptions, type Ip6greOptions, type Ip6tnlOptions, type IpvlanOptions, type MacvlanOptions, type VlanOptions, type VrfOptions } from '../../rtnetlink/link/index.js';
import { type CreateLinkCommon, type CreatedLink, createKindLink } from './create.js';
import { deleteLink } from './delete.js';
import { getLink } from './list.js';
import type { LinkRef } from './lookup.js';
import { OPERATION_KEYS } from './request.js';
import { undoStep } from './rollback.js';
import { setLink } from './set.js';
import { validateLinkRef } from '../../rtnetlink/link/index.js';

export type { CreateLinkCommon, CreatedLink } from './create.js';

/**
 * Creates a link of any kind the library models (`Link.info` kinds), with
 * that kind's options — for kinds without a dedicated call, or when the
 * kind is chosen at run time.
 */
export function createLink(kind: string, opts: CreateLinkCommon & Record<string, unknown>): Promise<CreatedLink> {
  return createKindLink(kind, opts, { operation: `createLink(${JSON.stringify(kind)})` });
}

/** A dummy device (kind "dummy"): a link that drops what it is sent, for addresses and routes that need a device. */
export function createDummy(name: string, opts: Omit<CreateLinkCommon, 'name' | 'link'> = {}): Promise<CreatedLink> {
  return createKindLink('dummy', { ...opts, name }, { operation: 'createDummy' });
}

/** Options of createVlan: the common create options, the lower device, the VLAN id, and the IFLA_VLAN_* extras. */
export interface CreateVlanOptions extends CreateLinkCommon, VlanOptions {
  /** The lower device the vlan tags on. */
  link: LinkRef;
  /** The VLAN id, 0–4094. */
  id: number;
}

/** An 802.1Q (or, with `protocol: '802.1ad'`, QinQ) VLAN device on `link`. */
export async function createVlan(opts: CreateVlanOptions): Promise<CreatedLink> {
  // VLAN ids are 12 bits; 4095 is reserved (vlan_validate: "Invalid VLAN id").
  if (!opts || typeof opts.id !== 'number' || !Number.isInteger(opts.id) || opts.id < 0 || opts.id > 4094) {
    throw new ValidationError('id', `expected a VLAN id 0..4094, got ${formatValue(opts?.id)}`);
  }
  return createKindLink('vlan', opts as CreateVlanOptions & Record<string, unknown>, { operation: 'createVlan', requireLink: true });
}

/** Options of createMacvlan and createMacvtap: the common create options, the lower device, and the IFLA_MACVLAN_* settings. */
export interface CreateMacvlanOptions extends CreateLinkCommon, MacvlanOptions {
  /** The lower device. */
  link: LinkRef;
}

/**
 * A macvlan on `link`: its own MAC address on the lower device, in `mode`
 * private, vepa, bridge (the usual), passthru or source (then `sourceMacs`
 * lists the senders it receives from). With `targetNetns` it is born inside
 * another namespace, as the CNI macvlan plugin makes it.
 */
export function createMacvlan(opts: CreateMacvlanOptions): Promise<CreatedLink> {
  return createKindLink('macvlan', opts as CreateMacvlanOptions & Record<string, unknown>, { operation: 'createMacvlan', requireLink: true });
}

/** A macvtap: a macvlan with a character device (/dev/tapN) for a VM's NIC. */
export function createMacvtap(opts: CreateMacvlanOptions): Promise<CreatedLink> {
  return createKindLink('macvtap', opts as CreateMacvlanOptions & Record<string, unknown>, { operation: 'createMacvtap', requireLink: true });
}

/** Options of createIpvlan and createIpvtap: the common create options, the lower device, and the IFLA_IPVLAN_* settings. */
export interface CreateIpvlanOptions extends CreateLinkCommon, IpvlanOptions {
  /** The lower device, whose MAC address the ipvlan shares. */
  link: LinkRef;
}

/**
 * An ipvlan on `link`: the lower device's MAC address, its own IP
 * addresses; `mode` l3 (the kernel's default), l3s or l2, `isolation`
 * bridge (default), private or vepa. With `targetNetns` it is born inside
 * another namespace, as the CNI ipvlan plugin makes it.
 */
export function createIpvlan(opts: CreateIpvlanOptions): Promise<CreatedLink> {
  return createKindLink('ipvlan', opts as CreateIpvlanOptions & Record<string, unknown>, { operation: 'createIpvlan', requireLink: true });
}

/** An ipvtap: an ipvlan with a character device (/dev/tapN) for a VM's NIC. */
export function createIpvtap(opts: CreateIpvlanOptions): Promise<CreatedLink> {
  return createKindLink('ipvtap', opts as CreateIpvlanOptions & Record<string, unknown>, { operation: 'createIpvtap', requireLink: true });
}

/** Options of createVrf: the common create options (no lower device) and the VRF's routing table. */
export interface CreateVrfOptions extends Omit<CreateLinkCommon, 'link'>, VrfOptions {
  /** The routing table the VRF's ports route through; required, and fixed once the VRF exists. */
  table: number;
}

/** A VRF device bound to routing table `table`; enslave links to it with `setLink(…, { master })`. */
export async function createVrf(opts: CreateVrfOptions): Promise<CreatedLink> {
  // vrf_newlink refuses a missing table ("Routing table not specified"); say so before asking.
  if (!opts || typeof opts.table !== 'number' || !Number.isInteger(opts.table) || opts.table < 1 || opts.table > 0xffffffff) {
    throw new ValidationError('table', `expected a routing table id 1..4294967295, got ${formatValue(opts?.table)}`);
  }
  return createKindLink('vrf', opts as CreateVrfOptions & Record<string, unknown>, { operation: 'createVrf' });
}

/**
 * A WireGuard device. rtnetlink only makes the link: its keys, listen port
 * and peers are set over generic netlink (the "wireguard" family).
 */
export function createWireguard(name: string, opts: Omit<CreateLinkCommon, 'name' | 'link'> = {}): Promise<CreatedLink> {
  return createKindLink('wireguard', { ...opts, name }, { operation: 'createWireguard' });
}

/** Options of createBond: the common create options (no lower device, no target namespace), the IFLA_BOND_* settings, and the ports to enslave. */
export interface CreateBondOptions extends Omit<CreateLinkCommon, 'link' | 'targetNetns'>, BondOptions {
  /** Ports to enslave once the bond exists, in this order (names or ifindexes in the call's namespace). */
  ports?: LinkRef[];
}

/** What createBond returns: the bond as it is once its ports are enslaved, and the ports. */
export interface CreatedBond extends CreatedLink {
  ports: Awaited<ReturnType<typeof setLink>>[];
}

/**
 * A bonding device in `mode` (balance-rr, the kernel's default,
 * active-backup, balance-xor, broadcast, 802.3ad, balance-tlb,
 * balance-alb) with its options, and `ports` enslaved to it one by one (an
 * RTM_SETLINK with IFLA_MASTER each: the kernel has no way to create a
 * bond with its ports in one request). If a port cannot be enslaved the
 * bond is deleted — which releases the ports already in it — and the
 * error says which port failed, its cause the kernel's.
 */
export async function createBond(opts: CreateBondOptions): Promise<CreatedBond> {
  const { ports = [], ...rest } = opts ?? ({} as CreateBondOptions);
  if (!Array.isArray(ports)) throw new ValidationError('ports', `expected an array of links, got ${formatValue(ports)}`);
  ports.forEach((p, i) => validateLinkRef(p, `ports[${i}]`));
  const created = await createKindLink('bond', rest as CreateBondOptions & Record<string, unknown>, { operation: 'createBond' });
  const at = Object.fromEntries(Object.entries(opts).filter(([k]) => (OPERATION_KEYS as readonly string[]).includes(k)));
  const out: CreatedBond = { ...created, ports: [] };
  for (const [i, port] of ports.entries()) {
    try {
      out.ports.push(await setLink(port, { ...at, master: created.link.index }));
    } catch (e) {
      const failures: unknown[] = [];
      await undoStep(failures, () => deleteLink(created.link.index, at));
      throw withUndoFailures(explainError(e, `ports[${i}]`, `${formatValue(port)} could not be enslaved to ${created.link.name}, which was deleted again`), failures);
    }
  }
  if (ports.length) {
    out.link = await getLink(created.link.index, at);
  }
  return out;
}

/** Options of createGeneve: the common create options (no lower device) and the IFLA_GENEVE_* settings. */
export interface CreateGeneveOptions extends Omit<CreateLinkCommon, 'link'>, GeneveOptions {}

/**
 * A Geneve tunnel: `id` (the VNI, 0–2^24-1) to `remote` (IPv4) or
 * `remote6`, UDP port `port` (6081), or `external: true` for a
 * collect-metadata device (one per port and namespace).
 */
export async function createGeneve(opts: CreateGeneveOptions): Promise<CreatedLink> {
  // geneve_nl2info takes the VNI as 24 bits; the kernel would keep the low ones silently.
  if (opts?.id !== undefined && (typeof opts.id !== 'number' || !Number.isInteger(opts.id) || opts.id < 0 || opts.id > 0xffffff)) {
    throw new ValidationError('id', `expected a VNI 0..16777215, got ${formatValue(opts.id)}`);
  }
  return createKindLink('geneve', opts as CreateGeneveOptions & Record<string, unknown>, { operation: 'createGeneve' });
}

/** Options of createGre and createGretap: the common create options (no lower device) and the IFLA_GRE_* settings. */
export interface CreateGreOptions extends Omit<CreateLinkCommon, 'link'>, GreOptions {}

/**
 * A GRE tunnel over IPv4 (`remote`, `local`, `ttl` 0 = inherit, keys,
 * `inFlags`/`outFlags` { seq, csum }, `device` the underlay ifindex,
 * `external` for collect-metadata). A key (`ikey`/`okey`, a number or a
 * dotted quad) turns on GRE_KEY for its direction, as ip's `key` does.
 */
export function createGre(opts: CreateGreOptions): Promise<CreatedLink> {
  return createKindLink('gre', opts as CreateGreOptions & Record<string, unknown>, { operation: 'createGre' });
}

/** Ethernet over GRE (kind "gretap"): a GRE tunnel that carries frames, so it can be a bridge port. */
export function createGretap(opts: CreateGreOptions): Promise<CreatedLink> {
  return createKindLink('gretap', opts as CreateGreOptions & Record<string, unknown>, { operation: 'createGretap' });
}

/** Options of createIpip and createSit: the common create options (no lower device) and the IFLA_IPTUN_* settings. */
export interface CreateIptunOptions extends Omit<CreateLinkCommon, 'link'>, IptunOptions {}

/** An IP-in-IP tunnel (kind "ipip"): `remote`, `local`, `ttl` (0 = inherit), `proto` (`ipip`, `mplsip`, `any`), `device`, `external`. */
export function createIpip(opts: CreateIptunOptions): Promise<CreatedLink> {
  return createKindLink('ipip', opts as CreateIptunOptions & Record<string, unknown>, { operation: 'createIpip' });
}

/** An IPv6-in-IPv4 tunnel (kind "sit"): as ipip, with `proto` `ip6ip` (default), `ipip` or `any`, and `isatap`. */
export function createSit(opts: CreateIptunOptions): Promise<CreatedLink> {
  return createKindLink('sit', opts as CreateIptunOptions & Record<string, unknown>, { operation: 'createSit' });
}

/** Options of createIp6tnl: the common create options (no lower device) and the IFLA_IPTUN_* settings with IPv6 endpoints. */
export interface CreateIp6tnlOptions extends Omit<CreateLinkCommon, 'link'>, Ip6tnlOptions {}

/**
 * An IPv6 tunnel (kind "ip6tnl", RFC 2473): `remote`, `local` (IPv6),
 * `proto` (`ip6ip6`, `ipip6`, `any`: the kernel's default), `ttl` (the hop
 * limit; 0 or "inherit"), `encapLimit`, `flowinfo` { tclass, flowlabel },
 * `tunnelFlags` (IP6_TNL_F_*), `device`, `fwmark`, `external`. As with ip,
 * the hop limit defaults to 64 and the encapsulation limit to 4.
 */
export function createIp6tnl(opts: CreateIp6tnlOptions): Promise<CreatedLink> {
  return createKindLink('ip6tnl', opts as CreateIp6tnlOptions & Record<string, unknown>, { operation: 'createIp6tnl' });
}

/** Options of createIp6gre and createIp6gretap: the common create options (no lower device) and the IFLA_GRE_* settings with IPv6 endpoints. */
export interface CreateIp6greOptions extends Omit<CreateLinkCommon, 'link'>, Ip6greOptions {}

/** GRE over IPv6 (kind "ip6gre"): the IPv6 rows of createIp6tnl and gre's keys and flags (`ikey`, `okey`, `inFlags`, `outFlags`). */
export function createIp6gre(opts: CreateIp6greOptions): Promise<CreatedLink> {
  return createKindLink('ip6gre', opts as CreateIp6greOptions & Record<string, unknown>, { operation: 'createIp6gre' });
}

/** Ethernet over GRE over IPv6 (kind "ip6gretap"): as createIp6gre. */
export function createIp6gretap(opts: CreateIp6greOptions): Promise<CreatedLink> {
  return createKindLink('ip6gretap', opts as CreateIp6greOptions & Record<string, unknown>, { operation: 'createIp6gretap' });
}
