/**
 * IP addresses on links (RTM_NEWADDR / DELADDR / GETADDR), IPv4 and IPv6:
 * what `ip addr add|del|show` does.
 */
import { NLM_F } from '../../netlink/constants.js';
import { ValidationError } from '../../netlink/errors.js';
import { type Cidr, formatIp, ipInPrefix, parseCidr } from '../../netlink/inet.js';
import { ipAddressOption, ipFamilyOption } from '../ip-input.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import { type OperationOptions, checkedAt, withSocket } from '../options.js';
import type { LinkRef } from '../links/index.js';
import { linkNames, resolveLinkIndex } from '../links/lookup.js';
import { type BulkOptions, indexOrError, resolveNames, settle } from '../links/bulk.js';
import { rejectUnknownKeys, validateLinkRef, validateOptions } from '../../rtnetlink/link/index.js';
import { AF, RTM } from '../../rtnetlink/constants.js';
import { IFA_F, INFINITY_LIFE_TIME, addrMessage, type IfAddrMsg } from '../../rtnetlink/addr/index.js';
import type { Decoded } from '../../netlink/schema.js';
import type { addrAttrs } from '../../rtnetlink/addr/index.js';
import { RT_SCOPE, lookupNumber } from '../../rtnetlink/route/names.js';
import { deleteEach } from '../flush.js';


export type { Address, AddressFamily, Lifetime } from '../../rtnetlink/addr/view.js';
export { toAddress } from '../../rtnetlink/addr/view.js';
import { type Address, type AddressFamily, type Lifetime, toAddress } from '../../rtnetlink/addr/view.js';
import { formatValue } from '../../netlink/format-value.js';

/** Flags a caller may set (the others are the kernel's to report). */
const SETTABLE_FLAGS = ['nodad', 'optimistic', 'home', 'mngtmpaddr', 'noprefixroute', 'autojoin'] as const;
const V6_ONLY_FLAGS = new Set(['nodad', 'optimistic', 'home', 'mngtmpaddr']);
/** An IFA_F_* flag addAddress may set, by name (`nodad`, `noprefixroute` …); the others are the kernel's to report. */
export type SettableAddressFlag = (typeof SETTABLE_FLAGS)[number];

/** Options of addAddress: the IFA_* extras of the address (broadcast, label, scope, flags, lifetimes, peer, metric) and whether to replace. */
export interface AddAddressOptions extends OperationOptions {
  /** IPv4 broadcast address, or `true` to derive it from the prefix (`ip addr add … brd +`). */
  broadcast?: string | true;
  /** IPv4 label (`eth0:1`): 1–15 bytes. */
  label?: string;
  /** IPv4 only: `global` (default), `site`, `link`, `host`, or a number 0–255. */
  scope?: string | number;
  flags?: SettableAddressFlag[];
  /** Seconds, or `'forever'` (the default). */
  validLifetime?: Lifetime;
  /** Seconds, or `'forever'` (the default); at most validLifetime. */
  preferredLifetime?: Lifetime;
  /** The other end of a point-to-point link; the prefix then applies to it. */
  peer?: string;
  /** Metric of the prefix route the kernel adds for the address. */
  metric?: number;
  /** Replace an existing identical address (updates lifetimes, flags) instead of failing with EEXIST. */
  replace?: boolean;
}

/** Options of listAddresses: only one link's addresses, only one family's. */
export interface ListAddressesOptions extends OperationOptions {
  link?: LinkRef;
  family?: AddressFamily;
}

function parseCidrField(cidr: unknown, field: string): Cidr {
  const c = parseCidr(cidr);
  if (!c) throw new ValidationError(field, `invalid address ${JSON.stringify(cidr)}: expected IPv4 or IPv6 in CIDR form (10.0.0.1/24, fd00::1/64)`);
  return c;
}

function lifetime(v: unknown, field: string): number {
  if (v === undefined || v === 'forever') return INFINITY_LIFE_TIME;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= INFINITY_LIFE_TIME) {
    throw new ValidationError(field, `expected whole seconds (0 … ${INFINITY_LIFE_TIME - 1}) or 'forever', got ${formatValue(v)}`);
  }
  return v;
}

/** The IPv4 broadcast address of a prefix (all host bits set). */
function broadcastOf(c: Cidr): string {
  const b = c.bytes.slice();
  for (let bit = c.prefixLength; bit < 32; bit++) b[bit >> 3] = (b[bit >> 3] as number) | (0x80 >> (bit & 7));
  return formatIp(b);
}

interface AddrRequest {
  header: IfAddrMsg;
  attrs: Decoded<typeof addrAttrs>;
  flags: number;
}

/** Validates everything and builds the message; no system call. */
const ADD_KEYS = ['netns', 'socket', 'timeout', 'broadcast', 'label', 'scope', 'flags', 'validLifetime', 'preferredLifetime', 'peer', 'metric', 'replace'] as const;

function buildAdd(cidr: string, o: AddAddressOptions): AddrRequest {
  rejectUnknownKeys(o, ADD_KEYS, '');
  const c = parseCidrField(cidr, 'address');
  const v6 = c.family === AF.INET6;
  const attrs: Decoded<typeof addrAttrs> = {};
  attrs.local = c.address;
  attrs.address = o.peer !== undefined ? ipAddressOption(o.peer, 'peer', c.family).text : c.address;
  if (o.broadcast !== undefined) {
    if (v6) throw new ValidationError('broadcast', 'IPv6 has no broadcast addresses');
    attrs.broadcast = o.broadcast === true ? broadcastOf(c) : ipAddressOption(o.broadcast, 'broadcast', c.family).text;
  }
  if (o.label !== undefined) {
    if (v6) throw new ValidationError('label', 'labels exist only on IPv4 addresses');
    if (typeof o.label !== 'string' || new TextEncoder().encode(o.label).length > 15 || o.label.length === 0) {
      throw new ValidationError('label', `expected 1–15 bytes, got ${formatValue(o.label)}`);
    }
    attrs.label = o.label;
  }
  let scope = 0;
  if (o.scope !== undefined) {
    // ipv6_add_addr derives an IPv6 address's scope from the address itself; ifa_scope is ignored.
    if (v6) throw new ValidationError('scope', 'the kernel derives an IPv6 address\'s scope from the address (fe80::/10 is link scope); it cannot be set');
    const s = lookupNumber(RT_SCOPE, o.scope, 255);
    if (s === undefined) throw new ValidationError('scope', `expected one of ${Object.keys(RT_SCOPE).join(', ')} or 0–255, got ${formatValue(o.scope)}`);
    scope = s;
  }
  let flags = 0;
  if (o.flags !== undefined) {
    if (!Array.isArray(o.flags)) throw new ValidationError('flags', 'expected an array of flag names');
    for (const f of o.flags) {
      if (!(SETTABLE_FLAGS as readonly string[]).includes(f)) throw new ValidationError('flags', `unknown or read-only flag ${JSON.stringify(f)}; settable: ${SETTABLE_FLAGS.join(', ')}`);
      if (!v6 && V6_ONLY_FLAGS.has(f)) throw new ValidationError('flags', `${f} applies to IPv6 addresses only`);
      flags |= IFA_F[f];
    }
  }
  if (o.validLifetime !== undefined || o.preferredLifetime !== undefined) {
    const valid = lifetime(o.validLifetime, 'validLifetime');
    const preferred = lifetime(o.preferredLifetime ?? o.validLifetime, 'preferredLifetime');
    if (preferred > valid) throw new ValidationError('preferredLifetime', `must not exceed validLifetime (${preferred} > ${valid})`);
    attrs.cacheinfo = { preferred, valid, cstamp: 0, tstamp: 0 };
  }
  if (o.metric !== undefined) {
    if (!Number.isInteger(o.metric) || o.metric < 0 || o.metric > 0xffffffff) throw new ValidationError('metric', `expected 0 … 4294967295, got ${o.metric}`);
    attrs.rtPriority = o.metric;
  }
  if (flags) attrs.flags = flags;
  if (o.replace !== undefined && typeof o.replace !== 'boolean') throw new ValidationError('replace', 'expected a boolean');
  return {
    header: { family: c.family, prefixLength: c.prefixLength, flags: flags & 0xff, scope, index: 0 },
    attrs,
    flags: NLM_F.CREATE | (o.replace ? NLM_F.REPLACE : NLM_F.EXCL),
  };
}

/**
 * Adds an address to a link, as `ip addr add CIDR dev LINK`. The prefix
 * route the kernel derives from it appears in the main table (unless
 * `flags: ['noprefixroute']`).
 */
export async function addAddress(link: LinkRef, cidr: string, options: AddAddressOptions = {}): Promise<void> {
  validateOptions(options);
  validateLinkRef(link, 'link');
  const req = buildAdd(cidr, options);
  await withSocket(options, async (socket) => {
    req.header.index = await resolveLinkIndex(socket, link, 'link', 'addAddress');
    await socket.request(RTM.NEWADDR, req.flags, (w) => addrMessage.encode(w, req), { operation: 'addAddress', attrs: addrMessage.attrs });
  });
}

/** One address of addAddresses: the link, the address in CIDR form, and addAddress's options for it. */
export interface AddressEntry extends Omit<AddAddressOptions, 'netns' | 'socket' | 'timeout'> {
  link: LinkRef;
  address: string;
}

/**
 * Adds many addresses, pipelined (RtnlSocket.batch: a window of requests
 * per send, link names resolved in one batch first). One entry per
 * address, in order, as Promise.allSettled gives them: an address the
 * kernel refuses (EEXIST, a missing link) is its own `rejected` entry.
 * Every entry is validated before anything is sent; a bad one is a
 * ValidationError naming it (`addresses[2].address`).
 */
export async function addAddresses(entries: readonly AddressEntry[], options: BulkOptions = {}): Promise<PromiseSettledResult<void>[]> {
  if (!Array.isArray(entries)) throw new ValidationError('addresses', 'expected an array of { link, address }');
  rejectUnknownKeys(options, ['netns', 'socket', 'timeout', 'window'], '');
  const reqs = entries.map((e, i) =>
    checkedAt(`addresses[${i}]`, () => {
      if (!e || typeof e !== 'object') throw new ValidationError('entry', 'expected { link, address }');
      const { link, address, ...o } = e;
      validateLinkRef(link, 'link');
      return { link, req: buildAdd(address, o) };
    }),
  );
  return withSocket(options, (socket) => {
    const index = resolveNames(socket, reqs.map((r) => r.link).filter((l): l is string => typeof l === 'string'), 'addAddresses');
    const sendable: number[] = [];
    const out: PromiseSettledResult<void>[] = reqs.map((r, i) => {
      const ix = indexOrError(index, r.link, 'addAddresses', `addresses[${i}].link`);
      if (ix instanceof Error) return { status: 'rejected', reason: ix };
      r.req.header.index = ix;
      sendable.push(i);
      return { status: 'fulfilled', value: undefined };
    });
    const answers = socket.batch(
      sendable.map((i) => ({ type: RTM.NEWADDR, flags: reqs[i]!.req.flags, body: (w: Parameters<typeof addrMessage.encode>[0]) => addrMessage.encode(w, reqs[i]!.req), options: { operation: 'addAddresses', attrs: addrMessage.attrs } })),
      options.window === undefined ? {} : { window: options.window },
    );
    answers.forEach((a, k) => (out[sendable[k]!] = settle(a, () => undefined)));
    return out;
  });
}

/** Options of deleteAddress. */
export interface DeleteAddressOptions extends OperationOptions {
  /** The peer the address was added with, for point-to-point addresses. */
  peer?: string;
}

/**
 * Removes an address from a link, as `ip addr del CIDR dev LINK`. Without a
 * prefix length (`10.0.0.1`), the address is found on the link and removed
 * whatever its prefix. Removing a primary IPv4 address also removes its
 * secondaries unless the sysctl promote_secondaries is set.
 */
export async function deleteAddress(link: LinkRef, cidr: string, options: DeleteAddressOptions = {}): Promise<void> {
  validateLinkRef(link, 'link');
  const c = parseCidrField(cidr, 'address');
  const explicitPrefix = cidr.includes('/');
  const peer = options.peer !== undefined ? ipAddressOption(options.peer, 'peer', c.family).text : undefined;
  await withSocket(options, async (socket) => {
    const index = await resolveLinkIndex(socket, link, 'link', 'deleteAddress');
    let prefixLength = c.prefixLength;
    if (!explicitPrefix) {
      const found = (await dumpAddresses(socket, c.family, index)).find((a) => a.address === c.address);
      if (found) prefixLength = found.prefixLength;
    }
    const attrs: Decoded<typeof addrAttrs> = { local: c.address };
    // IFA_ADDRESS makes the kernel also match the prefix length (inet_rtm_deladdr); IPv6 always matches it.
    if (explicitPrefix || peer !== undefined || c.family === AF.INET6) attrs.address = peer ?? c.address;
    await socket.request(
      RTM.DELADDR,
      0,
      (w) => addrMessage.encode(w, { header: { family: c.family, prefixLength, flags: 0, scope: 0, index }, attrs }),
      { operation: 'deleteAddress', attrs: addrMessage.attrs },
    );
  });
}

async function dumpAddresses(socket: RtnlSocket, family: number, index: number, names?: Map<number, string>): Promise<Address[]> {
  const out: Address[] = [];
  // With strict checking the kernel filters the dump by ifa_index itself.
  for await (const m of socket.dump(RTM.GETADDR, 0, (w) => addrMessage.encode(w, { header: { family, prefixLength: 0, flags: 0, scope: 0, index } }), {
    operation: 'listAddresses',
    attrs: addrMessage.attrs,
  })) {
    if (m.type !== RTM.NEWADDR) continue;
    const msg = addrMessage.decode(m.bytes);
    if (index && msg.header.index !== index) continue;
    if (msg.header.family !== AF.INET && msg.header.family !== AF.INET6) continue;
    out.push(toAddress(msg, names));
  }
  return out;
}

/** The addresses of a namespace, or of one link, optionally of one family (`ip addr show`). */
export async function listAddresses(options: ListAddressesOptions = {}): Promise<Address[]> {
  rejectUnknownKeys(options, ['netns', 'socket', 'timeout', 'link', 'family'], '');
  const family = ipFamilyOption(options.family) ?? AF.UNSPEC;
  if (options.link !== undefined) validateLinkRef(options.link, 'link');
  return withSocket(options, async (socket) => {
    const index = options.link !== undefined ? await resolveLinkIndex(socket, options.link, 'link', 'listAddresses') : 0;
    const names = await linkNames(socket, 'listAddresses');
    return dumpAddresses(socket, family, index, names);
  });
}

/** Options of flushAddresses: listAddresses' filters plus scope, label and prefix; at least one must be given. */
export interface FlushAddressesOptions extends ListAddressesOptions {
  /** Only addresses of this scope (`global`, `link`, `host`, or a number). */
  scope?: string | number;
  /** Only addresses with this label. */
  label?: string;
  /** Only addresses inside this prefix (`10.0.0.0/8`), as ip's `to PREFIX`. */
  to?: string;
}

/**
 * Deletes every address the filter selects — `ip address flush dev X [scope
 * S] [label L] [to PREFIX]` — and resolves with how many went. At least one
 * of `link`, `scope`, `label`, `to` or `family` must be given (as ip: a flush
 * of everything is refused), so a slip cannot remove the namespace's every
 * address.
 */
export async function flushAddresses(options: FlushAddressesOptions): Promise<number> {
  if (!options || typeof options !== 'object') throw new ValidationError('options', 'expected a filter');
  const { scope, label, to, netns: _n, timeout: _t, ...list } = options;
  if (options.link === undefined && scope === undefined && label === undefined && to === undefined && options.family === undefined) {
    throw new ValidationError('options', 'flush needs a filter (link, scope, label, to or family), as ip says "Flush requires arguments"');
  }
  const scopeNum = scope === undefined ? undefined : lookupNumber(RT_SCOPE, scope, 255);
  if (scope !== undefined && scopeNum === undefined) throw new ValidationError('scope', `expected a scope name or number, got ${formatValue(scope)}`);
  const prefix = to === undefined ? undefined : parseCidr(to);
  if (to !== undefined && !prefix) throw new ValidationError('to', `expected an address or prefix, got ${formatValue(to)}`);
  if (label !== undefined && typeof label !== 'string') throw new ValidationError('label', `expected a string, got ${formatValue(label)}`);
  return withSocket(options, async (socket) => {
    const all = await listAddresses({ ...list, socket });
    const chosen = all.filter((a) => (scopeNum === undefined || a.raw.header.scope === scopeNum) && (label === undefined || a.label === label) && (!prefix || ipInPrefix(a.local ?? a.address, prefix)));
    return deleteEach(socket, RTM.DELADDR, chosen, (w, a) => addrMessage.encode(w, a.raw), 'flushAddresses', addrMessage.attrs as never);
  });
}
