/**
 * iproute2 as the tests' oracle. Its output changes between releases (new
 * fields in `-j`, new words in the text forms), so the tests that compare
 * rtnl's output with ip's byte for byte, or require a rule for every key ip
 * prints, are validated against particular releases. On another release
 * they skip, naming it — a newer ip is not a bug in rtnl, and must not fail
 * the suite — unless RTNL_IP_ORACLE=any asks to compare anyway.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RTPROT, RT_SCOPE, RT_TABLE } from '../../src/rtnetlink/route/names.js';
import { canRunLive } from './live.js';

/** The iproute2 releases the exact comparisons were written against (Debian 12's). */
export const VALIDATED_IPROUTE2 = ['6.1.0'];

let version: string | null | undefined;

/** `ip -V`'s release (`6.1.0`), or undefined where ip does not answer. */
export function iproute2Version(): string | undefined {
  if (version === undefined) {
    try {
      const out = execFileSync('ip', ['-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      version = /iproute2-(?:ss)?v?([\d.]+)/.exec(out)?.[1] ?? null;
    } catch {
      version = null;
    }
  }
  return version ?? undefined;
}

/**
 * ip names tables, protocols, scopes and groups from /etc/iproute2 (the
 * machine's own configuration); rtnl prints iproute2's stock names. Entries
 * of this machine's files that name a number otherwise, e.g. a site's
 * `100 vpn` in rt_tables, make ip print a word where rtnl prints 100.
 */
export function siteRenames(dir = '/etc/iproute2'): string[] {
  const ours: [string, Record<number, string>][] = [
    ['rt_tables', invert(RT_TABLE)],
    ['rt_protos', invert(RTPROT)],
    ['rt_scopes', invert(RT_SCOPE)],
    ['group', { 0: 'default' }],
  ];
  const out: string[] = [];
  for (const [base, names] of ours) {
    const files = [join(dir, base)];
    const d = join(dir, `${base}.d`);
    if (existsSync(d)) for (const f of readdirSync(d).sort()) if (f.endsWith('.conf')) files.push(join(d, f));
    for (const file of files) {
      if (!existsSync(file)) continue;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const m = /^\s*(0x[0-9a-f]+|\d+)\s+(\S+)/i.exec(line);
        if (!m) continue;
        const n = Number(m[1]);
        if (names[n] !== m[2]) out.push(`${file}: ${n} ${m[2]}`);
      }
    }
  }
  return out;
}

function invert(o: Record<string, number>): Record<number, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [v, k]));
}

/** Why exact comparisons with ip cannot be trusted here, or undefined when they can. */
export function oracleUnvalidated(): string | undefined {
  if (!canRunLive || process.env.RTNL_IP_ORACLE === 'any') return undefined;
  const v = iproute2Version();
  if (v === undefined || !VALIDATED_IPROUTE2.includes(v)) {
    return `iproute2 ${v ?? '(unknown release)'} is not a validated oracle for exact output comparisons (validated: ${VALIDATED_IPROUTE2.join(', ')}; RTNL_IP_ORACLE=any compares anyway)`;
  }
  const renames = siteRenames();
  if (renames.length) return `this machine's iproute2 configuration names numbers otherwise than iproute2's defaults (${renames.slice(0, 3).join('; ')}), so ip prints words where rtnl prints numbers`;
  return undefined;
}
