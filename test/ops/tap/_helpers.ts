/** Helpers of the TAP live tests: traffic from inside a namespace, reading until a frame matches. */
import { execFileSync } from 'node:child_process';
import type { Tap } from '../../../src/ops/tap/index.js';

/**
 * Sends UDP datagrams from inside `netns` with a child Node process (the
 * test process itself never changes namespace). Returns once they are
 * handed to the kernel, which may still be resolving the neighbour.
 */
export function sendUdp(netns: string, dst: string, port: number, payloads: string[]): void {
  const script = `
    const s = require('node:dgram').createSocket('udp4');
    const msgs = ${JSON.stringify(payloads)};
    let left = msgs.length;
    for (const m of msgs) s.send(m, ${port}, ${JSON.stringify(dst)}, (e) => { if (e) { console.error(e); process.exit(1); } if (--left === 0) s.close(); });
  `;
  execFileSync('ip', ['netns', 'exec', netns, process.execPath, '-e', script], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
}

/** Reads frames until `match` accepts one (returned) or `ms` pass (throws, listing what was seen). */
export async function readUntil<T>(tap: Tap, match: (frame: Uint8Array) => T | undefined, ms = 5000, seen: string[] = []): Promise<T> {
  const signal = AbortSignal.timeout(ms);
  const { describeFrame } = await import('../../../src/ethernet/index.js');
  for await (const frame of tap.frames({ signal })) {
    const hit = match(frame);
    if (hit !== undefined) return hit;
    seen.push(describeFrame(frame, { vnetHdrSize: tap.vnetHdrSize }));
  }
  throw new Error(`no matching frame within ${ms} ms; saw:\n  ${seen.join('\n  ') || '(nothing)'}`);
}

/** Polls `fn` until it returns a value other than undefined/false, or throws after `ms`. */
export async function waitFor<T>(fn: () => T | undefined | false, ms = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `ip -j -d link show NAME` of one link, or undefined when there is none. */
export interface IpLink {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  address: string;
  master?: string;
  operstate: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
  stats64?: { rx: { packets: number; bytes: number }; tx: { packets: number; dropped: number } };
}
