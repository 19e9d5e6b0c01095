/**
 * What printing needs to know about the namespace besides the object
 * itself: every link's name and flags by ifindex (for `master br0`,
 * `veth0@veth1`, M-DOWN), namespace ids by name (`link-netns blue`), and
 * user/group names (a TAP's owner).
 */
import { listNsids } from '../index.js';
import { type Context, ops } from './context.js';
import type { LinkFormatContext, LinkMsg } from './format/link.js';
import { listLinkMessages } from './links-api.js';
import { groupName, userName } from './users.js';

export interface NamespaceView {
  links: LinkMsg[];
  names: Map<number, string>;
  flagsOf: Map<number, number>;
  nsidNames: Map<number, string>;
  userName(uid: number): string | undefined;
  groupName(gid: number): string | undefined;
}

function nameOf(m: LinkMsg): string | undefined {
  const n = (m.attrs as { ifname?: unknown }).ifname;
  return typeof n === 'string' ? n : undefined;
}

/** Every link of the namespace, with the lookup tables built from them. */
export async function namespaceView(ctx: Context): Promise<NamespaceView> {
  const links = await listLinkMessages(ctx);
  const names = new Map<number, string>();
  const flagsOf = new Map<number, number>();
  for (const l of links) {
    const n = nameOf(l);
    if (n !== undefined) names.set(l.header.index, n);
    flagsOf.set(l.header.index, l.header.flags);
  }
  const nsidNames = new Map<number, string>();
  // Only text output names peer namespaces, and only links with a peer elsewhere need it.
  if (!ctx.json && links.some((l) => (l.attrs as { linkNetnsid?: unknown }).linkNetnsid !== undefined)) {
    for (const e of await listNsids(ops(ctx))) if (e.name !== undefined) nsidNames.set(e.nsid, e.name);
  }
  return { links, names, flagsOf, nsidNames, userName, groupName };
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
