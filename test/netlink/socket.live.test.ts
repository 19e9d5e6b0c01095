import { describe, expect, it } from 'vitest';
import { RtnlSocket } from '../../src/netlink/socket.js';
import { NLM_F, isNetlinkError } from '../../src/netlink/index.js';
import { ByteWriter } from '../../src/netlink/writer.js';
import { RTM, AF } from '../../src/rtnetlink/constants.js';
import { linkMessage, reencodeCheck } from './_link.js';
import { canRunLive, ip, useNetns, liveTitle } from '../helpers/live.js';

const ns = useNetns();

describe.skipIf(!canRunLive)(liveTitle('netlink socket against the real kernel'), () => {
  it('dumps every link of a namespace, decodes it and re-encodes it byte for byte', async () => {
    ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], ns.name);
    ip(['link', 'add', 'br0', 'type', 'bridge'], ns.name);
    ip(['link', 'set', 'v0', 'master', 'br0'], ns.name);
    ip(['link', 'set', 'br0', 'up'], ns.name);
    await using sock = RtnlSocket.open({ netns: ns.name });
    const names: string[] = [];
    const w = new ByteWriter();
    for await (const m of sock.dump(RTM.GETLINK, 0, (x) => linkMessage.encode(x, { header: { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 } }))) {
      expect(m.type).toBe(RTM.NEWLINK);
      const msg = linkMessage.decode(m.bytes);
      names.push(msg.attrs.ifname ?? '?');
      expect(reencodeCheck(m.bytes, msg, w)).toEqual(m.bytes);
    }
    expect(names.sort()).toEqual(['br0', 'lo', 'v0', 'v1']);
  });

  it('surfaces a kernel error with errno code, extended-ACK message and attribute path', async () => {
    await using sock = RtnlSocket.open({ netns: ns.name });
    const err = await sock
      .request(RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL, (w) =>
        linkMessage.encode(w, {
          header: { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 },
          attrs: { ifname: 'x'.repeat(20), linkinfo: { kind: 'bridge' } },
        }),
        { operation: 'test-newlink' },
      )
      .then(() => undefined, (e: unknown) => e);
    expect(isNetlinkError(err, "ERANGE")).toBe(true);
    if (!isNetlinkError(err)) return;
    expect(err.errno).toBe(-34);
    expect(err.operation).toBe('test-newlink');
    expect(err.kernelMessage).toMatch(/policy/i);
    expect(err.attrPath).toBe('ifname');
  });

  it('answers EEXIST with the errno name for a duplicate link', async () => {
    await using sock = RtnlSocket.open({ netns: ns.name });
    const create = () =>
      sock.request(RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL, (w) =>
        linkMessage.encode(w, {
          header: { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 },
          attrs: { ifname: 'dup0', linkinfo: { kind: 'bridge' } },
        }),
      );
    await create();
    await expect(create()).rejects.toMatchObject({ name: 'NetlinkError', code: 'EEXIST', errno: -17 });
  });

  it('correlates many concurrent requests and an interleaved dump on one socket', async () => {
    await using sock = RtnlSocket.open({ netns: ns.name });
    const get = (name: string) =>
      sock.request(RTM.GETLINK, 0, (w) =>
        linkMessage.encode(w, { header: { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 }, attrs: { ifname: name } }),
      );
    const dumpNames = (async () => {
      const out: string[] = [];
      for await (const m of sock.dump(RTM.GETLINK, 0, (x) => linkMessage.encode(x, { header: { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 } }))) {
        out.push(linkMessage.decode(m.bytes).attrs.ifname ?? '');
        // Interleave single requests while the dump is half consumed.
        const [r] = await get('lo');
        expect(linkMessage.decode(r!.bytes).attrs.ifname).toBe('lo');
      }
      return out;
    })();
    const many = await Promise.all(Array.from({ length: 200 }, (_, i) => get(i % 2 ? 'v0' : 'br0')));
    many.forEach((replies, i) => expect(linkMessage.decode(replies[0]!.bytes).attrs.ifname).toBe(i % 2 ? 'v0' : 'br0'));
    expect((await dumpNames).length).toBeGreaterThanOrEqual(4);
    const missing = await get('nosuchdev').catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'ENODEV' });
  });

  it('rejects requests after close and closes idempotently', async () => {
    const sock = RtnlSocket.open({ netns: ns.name });
    sock.close();
    sock.close();
    await expect(sock.request(RTM.GETLINK, NLM_F.DUMP, () => {})).rejects.toMatchObject({ name: 'SocketClosedError' });
  });

  it('rejects an unknown namespace before any request', () => {
    expect(() => RtnlSocket.open({ netns: 'no-such-ns-rtnl' })).toThrow(/no network namespace/);
    expect(() => RtnlSocket.open({ netns: '../etc' })).toThrow(/invalid network namespace name/);
  });
});
