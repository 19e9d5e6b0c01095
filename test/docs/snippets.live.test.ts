/**
 * The code in README.md and docs/ runs as written, from the packed package:
 * the package is built (tsup), packed (npm pack) and installed into a
 * scratch project as a user would, and every complete program among the
 * snippets (a ```ts block that starts with `import`) runs there with
 * `import … from 'rtnl'` (or 'rtnl/wire', 'rtnl/ethernet') resolved by
 * Node from that install. Each runs inside a throwaway network namespace
 * and a private mount namespace whose /run/netns is an empty tmpfs, so the
 * namespaces it makes ('blue', 'red') are its own and vanish with it.
 * Snippets that are not whole programs on their own say why below.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addonPath } from '../../src/shim/addon.js';
import { getShim } from '../../src/shim/index.js';
import { canRunLive, liveSkipReason, uniqueName } from '../helpers/live.js';
import { repoRoot } from '../helpers/child.js';
import { toolMissing } from '../helpers/tools.js';

interface Snippet {
  file: string;
  n: number;
  code: string;
}

/** Every ```ts block of README.md and docs/*.md that starts with an import: a program. */
function programs(): Snippet[] {
  const files = ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
  const out: Snippet[] = [];
  for (const file of files) {
    let n = 0;
    for (const m of readFileSync(join(repoRoot, file), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)) {
      n++;
      const code = m[1] as string;
      if (code.trimStart().startsWith('import')) out.push({ file, n, code });
    }
  }
  return out;
}

/** What a snippet assumes around it (namespaces it names but does not make), and how it ends when it would run forever. */
const PLAN: Record<string, { before?: string; patch?: (c: string) => string; check?: RegExp } | { skip: string }> = {
  'README.md#1': { check: /^\d+ \d+ eth0 (UP|DOWN|UNKNOWN|LOWERLAYERDOWN)$/m },
  'README.md#2': { check: /^created veth0 and veth1\nEEXIST ifname /m },
  'docs/links.md#1': { before: "import { createNetns as __mk } from 'rtnl';\nawait __mk('red'); await __mk('blue');\n", check: /^eth0 \d+ /m },
  'docs/links.md#8': { before: "import { createNetns as __mk } from 'rtnl';\nawait __mk('blue');\n" },
  'docs/monitor.md#1': {
    before: "import { createNetns as __mk, createBridge as __br } from 'rtnl';\nawait __mk('blue');\nsetTimeout(() => void __br('mbr0', { netns: 'blue', up: true }), 300);\n",
    // The loop ends when its signal aborts: abort once the first events are in.
    patch: (c) => c.replace('const ac = new AbortController();', 'const ac = new AbortController();\nsetTimeout(() => ac.abort(), 1500);'),
    check: /link mbr0 is/,
  },
  'docs/namespaces.md#1': { check: /name: 'blue'/ },
  'docs/namespaces.md#2': { skip: 'continues the namespace snippet before it (its `runInNetns`, address and namespace)' },
  'docs/ovs.md#1': { skip: 'needs a running ovsdb-server and ovs-vswitchd: test/ovs runs these calls against private daemons' },
  'docs/tap.md#1': { skip: 'reads frames until stopped, on a bridge br0 it assumes: test/ops/tap covers createTap and openTap' },
  'docs/testing.md#1': { skip: 'a vitest test file (run by vitest, not node)' },
  'docs/testing.md#2': { skip: 'uses a `realShim` defined by the text around it' },
};

const need = canRunLive ? (toolMissing('unshare') ?? toolMissing('npm')) : liveSkipReason;
const all = programs();

describe.skipIf(need !== undefined)(`README and docs snippets run from the packed package${need ? ` — skipped: ${need}` : ''}`, () => {
  let app = '';
  let scratch = '';
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'rtnl-snippets-'));
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'tsup', 'dist', 'cli-default.js')], { cwd: repoRoot, stdio: 'pipe' });
    const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', scratch], { cwd: repoRoot, encoding: 'utf8' }).trim().split('\n').pop() as string;
    app = join(scratch, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'snippets', private: true, type: 'module' }));
    // No install scripts: the addon of this checkout is used (RTNL_ADDON_PATH), not built again.
    execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund', '--ignore-scripts', '--offline', '--cache', join(scratch, 'npm-cache'), join(scratch, tgz)], { cwd: app, stdio: 'pipe' });
  }, 300_000);
  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('every snippet that is a program is run below or says why not', () => {
    const keys = all.map((s) => `${s.file}#${s.n}`);
    expect(keys.filter((k) => !(k in PLAN))).toEqual([]);
    expect(Object.keys(PLAN).filter((k) => !keys.includes(k))).toEqual([]);
  });

  for (const s of all) {
    const key = `${s.file}#${s.n}`;
    const plan = PLAN[key];
    // The snippets PLAN marks as no whole programs are not run (the first test keeps that list complete).
    if (!plan || 'skip' in plan) continue;
    it(`${key} runs as written`, async () => {
      const { transformSync } = await import('esbuild');
      const source = (plan.before ?? '') + (plan.patch ? plan.patch(s.code) : s.code);
      const js = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20' }).code;
      const file = join(app, `snippet-${key.replace(/\W/g, '_')}.mjs`);
      writeFileSync(file, js);
      const ns = uniqueName('rtnlsnip');
      execFileSync('ip', ['netns', 'add', ns]);
      try {
        const env: Record<string, string> = { ...(process.env as Record<string, string>), RTNL_BACKEND: getShim().backend };
        if (getShim().backend === 'addon') env.RTNL_ADDON_PATH = addonPath();
        const r = spawnSync('ip', ['netns', 'exec', ns, 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs /run/netns && exec "$0" "$1"', process.execPath, file], {
          cwd: app,
          env,
          encoding: 'utf8',
          timeout: 120_000,
        });
        expect(r.stderr, `${key} wrote to stderr`).toBe('');
        expect(r.status, `${key} exited ${r.status}: ${r.stderr}`).toBe(0);
        if (plan.check) expect(r.stdout).toMatch(plan.check);
      } finally {
        execFileSync('ip', ['netns', 'del', ns]);
      }
    }, 180_000);
  }
});
