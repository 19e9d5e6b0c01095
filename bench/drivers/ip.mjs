// The iproute2 legs of the benchmark, driven from Node the way tool authors
// use `ip` today: one `ip` process per operation (awaited execFile, JSON
// output parsed), or all operations written to a file and run by one
// `ip -batch`. Modes and arguments mirror bench/floor.c; add --batch for the
// batch leg. Prints one JSON result line.
//
//   create   NS COUNT PREFIX GROUP [--batch]
//   delete   NS COUNT PREFIX [--batch]
//   groupdel NS GROUP
//   getlink  NS COUNT PREFIX MOD [--batch]
//   dump     NS REPEAT
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

const run = promisify(execFile);
const IP = process.env.BENCH_IP ?? 'ip';
const now = () => performance.now() / 1000;

const argv = process.argv.slice(2);
const batch = argv.includes('--batch');
const [mode, ns, a2, a3, a4] = argv.filter((a) => a !== '--batch');

function emit(result) {
  process.stdout.write(`${JSON.stringify({ ...result, batch, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

async function ip(args) {
  // 64 MiB: the JSON of a 10,000-link dump is a few MiB.
  return (await run(IP, ['-n', ns, ...args], { maxBuffer: 64 << 20 })).stdout;
}

/** Runs `lines` as one `ip -batch` (the file is written before the clock starts). */
async function timedBatch(lines, json = false) {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-bench-'));
  try {
    const file = join(dir, 'batch');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const t0 = now();
    const out = await ip([...(json ? ['-j'] : []), '-batch', file]);
    let parsed = 0;
    if (json) for (const line of out.split('\n')) if (line) parsed += JSON.parse(line).length;
    return { seconds: now() - t0, parsed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const names = (prefix, count, side = 'a') => Array.from({ length: count }, (_, i) => `${prefix}${side}${i}`);

async function main() {
  switch (mode) {
    case 'create': {
      const count = Number(a2);
      const group = Number(a4);
      const cmd = (i) => ['link', 'add', `${a3}a${i}`, ...(group ? ['group', String(group)] : []), 'type', 'veth', 'peer', 'name', `${a3}b${i}`];
      // The same warm-up and idle time as every create leg (bench/floor.c, warm_up_creates).
      const warm = Number(process.env.BENCH_WARM_PAIRS ?? 0);
      const warmCmd = (i) => ['link', 'add', `${a3}w${i}`, 'group', String(group + 1), 'type', 'veth', 'peer', 'name', `${a3}v${i}`];
      if (batch && warm > 0) await timedBatch(Array.from({ length: warm }, (_, i) => warmCmd(i).join(' ')));
      else for (let i = 0; i < warm; i++) await ip(warmCmd(i));
      if (warm > 0) await ip(['link', 'delete', 'group', String(group + 1)]);
      await new Promise((resolve) => setTimeout(resolve, Number(process.env.BENCH_SETTLE_MS ?? 0)));
      if (batch) {
        const { seconds } = await timedBatch(Array.from({ length: count }, (_, i) => cmd(i).join(' ')));
        return emit({ mode, ops: count, seconds });
      }
      const t0 = now();
      for (let i = 0; i < count; i++) await ip(cmd(i));
      return emit({ mode, ops: count, seconds: now() - t0 });
    }
    case 'delete': {
      const count = Number(a2);
      const list = names(a3, count);
      if (batch) {
        const { seconds } = await timedBatch(list.map((n) => `link delete ${n}`));
        return emit({ mode, ops: count, seconds });
      }
      const t0 = now();
      for (const n of list) await ip(['link', 'delete', n]);
      return emit({ mode, ops: count, seconds: now() - t0 });
    }
    case 'groupdel': {
      const t0 = now();
      await ip(['link', 'delete', 'group', a2]);
      return emit({ mode, ops: 1, seconds: now() - t0 });
    }
    case 'getlink': {
      const count = Number(a2);
      const mod = Number(a4);
      const list = names(a3, mod);
      if (batch) {
        const lines = Array.from({ length: count }, (_, i) => `link show dev ${list[i % mod]}`);
        const { seconds, parsed } = await timedBatch(lines, true);
        if (parsed !== count) throw new Error(`ip -batch answered ${parsed} links for ${count} requests`);
        return emit({ mode, ops: count, seconds });
      }
      let check = 0;
      const t0 = now();
      for (let i = 0; i < count; i++) check += JSON.parse(await ip(['-j', 'link', 'show', 'dev', list[i % mod]]))[0].mtu;
      return emit({ mode, ops: count, seconds: now() - t0, check });
    }
    case 'dump': {
      const repeat = Number(a2);
      const samples = [];
      let links = 0;
      for (let r = 0; r < repeat; r++) {
        const t0 = now();
        links = JSON.parse(await ip(['-j', 'link', 'show'])).length;
        samples.push(now() - t0);
      }
      return emit({ mode, ops: repeat, seconds: samples.reduce((a, b) => a + b, 0), samples, links });
    }
    default:
      throw new Error(`ip driver: unknown mode ${mode}`);
  }
}

main().catch((e) => {
  process.stderr.write(`ip driver: ${e.stack ?? e}\n`);
  process.exit(1);
});
