// The benchmark harness: one run, one machine, every leg side by side.
//
// Rounds are interleaved (each round runs every leg once per workload, the
// leg order rotating from round to round) so that drift of the machine —
// other load, kernel caches, memory — spreads over all legs instead of
// landing on one. Every driver times only its own work (process start-up
// and namespace setup are outside the clock), except the `ip` legs, whose
// process start-up *is* the cost being measured.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildFloor, buildRtnlCli, buildRtnlDriver, ensureOutDir, findNode26, findNodeAddon, machineInfo, pyroute2Version, PY } from './build.mjs';
import { makeLegs, rssProbe, runLeg } from './legs.mjs';
import { addVethPairs, createNs, installCleanup, ip, linkCount, removeStale, resetNs, cleanupAll } from './netns.mjs';
import { renderReport } from './report.mjs';

/** Workload sizes: full run and BENCH_QUICK=1 smoke run. */
function params(quick) {
  return quick
    ? { rounds: 1, pairs: 100, deletes: 5, getCount: 2000, getIp: 20, getPy: 500, getPerCall: 200, lookupPairs: 100, bigPairs: 500, dumpRepeat: 2, dumpIp: 1, dumpPy: 1, codecIter: 2, codecPy: 1 }
    : { rounds: 3, pairs: 1000, deletes: 40, getCount: 20000, getIp: 200, getPy: 2000, getPerCall: 2000, lookupPairs: 500, bigPairs: 5000, dumpRepeat: 5, dumpIp: 3, dumpPy: 1, codecIter: 3, codecPy: 1 };
}

const GROUP = 1;

export async function main(root) {
  if (process.platform !== 'linux') throw new Error('the benchmark needs Linux');
  if (process.getuid?.() !== 0) throw new Error('the benchmark creates network namespaces and links: run it as root');
  const quick = process.env.BENCH_QUICK === '1';
  const P = params(quick);
  if (process.env.BENCH_ROUNDS) P.rounds = Number(process.env.BENCH_ROUNDS);
  // Every create leg starts from the same state (bench/floor.c, warm_up_creates):
  // a few pairs created and group-deleted its own way, then the same idle time.
  // Without it the legs met the kernel in different states — right after the
  // previous leg's deletes, or with V8 still compiling on the other core — and
  // the Node legs measured 1.2-1.3x the C floor for the very same request.
  process.env.BENCH_WARM_PAIRS ??= quick ? '20' : '300';
  process.env.BENCH_SETTLE_MS ??= quick ? '200' : '1000';
  /** Requests per send in the pipelined legs: rtnl's default batch window (BATCH_WINDOW). */
  const PIPE_WINDOW = 32;
  const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
  const want = (w) => !only || only.has(w);

  const outDir = ensureOutDir(root);
  installCleanup();
  const stale = removeStale();
  if (stale.length) console.log(`removed ${stale.length} namespaces left by an earlier run`);

  // ---- tools ----
  const tools = {};
  tools.floor = buildFloor(root, outDir);
  tools.cc = tools.floor.cc;
  tools.rtnl = await buildRtnlDriver(root, outDir);
  tools.nodeAddon = findNodeAddon();
  tools.nodeAddonMajor = tools.nodeAddon
    ? spawnSync(tools.nodeAddon, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout.trim()
    : undefined;
  const addon = process.env.RTNL_ADDON_PATH ?? join(root, 'build/Release/rtnl_shim.node');
  if (!tools.nodeAddon) tools.addonSkip = 'no Node older than 26 found for the addon leg';
  else if (!existsSync(addon)) tools.addonSkip = `the addon is not built (${addon} is missing: npm rebuild)`;
  tools.node26 = findNode26(root);
  if (!tools.node26) tools.node26Skip = 'no Node 26 found (set RTNL_NODE26, or run `npm test` once: it installs one into .cache/node26)';
  tools.pyroute2 = pyroute2Version();
  tools.python = spawnSync(PY, ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8' }).stdout?.trim();

  const legs = makeLegs(root, tools).filter((l) => !process.env.BENCH_LEGS || process.env.BENCH_LEGS.split(',').includes(l.id));
  const active = legs.filter((l) => !l.skip);
  const machine = machineInfo(root, tools);
  const notes = [];
  for (const l of legs) if (l.skip) notes.push(`${l.label}: skipped — ${l.skip}`);
  for (const n of notes) console.log(`note: ${n}`);

  const results = { quick, params: { ...P, pipeWindow: PIPE_WINDOW }, machine, legs: legs.map(({ id, label, skip, diagnostic }) => ({ id, label, skip, diagnostic })), samples: {}, cpu: {}, memory: [], codec: {}, errors: [], notes, extra: {} };
  // CPU time per op (user + system of the driver process) goes beside the
  // wall time: on a busy machine it shows what each leg itself cost.
  const record = (metric, leg, value, cpu) => {
    ((results.samples[metric] ??= {})[leg.id] ??= []).push(value);
    if (Number.isFinite(cpu)) ((results.cpu[metric] ??= {})[leg.id] ??= []).push(cpu);
  };
  const fail = (leg, what, e) => {
    const msg = `${leg.label} — ${what}: ${e.message}`;
    results.errors.push(msg);
    console.log(`  ! ${msg}`);
  };
  const progress = (s) => process.stdout.write(s);

  // ---- namespaces ----
  const t0 = Date.now();
  console.log(`setting up namespaces (${quick ? 'quick' : 'full'} run)…`);
  const nsCreate = createNs('w1');
  const nsLookup = createNs('w2');
  const nsBig = createNs('w3');
  addVethPairs(nsLookup, 'g', P.lookupPairs);
  for (let i = 0; i < P.bigPairs; i += 1000) addVethPairs(nsBig, 'm', Math.min(1000, P.bigPairs - i), i);
  const lookupLinks = linkCount(nsLookup);
  const bigLinks = linkCount(nsBig);
  results.extra.lookupLinks = lookupLinks;
  results.extra.bigLinks = bigLinks;
  console.log(`  ${nsLookup}: ${lookupLinks} links; ${nsBig}: ${bigLinks} links (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  // ---- the recorded dump for the codec workload ----
  const dumpFile = join(outDir, quick ? 'dump-quick.bin' : 'dump-10k.bin');
  const c = legs.find((l) => l.id === 'c');
  const recorder = c && !c.skip ? c : active.find((l) => l.rtnl && !l.diagnostic);
  if (want('codec') && recorder) {
    const r = await runLeg(recorder, 'record', [nsBig, dumpFile]);
    results.codec = { file: dumpFile, messages: r.links, bytes: r.bytes };
    console.log(`  recorded ${r.links} link messages (${(r.bytes / 2 ** 20).toFixed(1)} MiB) into ${dumpFile}`);
  }

  // Some diagnostic legs only make sense for one workload.
  const runs = (leg, workload) => !leg.only || leg.only.includes(workload);
  const rotate = (arr, k) => arr.map((_, i) => arr[(i + k) % arr.length]);
  const clean = (ns) => {
    if (linkCount(ns) !== 1) {
      const n = linkCount(ns);
      resetNs(ns);
      throw new Error(`${n - 1} links were left behind (namespace re-created)`);
    }
  };

  for (let round = 0; round < P.rounds; round++) {
    const order = rotate(active, round);
    console.log(`\nround ${round + 1}/${P.rounds}`);

    // 1. veth pairs: create, group delete, per-link delete.
    if (want('veth')) {
      progress('  veth     ');
      for (const leg of order) {
        if (!runs(leg, 'veth')) continue;
        try {
          const cr = await runLeg(leg, 'create', [nsCreate, P.pairs, 'c', GROUP]);
          record('create', leg, cr.seconds / cr.ops, cr.cpuSeconds / cr.ops);
          if (leg.diagnostic || leg.id === 'ipbatch') {
            // `ip -batch` would run the one command `ip` already measures; the
            // core legs send the same single DELLINK as the API legs.
            ip(['-n', nsCreate, 'link', 'delete', 'group', String(GROUP)]);
          } else {
            const g = await runLeg(leg, 'groupdel', [nsCreate, GROUP]);
            record('groupdel', leg, g.seconds, g.cpuSeconds);
          }
          clean(nsCreate);
          if (leg.diagnostic) {
            // Per-link delete is one DELLINK by name in the API and in the core alike.
            progress(`${leg.id} `);
            await sleep(100);
            continue;
          }
          addVethPairs(nsCreate, 'd', P.deletes);
          await sleep(50);
          const d = await runLeg(leg, 'delete', [nsCreate, P.deletes, 'd']);
          record('delete', leg, d.seconds / d.ops, d.cpuSeconds / d.ops);
          clean(nsCreate);
          progress(`${leg.id} `);
        } catch (e) {
          fail(leg, 'veth workload', e);
          try {
            resetNs(nsCreate);
          } catch (e2) {
            fail(leg, 'namespace reset', e2);
          }
        }
        await sleep(100); // let the kernel's deferred work from the deletes settle
      }
      progress('\n');
    }

    // 2. RTM_GETLINK by name: per-message overhead.
    if (want('getlink')) {
      progress('  getlink  ');
      for (const leg of order) {
        if (!runs(leg, 'getlink')) continue;
        const n = leg.id === 'ip' ? P.getIp : leg.id === 'py' ? P.getPy : leg.id === 'percall' ? P.getPerCall : P.getCount;
        try {
          const r = await runLeg(leg, 'getlink', [nsLookup, n, 'g', P.lookupPairs]);
          record('getlink', leg, r.seconds / r.ops, r.cpuSeconds / r.ops);
          progress(`${leg.id} `);
        } catch (e) {
          fail(leg, 'getlink', e);
        }
      }
      progress('\n');
      // 2b. The same look-ups pipelined: the C floor's WINDOW-per-sendto leg and rtnl's getLinks (RtnlSocket.batch).
      progress('  pipelined');
      for (const leg of order) {
        if (!(leg.id === 'c' || leg.id === 'node20' || leg.id === 'node26')) continue;
        try {
          const r = await runLeg(leg, 'getlinkpipe', [nsLookup, P.getCount, 'g', P.lookupPairs, PIPE_WINDOW]);
          record('getlinkpipe', leg, r.seconds / r.ops, r.cpuSeconds / r.ops);
          progress(` ${leg.id}`);
        } catch (e) {
          fail(leg, 'getlinkpipe', e);
        }
      }
      progress('\n');
    }

    // 3. Full dump + decode of the big namespace.
    if (want('dump')) {
      progress('  dump     ');
      for (const leg of order) {
        if (!runs(leg, 'dump')) continue;
        if (leg.id === 'ipbatch') continue; // one command: nothing to batch
        const n = leg.id === 'ip' ? P.dumpIp : leg.id === 'py' ? P.dumpPy : P.dumpRepeat;
        try {
          const r = await runLeg(leg, 'dump', [nsBig, n]);
          if (r.links !== bigLinks) throw new Error(`dumped ${r.links} links, the namespace has ${bigLinks}`);
          for (const s of r.samples) record('dump', leg, s, r.cpuSeconds / r.samples.length);
          progress(`${leg.id} `);
        } catch (e) {
          fail(leg, 'dump', e);
        }
      }
      progress('\n');
    }

    // 5. Codec only, over the recorded dump.
    if (want('codec') && results.codec.file) {
      progress('  codec    ');
      for (const leg of order) {
        if (!runs(leg, 'codec')) continue;
        if (leg.id === 'ip' || leg.id === 'ipbatch') continue;
        const iter = leg.id === 'py' ? P.codecPy : leg.id === 'c' ? P.codecIter * 4 : P.codecIter;
        try {
          const r = await runLeg(leg, 'codec', [dumpFile, iter]);
          const msgs = r.messages * r.iterations;
          record('decode', leg, r.decodeSeconds / msgs);
          if (r.encodeSeconds !== undefined) record('encode', leg, r.encodeSeconds / msgs);
          progress(`${leg.id} `);
        } catch (e) {
          fail(leg, 'codec', e);
        }
      }
      progress('\n');
    }
  }

  // 4. Peak memory of the dump, streamed vs collected, at two table sizes.
  if (want('memory')) {
    console.log('\nmemory');
    for (const [ns, links] of [
      [nsLookup, lookupLinks],
      [nsBig, bigLinks],
    ]) {
      for (const leg of active) {
        if (!runs(leg, 'memory')) continue;
        if (leg.id === 'ipbatch') continue;
        const row = (how, r, note) => {
          results.memory.push({ leg: leg.id, how, links, heapPeakBytes: r.heapPeakBytes, heapLiveBytes: r.heapLiveBytes, liveSamples: r.liveSamples, liveEvery: r.liveEvery, maxRssKb: r.maxRssKb, note });
          progress(`  ${leg.id} ${how} ${links}: rss ${(r.maxRssKb / 1024).toFixed(1)} MiB` + (r.heapLiveBytes !== undefined ? `, live heap ${(r.heapLiveBytes / 2 ** 20).toFixed(2)} MiB` : '') + '\n');
        };
        try {
          if (leg.id === 'c') row('streamed', await runLeg(leg, 'dump', [ns, 1]), 'RSS of the whole program');
          else if (leg.id === 'ip') {
            row('collected', await runLeg(rssProbe(root), 'childrss', ['ip', '-j', '-n', ns, 'link', 'show']), 'RSS of the `ip -j` process alone');
          } else if (leg.id === 'py') row('collected', await runLeg(leg, 'mem', [ns]), 'heap: tracemalloc');
          else {
            row('streamed', await runLeg(leg, 'mem', [ns, 'streamed'], { exposeGc: true }));
            row('collected', await runLeg(leg, 'mem', [ns, 'collected'], { exposeGc: true }));
          }
        } catch (e) {
          fail(leg, `memory (${links} links)`, e);
        }
      }
    }
  }

  // 6. The command: `rtnl -j [-d] link show` against `ip -j [-d] link show`
  // on 40,001 links, each a fresh process (what a script that shells
  // out pays): wall time and peak RSS, interleaved rounds.
  if (want('cli')) {
    const cli = await buildRtnlCli(root, outDir);
    if (cli.skip) notes.push(`cli: skipped — ${cli.skip}`);
    else {
      console.log('\ncli');
      results.cli = [];
      // 40,001 links (20,000 veth pairs and lo): where a command's per-link
      // cost shows rather than its start-up (the quick run uses the big namespace).
      let nsCli = nsBig;
      let cliLinks = bigLinks;
      if (!quick) {
        nsCli = createNs('w4');
        for (let i = 0; i < 20000; i += 1000) addVethPairs(nsCli, 'c', 1000, i);
        cliLinks = linkCount(nsCli);
      }
      const probe = rssProbe(root);
      const nodeBin = findNodeAddon() ?? process.execPath;
      for (let round = 0; round < P.rounds; round++) {
        for (const flags of [['-j'], ['-j', '-d']]) {
          for (const [who, cmd] of [
            ['ip', ['ip', ...flags, '-n', nsCli, 'link', 'show']],
            ['rtnl', [nodeBin, cli.file, ...flags, '-n', nsCli, 'link', 'show']],
          ]) {
            try {
              const r = await runLeg(probe, 'childrss', cmd);
              results.cli.push({ who, flags: flags.join(' '), links: cliLinks, seconds: r.seconds, maxRssKb: r.maxRssKb });
              progress(`  ${who} ${flags.join(' ')} link show (${cliLinks} links): ${r.seconds.toFixed(2)} s, ${(r.maxRssKb / 1024).toFixed(0)} MiB\n`);
            } catch (e) {
              fail({ label: who }, `cli ${flags.join(' ')}`, e);
            }
          }
        }
      }
    }
  }

  results.seconds = (Date.now() - t0) / 1000;
  results.machine.loadEnd = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  cleanupAll();
  const md = renderReport(results);
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, 'results.md'), md);
  console.log(`\n${md}`);
  console.log(`\nwrote ${join(outDir, 'results.md')} and results.json (${results.seconds.toFixed(0)} s)`);
  return results.errors.length ? 1 : 0;
}
