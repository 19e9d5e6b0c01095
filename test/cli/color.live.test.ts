/**
 * `-color`, as ip has it: names, link-layer and IP addresses and UP/DOWN in
 * colour with `-c`, `-color` and `-color=always`; none with `-color=never`,
 * with `-color=auto` when stdout is not a terminal (here: a pipe), or with
 * `-j`; a light background (COLORFGBG) gets the plain palette. Colour
 * changes no word of the text: stripped of its escapes it is the same.
 */
import { describe, expect, it } from 'vitest';
import { canRunLive, ip, liveSkipReason, useNetns } from '../helpers/live.js';
import { rtnl, rtnlOk, useCli } from './_cli.js';

const ns = useNetns('rtnlcolor');
useCli();

const ESC = '\u001b[';
const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
const bold = (code: number, text: string) => `${ESC}1m${ESC}${code}m${text}${ESC}39m${ESC}22m`;

describe.skipIf(!canRunLive)(`rtnl -color${liveSkipReason ? ` — skipped: ${liveSkipReason}` : ''}`, () => {
  it('colours link names, addresses and states as ip does, and changes nothing else', () => {
    ip(['link', 'add', 'colbr0', 'address', '02:00:00:00:00:c1', 'type', 'bridge'], ns.name);
    ip(['address', 'add', '10.9.8.7/24', 'dev', 'colbr0'], ns.name);
    ip(['address', 'add', 'fd00::7/64', 'dev', 'colbr0', 'nodad'], ns.name);
    const plain = rtnlOk(['-n', ns.name, 'addr', 'show', 'dev', 'colbr0']);
    expect(plain).not.toContain(ESC);
    for (const flag of ['-c', '-color', '-color=always', '--color=always']) {
      const out = rtnlOk([flag, '-n', ns.name, 'addr', 'show', 'dev', 'colbr0']);
      expect(strip(out)).toBe(plain);
      expect(out).toContain(bold(36, 'colbr0: ')); // ifname: bold cyan
      expect(out).toContain(bold(33, '02:00:00:00:00:c1')); // link-layer: bold yellow
      expect(out).toContain(bold(35, '10.9.8.7')); // inet: bold magenta
      expect(out).toContain(bold(94, 'fd00::7')); // inet6: bold light blue
      expect(out).toContain(bold(31, 'state DOWN ')); // DOWN: bold red
    }
    ip(['link', 'add', 'colv0', 'up', 'type', 'veth', 'peer', 'name', 'colv1'], ns.name);
    ip(['link', 'set', 'colv1', 'up'], ns.name);
    expect(rtnlOk(['-c', '-n', ns.name, 'link', 'show', 'colv0'])).toContain(bold(32, 'state UP ')); // UP: bold green
    expect(rtnlOk(['-c', '-n', ns.name, 'link', 'show', 'lo'])).toContain('state UNKNOWN '); // other states: no colour
    expect(rtnlOk(['-c', '-br', '-n', ns.name, 'link', 'show', 'colv0'])).toContain(bold(36, 'colv0@colv1'.padEnd(16) + ' '));
    ip(['address', 'add', '10.9.7.1/24', 'dev', 'colv0'], ns.name);
    const route = rtnlOk(['-c', '-n', ns.name, 'route', 'show']);
    expect(strip(route)).toBe(rtnlOk(['-n', ns.name, 'route', 'show']));
    expect(route).toContain(`${bold(35, '10.9.7.0/24')} dev ${bold(36, 'colv0')} `);
    expect(route).toContain(`src ${bold(35, '10.9.7.1')} `);
  });

  it('no colour with -color=never, -color=auto into a pipe, or -j; the plain palette on a light background', () => {
    const args = ['-n', ns.name, 'link', 'show', 'lo'];
    expect(rtnlOk(['-color=never', ...args])).not.toContain(ESC);
    expect(rtnlOk(['-color=auto', ...args])).not.toContain(ESC);
    expect(rtnlOk(['-c', '-j', ...args])).not.toContain(ESC);
    const light = rtnl(['-c', ...args], undefined, { COLORFGBG: '0;15' });
    expect(light.stdout).toContain(`${ESC}36mlo: ${ESC}39m`);
    expect(rtnl(['-color=sometimes', ...args]).status).toBe(255);
  });
});
