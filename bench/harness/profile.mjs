// `node scripts/bench.mjs --profile`: CPU profiles of the rtnl legs on the
// workloads where per-message cost matters (GETLINK round trips, the big
// dump, the codec), summarised as the functions with the most self time,
// mapped back to src/ through the bundle's source map. Profiles are kept in
// bench/out/profiles/ for Chrome DevTools or speedscope.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { buildFloor, buildRtnlDriver, ensureOutDir, findNode26, findNodeAddon, pyroute2Version } from './build.mjs';
import { makeLegs, runLeg } from './legs.mjs';
import { addVethPairs, cleanupAll, createNs, installCleanup, linkCount, removeStale } from './netns.mjs';

/** Self and inclusive time per function of one .cpuprofile, by source location. */
export function summarise(profilePath, map, root, bundleDir) {
  const p = JSON.parse(readFileSync(profilePath, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const where = (cf) => {
    let file = cf.url.replace(/^file:\/\//, '');
    let line = cf.lineNumber + 1;
    if (map && file.endsWith('rtnl.mjs')) {
      const e = map.findEntry(cf.lineNumber, cf.columnNumber);
      if (e?.originalSource) {
        // Source-map sources are relative to the bundle's folder.
        file = resolve(bundleDir, e.originalSource.replace(/^file:\/\//, ''));
        line = e.originalLine + 1;
      }
    }
    if (file.startsWith('/')) file = relative(root, file);
    return { file: file || '(native)', line };
  };
  const keys = new Map();
  const keyOf = (n) => {
    let k = keys.get(n.id);
    if (k === undefined) keys.set(n.id, (k = locate(n)));
    return k;
  };
  const locate = (n) => {
    const cf = n.callFrame;
    const w = where(cf);
    return `${cf.functionName || '(anonymous)'} ${w.file}:${w.line}`;
  };
  const self = new Map();
  const incl = new Map();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    total += dt;
    let id = p.samples[i];
    const k = keyOf(byId.get(id));
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set();
    while (id !== undefined) {
      const kk = keyOf(byId.get(id));
      if (!seen.has(kk)) {
        seen.add(kk);
        incl.set(kk, (incl.get(kk) ?? 0) + dt);
      }
      id = parent.get(id);
    }
  }
  const top = (m, n) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => ({ fn: k, ms: us / 1000, pct: (100 * us) / total }));
  return { totalMs: total / 1000, self: top(self, 25), inclusive: top(incl, 40) };
}

export async function profile(root) {
  const quick = process.env.BENCH_QUICK === '1';
  const outDir = ensureOutDir(root);
  installCleanup();
  removeStale();
  const tools = { floor: buildFloor(root, outDir), rtnl: await buildRtnlDriver(root, outDir) };
  tools.nodeAddon = findNodeAddon();
  tools.node26 = findNode26(root);
  tools.pyroute2 = pyroute2Version();
  // The API legs by default; BENCH_LEGS can name the diagnostic ones too.
  const chosen = (l) => (process.env.BENCH_LEGS ? process.env.BENCH_LEGS.split(',').includes(l.id) : !l.diagnostic);
  const legs = makeLegs(root, tools).filter((l) => l.rtnl && !l.skip && chosen(l));
  const map = new SourceMap(JSON.parse(readFileSync(`${tools.rtnl.file}.map`, 'utf8')));

  const nsLookup = createNs('p2');
  const nsBig = createNs('p3');
  addVethPairs(nsLookup, 'g', 500);
  const bigPairs = quick ? 500 : 5000;
  for (let i = 0; i < bigPairs; i += 1000) addVethPairs(nsBig, 'm', Math.min(1000, bigPairs - i), i);
  const dumpFile = join(outDir, 'dump-profile.bin');
  await runLeg(legs[0], 'record', [nsBig, dumpFile]);
  console.log(`profiling ${legs.map((l) => l.id).join(', ')}; big namespace: ${linkCount(nsBig)} links`);

  const jobs = [
    ['getlink', [nsLookup, quick ? 5000 : 50000, 'g', 500]],
    ['dump', [nsBig, quick ? 3 : 10]],
    ['codec', [dumpFile, quick ? 2 : 10]],
  ];
  const report = [];
  for (const leg of legs) {
    for (const [mode, args] of jobs) {
      if (leg.only && !leg.only.includes(mode)) continue;
      const dir = join(outDir, 'profiles', `${leg.id}-${mode}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const r = await runLeg(leg, mode, args, { profileDir: dir });
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      const s = summarise(join(dir, file), map, root, dirname(tools.rtnl.file));
      report.push(`## ${leg.label} — ${mode} (${r.ops} ops, ${r.seconds.toFixed(3)} s under the profiler; profile ${relative(root, join(dir, file))})`, '');
      report.push('Self time:', '', '| ms | % | function |', '| --- | --- | --- |');
      for (const t of s.self) report.push(`| ${t.ms.toFixed(1)} | ${t.pct.toFixed(1)} | ${t.fn} |`);
      report.push('', 'Inclusive time:', '', '| ms | % | function |', '| --- | --- | --- |');
      for (const t of s.inclusive) report.push(`| ${t.ms.toFixed(1)} | ${t.pct.toFixed(1)} | ${t.fn} |`);
      report.push('');
      console.log(`  ${leg.id} ${mode}: done`);
    }
  }
  cleanupAll();
  const md = `# CPU profiles of the rtnl legs\n\n${report.join('\n')}\n`;
  writeFileSync(join(outDir, 'profiles.md'), md);
  console.log(md);
  return 0;
}
