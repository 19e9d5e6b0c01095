/**
 * Namespace ids (RTM_NEWNSID / GETNSID with NETNSA_FD: the fd of the peer
 * namespace travels inside the request) and runInNetns, replayed from
 * fixtures/netns/*.rtnl.
 */
import { describe, expect } from 'vitest';
import { getNsid, runInNetns, setNsid } from '../../../src/ops/netns/index.js';
import { RtnlSocket } from '../../../src/netlink/socket.js';
import { AF, RTM } from '../../../src/rtnetlink/constants.js';
import { linkMessage } from '../../../src/rtnetlink/link/index.js';
import { withFixture } from '../../../src/testing/index.js';
import { fixturePath, itFixture, mode } from '../../helpers/fixtures.js';

describe(`namespace ids and runInNetns (${mode})`, () => {
  itFixture('assigns an id to a peer namespace and reads it back', () =>
    withFixture(
      fixturePath('netns/set-and-get-nsid'),
      async (fx) => {
        const a = fx.netns('a');
        const b = fx.netns('b');
        expect(await getNsid(b, { netns: a })).toBeUndefined();
        expect(await setNsid(b, 7, { netns: a })).toBe(7);
        expect(await getNsid(b, { netns: a })).toBe(7);
        await expect(setNsid(b, 8, { netns: a })).rejects.toMatchObject({ code: 'EEXIST' });
      },
      { operation: "getNsid(b) (none), setNsid(b, 7), getNsid(b), setNsid(b, 8) (EEXIST), all in namespace a" },
    ),
  );

  itFixture('opens a socket inside a namespace with runInNetns', () =>
    withFixture(
      fixturePath('netns/run-in-netns-socket'),
      async (fx) => {
        const a = fx.netns('a');
        const sock = runInNetns(a, () => RtnlSocket.open());
        try {
          const names: string[] = [];
          for await (const m of sock.dump(RTM.GETLINK, 0, (w) => linkMessage.encode(w, { header: { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 } }))) {
            names.push(linkMessage.decode(m.bytes).attrs.ifname ?? '');
          }
          expect(names).toEqual(['lo']);
        } finally {
          sock.close();
        }
      },
      { operation: 'runInNetns(a, () => RtnlSocket.open()) then a link dump: only lo' },
    ),
  );
});
