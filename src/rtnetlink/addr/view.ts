/**
 * The friendly view of an address message (RTM_NEWADDR): plain data with
 * the names `ip -j addr` uses, while `raw` keeps the decoded message.
 */
import type { Decoded } from '../../netlink/schema.js';
import { withToJSON } from '../../netlink/json-safe.js';
import { AF } from '../constants.js';
import { scopeName } from '../route/names.js';
import { IFA_F, INFINITY_LIFE_TIME, type AddressFlagName, type IfAddrMsg } from './header.js';
import type { addrAttrs } from './attrs.js';

/** `inet` (IPv4) or `inet6` (IPv6), as `ip -j` names address families. */
export type AddressFamily = 'inet' | 'inet6';

/** Lifetime in seconds, or `'forever'`. */
export type Lifetime = number | 'forever';

/** An address as the kernel reports it. Field names follow `ip -j addr`'s addr_info where they exist. */
export interface Address {
  /** ifindex of the link. */
  index: number;
  /** The link's name, when it could be resolved. */
  link?: string;
  family: AddressFamily;
  /** The interface's own address (IFA_LOCAL, or IFA_ADDRESS when there is no IFA_LOCAL). */
  address: string;
  prefixLength: number;
  /** Same as `address`: ip -j's name for it. */
  local: string;
  /** The other end of a point-to-point link, when IFA_ADDRESS differs from IFA_LOCAL. */
  peer?: string;
  broadcast?: string;
  anycast?: string;
  multicast?: string;
  /** `global`, `site`, `link`, `host`, `nowhere`, or a number as text. */
  scope: string;
  /** IFA_F_* names (`secondary` is `temporary` for IPv6, as ip prints it). `permanent` absent = ip's `dynamic`. */
  flags: string[];
  label?: string;
  validLifetime?: Lifetime;
  preferredLifetime?: Lifetime;
  /** Metric of the prefix route the kernel made for this address (IFA_RT_PRIORITY). */
  metric?: number;
  /** IFA_PROTO: who added the address. */
  protocol?: number;
  /** The decoded message, for fields this object does not model. */
  raw: { header: IfAddrMsg; attrs: Decoded<typeof addrAttrs> };
}

/** Turns a decoded RTM_NEWADDR into an Address. */
export function toAddress(msg: { header: IfAddrMsg; attrs: Decoded<typeof addrAttrs> }, names?: Map<number, string>): Address {
  const { header: h, attrs: a } = msg;
  const local = a.local ?? a.address ?? '';
  const flagBits = a.flags ?? h.flags;
  const v6 = h.family === AF.INET6;
  const flags: string[] = [];
  for (const [name, bit] of Object.entries(IFA_F) as [AddressFlagName, number][]) {
    if (flagBits & bit) flags.push(name === 'secondary' && v6 ? 'temporary' : name);
  }
  const out: Address = {
    index: h.index,
    family: v6 ? 'inet6' : 'inet',
    address: local,
    prefixLength: h.prefixLength,
    local,
    scope: scopeName(h.scope),
    flags,
    raw: msg,
  };
  const name = names?.get(h.index);
  if (name !== undefined) out.link = name;
  if (a.local !== undefined && a.address !== undefined && a.address !== a.local) out.peer = a.address;
  if (a.broadcast !== undefined) out.broadcast = a.broadcast;
  if (a.anycast !== undefined) out.anycast = a.anycast;
  if (a.multicast !== undefined) out.multicast = a.multicast;
  if (a.label !== undefined) out.label = a.label;
  if (a.cacheinfo) {
    out.validLifetime = a.cacheinfo.valid === INFINITY_LIFE_TIME ? 'forever' : a.cacheinfo.valid;
    out.preferredLifetime = a.cacheinfo.preferred === INFINITY_LIFE_TIME ? 'forever' : a.cacheinfo.preferred;
  }
  if (a.rtPriority !== undefined) out.metric = a.rtPriority;
  if (a.proto !== undefined) out.protocol = a.proto;
  return withToJSON(out);
}
