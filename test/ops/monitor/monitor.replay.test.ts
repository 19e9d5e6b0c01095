/**
 * monitor(): notifications arrive on an event socket (multicast groups,
 * readiness through shim.poll); the replay delivers each recorded one once
 * the request that caused it has been replayed. From fixtures/monitor/*.rtnl.
 */
import { describe, expect } from 'vitest';
import { monitor, type AddressEvent } from '../../../src/ops/monitor/index.js';
import { RtnlSocket } from '../../../src/netlink/socket.js';
import { NLM_F } from '../../../src/netlink/index.js';
import { AF, RTM } from '../../../src/rtnetlink/constants.js';
import { addrMessage } from '../../../src/rtnetlink/addr/index.js';
import { withFixture } from '../../../src/testing/index.js';
import { fixturePath, itFixture, mode } from '../../helpers/fixtures.js';

describe(`monitor (${mode})`, () => {
  itFixture('reports the address a request of ours added, with our port and sequence number', () =>
    withFixture(
      fixturePath('monitor/newaddr-event'),
      async (fx) => {
        const ns = fx.netns('a');
        const m = monitor(['address'], { netns: ns });
        const sock = RtnlSocket.open({ netns: ns });
        try {
          // 10.5.5.5/32 on lo (ifindex 1 in every namespace).
          await sock.request(RTM.NEWADDR, NLM_F.CREATE | NLM_F.EXCL, (w) =>
            addrMessage.encode(w, { header: { family: AF.INET, prefixLength: 32, flags: 0, scope: 0, index: 1 }, attrs: { local: '10.5.5.5', address: '10.5.5.5' } }),
          );
          const first = await m.next();
          expect(first.done).toBe(false);
          const e = first.value as AddressEvent;
          expect(e.type).toBe('newaddr');
          expect(e.address).toMatchObject({ address: '10.5.5.5', prefixLength: 32, link: 'lo' });
          // IPv4 address notifications name the request that caused them (rtmsg_ifa with the request's portid and header).
          expect(e.portId).toBe(sock.portId);
          expect(e.seq).toBe(1);
        } finally {
          sock.close();
          await m.return?.();
        }
      },
      { operation: "monitor(['address']) while RTM_NEWADDR adds 10.5.5.5/32 to lo on another socket: the RTM_NEWADDR notification" },
    ),
  );
});
