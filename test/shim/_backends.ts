/**
 * The shim backends this runtime can load, each with the reason it cannot
 * when it cannot. Backends are imported directly (not through getShim) so
 * every available one is exercised, not just the one selection would pick.
 * The same suite runs under Bun's own runner (`bun test test/shim`), which
 * covers bun-ffi.
 */
import { addonPath, createAddonShim, loadAddon } from '../../src/shim/addon.js';
import { createBunFfiShim, loadBunFfi } from '../../src/shim/bun-ffi.js';
import { createNodeFfiShim, loadNodeFfi } from '../../src/shim/node-ffi.js';
import type { BackendName, Shim } from '../../src/shim/types.js';

export interface BackendUnderTest {
  name: BackendName;
  shim: Shim | undefined;
  /** Why `shim` is undefined. */
  skipReason: string | undefined;
  /** Environment a child process needs to load the same backend. */
  childEnv: Record<string, string>;
}

const underBun = typeof (process.versions as Record<string, string | undefined>).bun === 'string';

function addon(): BackendUnderTest {
  if (underBun) {
    // Bun loads Node-API addons but panics on uv_poll_init (bun 1.4: libuv
    // is only partly emulated), and selection never picks the addon there.
    return { name: 'addon', shim: undefined, skipReason: 'Bun does not implement uv_poll_* for Node-API addons', childEnv: {} };
  }
  let path = '(unresolved)';
  try {
    path = addonPath();
    const a = loadAddon();
    if (a) return { name: 'addon', shim: createAddonShim(a), skipReason: undefined, childEnv: { RTNL_ADDON_PATH: path } };
    return {
      name: 'addon',
      shim: undefined,
      skipReason: `the Node-API addon is not built (${path} is missing); run \`node scripts/install-addon.mjs\``,
      childEnv: {},
    };
  } catch (e) {
    return { name: 'addon', shim: undefined, skipReason: `the addon at ${path} failed to load: ${(e as Error).message}`, childEnv: {} };
  }
}

function nodeFfi(): BackendUnderTest {
  if (underBun) return { name: 'node-ffi', shim: undefined, skipReason: 'running under Bun, which has no node:ffi', childEnv: {} };
  const ffi = loadNodeFfi();
  if (!ffi) {
    return {
      name: 'node-ffi',
      shim: undefined,
      skipReason: `node:ffi is not available in Node ${process.version} (it needs Node 26+, not disabled)`,
      childEnv: {},
    };
  }
  return { name: 'node-ffi', shim: createNodeFfiShim(ffi), skipReason: undefined, childEnv: {} };
}

function bunFfi(): BackendUnderTest {
  const bun = loadBunFfi();
  if (!bun) return { name: 'bun-ffi', shim: undefined, skipReason: 'not running under Bun (run `bun test test/shim` for it)', childEnv: {} };
  return { name: 'bun-ffi', shim: createBunFfiShim(bun), skipReason: undefined, childEnv: {} };
}

export const backends: BackendUnderTest[] = [addon(), nodeFfi(), bunFfi()];

for (const b of backends) {
  // Loud on purpose: a skipped backend must never look like a pass.
  if (b.skipReason) console.warn(`\n*** rtnl shim tests for backend '${b.name}' SKIPPED: ${b.skipReason} ***\n`);
}
