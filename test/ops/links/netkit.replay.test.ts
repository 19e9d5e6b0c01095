/**
 * netkit pairs, replayed from fixtures/links/netkit-*.rtnl (recorded on
 * Debian's 6.12 in the full-kernel lane: neither the development
 * machines' kernel nor 6.1 has netkit). Record with
 *   RTNL_KERNEL_PACKAGE=linux-image-6.12-amd64 npm run kernel -- node scripts/record-fixtures.mjs test/ops/links/netkit.replay.test.ts
 */
import { describe, expect } from 'vitest';
import { createNetkitPair, getLink, setLink } from '../../../src/index.js';
import { withFixture } from '../../../src/testing/index.js';
import { fixturePath, itFixture, mode } from '../../helpers/fixtures.js';

describe(`netkit (${mode})`, () => {
  itFixture('creates a pair with the peer in another namespace, changes the policies through the primary, and is refused on the peer', () =>
    withFixture(
      fixturePath('links/netkit-pair'),
      async (fx) => {
        const a = fx.netns('a');
        const b = fx.netns('b');
        const { link, peer } = await createNetkitPair({ netns: a, name: 'nk0', mode: 'l2', address: '02:00:00:00:00:a1', peer: { name: 'nk1', netns: b, policy: 'blackhole' } });
        expect(link).toMatchObject({ name: 'nk0', kind: 'netkit', address: '02:00:00:00:00:a1', info: { primary: true, mode: 'l2', policy: 'forward', peerPolicy: 'blackhole', peerIndex: peer.index } });
        expect(peer).toMatchObject({ name: 'nk1', info: { primary: false, policy: 'blackhole', peerPolicy: 'forward' } });
        const changed = await setLink('nk0', { netns: a, info: { kind: 'netkit', policy: 'blackhole', peerPolicy: 'forward' } });
        expect(changed.info).toMatchObject({ policy: 'blackhole', peerPolicy: 'forward' });
        await expect(setLink('nk1', { netns: b, info: { kind: 'netkit', policy: 'forward' } })).rejects.toMatchObject({ code: 'EACCES', extack: { message: expect.stringMatching(/primary/) } });
        expect((await getLink('nk1', { netns: b })).info).toMatchObject({ policy: 'forward' });
      },
      { operation: "createNetkitPair({ name: 'nk0', mode: 'l2', address, peer: { name: 'nk1', netns: b, policy: 'blackhole' } }) in a; setLink policies; setLink on the peer (EACCES)" },
    ),
  );
});
