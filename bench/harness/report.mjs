// Turns the harness's samples into the markdown of bench/out/results.md:
// medians, min–max, rates, ratios to the C floor and the targets.
import { fmtBytes, fmtRate, fmtRatio, fmtTime, summary, table } from './stats.mjs';

/** Targets, as time ratios to the C floor (a rate target of ≥ 0.95× is a time ratio of ≤ 1/0.95). */
const TARGETS = {
  create: { max: 1 / 0.95, text: 'rate ≥ 0.95× C' },
  groupdel: { max: 1.1, text: '≤ 1.1× C' },
  getlink: { max: 1.3, text: '≤ 1.3× C' },
  dump: { max: 1.4, text: '≤ 1.4× C' },
};

function metrics(r) {
  const P = r.params;
  const links = r.extra.bigLinks;
  const codecBytesPerMsg = r.codec.messages ? r.codec.bytes / r.codec.messages : NaN;
  return [
    { key: 'create', title: `1a. Create ${P.pairs} veth pairs, one request each (time per pair)`, rate: (x) => fmtRate(1 / x, ' pairs/s') },
    { key: 'groupdel', title: `1b. Delete those ${P.pairs} pairs with one group delete (time of the request)`, rate: (x) => fmtRate(P.pairs / x, ' pairs/s') },
    { key: 'delete', title: `1c. Delete ${P.deletes} pairs one request each (time per pair)`, rate: (x) => fmtRate(1 / x, ' pairs/s') },
    { key: 'getlink', title: `2. RTM_GETLINK by name, reply decoded (round trip; ${r.extra.lookupLinks} links in the namespace)`, rate: (x) => fmtRate(1 / x, ' req/s') },
    {
      key: 'getlinkpipe',
      title: `2b. The same look-ups pipelined, ${r.params.pipeWindow ?? 32} requests per send (C: back to back in one sendto; rtnl: getLinks, RtnlSocket.batch)`,
      rate: (x) => fmtRate(1 / x, ' req/s'),
    },
    { key: 'dump', title: `3. Full dump + decode of ${links} links (time per dump)`, rate: (x) => fmtRate(links / x, ' links/s') },
    {
      key: 'decode',
      title: `5a. Codec only: decode ${r.codec.messages ?? '?'} recorded link messages (time per message)`,
      rate: (x) => `${fmtRate(1 / x, ' msg/s')}, ${fmtRate(codecBytesPerMsg / x / 2 ** 20, ' MiB/s').replace(' kMiB', ' GiB').replace(' MMiB', ' TiB')}`,
    },
    {
      key: 'encode',
      title: '5b. Codec only: re-encode the decoded messages, byte-exact (time per message)',
      rate: (x) => `${fmtRate(1 / x, ' msg/s')}, ${fmtRate(codecBytesPerMsg / x / 2 ** 20, ' MiB/s').replace(' kMiB', ' GiB')}`,
    },
  ];
}

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den ? num / den : NaN;
}

export function renderReport(r) {
  const legById = Object.fromEntries(r.legs.map((l) => [l.id, l]));
  const out = [];
  const m = r.machine;
  out.push(`# rtnl benchmark results${r.quick ? ' (QUICK smoke run: small counts, not for comparison)' : ''}`);
  out.push('');
  out.push(`${m.date} · ${m.cpu}, ${m.cores} cores, ${m.memory} · kernel ${m.kernel} · ${m.os}`);
  out.push('');
  out.push(
    `Node ${m.nodeAddon ?? '–'} (addon), Node ${m.node26 ?? '–'} (node:ffi) · ${m.iproute2 ?? 'ip ?'} · ${m.python ?? 'python ?'}, pyroute2 ${m.pyroute2 ?? '–'} · libmnl ${m.libmnl ?? '–'}, ${m.cc ?? 'cc'} · rtnl ${m.rtnl ?? '?'}`,
  );
  out.push('');
  out.push(
    `${r.params.rounds} interleaved round(s); each cell is the median of all samples, with min–max; "vs C" is the leg's median time over the C floor's (lower is better). "CPU" is the median CPU time (user + system) of the leg's own process for the same unit of work: it leaves out the time other processes held the CPU, and also the time the kernel spent waiting (RCU grace periods); the \`ip\` legs have none (their work happens in child processes). Whole run: ${r.seconds?.toFixed(0) ?? '?'} s; load average (1, 5, 15 min) ${m.loadStart} at the start, ${m.loadEnd ?? '?'} at the end.`,
  );
  for (const metric of metrics(r)) {
    const samples = r.samples[metric.key];
    if (!samples) continue;
    const floor = samples.c ? summary(samples.c).median : NaN;
    const cpuFloor = r.cpu?.[metric.key]?.c?.length ? summary(r.cpu[metric.key].c).median : NaN;
    const rows = [];
    for (const leg of r.legs) {
      const xs = samples[leg.id];
      if (!xs?.length) continue;
      const s = summary(xs);
      const ratio = s.median / floor;
      const t = TARGETS[metric.key];
      let target = '';
      if (t && leg.id.match(/^(node|core)/) && Number.isFinite(ratio)) target = `${ratio <= t.max ? 'meets' : '**misses**'} ${t.text}`;
      const cpu = r.cpu?.[metric.key]?.[leg.id];
      const cpuMedian = cpu?.length ? summary(cpu).median : NaN;
      rows.push([
        leg.label,
        `${fmtTime(s.median)}`,
        `${fmtTime(s.min)} – ${fmtTime(s.max)}`,
        String(s.n),
        metric.rate(s.median),
        leg.id === 'c' ? '1.00×' : fmtRatio(ratio),
        target,
        Number.isFinite(cpuMedian) ? `${fmtTime(cpuMedian)} (${fmtRatio(cpuMedian / cpuFloor)})` : '–',
      ]);
    }
    out.push('', `### ${metric.title}`, '', table(['leg', 'median', 'min – max', 'n', 'rate', 'vs C', 'target', 'CPU (vs C)'], rows));
    if (metric.key === 'getlinkpipe' && r.samples.getlink?.c?.length) {
      // The target for the batch is against the sequential floor: faster than one-request-and-wait C.
      const seq = summary(r.samples.getlink.c).median;
      const lines = r.legs
        .filter((l) => /^node/.test(l.id) && samples[l.id]?.length)
        .map((l) => {
          const q = summary(samples[l.id]).median / seq;
          return `- ${l.label}: ${fmtRatio(q)} the C floor's sequential look-up time — ${q <= 0.7 ? 'meets' : '**misses**'} ≤ 0.7× C sequential`;
        });
      if (lines.length) out.push('', ...lines);
    }
  }

  if (r.memory.length) {
    out.push('', '### 4. Peak memory of a full dump + decode, streamed vs collected', '');
    out.push(
      '"heap peak" is the most heap in use at any sample (garbage included), "live heap" the most that survives a full GC (streamed: a full GC every 250 links; collected: with the whole result still referenced); both relative to the heap before the dump. Max RSS is the whole process.',
      '',
    );
    const rows = r.memory.map((x) => [
      legById[x.leg]?.label ?? x.leg,
      x.how,
      String(x.links),
      x.heapPeakBytes === undefined ? '–' : fmtBytes(x.heapPeakBytes),
      x.heapLiveBytes === undefined ? '–' : fmtBytes(x.heapLiveBytes),
      fmtBytes(x.maxRssKb * 1024),
      x.note ?? '',
    ]);
    out.push(table(['leg', 'how', 'links', 'heap peak', 'live heap', 'max RSS', 'note'], rows));
    // Streamed memory is "independent of link count" when the live heap does
    // not grow as links go by: the least-squares slope of the live-heap
    // samples (one every 250 links, after a full GC) over the biggest dump.
    const verdicts = [];
    for (const leg of r.legs.filter((l) => /^(node|core)/.test(l.id))) {
      const big = r.memory.filter((x) => x.leg === leg.id && x.how === 'streamed' && x.liveSamples?.length >= 3).sort((a, b) => b.links - a.links)[0];
      const coll = r.memory.filter((x) => x.leg === leg.id && x.how === 'collected').sort((a, b) => b.links - a.links)[0];
      if (!big) continue;
      const perLink = slope(big.liveSamples.map((y, i) => [(i + 1) * big.liveEvery, y]));
      const collPerLink = coll ? coll.heapLiveBytes / coll.links : NaN;
      const ok = perLink < 100;
      verdicts.push(
        `- ${leg.label}: streamed live heap grows ${perLink.toFixed(1)} B per link over ${big.links} links (${big.liveSamples.length} samples, ${fmtBytes(Math.min(...big.liveSamples))} – ${fmtBytes(Math.max(...big.liveSamples))}); collected keeps ${fmtBytes(collPerLink)} per link — ${ok ? 'meets' : '**misses**'} "independent of link count" (< 100 B per link)`,
      );
    }
    if (verdicts.length) out.push('', ...verdicts);
  }

  if (r.cli?.length) {
    out.push('', '### 6. The command on 40,001 links: `rtnl -j [-d] link show` vs `ip` (fresh processes)', '');
    const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const rows = [];
    for (const flags of [...new Set(r.cli.map((x) => x.flags))]) {
      const of = (who, k) => r.cli.filter((x) => x.who === who && x.flags === flags).map((x) => x[k]);
      const [ipT, rtT, ipM, rtM] = [med(of('ip', 'seconds')), med(of('rtnl', 'seconds')), med(of('ip', 'maxRssKb')), med(of('rtnl', 'maxRssKb'))];
      rows.push([`${flags} link show`, String(r.cli[0].links), `${ipT.toFixed(2)} s`, `${rtT.toFixed(2)} s`, fmtRatio(rtT / ipT), fmtBytes(ipM * 1024), fmtBytes(rtM * 1024), fmtRatio(rtM / ipM)]);
    }
    out.push(table(['command', 'links', 'ip', 'rtnl', 'time vs ip', 'ip max RSS', 'rtnl max RSS', 'memory vs ip'], rows));
  }

  if (r.notes.length || r.errors.length) {
    out.push('', '### Notes', '');
    for (const n of r.notes) out.push(`- ${n}`);
    for (const e of r.errors) out.push(`- ERROR: ${e.replace(/\n/g, ' ')}`);
  }
  out.push('');
  return out.join('\n');
}
