/**
 * Child processes of live tests: they must run the same backend as the
 * test (the built addon found by path, not by the child's working
 * directory), and tests that run them as an unprivileged user must first
 * know that user can reach the program — on a machine where the clone or
 * node sits under a private home, it cannot, and that is a skip reason.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addonPath } from '../../src/shim/addon.js';
import { getShim } from '../../src/shim/index.js';
import { toolMissing } from './tools.js';

/** The repository, wherever the test runs from. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const repoPath = (...parts: string[]): string => join(repoRoot, ...parts);

/** The test's environment plus what a child needs to load the same backend as the test. */
export function backendEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...extra };
  const backend = getShim().backend;
  env.RTNL_BACKEND = backend;
  if (backend === 'addon') env.RTNL_ADDON_PATH = addonPath();
  return env;
}

/**
 * setpriv arguments that drop to uid/gid 65534 with no capabilities. By
 * number: the name of 65534 differs between distributions (nobody/nogroup
 * on Debian, nobody/nobody on Fedora, nfsnobody on old RHEL).
 */
export const AS_NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all'];

/**
 * Why uid 65534 cannot run `node files…` here (no setpriv, or a path it
 * cannot reach), or undefined when it can.
 */
export function unprivilegedMissing(...files: string[]): string | undefined {
  const noSetpriv = toolMissing('setpriv');
  if (noSetpriv) return noSetpriv;
  const check = `for (const f of ${JSON.stringify(files)}) require('fs').accessSync(f, require('fs').constants.R_OK)`;
  const r = spawnSync('setpriv', [...AS_NOBODY, process.execPath, '-e', check], { encoding: 'utf8', timeout: 20_000 });
  if (r.error) return `setpriv failed: ${r.error.message}`;
  if (r.status !== 0) {
    const why = (r.stderr.match(/(E[A-Z]+)[^\n]*/) ?? [r.stderr.trim().split('\n')[0]])[0];
    return `uid 65534 cannot run ${process.execPath} on ${files.join(', ')}: ${why}`;
  }
  return undefined;
}
