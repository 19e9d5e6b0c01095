/**
 * Helpers for the link live tests: a second throwaway namespace, a socket
 * whose shim can be told to fail a given send (to drive rollbacks), and
 * `ip -j -d` readers.
 */
import { RtnlSocket } from '../../../src/netlink/socket.js';
import { getShim } from '../../../src/shim/index.js';
import type { Shim } from '../../../src/shim/types.js';
import { ipJson, useNetns } from '../../helpers/live.js';

/** Another throwaway namespace for this file (created before all tests, deleted after). */
export function useSecondNetns(prefix = 'rtnlt2'): { name: string } {
  return useNetns(prefix);
}

export interface FaultySocket {
  socket: RtnlSocket;
  /** Number of send() calls so far. */
  sends: () => number;
  /** Make the sends with these 1-based numbers, counted from now, fail with EIO (the others go through). */
  failSend: (...n: number[]) => void;
}

/** A real socket in `netns` whose shim counts sends and can fail one on purpose. */
export function faultySocket(netns: string): FaultySocket {
  const real = getShim();
  let count = 0;
  let failAt = new Set<number>();
  const send = (fd: number, buf: Uint8Array, len: number, flags: number): number => {
    count++;
    if (failAt.has(count)) {
      const e = new Error('injected send failure') as Error & { code: string; errno: number; syscall: string };
      e.code = 'EIO';
      e.errno = 5;
      e.syscall = 'send';
      throw e;
    }
    return real.send(fd, buf, len, flags);
  };
  // A proxy, not a copy: backends may keep state behind their methods.
  const shim = new Proxy(real, {
    get(t, k) {
      if (k === 'send') return send;
      const v = Reflect.get(t, k) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  }) as Shim;
  const socket = RtnlSocket.open({ netns, shim });
  return { socket, sends: () => count, failSend: (...n) => (failAt = new Set(n.map((x) => count + x))) };
}

export interface IpLink {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  operstate: string;
  address?: string;
  broadcast?: string;
  link_type?: string;
  master?: string;
  group?: string;
  txqlen?: number;
  ifalias?: string;
  link?: string | null;
  link_index?: number;
  link_netnsid?: number;
  min_mtu?: number;
  max_mtu?: number;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown>; info_slave_kind?: string; info_slave_data?: Record<string, unknown> };
  [k: string]: unknown;
}

export function ipLinks(netns: string): IpLink[] {
  return ipJson<IpLink[]>(['-d', 'link', 'show'], netns);
}

export function ipLink(name: string, netns: string): IpLink {
  const [l] = ipJson<IpLink[]>(['-d', 'link', 'show', 'dev', name], netns);
  if (!l) throw new Error(`ip does not show ${name}`);
  return l;
}

export function ipNames(netns: string): string[] {
  return ipLinks(netns)
    .map((l) => l.ifname)
    .sort();
}
