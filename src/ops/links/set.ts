/**
 * setLink: change a link's settings, master, bridge port options and
 * namespace in as few requests as the kernel allows, and put everything
 * back if a step fails.
 */
import { writeView } from '../../netlink/fields.js';
import type { AttrSet } from '../../netlink/schema.js';
import { TimeoutError, ValidationError, explainError, isNetlinkError, withUndoFailures } from '../../netlink/errors.js';
import { type NetnsHandle, type NetnsRef, SIOCGSKNS, netnsPath } from '../../netlink/netns.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import { type OperationOptions, withSocket } from '../options.js';
import { RTM } from '../../rtnetlink/constants.js';
import {
  type BridgePortOptions,
  type Link,
  type LinkAttrs,
  type LinkInfo,
  type LinkKindOptions,
  type PortKindOptions,
  KIND_DEFS,
  SLAVE_KIND_DEFS,
  kindDef,
  rejectUnknownKeys,
  validateAlias,
  validateBoolean,
  validateIfname,
  validateLinkRef,
  validateMtu,
  validateU32,
  validateUnicastMac,
} from '../../rtnetlink/link/index.js';
import { type LinkRef, fetchLink, lookupLink, resolveIndex } from './lookup.js';
import { type FlagChange, LINK_FLAG_KEYS, type LinkFlagOptions, OPERATION_KEYS, bridgePortWire, explainMaster, flagChange, header, netnsAttr, sendLink } from './request.js';
import { undoStep } from './rollback.js';
import { formatValue } from '../../netlink/format-value.js';

/** Options of setLink: the settings to change (only those given change), the master, port and kind options, and a move to another namespace. */
export interface SetLinkOptions extends OperationOptions, LinkFlagOptions {
  up?: boolean;
  mtu?: number;
  address?: string;
  /** Rename. */
  name?: string;
  /** Enslave to this master (name or ifindex); `null` releases the link from its master. */
  master?: LinkRef | null;
  /**
   * Move the link into this namespace (name, path, fd or { pid }). Not
   * `netns`: that option says where the link is now.
   */
  moveToNetns?: NetnsRef;
  txQueueLen?: number;
  group?: number;
  /** Interface alias (IFLA_IFALIAS); '' clears it. */
  alias?: string;
  /** Bridge port options; the link must be (or become, through `master`) a bridge port. The same as `port: { kind: 'bridge', … }`. */
  bridgePort?: BridgePortOptions;
  /**
   * Port options of any master kind (`{ kind: 'bond', queueId: 2, prio: 5 }`,
   * `{ kind: 'bridge', cost: 10 }`): the link must be (or become, through
   * `master`) a port of a master of that kind.
   */
  port?: PortKindOptions;
  /**
   * The kind's own settings, as `Link.info` shows them (`{ kind: 'bridge',
   * stp: true }`, `{ kind: 'vlan', egressQos: … }`): `kind` must be the
   * link's; only the fields given change. What the kernel lets change
   * after creation is the kind's: it refuses the rest with its reason.
   */
  info?: LinkKindOptions;
}

const SET_KEYS = [...OPERATION_KEYS, ...LINK_FLAG_KEYS, 'up', 'mtu', 'address', 'name', 'master', 'moveToNetns', 'txQueueLen', 'group', 'alias', 'bridgePort', 'port', 'info'] as const;

interface SetPlan {
  up?: boolean;
  flags?: FlagChange;
  mtu?: number;
  address?: string;
  name?: string;
  master?: LinkRef | null;
  txqlen?: number;
  group?: number;
  alias?: string;
  /** Port data's wire values, and the master kind they are for (IFLA_INFO_SLAVE_KIND). */
  port?: Record<string, unknown>;
  portKind?: string;
  /** The kind and its data's wire values, from `info`. */
  kind?: KindChange;
  move?: NetnsRef;
}

function planSet(opts: SetLinkOptions): SetPlan {
  rejectUnknownKeys(opts, SET_KEYS, '');
  const p: SetPlan = {};
  if (opts.up !== undefined) p.up = validateBoolean(opts.up, 'up');
  const flags = flagChange(opts);
  if (flags) p.flags = flags;
  // The device's own range is checked once it is known; this is the outer bound.
  if (opts.mtu !== undefined) p.mtu = validateMtu(opts.mtu, 'mtu', 68, 0x7fffffff);
  if (opts.address !== undefined) p.address = validateUnicastMac(opts.address, 'address');
  if (opts.name !== undefined) {
    p.name = validateIfname(opts.name, 'name');
    // dev_change_name() would number a template: a rename takes the name it is given.
    if (p.name.includes('%')) throw new ValidationError('name', `a rename takes a plain name, not the template ${JSON.stringify(p.name)}`);
  }
  if (opts.master !== undefined) p.master = opts.master === null ? null : validateLinkRef(opts.master, 'master');
  if (opts.txQueueLen !== undefined) p.txqlen = validateU32(opts.txQueueLen, 'txQueueLen', 'a queue length');
  if (opts.group !== undefined) p.group = validateU32(opts.group, 'group', 'a group number');
  if (opts.alias !== undefined) p.alias = validateAlias(opts.alias, 'alias');
  if (opts.bridgePort !== undefined) {
    if (!opts.bridgePort || typeof opts.bridgePort !== 'object') throw new ValidationError('bridgePort', 'expected an object of port options');
    if (opts.port !== undefined) throw new ValidationError('port', 'conflicts with bridgePort: give one of them');
    p.port = bridgePortWire(opts.bridgePort);
    p.portKind = 'bridge';
    if (opts.master === null) throw new ValidationError('bridgePort', 'conflicts with master: null (a link without a master has no port options)');
  }
  if (opts.port !== undefined) {
    const port = planTable(opts.port, 'port', SLAVE_KIND_DEFS, 'port options of that master kind', `a master kind whose ports rtnl has a table for (${Object.keys(SLAVE_KIND_DEFS).join(', ')})`, 'port');
    p.port = port.data;
    p.portKind = port.kind;
    if (opts.master === null) throw new ValidationError('port', 'conflicts with master: null (a link without a master has no port options)');
  }
  if (opts.info !== undefined) p.kind = planTable(opts.info, 'info', KIND_DEFS, 'options of that kind', 'a link kind rtnl has a table for', 'link');
  if (opts.moveToNetns !== undefined) {
    netnsPath(opts.moveToNetns, 'moveToNetns');
    if (opts.master !== undefined && opts.master !== null) {
      throw new ValidationError('moveToNetns', 'conflicts with master: a link leaves its master when it changes namespace, and the master is looked up in the old one');
    }
    if (p.port) throw new ValidationError('moveToNetns', `conflicts with ${opts.port ? 'port' : 'bridgePort'}: the link stops being a port when it changes namespace`);
    p.move = opts.moveToNetns;
  }
  if (Object.keys(p).length === 0) throw new ValidationError('options', 'nothing to change (pass up, promisc, allmulticast, multicast, arp, mtu, address, name, master, moveToNetns, txQueueLen, group, alias, bridgePort, port or info)');
  return p;
}

/** A change of kind data: the kind, the wire values of the fields given, and the options as given (for flag words). */
interface KindChange {
  kind: string;
  data: Record<string, unknown>;
  options?: Record<string, unknown>;
}

/**
 * `info` or `port` → the kind and the wire values of the fields given,
 * checked against that kind's table in `defs` (the kind registry, or the
 * port kinds').
 */
function planTable(value: unknown, field: string, defs: Readonly<Record<string, { readonly data: AttrSet }>>, shape: string, expected: string, noun: string): KindChange {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError(field, `expected { kind, …${shape} }`);
  const { kind, ...options } = value as Record<string, unknown>;
  const def = typeof kind === 'string' && Object.hasOwn(defs, kind) ? defs[kind] : undefined;
  if (!def) throw new ValidationError(`${field}.kind`, `expected ${expected}, got ${formatValue(kind)}`);
  const data = writeView(def.data, options, field);
  if (Object.keys(data).length === 0) throw new ValidationError(field, `nothing to change for a ${kind as string} ${noun}`);
  return { kind: kind as string, data, options };
}

/** A new value for a row the kind's changelink would silently ignore is a ValidationError. */
function refuseFixed(before: Link, change: KindChange): void {
  const def = kindDef(change.kind);
  const current = before.attrs.linkinfo?.data;
  for (const key of def?.fixedAfterCreate ?? []) {
    const want = change.data[key];
    if (want === undefined || current instanceof Uint8Array || want === (current as Record<string, unknown> | undefined)?.[key]) continue;
    const field = def?.data.byKey[key]?.views[0]?.name ?? key;
    throw new ValidationError(`info.${field}`, `a ${change.kind} link's ${field} cannot change after it is made (the kernel ignores it): delete and re-create ${before.name}`);
  }
}

/** The data a change sends: the fields given, or for kinds whose change resets what it leaves out, the link's current data with them. */
function kindChange(before: Link, change: KindChange): Record<string, unknown> {
  const def = kindDef(change.kind);
  const raw = before.attrs.linkinfo?.data;
  const current = raw && !(raw instanceof Uint8Array) ? (raw as Record<string, unknown>) : undefined;
  const data = def?.changeSendsAll && current ? { ...Object.fromEntries(Object.entries(current)), ...change.data } : { ...change.data };
  // A flag word (gre's iflags, the IPv6 tunnels' flags, macvlan's flags …) is
  // replaced whole by the kernel: the bits the options do not name keep
  // their current values.
  for (const v of def?.data.views ?? []) {
    const conv = v.conv as { mask?: (value: unknown, field: string) => number };
    const given = change.options?.[v.name];
    const now = current?.[v.key];
    if (v.writable && typeof conv.mask === 'function' && given !== undefined && typeof now === 'number') {
      const mask = conv.mask(given, `info.${v.name}`);
      data[v.key] = ((now & ~mask) | ((data[v.key] as number) & mask)) >>> 0;
    }
  }
  def?.adjust?.(data);
  return data;
}

/**
 * Changes a link: state, MTU, address, name, master, alias, group, queue
 * length, bridge port options, namespace. As few requests as the kernel
 * allows (one for most changes), applied in this order: the link's own
 * settings and master; bridge port options (a separate request when the
 * master changes in the same call, since the kernel reads port options
 * with the master the link had before); the namespace move last (with the
 * rename and up state, which must happen in the new namespace). If any
 * step fails, every setting the call touched is put back to what it was
 * and the original error is thrown. Returns the link as it is afterwards
 * (read from its new namespace after a move).
 */
export async function setLink(ref: LinkRef, opts: SetLinkOptions): Promise<Link> {
  validateLinkRef(ref, 'link');
  if (!opts || typeof opts !== 'object') throw new ValidationError('options', 'expected an options object');
  const p = planSet(opts);
  return withSocket(opts, async (sock) => {
    // The target namespace is opened before any request, so a missing one
    // is a ValidationError that no request precedes.
    const ns = p.move === undefined ? undefined : netnsAttr(sock, p.move, 'moveToNetns');
    try {
      return await changeLink(sock, ref, p, opts, ns);
    } finally {
      ns?.handle?.close();
    }
  });
}

/** Where a move goes: the request's attribute, and the open namespace (none for `{ pid }`). */
type MoveTarget = { attrs: LinkAttrs; handle?: NetnsHandle };

async function changeLink(sock: RtnlSocket, ref: LinkRef, p: SetPlan, opts: SetLinkOptions, ns: MoveTarget | undefined): Promise<Link> {
  const operation = 'setLink';
  const before = await fetchLink(sock, ref, operation);
  if (p.mtu !== undefined && before.maxMtu) validateMtu(p.mtu, 'mtu', before.minMtu ?? 68, before.maxMtu);
  if (p.port && p.master === undefined && before.slaveKind !== p.portKind) {
    throw new ValidationError(opts.port ? 'port' : 'bridgePort', `${before.name} is not a ${p.portKind} port (pass master to enslave it in the same call)`);
  }
  if (p.kind && p.kind.kind !== before.kind) throw new ValidationError('info.kind', `${before.name} is a ${before.kind ?? 'kindless'} link, not ${p.kind.kind}`);
  if (p.kind) refuseFixed(before, p.kind);
  let masterIndex: number | undefined;
  if (p.master !== undefined) masterIndex = p.master === null ? 0 : await resolveIndex(sock, p.master, operation, 'master');
  const masterChanges = masterIndex !== undefined && masterIndex !== (before.master ?? 0);

  // Step A: the link's own settings (and port options when the master stays).
  const a: LinkAttrs = {};
  if (p.mtu !== undefined) a.mtu = p.mtu;
  if (p.address !== undefined) a.address = p.address;
  if (p.txqlen !== undefined) a.txqlen = p.txqlen;
  if (p.group !== undefined) a.group = p.group;
  if (p.alias !== undefined) a.ifalias = p.alias;
  if (masterIndex !== undefined) a.master = masterIndex;
  if (p.name !== undefined && p.move === undefined) a.ifname = p.name;
  if (p.port && !masterChanges) a.linkinfo = { slaveKind: p.portKind, slaveData: p.port } as LinkInfo;
  if (p.kind) a.linkinfo = { ...a.linkinfo, kind: p.kind.kind, data: kindChange(before, p.kind) } as LinkInfo;
  const upInA = p.move === undefined ? p.up : undefined;
  // Whether the link may be in the target namespace: 'yes' once the kernel
  // acknowledged the move, 'maybe' when the answer to the move was lost.
  let moved: 'no' | 'maybe' | 'yes' = 'no';
  try {
    if (Object.keys(a).length || upInA !== undefined || p.flags) {
      await sendLink(sock, RTM.NEWLINK, 0, header(before.index, upInA, p.flags), a, operation).catch((e: unknown) => {
        if (isNetlinkError(e, 'EEXIST') && a.ifname !== undefined) throw explainError(e, 'ifname', `a link named ${JSON.stringify(a.ifname)} already exists`);
        // rtnl_changelink: EOPNOTSUPP for data of a kind without changelink, or for port data on a link that is no port.
        if (isNetlinkError(e) && e.code === 'EOPNOTSUPP' && p.kind && !p.port && !e.kernelMessage) throw explainError(e, 'linkinfo.data', `${before.kind} links cannot be changed after they are made`);
        if (isNetlinkError(e) && e.code === 'EOPNOTSUPP' && a.linkinfo?.slaveData) throw explainError(e, 'linkinfo.slaveData', `${before.name} is not a ${p.portKind} port`);
        if (masterChanges) throw explainMaster(e);
        throw e;
      });
    }
    // Step B: port options under the new master.
    if (p.port && masterChanges) {
      const b: LinkAttrs = { linkinfo: { slaveKind: p.portKind, slaveData: p.port } as LinkInfo };
      await sendLink(sock, RTM.NEWLINK, 0, header(before.index), b, operation).catch((e: unknown) => {
        if (isNetlinkError(e) && e.code === 'EOPNOTSUPP') throw explainError(e, 'linkinfo.slaveData', `the new master is not a ${p.portKind as string}, so its port options do not apply`);
        throw e;
      });
    }
    if (p.move === undefined || ns === undefined) return await fetchLink(sock, before.index, operation, { field: 'ifname' });
    // Step C: the move, with the rename and up state applied in the new namespace.
    const c: LinkAttrs = { ...ns.attrs };
    if (p.name !== undefined) c.ifname = p.name;
    await sendLink(sock, RTM.NEWLINK, 0, header(before.index, p.up), c, operation).catch((e: unknown) => {
      if (e instanceof TimeoutError) moved = 'maybe';
      if (isNetlinkError(e, 'EEXIST')) {
        throw explainError(e, c.ifname !== undefined ? 'ifname' : 'netNsFd', `a link named ${JSON.stringify(c.ifname ?? before.name)} already exists in the target namespace`);
      }
      throw e;
    });
    moved = 'yes';
    // The read-back is part of the change: if it fails, the move is undone too.
    return await withSocket(targetOptions(opts, ns, p.move), (s) => fetchLink(s, p.name ?? before.name, operation, { field: 'ifname' }));
  } catch (e) {
    const failures = moved === 'no' ? [] : await moveBack(sock, before, p, opts, ns as MoveTarget, moved, operation);
    throw withUndoFailures(e, [...failures, ...(await restore(sock, before, p, operation))]);
  }
}

/** Socket options for the move's target: its open descriptor when there is one (no second open). */
function targetOptions(opts: SetLinkOptions, ns: MoveTarget, ref: NetnsRef): OperationOptions {
  const o: OperationOptions = { netns: ns.handle ? ns.handle.fd : ref };
  if (opts.timeout !== undefined) o.timeout = opts.timeout;
  return o;
}

/**
 * Undoes a move that happened (or may have, when its answer was lost):
 * finds the link in the target namespace by the name it was given there,
 * and moves it back to the namespace of the call's socket (asked of the
 * kernel with SIOCGSKNS, so it is right for a caller's socket too), with
 * its old name and up state. restore() then puts back the rest. Returns
 * the failures of these steps; the original error is what the caller sees.
 */
async function moveBack(sock: RtnlSocket, before: Link, p: SetPlan, opts: SetLinkOptions, ns: MoveTarget, moved: 'maybe' | 'yes', operation: string): Promise<unknown[]> {
  const op = `${operation} (rollback)`;
  const failures: unknown[] = [];
  if (moved === 'maybe') {
    // Still at its index in the old namespace under its old name: the move never ran.
    let stayed = false;
    // ENODEV: it left; look for it in the target.
    await undoStep(failures, () => (stayed = lookupLink(sock, before.index, op, { field: 'index', stats: false }).name === before.name));
    if (stayed) return failures;
  }
  let home: number | undefined;
  await undoStep(failures, () => (home = sock.shim.ioctlInt(sock.fileDescriptor, SIOCGSKNS, 0)));
  if (home === undefined) return failures;
  const homeFd = home;
  await undoStep(failures, async () => {
    await withSocket(targetOptions(opts, ns, p.move as NetnsRef), async (s) => {
      const there = lookupLink(s, p.name ?? before.name, op, { field: 'ifname', stats: false });
      if (there.kind !== before.kind) return;
      // The kernel moves the link first, then renames it and applies the
      // flags in its old namespace (do_setlink), as for the move itself;
      // changing namespace closes the device, so up is set again.
      await sendLink(s, RTM.NEWLINK, 0, header(there.index, before.up), { netNsFd: homeFd, ifname: before.name }, op);
    });
  });
  sock.shim.close(homeFd);
  return failures;
}

/** Puts back every setting a failed setLink touched, from the state read before it; returns the failures of the steps. */
async function restore(sock: RtnlSocket, before: Link, p: SetPlan, operation: string): Promise<unknown[]> {
  const failures: unknown[] = [];
  const r: LinkAttrs = {};
  if (p.mtu !== undefined) r.mtu = before.mtu;
  if (p.address !== undefined && before.address !== undefined) r.address = before.address;
  if (p.txqlen !== undefined && before.txQueueLen !== undefined) r.txqlen = before.txQueueLen;
  if (p.group !== undefined) r.group = before.group;
  if (p.alias !== undefined) r.ifalias = before.alias ?? '';
  if (p.master !== undefined) r.master = before.master ?? 0;
  if (p.name !== undefined) r.ifname = before.name;
  const oldData = before.attrs.linkinfo?.data;
  if (p.kind && oldData && !(oldData instanceof Uint8Array)) {
    // The fields the call set, back to their old wire values (all of them for kinds whose change resets the rest).
    const back = kindChange(before, { kind: p.kind.kind, data: {} });
    if (!kindDef(p.kind.kind)?.changeSendsAll) for (const key of Object.keys(p.kind.data)) if ((oldData as Record<string, unknown>)[key] !== undefined) back[key] = (oldData as Record<string, unknown>)[key];
    if (Object.keys(back).length) r.linkinfo = { kind: p.kind.kind, data: back } as LinkInfo;
  }
  const steps: LinkAttrs[] = [r];
  const oldPort = p.portKind !== undefined && before.attrs.linkinfo?.slaveKind === p.portKind ? before.attrs.linkinfo.slaveData : undefined;
  if (p.port && oldPort && !(oldPort instanceof Uint8Array)) {
    // Only the port options the call set, back to their old wire values.
    const back: Record<string, unknown> = {};
    for (const key of Object.keys(p.port)) {
      const v = (oldPort as Record<string, unknown>)[key];
      if (v !== undefined) back[key] = v;
    }
    if (Object.keys(back).length) steps.push({ linkinfo: { slaveKind: p.portKind, slaveData: back } as LinkInfo });
  }
  // The flag bits the call changed, back as they were.
  const flags = p.flags ? { set: before.header.flags & p.flags.mask, mask: p.flags.mask } : undefined;
  for (const [i, attrs] of steps.entries()) {
    const up = i === 0 && p.up !== undefined ? before.up : undefined;
    const f = i === 0 ? flags : undefined;
    if (!Object.keys(attrs).length && up === undefined && !f) continue;
    await undoStep(failures, () => sendLink(sock, RTM.NEWLINK, 0, header(before.index, up, f), attrs, `${operation} (rollback)`), () => false);
  }
  return failures;
}
