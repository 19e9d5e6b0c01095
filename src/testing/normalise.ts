/**
 * Turns what a recording saw into what the fixture stores, so that
 * recording the same operation twice on the same kernel gives the same
 * file. The program under recording always sees the real values; only the
 * log is rewritten. Every rewrite is a bijection the replay can honour:
 *
 *  - file descriptors: renumbered 3, 4, 5 … in the order they were opened
 *    (the replay hands out exactly these numbers), also inside requests
 *    (IFLA_NET_NS_FD, NETNSA_FD);
 *  - netlink port ids (nl_pid): the kernel picks them (the process id for
 *    the first socket, then random numbers); renumbered 1, 2, 3 … per socket
 *    in the order the ports appear, in nlmsg_pid and in getsockname;
 *  - sequence numbers: renumbered 1, 2, 3 … per port in the order of the
 *    requests (the replay maps them back to whatever the program sends);
 *  - random MAC addresses the kernel assigned (eth_hw_addr_random) become
 *    02:72:74:6e:00:NN wherever their bytes appear, also as EUI-64 interface
 *    ids (fe80::…ff:fe…); MACs the program chose itself are kept;
 *  - counters and timestamps (rules.ts) are zeroed;
 *  - throwaway namespace names are replaced by their labels in paths.
 */
import { NLMSG_HDRLEN, NLMSG } from '../netlink/constants.js';
import { forEachMessage } from '../netlink/message.js';
import { macHex, eui64 } from './bytes.js';
import { FD_ATTRS, MAC_ATTRS, VOLATILE, canonicalMac } from './rules.js';
import { PathSet, walkDatagram } from './tlv.js';
import { familyOf, type FamilyName } from './families.js';

function pathSets(rules: readonly { family: FamilyName; path: string }[]): Partial<Record<FamilyName, PathSet>> {
  const by: Partial<Record<FamilyName, string[]>> = {};
  for (const r of rules) (by[r.family] ??= []).push(r.path);
  const out: Partial<Record<FamilyName, PathSet>> = {};
  for (const [k, v] of Object.entries(by)) out[k as FamilyName] = new PathSet(v);
  return out;
}

const volatilePaths = pathSets(VOLATILE);
const fdPaths = pathSets(FD_ATTRS);
const macPaths = pathSets(MAC_ATTRS);
const volatileByKey = new Map(VOLATILE.map((r) => [`${r.family}:${r.path.replace(/\+\d+/g, '')}`, r]));

export class Normaliser {
  private readonly fds = new Map<number, number>();
  private nextFd = 3;
  private readonly ports = new Map<number, number>();
  private readonly seqs = new Map<string, number>();
  private readonly seqCount = new Map<number, number>();
  private readonly macs = new Map<string, { real: Uint8Array; canon: Uint8Array }>();
  private readonly userMacs = new Set<string>();
  /** Real namespace name → label. */
  readonly names = new Map<string, string>();
  /** Notes for the fixture header, in the order they first applied. */
  readonly applied = new Set<string>();
  private unknownFds = new Set<number>();

  /** A new fd of the recorded program: gets the next canonical number. */
  openFd(real: number): number {
    const c = this.nextFd++;
    this.fds.set(real, c);
    return c;
  }

  closeFd(real: number): void {
    this.fds.delete(real);
  }

  /** The canonical number of an fd the program uses; fds not opened through the shim keep their number (noted). */
  fd(real: number): number {
    const c = this.fds.get(real);
    if (c !== undefined) return c;
    if (!this.unknownFds.has(real)) {
      this.unknownFds.add(real);
      this.applied.add(`fd ${real} was not opened through the shim: its number is recorded as it was and may differ next time`);
    }
    return real;
  }

  /** Canonical port for a real nl_pid (0, the kernel, stays 0). */
  port(real: number): number {
    if (real === 0) return 0;
    let c = this.ports.get(real);
    if (c === undefined) {
      c = this.ports.size + 1;
      this.ports.set(real, c);
    }
    return c;
  }

  private seq(port: number, real: number): number {
    if (real === 0) return 0;
    const key = `${port}:${real}`;
    let c = this.seqs.get(key);
    if (c === undefined) {
      c = (this.seqCount.get(port) ?? 0) + 1;
      this.seqCount.set(port, c);
      this.seqs.set(key, c);
    }
    return c;
  }

  /** Replaces a throwaway namespace name by its label in a path. */
  path(p: string): string {
    const m = /^(\/(?:var\/)?run\/netns\/)([^/]+)$/.exec(p);
    if (m) {
      const label = this.names.get(m[2] as string);
      if (label !== undefined) return `${m[1]}${label}`;
    }
    return p;
  }

  /** A request the program sent on a socket bound to `realPort`. */
  request(data: Uint8Array, realPort: number): Uint8Array {
    const out = data.slice();
    walkDatagram(out, out.length, macPaths, (_p, off, len) => {
      if (len === 6) {
        const key = macHex(out.subarray(off, off + 6));
        if (!this.macs.has(key)) this.userMacs.add(key);
      }
    });
    this.substituteMacs(out);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    walkDatagram(out, out.length, fdPaths, (_p, off, len) => {
      if (len === 4) {
        const real = view.getUint32(off, true);
        const c = this.fd(real);
        if (c !== real) {
          view.setUint32(off, c, true);
          this.applied.add('file descriptors inside requests (IFLA_NET_NS_FD, NETNSA_FD) are renumbered like the fds themselves');
        }
      }
    });
    const port = this.port(realPort);
    this.headers(out, view, port);
    return out;
  }

  /** A datagram the program received on a socket bound to `realPort`. */
  reply(data: Uint8Array, length: number, realPort: number): Uint8Array {
    const out = data.slice();
    walkDatagram(out, length, macPaths, (_p, off, len) => {
      if (len !== 6) return;
      const mac = out.subarray(off, off + 6);
      const key = macHex(mac);
      // Locally administered (bit 1) and unicast (bit 0 clear): what eth_hw_addr_random makes.
      if ((mac[0]! & 0x03) !== 0x02 || this.macs.has(key) || this.userMacs.has(key)) return;
      this.macs.set(key, { real: mac.slice(), canon: canonicalMac(this.macs.size + 1) });
      this.applied.add('random MAC addresses assigned by the kernel are replaced by 02:72:74:6e:00:NN in order of appearance, wherever their bytes occur (also in bridge ids and as EUI-64 interface ids)');
    });
    this.substituteMacs(out);
    walkDatagram(out, length, volatilePaths, (path, off, len, type) => {
      const fam = familyOf(type)?.name;
      const rule = volatileByKey.get(`${fam}:${path}`);
      if (!rule) return;
      if (rule.ranges) {
        for (const [a, b] of rule.ranges) if (b <= len) out.fill(0, off + a, off + b);
      } else {
        out.fill(0, off, off + len);
      }
      this.applied.add(`zeroed ${rule.name} (${rule.why})`);
    });
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    this.headers(out, view, this.port(realPort), length);
    return out;
  }

  /** Any other bytes (ioctl arguments, TAP frames): only MACs are rewritten. */
  bytes(data: Uint8Array): Uint8Array {
    const out = data.slice();
    this.substituteMacs(out);
    return out;
  }

  /** Renumbers nlmsg_pid and nlmsg_seq of each message (and of the request header an NLMSG_ERROR echoes). */
  private headers(out: Uint8Array, view: DataView, socketPort: number, length = out.length): void {
    try {
      forEachMessage(view, Math.min(length, out.length), (off, h) => {
        // Requests carry nl_pid 0 (or the sender's port); replies carry the requester's port.
        const port = h.pid === 0 ? socketPort : this.port(h.pid);
        view.setUint32(off + 12, h.pid === 0 ? 0 : port, true);
        view.setUint32(off + 8, this.seq(port, h.seq), true);
        if (h.type === NLMSG.ERROR && h.len >= NLMSG_HDRLEN + 4 + NLMSG_HDRLEN) {
          const echo = off + NLMSG_HDRLEN + 4;
          const epid = view.getUint32(echo + 12, true);
          view.setUint32(echo + 8, this.seq(epid === 0 ? port : this.port(epid), view.getUint32(echo + 8, true)), true);
          if (epid !== 0) view.setUint32(echo + 12, this.port(epid), true);
        }
      });
    } catch {
      // Not a well-formed netlink datagram: stored as it is.
    }
  }

  private substituteMacs(buf: Uint8Array): void {
    for (const { real, canon } of this.macs.values()) {
      replaceAll(buf, real, canon);
      replaceAll(buf, eui64(real), eui64(canon));
    }
  }
}

function replaceAll(buf: Uint8Array, from: Uint8Array, to: Uint8Array): void {
  const n = from.length;
  const first = from[0];
  for (let i = buf.indexOf(first!); i !== -1 && i + n <= buf.length; i = buf.indexOf(first!, i + 1)) {
    let hit = true;
    for (let j = 1; j < n; j++) {
      if (buf[i + j] !== from[j]) {
        hit = false;
        break;
      }
    }
    if (hit) {
      buf.set(to, i);
      i += n - 1;
    }
  }
}
