/**
 * addAddresses against the kernel: many addresses pipelined (sends counted
 * through the shim), one settled result each, in order; a duplicate or a
 * missing link is its own rejection; bad input is refused by its place in
 * the list before anything is sent. iproute2 is the oracle.
 */
import { describe, expect, it } from 'vitest';
import { addAddresses } from '../../../src/index.js';
import { countingShim, withShim } from '../../hardening/_shim.js';
import { canRunLive, ip, ipJson, liveTitle, useNetns } from '../../helpers/live.js';

const NS = useNetns('rtnlba');

describe.skipIf(!canRunLive)(liveTitle('addAddresses, pipelined'), () => {
  it('adds 200 addresses on two links in a few sends; a duplicate and a missing link are rejected alone', async () => {
    ip(['link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'a1'], NS.name);
    const entries = Array.from({ length: 200 }, (_, i) => ({ link: i % 2 ? 'a1' : 'a0', address: `10.${50 + (i % 2)}.${i >> 1}.1/32` }));
    const counting = countingShim();
    const results = await withShim(counting.shim, () =>
      addAddresses([...entries, { link: 'a0', address: '10.50.0.1/32' }, { link: 'nosuch0', address: '10.60.0.1/24' }, { link: 'a0', address: 'fd00:50::1/64', flags: ['nodad'] }], { netns: NS.name }),
    );
    expect(results.slice(0, 200).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(results[200]).toMatchObject({ status: 'rejected', reason: { code: 'EEXIST' } });
    expect(results[201]).toMatchObject({ status: 'rejected', reason: { code: 'ENODEV', attrPath: 'addresses[201].link' } });
    expect(results[202]).toMatchObject({ status: 'fulfilled' });
    // One batch resolving a0/a1/nosuch0, then 202 addresses 32 at a time.
    expect(counting.netlinkSends).toBe(1 + Math.ceil(202 / 32));
    const shown = ipJson<{ ifname: string; addr_info: { local: string; prefixlen: number; scope: string }[] }[]>(['addr', 'show'], NS.name);
    const a0 = shown.find((l) => l.ifname === 'a0')!.addr_info.filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`);
    expect(a0).toHaveLength(101);
    expect(a0).toContain('fd00:50::1/64');
    expect(shown.find((l) => l.ifname === 'a1')!.addr_info.filter((a) => a.scope === 'global')).toHaveLength(100);
  });

  it('refuses a bad entry by its place before anything is sent', async () => {
    const counting = countingShim();
    await expect(withShim(counting.shim, () => addAddresses([{ link: 'a0', address: '10.70.0.1/24' }, { link: 'a0', address: '10.70.0.300/24' }], { netns: NS.name }))).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'addresses[1].address',
    });
    expect(counting.netlinkSends).toBe(0);
  });
});
