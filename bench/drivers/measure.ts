/** Timing, memory and output helpers shared by the Node benchmark drivers. */
import { performance } from 'node:perf_hooks';

export const now = (): number => performance.now() / 1000;

let cpuStart = process.cpuUsage();

/**
 * Starts the clocks of a timed section: returns the wall-clock start and
 * remembers the process's CPU time, which {@link emit} reports as
 * `cpuSeconds` (unlike wall time, it excludes time other processes held the
 * CPU on a busy machine).
 */
export function startClock(): number {
  cpuStart = process.cpuUsage();
  return now();
}

export function maxRssKb(): number {
  return process.resourceUsage().maxRSS;
}

/** `gc()` when the process runs with --expose-gc (memory runs), otherwise nothing. */
export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) g();
}

/**
 * Memory the program's JavaScript holds: the V8 heap plus the ArrayBuffers
 * behind Uint8Arrays (message bytes live there, outside `heapUsed`).
 */
export function heapUsed(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Prints the driver's one result line (the harness reads the last JSON line of stdout). */
export function emit(result: Record<string, unknown>): void {
  const cpu = process.cpuUsage(cpuStart);
  process.stdout.write(`${JSON.stringify({ ...result, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssKb: maxRssKb() })}\n`);
}

/**
 * What every create leg does before its clock starts (the C floor's
 * warm_up_creates says why): BENCH_WARM_PAIRS pairs created and
 * group-deleted the same way — here that also compiles the create path —
 * then BENCH_SETTLE_MS idle, so that V8's compiler and collector threads
 * have finished before the first timed request.
 */
export async function warmUpCreates(
  create: (name: string, peer: string, group: number) => Promise<unknown>,
  deleteGroup: (group: number) => Promise<unknown>,
  prefix: string,
  group: number,
): Promise<void> {
  const pairs = Number(process.env.BENCH_WARM_PAIRS ?? 0);
  for (let i = 0; i < pairs; i++) await create(`${prefix}w${i}`, `${prefix}v${i}`, group + 1);
  if (pairs > 0) await deleteGroup(group + 1);
  const ms = Number(process.env.BENCH_SETTLE_MS ?? 0);
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}
