/**
 * The operations a benchmark leg performs, in two implementations: through
 * the public API (`apiOps`) and through the core directly (`coreOps`).
 */
import type { RtnlSocket } from '../../src/netlink/socket.js';
import { createVethPair, deleteLink, deleteLinks, getLink, iterateLinks, listLinks } from '../../src/ops/links/index.js';
import { createVeth, deleteByName, deleteGroup, dumpLinks, getByName } from './lowlevel.js';

export interface Ops {
  /** What the numbers measure: `api` (public functions) or `core` (RtnlSocket + linkMessage). */
  readonly impl: string;
  createVeth(s: RtnlSocket, name: string, peer: string, group: number): Promise<void>;
  deleteLink(s: RtnlSocket, name: string): Promise<void>;
  deleteGroup(s: RtnlSocket, group: number): Promise<void>;
  getLink(s: RtnlSocket, name: string): Promise<{ mtu?: number | undefined }>;
  /** The whole table as an array (collected). */
  listLinks(s: RtnlSocket): Promise<unknown[]>;
  /** The whole table, one link at a time, nothing kept (streamed). */
  streamLinks(s: RtnlSocket, each: (link: unknown) => void): Promise<number>;
}

export const coreOps: Ops = {
  impl: 'core',
  createVeth,
  deleteLink: deleteByName,
  deleteGroup,
  async getLink(s, name) {
    return { mtu: (await getByName(s, name)).attrs.mtu };
  },
  async listLinks(s) {
    const out: unknown[] = [];
    await dumpLinks(s, (m) => out.push(m));
    return out;
  },
  streamLinks: (s, each) => dumpLinks(s, each),
};

/**
 * Through the public API, reusing the leg's socket (`{ socket }`), as a tool
 * doing many operations in one namespace would.
 */
export const apiOps: Ops = {
  impl: 'api',
  async createVeth(s, name, peer, group) {
    await createVethPair({ name, peer: { name: peer }, ...(group ? { group } : {}), socket: s });
  },
  deleteLink: (s, name) => deleteLink(name, { socket: s }),
  deleteGroup: (s, group) => deleteLinks({ group }, { socket: s }),
  getLink: (s, name) => getLink(name, { socket: s }),
  listLinks: (s) => listLinks({ socket: s }),
  async streamLinks(s, each) {
    let n = 0;
    for await (const l of iterateLinks({ socket: s })) {
      each(l);
      n++;
    }
    return n;
  },
};
