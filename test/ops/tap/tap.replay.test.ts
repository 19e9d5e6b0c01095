/**
 * createTap / openTap: the /dev/net/tun ioctls (TUNSETIFF with its ifreq,
 * TUNSETOWNER, TUNSETPERSIST) and the rtnetlink part, replayed from
 * fixtures/tap/*.rtnl.
 */
import { describe, expect } from 'vitest';
import { createTap, openTap } from '../../../src/ops/tap/index.js';
import { withFixture } from '../../../src/testing/index.js';
import { ip } from '../../helpers/live.js';
import { fixturePath, itFixture, mode } from '../../helpers/fixtures.js';

/** A broadcast Ethernet frame: ARP who-has 10.0.0.2 tell 10.0.0.1. */
function arpRequest(): Uint8Array {
  const f = new Uint8Array(42);
  f.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x06]);
  f.set([0, 1, 0x08, 0, 6, 4, 0, 1, 0x02, 0, 0, 0, 0, 0x01, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2], 14);
  return f;
}

describe(`tap (${mode})`, () => {
  itFixture('creates a persistent TAP with owner, mtu and up', () =>
    withFixture(
      fixturePath('tap/create-persistent'),
      async (fx) => {
        const ns = fx.netns('a');
        const link = await createTap('tap0', { netns: ns, owner: 1000, mtu: 1400, up: true });
        expect(link).toMatchObject({ name: 'tap0', kind: 'tun', mtu: 1400, up: true });
        expect(link.info).toMatchObject({ type: 'tap', owner: 1000, persist: true });
      },
      { operation: "createTap('tap0', { owner: 1000, mtu: 1400, up: true }): TUNSETIFF, TUNSETOWNER, TUNSETPERSIST, then RTM_NEWLINK/GETLINK" },
    ),
  );

  itFixture('creates a TAP from a template, opens it and injects a frame', () =>
    withFixture(
      fixturePath('tap/create-open-write'),
      async (fx) => {
        const ns = fx.netns('a');
        const { link, tap } = await createTap('tp%d', { netns: ns, open: true, persist: false, up: true });
        try {
          expect(link.name).toBe('tp0');
          expect(tap.name).toBe('tp0');
          await tap.write(arpRequest());
        } finally {
          tap.close();
        }
      },
      { operation: "createTap('tp%d', { open: true, persist: false, up: true }) then one frame written" },
    ),
  );

  itFixture('refuses to create a TAP whose name exists', () =>
    withFixture(
      fixturePath('tap/create-name-taken'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => ip(['link', 'add', 'taken0', 'type', 'bridge'], ns));
        const err = await createTap('taken0', { netns: ns }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Error);
        // The kernel answers EBUSY (IFF_TUN_EXCL); createTap reports it as EEXIST, like every other "name taken".
        expect(err).toMatchObject({ name: 'SystemError', code: 'EEXIST', errno: -17, syscall: 'ioctl' });
        expect((err as Error).message).toContain('a device named taken0 already exists');
      },
      { operation: "createTap('taken0') where a bridge of that name exists: TUNSETIFF with IFF_TUN_EXCL fails" },
    ),
  );

  itFixture('opens an existing persistent TAP', () =>
    withFixture(
      fixturePath('tap/open-existing'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => ip(['tuntap', 'add', 'dev', 'tap5', 'mode', 'tap'], ns));
        const tap = await openTap('tap5', { netns: ns });
        try {
          expect(tap.name).toBe('tap5');
          expect(tap.multiQueue).toBe(false);
        } finally {
          tap.close();
        }
      },
      { operation: "openTap('tap5') of a persistent TAP made by ip tuntap" },
    ),
  );
});
