/**
 * Raw RtnlSocket conversations, replayed from fixtures/socket/*.rtnl (or
 * recorded with RTNL_RECORD=1): a link dump, a GET by name, a NEWLINK, and
 * the kernel's refusals (EEXIST, ERANGE from the ifname policy with the
 * attribute offset, ENODEV).
 */
import { describe, expect } from 'vitest';
import { RtnlSocket } from '../../src/netlink/socket.js';
import { NLM_F, isNetlinkError } from '../../src/netlink/index.js';
import { RTM, AF } from '../../src/rtnetlink/constants.js';
import { linkMessage } from '../../src/rtnetlink/link/index.js';
import { withFixture } from '../../src/testing/index.js';
import { ip } from '../helpers/live.js';
import { fixturePath, itFixture, mode } from '../helpers/fixtures.js';

const hdr = { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 };

describe(`raw RtnlSocket conversations (${mode})`, () => {
  itFixture('dumps every link of a namespace', () =>
    withFixture(
      fixturePath('socket/link-dump'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => {
          ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], ns);
          ip(['link', 'add', 'br0', 'type', 'bridge'], ns);
          ip(['link', 'set', 'v0', 'master', 'br0'], ns);
        });
        const sock = RtnlSocket.open({ netns: ns });
        try {
          const links = [];
          for await (const m of sock.dump(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: hdr }))) {
            expect(m.type).toBe(RTM.NEWLINK);
            links.push(linkMessage.decode(m.bytes));
          }
          expect(links.map((l) => l.attrs.ifname).sort()).toEqual(['br0', 'lo', 'v0', 'v1']);
          const br0 = links.find((l) => l.attrs.ifname === 'br0');
          const v0 = links.find((l) => l.attrs.ifname === 'v0');
          expect(v0?.attrs.master).toBe(br0?.header.index);
          expect(v0?.attrs.linkinfo?.kind).toBe('veth');
          expect(br0?.attrs.linkinfo?.kind).toBe('bridge');
        } finally {
          sock.close();
        }
      },
      { operation: 'RTM_GETLINK dump of a namespace holding lo, a veth pair v0/v1 and a bridge br0 (v0 enslaved)' },
    ),
  );

  itFixture('gets one link by name', () =>
    withFixture(
      fixturePath('socket/getlink-by-name'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => ip(['link', 'add', 'd0', 'mtu', '1400', 'type', 'veth', 'peer', 'name', 'd1'], ns));
        const sock = RtnlSocket.open({ netns: ns });
        try {
          const [reply, ...rest] = await sock.request(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: hdr, attrs: { ifname: 'd0' } }));
          expect(rest).toEqual([]);
          const link = linkMessage.decode(reply!.bytes);
          expect(link.attrs.ifname).toBe('d0');
          expect(link.attrs.mtu).toBe(1400);
          expect(link.attrs.linkinfo?.kind).toBe('veth');
          // The kernel's random MAC (locally administered); a replay shows its canonical stand-in.
          expect(link.attrs.address).toMatch(/^[0-9a-f][26ae](:[0-9a-f]{2}){5}$/);
          if (fx.mode === 'replay') expect(link.attrs.address).toMatch(/^02:72:74:6e:00:0[12]$/);
        } finally {
          sock.close();
        }
      },
      { operation: 'RTM_GETLINK of one veth by IFLA_IFNAME' },
    ),
  );

  itFixture('creates a bridge with NEWLINK and reads it back', () =>
    withFixture(
      fixturePath('socket/newlink-bridge'),
      async (fx) => {
        const ns = fx.netns('a');
        const sock = RtnlSocket.open({ netns: ns });
        try {
          const acked = await sock.request(RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL, (w) =>
            linkMessage.encode(w, { header: hdr, attrs: { ifname: 'br1', mtu: 1450, linkinfo: { kind: 'bridge' } } }),
          );
          expect(acked).toEqual([]);
          const [reply] = await sock.request(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: hdr, attrs: { ifname: 'br1' } }));
          const link = linkMessage.decode(reply!.bytes);
          expect(link.attrs.linkinfo?.kind).toBe('bridge');
          expect(link.attrs.mtu).toBe(1450);
        } finally {
          sock.close();
        }
      },
      { operation: 'RTM_NEWLINK of a bridge (CREATE|EXCL, mtu 1450), then RTM_GETLINK of it' },
    ),
  );

  itFixture('surfaces EEXIST for a duplicate link', () =>
    withFixture(
      fixturePath('socket/newlink-eexist'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => ip(['link', 'add', 'dup0', 'type', 'bridge'], ns));
        const sock = RtnlSocket.open({ netns: ns });
        try {
          const err = await sock
            .request(RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL, (w) => linkMessage.encode(w, { header: hdr, attrs: { ifname: 'dup0', linkinfo: { kind: 'bridge' } } }), {
              operation: 'test-newlink',
            })
            .then(() => undefined, (e: unknown) => e);
          expect(isNetlinkError(err, 'EEXIST')).toBe(true);
          if (!isNetlinkError(err)) return;
          expect(err.errno).toBe(-17);
          expect(err.operation).toBe('test-newlink');
        } finally {
          sock.close();
        }
      },
      { operation: 'RTM_NEWLINK (CREATE|EXCL) of a bridge whose name exists: EEXIST' },
    ),
  );

  itFixture('surfaces ERANGE from the ifname policy with the attribute path', () =>
    withFixture(
      fixturePath('socket/newlink-erange-ifname'),
      async (fx) => {
        const ns = fx.netns('a');
        const sock = RtnlSocket.open({ netns: ns });
        try {
          const err = await sock
            .request(
              RTM.NEWLINK,
              NLM_F.CREATE | NLM_F.EXCL,
              (w) => linkMessage.encode(w, { header: hdr, attrs: { ifname: 'x'.repeat(20), linkinfo: { kind: 'bridge' } } }),
              { operation: 'test-newlink' },
            )
            .then(() => undefined, (e: unknown) => e);
          expect(isNetlinkError(err, 'ERANGE')).toBe(true);
          if (!isNetlinkError(err)) return;
          expect(err.kernelMessage).toMatch(/policy/i);
          // nlmsghdr (16) + ifinfomsg (16): IFLA_IFNAME is the first attribute.
          expect(err.extack.offset).toBe(32);
          expect(err.attrPath).toBe('ifname');
        } finally {
          sock.close();
        }
      },
      { operation: 'RTM_NEWLINK with a 20-byte IFLA_IFNAME: ERANGE, extack message and offset of the attribute' },
    ),
  );

  itFixture('surfaces ENODEV for an unknown name', () =>
    withFixture(
      fixturePath('socket/getlink-enodev'),
      async (fx) => {
        const ns = fx.netns('a');
        const sock = RtnlSocket.open({ netns: ns });
        try {
          const err = await sock.request(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: hdr, attrs: { ifname: 'nosuchdev' } })).catch((e: unknown) => e);
          expect(err).toMatchObject({ name: 'NetlinkError', code: 'ENODEV', errno: -19 });
        } finally {
          sock.close();
        }
      },
      { operation: 'RTM_GETLINK of a name that does not exist: ENODEV' },
    ),
  );
});
