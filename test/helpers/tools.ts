/**
 * Programs the tests use as oracles or helpers (`ip`, `bridge`, `tc`,
 * `setpriv`, `tshark`, the Open vSwitch tools …), found the way the tests
 * will run them — on PATH — and probed by running them, never by looking
 * at fixed paths. A missing one is a named skip reason, never a failure.
 */
import { spawnSync } from 'node:child_process';

/** How each tool answers a harmless question (its version). */
const VERSION_ARGS: Record<string, string[]> = {
  ip: ['-V'],
  bridge: ['-V'],
  tc: ['-V'],
  setpriv: ['--version'],
  tshark: ['--version'],
  'ovs-appctl': ['--version'],
  'ovs-vsctl': ['--version'],
  'ovsdb-server': ['--version'],
  'ovsdb-tool': ['--version'],
  'ovs-vswitchd': ['--version'],
  cc: ['--version'],
  getent: ['--version'],
  unshare: ['--version'],
};

const cache = new Map<string, string | undefined>();

/** Why `tool` cannot be run here (not on PATH, or it fails to start), or undefined when it runs. */
export function toolMissing(tool: string): string | undefined {
  if (cache.has(tool)) return cache.get(tool);
  const r = spawnSync(tool, VERSION_ARGS[tool] ?? ['--version'], { stdio: 'ignore', timeout: 20_000 });
  const why = r.error
    ? `\`${tool}\` is not available (${(r.error as NodeJS.ErrnoException).code ?? r.error.message} on PATH)`
    : r.status !== 0 && r.status !== null && VERSION_ARGS[tool]
      ? `\`${tool} ${VERSION_ARGS[tool]!.join(' ')}\` exits ${r.status}`
      : undefined;
  cache.set(tool, why);
  return why;
}

/** The first reason any of `tools` is missing, or undefined when all run. */
export function toolsMissing(...tools: string[]): string | undefined {
  for (const t of tools) {
    const why = toolMissing(t);
    if (why) return why;
  }
  return undefined;
}
