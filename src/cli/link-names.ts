/**
 * What printing needs to know about the namespace besides the object
 * itself: every link's name and flags by ifindex (for `master br0`,
 * `veth0@veth1`, M-DOWN), namespace ids by name (`link-netns blue`), and
 * user/group names (a TAP's owner).
 */
import { listNsids } from '../index.js';
import { type Context, ops } from './context.js';
import type { LinkFormatContext, LinkMsg } from './format/link.js';
import { RTEXT_FILTER, RTM, RtnlSocket, linkMessage, readLinkAt } from '../wire.js';
import { groupName, userName } from './users.js';

export interface NamespaceView {
  /**
   * Every link's message as the kernel sent it, in its (ifindex) order,
   * decoded only when printed ({@link eachLink}): holding 40,000 decoded
   * links at once cost ~10× their bytes and most of the time in GC.
   */
  raw: Uint8Array[];
  /** Whether the dump carries statistics (`-s`; without, the kernel is asked to leave them out). */
  stats: boolean;
  names: Map<number, string>;
  flagsOf: Map<number, number>;
  nsidNames: Map<number, string>;
  userName(uid: number): string | undefined;
  groupName(gid: number): string | undefined;
}

const IFLA_IFNAME = linkMessage.attrs.byKey.ifname!.type;
const IFLA_LINK_NETNSID = linkMessage.attrs.byKey.linkNetnsid!.type;
const NLA_TYPE_MASK = 0x3fff;
/** nlmsghdr (16) + ifinfomsg (16): where a link message's attributes start. */
const ATTRS_AT = 32;
const utf8 = new TextDecoder();

/**
 * The name and flags of a link message, read straight from its bytes (the
 * first IFLA_IFNAME at the top level; ifi_flags at offset 24), and whether
 * it names a peer namespace — the tables printing needs before any link
 * is printed, without decoding every link twice.
 */
function scan(m: Uint8Array, v: DataView): { index: number; flags: number; name: string | undefined; netnsid: boolean } {
  const index = v.getInt32(20, true);
  const flags = v.getUint32(24, true);
  const end = Math.min(v.getUint32(0, true), m.length);
  let name: string | undefined;
  let netnsid = false;
  for (let off = ATTRS_AT; off + 4 <= end; ) {
    const len = v.getUint16(off, true);
    if (len < 4) break;
    const type = v.getUint16(off + 2, true) & NLA_TYPE_MASK;
    if (type === IFLA_IFNAME && name === undefined) {
      let stop = off + len;
      while (stop > off + 4 && m[stop - 1] === 0) stop--;
      name = utf8.decode(m.subarray(off + 4, stop));
    } else if (type === IFLA_LINK_NETNSID) netnsid = true;
    off += (len + 3) & ~3;
  }
  return { index, flags, name, netnsid };
}

/**
 * Every link of the namespace, undecoded, with the lookup tables built from
 * them. One dump; `stats` false asks the kernel to skip the counters
 * (RTEXT_FILTER_SKIP_STATS, as ip does without -s).
 */
export async function namespaceView(ctx: Context, stats = true): Promise<NamespaceView> {
  const raw: Uint8Array[] = [];
  const names = new Map<number, string>();
  const flagsOf = new Map<number, number>();
  let peerNetns = false;
  const attrs = stats ? {} : { extMask: RTEXT_FILTER.SKIP_STATS };
  await using sock = RtnlSocket.open(ops(ctx));
  for await (const m of sock.dump(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: { family: 0, type: 0, index: 0, flags: 0, change: 0 }, attrs }), { operation: 'link show', attrs: linkMessage.attrs })) {
    if (m.type !== RTM.NEWLINK || m.bytes.length < ATTRS_AT) continue;
    const s = scan(m.bytes, new DataView(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
    raw.push(m.bytes);
    if (s.name !== undefined) names.set(s.index, s.name);
    flagsOf.set(s.index, s.flags);
    peerNetns ||= s.netnsid;
  }
  const nsidNames = new Map<number, string>();
  // Only text output names peer namespaces, and only links with a peer elsewhere need it.
  if (!ctx.json && peerNetns) {
    for (const e of await listNsids(ops(ctx))) if (e.name !== undefined) nsidNames.set(e.nsid, e.name);
  }
  return { raw, stats, names, flagsOf, nsidNames, userName, groupName };
}

/** The view's links, decoded one at a time; each message is let go of once decoded. */
export function* eachLink(view: NamespaceView): Generator<LinkMsg> {
  const raw = view.raw;
  for (let i = 0; i < raw.length; i++) {
    const m = raw[i]!;
    raw[i] = EMPTY;
    yield readLinkAt(m, new DataView(m.buffer, m.byteOffset, m.byteLength), 0, m.length, m, view.stats);
  }
}

const EMPTY = new Uint8Array(0);

/** Every link decoded (for commands that need them all at once). */
export function allLinks(view: NamespaceView): LinkMsg[] {
  return [...eachLink(view)];
}

/** The formatting context for links of this namespace. */
export function linkContext(ctx: Context, view: NamespaceView, doLink: boolean): LinkFormatContext {
  return {
    names: view.names,
    flagsOf: view.flagsOf,
    nsidNames: view.nsidNames,
    userName: view.userName,
    groupName: view.groupName,
    doLink,
    details: ctx.details ? 1 : 0,
    brief: ctx.brief,
    stats: ctx.stats,
  };
}

/** ifindex → name, for routes' `iif`. */
export async function listLinkNames(ctx: Context): Promise<Map<number, string>> {
  return (await namespaceView(ctx)).names;
}

/** The name/flag tables only (monitor -j, which sees links come and go). */
export async function kindContext(ctx: Context): Promise<Pick<LinkFormatContext, 'names' | 'flagsOf' | 'nsidNames' | 'userName' | 'groupName'>> {
  const v = await namespaceView(ctx);
  return { names: v.names, flagsOf: v.flagsOf, nsidNames: v.nsidNames, userName, groupName };
}
