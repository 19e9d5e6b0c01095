/**
 * toPcap: a fixture as a LINKTYPE_NETLINK capture. The structure is checked
 * byte by byte here; Wireshark's own dissector (tshark) then has to
 * recognise every request and reply as rtnetlink.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINKTYPE_NETLINK, readFixture, toPcap } from '../../src/testing/index.js';
import { fixturePath } from '../helpers/fixtures.js';

function tsharkMissing(): string | undefined {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'tshark is not installed (Debian: apt-get install -y tshark)';
  }
}
const noTshark = tsharkMissing();

describe('toPcap', () => {
  const fixture = readFixture(fixturePath('socket/newlink-bridge'));
  const datagrams = fixture.events.filter((e) => e.kind === 'send' || e.kind === 'recv');
  const pcap = toPcap(fixture);
  const v = new DataView(pcap.buffer, pcap.byteOffset, pcap.byteLength);

  it('writes a pcap header with LINKTYPE_NETLINK and one record per datagram, each behind the 16-byte pseudo-header', () => {
    expect(v.getUint32(0, true)).toBe(0xa1b2c3d4);
    expect(v.getUint32(20, true)).toBe(LINKTYPE_NETLINK);
    let off = 24;
    for (const ev of datagrams) {
      const caplen = v.getUint32(off + 8, true);
      const data = (ev as { data: Uint8Array }).data;
      expect(caplen).toBe(16 + data.length);
      const rec = off + 16;
      expect(v.getUint16(rec, false)).toBe(ev.kind === 'send' ? 4 : 0); // PACKET_OUTGOING / PACKET_HOST
      expect(v.getUint16(rec + 2, false)).toBe(824); // ARPHRD_NETLINK
      expect(v.getUint16(rec + 14, false)).toBe(0); // NETLINK_ROUTE
      expect(pcap.subarray(rec + 16, rec + 16 + data.length)).toEqual(data);
      off += 16 + caplen;
    }
    expect(off).toBe(pcap.length);
  });

  it.skipIf(noTshark)(`is decoded by tshark as rtnetlink${noTshark ? ` — skipped: ${noTshark}` : ''}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'rtnl-pcap-'));
    try {
      const file = join(dir, 'newlink-bridge.pcap');
      writeFileSync(file, pcap);
      const run = (extra: string[]) =>
        execFileSync('tshark', ['-r', file, ...extra], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } });
      const protocols = run(['-T', 'fields', '-e', 'frame.protocols']).trim().split('\n');
      expect(protocols).toHaveLength(datagrams.length);
      // Requests and data replies are rtnetlink messages; ACKs are plain netlink control messages.
      const requests = datagrams.map((e, i) => [e, protocols[i]] as const).filter(([e]) => e.kind === 'send');
      for (const [, p] of requests) expect(p).toBe('netlink:netlink-route');
      expect(protocols.filter((p) => p === 'netlink:netlink-route').length).toBeGreaterThanOrEqual(3);
      const verbose = run(['-V']);
      expect(verbose).toContain('Linux rtnetlink (route netlink) protocol');
      expect(verbose).toMatch(/Device name: br1/);
      expect(verbose).toMatch(/Message type: Create network interface \(16\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
