/**
 * createLink: any registered link kind in one RTM_NEWLINK — the kind's data
 * from its table's writable views, a lower device (IFLA_LINK) looked up in
 * the namespace the call acts in, and optionally a different namespace for
 * the new device (IFLA_NET_NS_FD): a macvlan born inside a container's
 * namespace on a host's parent, as the CNI macvlan plugin makes it. The
 * per-kind calls (createVlan, createMacvlan, createBond …) are this with
 * their kind's options typed.
 *
 * Kernel facts it relies on: rtnl_newlink_create() resolves IFLA_LINK in
 * the requesting socket's namespace (the "link net") and creates the device
 * in the IFLA_NET_NS_FD namespace; IFLA_MASTER is applied there afterwards,
 * so a master is looked up in the device's namespace; NLM_F_ECHO answers
 * with the new link as announced (its index is in the new namespace).
 */
import { NLM_F } from '../../netlink/constants.js';
import { writeView } from '../../netlink/fields.js';
import { TimeoutError, ValidationError, explainError, isNetlinkError, withUndoFailures } from '../../netlink/errors.js';
import { type NetnsHandle, type NetnsRef, netnsPath } from '../../netlink/netns.js';
import type { RtnlSocket } from '../../netlink/socket.js';
import { type OperationOptions, withSocket } from '../options.js';
import { RTM } from '../../rtnetlink/constants.js';
import { type Link, type LinkInfo, kindDef, linkAttrs, linkMessage, readLinkAt, validateBoolean, validateLinkRef } from '../../rtnetlink/link/index.js';
import { type LinkRef, lookupLink } from './lookup.js';
import { type CreateEndOptions, END_KEYS, applyBridgePort, bridgePortData, explainMaster, endAttrs, flagChange, header, netnsAttr, pick } from './request.js';
import { undoCreate, undoLostCreate } from './rollback.js';

/** What every created link may be given, whatever its kind. */
export interface CreateLinkCommon extends CreateEndOptions {
  /** The lower device (IFLA_LINK), by name or ifindex, in the namespace the call acts in. */
  link?: LinkRef;
  /** Create the device directly inside this namespace (its lower device stays where the call acts). */
  targetNetns?: NetnsRef;
}

/** The new link (read back in its own namespace) and, when it has one, its lower device as it is afterwards. */
export interface CreatedLink {
  link: Link;
  parent?: Link;
  /** Where `link` lives: the `targetNetns` or `netns` the call was given (undefined: the caller's namespace). */
  netns?: NetnsRef;
}

const COMMON_KEYS = [...END_KEYS, 'link', 'targetNetns'] as const;

/**
 * Creates a link of `kind` with `kindOptions` (the writable views of the
 * kind's table, validated before any system call) and the common options.
 * `requireLink` makes a lower device mandatory (vlan, macvlan, ipvlan …).
 */
export async function createKindLink(
  kind: string,
  opts: CreateLinkCommon & Record<string, unknown>,
  { operation, requireLink = false, adjust }: { operation: string; requireLink?: boolean; adjust?: (data: Record<string, unknown>) => void },
): Promise<CreatedLink> {
  if (!opts || typeof opts !== 'object') throw new ValidationError('options', 'expected an options object');
  const def = kindDef(kind);
  if (!def) throw new ValidationError('kind', `${JSON.stringify(kind)} is not a link kind this library models`);
  const kindOpts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) if (!(COMMON_KEYS as readonly string[]).includes(k)) kindOpts[k] = v;
  // Unknown keys are caught by the kind's table (writeView) with its field names.
  const data = writeView(def.data, kindOpts, '');
  def.adjust?.(data);
  adjust?.(data);
  const attrs = endAttrs({ ...pick(opts, ['mtu', 'address', 'group', 'txQueueLen']), name: opts.name }, '');
  if (requireLink && opts.link === undefined) throw new ValidationError('link', `a ${kind} link needs its lower device (link)`);
  if (opts.link !== undefined) validateLinkRef(opts.link, 'link');
  if (opts.master !== undefined) validateLinkRef(opts.master, 'master');
  if (opts.targetNetns !== undefined) netnsPath(opts.targetNetns, 'targetNetns');
  const up = opts.up === undefined ? undefined : validateBoolean(opts.up, 'up');
  const flags = flagChange(opts);
  const bridgePort = bridgePortData(opts);
  attrs.linkinfo = (Object.keys(data).length ? { kind, data } : { kind }) as LinkInfo;

  return withSocket(opts, async (sock) => {
    // The target namespace is opened before any request: a missing one is a ValidationError no request precedes.
    const ns = opts.targetNetns === undefined ? undefined : netnsAttr(sock, opts.targetNetns, 'targetNetns');
    try {
      return await inTarget(sock, opts, ns, async (there) => {
        let parentIndex: number | undefined;
        if (opts.link !== undefined) attrs.link = parentIndex = lookupLink(sock, opts.link, operation, { field: 'link', stats: false }).index;
        if (opts.master !== undefined) attrs.master = lookupLink(there, opts.master, operation, { field: 'master', stats: false }).index;
        if (ns) Object.assign(attrs, ns.attrs);
        let echoed: Link | undefined;
        try {
          sock.requestRead(RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL | NLM_F.ECHO, (w) => linkMessage.encode(w, { header: header(0, up, flags), attrs }), { operation, attrs: linkAttrs }, (buf, view, off, h) => {
            if (h.type === RTM.NEWLINK && !echoed) {
              try {
                echoed = readLinkAt(buf, view, off, h.len);
              } catch {
                // An echo we cannot read: the link is read back by name instead.
              }
            }
          });
        } catch (e) {
          if (isNetlinkError(e, 'EEXIST')) throw explainError(e, 'ifname', `a link named ${JSON.stringify(opts.name)} already exists`);
          if (e instanceof TimeoutError) throw withUndoFailures(e, await undoLostCreate(there, opts.name, kind, operation));
          if (opts.master !== undefined) throw explainMaster(e);
          throw e;
        }
        // The echo's index is the new namespace's: only usable when that is the socket's own; its
        // name is the one the kernel chose for a template (`dummy%d`).
        const ref: LinkRef = echoed ? (ns ? echoed.name : echoed.index) : opts.name;
        try {
          if (bridgePort) {
            // The echo gave the index when the link is in the socket's namespace; else look it up by name.
            const index = typeof ref === 'number' ? ref : lookupLink(there, ref, operation, { field: 'ifname', stats: false }).index;
            await applyBridgePort(there, index, bridgePort, operation);
          }
          const link = lookupLink(there, ref, operation, { field: 'ifname' });
          const out: CreatedLink = { link };
          const where = opts.targetNetns ?? opts.netns;
          if (where !== undefined) out.netns = where;
          if (parentIndex !== undefined) out.parent = lookupLink(sock, parentIndex, operation, { field: 'link' });
          return out;
        } catch (e) {
          throw withUndoFailures(e, await undoCreate(there, ref, operation));
        }
      });
    } finally {
      ns?.handle?.close();
    }
  });
}

/** Runs `fn` with a socket in the namespace the new device lives in: the call's own, or one opened in the target. */
function inTarget<T>(sock: RtnlSocket, opts: CreateLinkCommon, ns: { handle?: NetnsHandle } | undefined, fn: (there: RtnlSocket) => Promise<T>): Promise<T> {
  if (opts.targetNetns === undefined) return fn(sock);
  const o: OperationOptions = { netns: ns?.handle ? ns.handle.fd : opts.targetNetns };
  if (opts.timeout !== undefined) o.timeout = opts.timeout;
  return withSocket(o, fn);
}
