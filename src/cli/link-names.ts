/**
 * What printing needs to know about the namespace besides the object
 * itself: every link's name and flags by ifindex (for `master br0`,
 * `veth0@veth1`, M-DOWN), namespace ids by name (`link-netns blue`), and
 * user/group names (a TAP's owner).
 */
import { listNsids } from '../index.js';
import { type Context, ops } from './context.js';
import type { LinkFormatContext, LinkMsg } from './format/link.js';
import { type AttrSet, type DecodeSkip, KIND_DEFS, RTEXT_FILTER, RTM, RtnlSocket, SLAVE_KIND_DEFS, linkMessage } from '../wire.js';
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

const A = linkMessage.attrs.byKey;
const IFLA_IFNAME = A.ifname!.type;
const IFLA_LINK = A.link!.type;
const IFLA_MASTER = A.master!.type;
const IFLA_LINK_NETNSID = A.linkNetnsid!.type;
const IFLA_LINKINFO = A.linkinfo!.type;
/** IFLA_INFO_KIND and IFLA_INFO_SLAVE_KIND inside IFLA_LINKINFO (<linux/if_link.h>). */
const IFLA_INFO_KIND = 1;
const IFLA_INFO_SLAVE_KIND = 4;
const NLA_TYPE_MASK = 0x3fff;
/** nlmsghdr (16) + ifinfomsg (16): where a link message's attributes start. */
const ATTRS_AT = 32;
const utf8 = new TextDecoder();

/** What printing other links needs from a link message, read straight from its bytes. */
interface Scanned {
  index: number;
  flags: number;
  name: string | undefined;
  /** Indexes this link's line names: IFLA_LINK (unless in another namespace) and IFLA_MASTER. */
  refs: number[];
  netnsid: boolean;
  kind: string | undefined;
  slaveKind: string | undefined;
}

function str(m: Uint8Array, from: number, to: number): string {
  while (to > from && m[to - 1] === 0) to--;
  return utf8.decode(m.subarray(from, to));
}

/**
 * The name, flags and references of a link message (ifi_index at offset
 * 20, ifi_flags at 24, then the top-level attributes; the kinds from
 * IFLA_LINKINFO), without decoding it.
 */
function scan(m: Uint8Array, v: DataView): Scanned {
  const out: Scanned = { index: v.getInt32(20, true), flags: v.getUint32(24, true), name: undefined, refs: [], netnsid: false, kind: undefined, slaveKind: undefined };
  const end = Math.min(v.getUint32(0, true), m.length);
  let link = 0;
  for (let off = ATTRS_AT; off + 4 <= end; ) {
    const len = v.getUint16(off, true);
    if (len < 4 || off + len > end) break;
    const type = v.getUint16(off + 2, true) & NLA_TYPE_MASK;
    if (type === IFLA_IFNAME && out.name === undefined) out.name = str(m, off + 4, off + len);
    else if (type === IFLA_LINK && len >= 8) link = v.getUint32(off + 4, true);
    else if (type === IFLA_MASTER && len >= 8) out.refs.push(v.getUint32(off + 4, true));
    else if (type === IFLA_LINK_NETNSID) out.netnsid = true;
    else if (type === IFLA_LINKINFO) {
      for (let o = off + 4; o + 4 <= off + len; ) {
        const l = v.getUint16(o, true);
        if (l < 4 || o + l > off + len) break;
        const t = v.getUint16(o + 2, true) & NLA_TYPE_MASK;
        if (t === IFLA_INFO_KIND) out.kind = str(m, o + 4, o + l);
        else if (t === IFLA_INFO_SLAVE_KIND) out.slaveKind = str(m, o + 4, o + l);
        o += (l + 3) & ~3;
      }
    }
    off += (len + 3) & ~3;
  }
  if (link && !out.netnsid) out.refs.push(link);
  return out;
}

/** Whether a kind table has a row printed as a link name (`-d`: bond's active_slave, vxlan's dev …). */
const namesLinks = (set: AttrSet | undefined) => !!set && set.byType.some((d) => d?.ip?.shape === 'ifname' || d?.ip?.shape === 'nonzero-ifname');
const REF_KINDS = new Set(Object.entries(KIND_DEFS).filter(([, d]) => namesLinks(d.data)).map(([k]) => k));
const REF_SLAVE_KINDS = new Set(Object.entries(SLAVE_KIND_DEFS).filter(([, d]) => namesLinks(d.data)).map(([k]) => k));

/**
 * Every link of the namespace in the kernel's (ifindex) order, each handed
 * to `each` decoded as soon as what its line names is known — one dump,
 * streamed. A link whose line names a link not yet seen (a veth's peer
 * comes after it, a bond's active port after the bond) waits, and the
 * links after it with it, so the order stays the kernel's; what is still
 * waiting when the dump ends is printed then, as `ifN` where the name
 * never came. `view` fills as the dump goes (the formatters read its maps
 * at the time of each call). With `details`, the kinds whose options name
 * links (REF_KINDS) wait for the end of the dump, and so, in text output,
 * does everything from the first link whose peer is in another namespace
 * (its line names that namespace, read after the dump).
 */
export async function streamLinks(ctx: Context, stats: boolean, details: boolean, each: (l: LinkMsg, view: NamespaceView) => void): Promise<NamespaceView> {
  const view: NamespaceView = { raw: [], stats, names: new Map(), flagsOf: new Map(), nsidNames: new Map(), userName, groupName };
  const waiting: { bytes: Uint8Array; refs: number[] }[] = [];
  const skip = linkPrintSkip(stats, details);
  let head = 0;
  let holdToEnd = false;
  const flush = (all: boolean) => {
    for (; head < waiting.length; head++) {
      const w = waiting[head]!;
      if (!all && (holdToEnd || w.refs.some((r) => !view.names.has(r)))) break;
      each(linkMessage.decode(w.bytes, { skip }), view);
      waiting[head] = undefined as never;
    }
    if (head === waiting.length) {
      waiting.length = 0;
      head = 0;
    }
  };
  let needNsids = false;
  await scannedDump(ctx, stats, (bytes, s) => {
    if (s.name !== undefined) view.names.set(s.index, s.name);
    view.flagsOf.set(s.index, s.flags);
    // Only text output names peer namespaces, and only links with a peer
    // elsewhere need it: from the first such link on, the rest waits for
    // the namespace names, read when the dump has ended.
    if (s.netnsid && !ctx.json) needNsids = holdToEnd = true;
    if (details && ((s.kind !== undefined && REF_KINDS.has(s.kind)) || (s.slaveKind !== undefined && REF_SLAVE_KINDS.has(s.slaveKind)))) holdToEnd = true;
    waiting.push({ bytes, refs: s.refs });
    flush(false);
  });
  if (needNsids) for (const e of await listNsids(ops(ctx))) if (e.name !== undefined) view.nsidNames.set(e.nsid, e.name);
  flush(true);
  return view;
}

/**
 * The link messages of one dump of the namespace, each with what scan()
 * read from it; `stats` false asks the kernel to skip the counters
 * (RTEXT_FILTER_SKIP_STATS, as ip does without -s).
 */
async function scannedDump(ctx: Context, stats: boolean, each: (bytes: Uint8Array, s: Scanned) => void): Promise<void> {
  const attrs = stats ? {} : { extMask: RTEXT_FILTER.SKIP_STATS };
  const sock = RtnlSocket.open(ops(ctx));
  try {
    // dumpEach: a callback per message, not an async generator step (two of them per link cost more than scanning it).
    await sock.dumpEach(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: { family: 0, type: 0, index: 0, flags: 0, change: 0 }, attrs }), { operation: 'link show', attrs: linkMessage.attrs }, (m) => {
      if (m.type !== RTM.NEWLINK || m.bytes.length < ATTRS_AT) return;
      each(m.bytes, scan(m.bytes, new DataView(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength)));
    });
  } finally {
    sock.close();
  }
}

/** Every link of the namespace, undecoded, with the lookup tables built from them (one dump). */
export async function namespaceView(ctx: Context, stats = true): Promise<NamespaceView> {
  const raw: Uint8Array[] = [];
  const names = new Map<number, string>();
  const flagsOf = new Map<number, number>();
  let peerNetns = false;
  await scannedDump(ctx, stats, (bytes, s) => {
    raw.push(bytes);
    if (s.name !== undefined) names.set(s.index, s.name);
    flagsOf.set(s.index, s.flags);
    peerNetns ||= s.netnsid;
  });
  const nsidNames = new Map<number, string>();
  // Only text output names peer namespaces, and only links with a peer elsewhere need it.
  if (!ctx.json && peerNetns) {
    for (const e of await listNsids(ops(ctx))) if (e.name !== undefined) nsidNames.set(e.nsid, e.name);
  }
  return { raw, stats, names, flagsOf, nsidNames, userName, groupName };
}

/**
 * What the link printer (format/link.ts) never reads, left undecoded: the
 * 32-bit counters, the device map, XDP state, the carrier counters, head
 * and tail room, the pacing horizon (a bigint), the devlink and DPLL
 * handles, VF and port-self data and the proto-down reasons always; the
 * 64-bit counters without `-s`; the per-family configuration without
 * `-d`, and with it everything of it but IPv6's address generation mode.
 * A veth's message is ~1.1 KB, most of it these (IPv4 and IPv6 devconf),
 * and a dump of 40,000 links spent most of its decoding on them.
 */
export function linkPrintSkip(stats: boolean, details: boolean): DecodeSkip {
  return {
    stats: true,
    map: true,
    xdp: true,
    carrier: true,
    carrierChanges: true,
    carrierUpCount: true,
    carrierDownCount: true,
    headroom: true,
    tailroom: true,
    maxPacingOffloadHorizon: true,
    devlinkPort: true,
    dpllPin: true,
    vfinfoList: true,
    numVf: true,
    portSelf: true,
    protoDownReason: true,
    ...(stats ? {} : { stats64: true }),
    afSpec: details ? { inet: true, mctp: true, inet6: { conf: true, stats: true, icmp6stats: true, cacheinfo: true, mcast: true, token: true } } : true,
  };
}

/** The view's links, decoded one at a time for printing (linkPrintSkip); each message is let go of once decoded. */
export function* eachLink(view: NamespaceView, details: boolean): Generator<LinkMsg> {
  const raw = view.raw;
  const skip = linkPrintSkip(view.stats, details);
  for (let i = 0; i < raw.length; i++) {
    const m = raw[i]!;
    raw[i] = EMPTY;
    // The message's header and attributes are all printing reads: no Link view.
    yield linkMessage.decode(m, { skip });
  }
}

const EMPTY = new Uint8Array(0);

/** Every link decoded for printing (for commands that need them all at once). */
export function allLinks(view: NamespaceView, details: boolean): LinkMsg[] {
  return [...eachLink(view, details)];
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
