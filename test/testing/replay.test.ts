/**
 * The replay itself: it refuses a program that says something else than the
 * recording (with a decoded diff naming the attribute), notices exchanges
 * never made and fds left open, maps sequence numbers, honours `ignore`,
 * and checks the namespace each socket is opened in. Runs as any user.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RtnlSocket } from '../../src/netlink/socket.js';
import { NLM_F } from '../../src/netlink/index.js';
import { ByteWriter } from '../../src/netlink/writer.js';
import { AF, RTM } from '../../src/rtnetlink/constants.js';
import { linkMessage } from '../../src/rtnetlink/link/index.js';
import { AF_NETLINK, MSG_TRUNC, SOCK_CLOEXEC, SOCK_RAW } from '../../src/shim/constants.js';
import {
  ReplayIncompleteError,
  ReplayMismatchError,
  formatFixture,
  parseFixture,
  recordShim,
  readFixture,
  replayShim,
  withReplay,
  type Fixture,
} from '../../src/testing/index.js';
import { fixturePath } from '../helpers/fixtures.js';

const hdr = { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 };
const getlink = fixturePath('socket/getlink-by-name');
const newlink = fixturePath('socket/newlink-bridge');

async function getLinkByName(ns: string | undefined, name: string, close = true): Promise<void> {
  const sock = RtnlSocket.open(ns === undefined ? {} : { netns: ns });
  try {
    await sock.request(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: hdr, attrs: { ifname: name } }));
  } finally {
    if (close) sock.close();
  }
}

function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('replay', () => {
  it('answers the recorded program and consumes every exchange', async () => {
    await withReplay(getlink, (fx) => getLinkByName(fx.netns('a'), 'd0'));
  });

  it('refuses a request with other bytes, naming the attribute that differs', async () => {
    const err = await rejection(withReplay(getlink, (fx) => getLinkByName(fx.netns('a'), 'd1')));
    expect(err).toBeInstanceOf(ReplayMismatchError);
    const m = err as ReplayMismatchError;
    expect(m.differences).toEqual([{ path: 'ifname', recorded: '"d0"', sent: '"d1"' }]);
    expect(m.message).toContain('ifname: recorded "d0", sent "d1"');
    // IFLA_IFNAME's payload starts at 16 + 16 + 4: the first differing byte is its second character.
    expect(m.message).toMatch(/first differing byte: offset 0x25 \(37\), in attribute ifname/);
    expect(m.message).toContain('socket/getlink-by-name.rtnl:');
    expect(m.line).toBeGreaterThan(1);
  });

  it('names nested attributes and header fields in the diff', async () => {
    const err = await rejection(
      withReplay(newlink, async (fx) => {
        const sock = RtnlSocket.open({ netns: fx.netns('a') });
        try {
          await sock.request(RTM.NEWLINK, NLM_F.CREATE, (w) =>
            linkMessage.encode(w, { header: hdr, attrs: { ifname: 'br1', mtu: 1450, linkinfo: { kind: 'dummy' } } }),
          );
        } finally {
          sock.close();
        }
      }),
    );
    expect(err).toBeInstanceOf(ReplayMismatchError);
    const paths = (err as ReplayMismatchError).differences.map((d) => d.path).sort();
    expect(paths).toEqual(['linkinfo.kind', 'nlmsghdr.flags']);
    expect((err as Error).message).toContain('nlmsghdr.flags: recorded REQUEST|ACK|EXCL|CREATE, sent REQUEST|ACK|CREATE');
  });

  it('names an attribute deep inside a public operation’s request (the veth peer)', async () => {
    const { createVethPair } = await import('../../src/ops/links/index.js');
    const err = await rejection(
      withReplay(fixturePath('links/veth-peer-in-other-netns'), async (fx) => {
        await createVethPair({ netns: fx.netns('a'), name: 'veth0', peer: { name: 'eth9', netns: fx.netns('b'), up: true, mtu: 1400 }, master: 'br0', up: true, mtu: 1400 });
      }),
    );
    expect(err).toBeInstanceOf(ReplayMismatchError);
    expect((err as ReplayMismatchError).differences).toEqual([{ path: 'linkinfo.data.peer.attrs.ifname', recorded: '"eth0"', sent: '"eth9"' }]);
    expect((err as Error).message).toContain('linkinfo.data.peer.attrs.ifname: recorded "eth0", sent "eth9"');
  });

  it('reports a mismatch even when the program swallowed the error', async () => {
    const err = await rejection(
      withReplay(getlink, async (fx) => {
        await getLinkByName(fx.netns('a'), 'zz').catch(() => undefined);
      }),
    );
    expect(err).toBeInstanceOf(ReplayMismatchError);
    expect((err as Error).message).toContain('ifname: recorded "d0", sent "zz"');
  });

  it('fails when a recorded exchange is never made', async () => {
    const err = await rejection(
      withReplay(getlink, (fx) => {
        RtnlSocket.open({ netns: fx.netns('a') }).close();
      }),
    );
    expect(err).toBeInstanceOf(ReplayIncompleteError);
    expect((err as Error).message).toMatch(/3 recorded exchanges were never made/);
    expect((err as Error).message).toContain('send on fd 5: RTM_GETLINK');
  });

  it('fails when the program leaves a socket open', async () => {
    const err = await rejection(withReplay(getlink, (fx) => getLinkByName(fx.netns('a'), 'd0', false)));
    expect(err).toBeInstanceOf(ReplayIncompleteError);
    expect((err as Error).message).toContain('left 1 fd open: 5 (socket)');
  });

  it('refuses a socket opened in another namespace than recorded', async () => {
    const err = await rejection(withReplay(getlink, () => getLinkByName(undefined, 'd0')));
    expect(err).toBeInstanceOf(ReplayMismatchError);
    expect((err as Error).message).toContain('socket opened in network namespace "host", but the recording opened it in "a"');
  });

  it('refuses a namespace label the recording does not know', async () => {
    const err = await rejection(withReplay(getlink, (fx) => getLinkByName(fx.netns('b'), 'd0')));
    expect((err as Error).message).toContain('the recording only knows "a"');
  });

  it('accepts differences in ignored fields', async () => {
    const f: Fixture = { ...readFixture(getlink), ignore: ['ifname'] };
    const shim = replayShim(f);
    const sock = RtnlSocket.open({ shim, netns: 'a' });
    const [reply] = await sock.request(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: hdr, attrs: { ifname: 'other' } }));
    sock.close();
    expect(linkMessage.decode(reply!.bytes).attrs.ifname).toBe('d0');
    shim.verify();
  });

  it('puts the program’s own sequence numbers into the replies', () => {
    const shim = replayShim(readFixture(getlink));
    const ns = shim.open('/run/netns/a', 0, 0);
    // The program checks the file is a network namespace (NS_GET_NSTYPE), as openNetns does.
    expect(shim.ioctlInt(ns, 0xb703, 0)).toBe(0x40000000);
    const self = shim.open('/proc/thread-self/ns/net', 0, 0);
    shim.setns(ns, 0);
    const fd = shim.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0);
    shim.setns(self, 0);
    const sa = new Uint8Array(12);
    shim.getsockname(fd, sa);
    const port = new DataView(sa.buffer).getUint32(4, true);
    expect(port).toBe(1);
    const w = new ByteWriter();
    w.zeros(16);
    linkMessage.encode(w, { header: hdr, attrs: { ifname: 'd0' } });
    const req = w.finish().slice();
    const v = new DataView(req.buffer);
    v.setUint32(0, req.length, true);
    v.setUint16(4, RTM.GETLINK, true);
    v.setUint16(6, NLM_F.REQUEST | NLM_F.ACK, true);
    v.setUint32(8, 4242, true);
    shim.send(fd, req, req.length, 0);
    const buf = new Uint8Array(65536);
    const bv = new DataView(buf.buffer);
    const n1 = shim.recv(fd, buf, MSG_TRUNC);
    expect(n1).toBeGreaterThan(1000);
    expect(bv.getUint16(4, true)).toBe(RTM.NEWLINK);
    expect(bv.getUint32(8, true)).toBe(4242);
    expect(bv.getUint32(12, true)).toBe(port);
    shim.recv(fd, buf, MSG_TRUNC);
    // The ACK and the request header it echoes both carry the program's number.
    expect(bv.getUint16(4, true)).toBe(2);
    expect(bv.getUint32(8, true)).toBe(4242);
    expect(bv.getUint32(16 + 4 + 8, true)).toBe(4242);
    for (const x of [fd, ns, self]) shim.close(x);
    shim.verify();
  });

  it('recording a replay gives back the fixture: normalisation is idempotent', async () => {
    const f = readFixture(getlink);
    const rec = recordShim(replayShim(f));
    rec.alias('a', 'a', f.netns[0]!.note);
    const sock = RtnlSocket.open({ shim: rec, netns: 'a' });
    await sock.request(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: hdr, attrs: { ifname: 'd0' } }));
    sock.close();
    const again = rec.fixture({ operation: f.operation, ignore: f.ignore });
    expect(formatFixture(again)).toBe(formatFixture(f));
  });

  it('the kernel line is provenance: a re-recorded replay keeps the recorded release, whatever kernel runs', async () => {
    const f = { ...readFixture(getlink), kernel: '0.0.0-not-this-machine' };
    const rec = recordShim(replayShim(f));
    rec.alias('a', 'a', f.netns[0]!.note);
    const sock = RtnlSocket.open({ shim: rec, netns: 'a' });
    await sock.request(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: hdr, attrs: { ifname: 'd0' } }));
    sock.close();
    expect(rec.fixture().kernel).toBe('0.0.0-not-this-machine');
    expect(rec.fixture({ kernel: 'given' }).kernel).toBe('given');
  });

  it('checks every fixture file is in canonical form (format ∘ parse keeps every byte and entry)', async () => {
    const { readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = fixturePath('x').replace(/x\.rtnl$/, '');
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else if (e.name.endsWith('.rtnl')) files.push(join(d, e.name));
      }
    };
    walk(dir);
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // Annotations follow the family tables, which grow; `node scripts/record-fixtures.mjs --annotate` refreshes them.
      const strip = (t: string) => t.split('\n').filter((l) => !/^\s+#/.test(l)).join('\n');
      const again = formatFixture(parseFixture(text, file));
      expect(strip(again), file).toBe(strip(text));
      if (process.env.RTNL_FIXTURES_ANNOTATE === '1' && again !== text) writeFileSync(file, again);
    }
  });
});
