/**
 * Backend selection for the raw socket shim. Order: Bun → `bun:ffi`; Node
 * with `node:ffi` → pure TypeScript; otherwise the Node-API addon.
 * `RTNL_BACKEND=node-ffi|bun-ffi|addon` forces one.
 */
import { addonPath, createAddonShim, loadAddon } from './addon.js';
import { createBunFfiShim, loadBunFfi } from './bun-ffi.js';
import { createNodeFfiShim, loadNodeFfi } from './node-ffi.js';
import type { BackendName, Shim } from './types.js';
import { DEBUG, debug } from './debug.js';

export type { BackendName, Poller, Shim, SystemCallError } from './types.js';
export { errnoName, errnoValue, systemError } from './errors.js';

/** Raised when no backend can run here; its message says what to do. */
export class ShimUnavailableError extends Error {
  override readonly name = 'ShimUnavailableError';
  readonly code = 'ERR_RTNL_NO_BACKEND';
  constructor(message: string) {
    super(message);
    // The brand of rtnl's error family (netlink/errors.ts), so that
    // isRtnlError() knows this one too; the shim layer cannot import it.
    Object.defineProperty(this, Symbol.for('rtnl.error'), { value: true });
  }
}

/**
 * The process's shim, kept in one slot per process (a global registry
 * symbol), not per module instance: a program that loads rtnl both through
 * `import` and `require` gets two copies of this file, and a shim installed
 * through one (rtnl/testing's replay, setShim) must be the one the other
 * uses too.
 */
const SLOT = Symbol.for('rtnl.shim.current');
interface Slot {
  current?: Shim | undefined;
  /** Applied once to the backend when it is chosen (RTNL_RECORD's process recorder). */
  wrap?: ((chosen: Shim) => Shim) | undefined;
}
const slot: Slot = ((globalThis as Record<symbol, unknown>)[SLOT] ??= {}) as Slot;

function tryBackend(name: BackendName): Shim | undefined {
  switch (name) {
    case 'bun-ffi': {
      const bun = loadBunFfi();
      return bun && createBunFfiShim(bun);
    }
    case 'node-ffi': {
      const ffi = loadNodeFfi();
      return ffi && createNodeFfiShim(ffi);
    }
    case 'addon': {
      const addon = loadAddon();
      return addon && createAddonShim(addon);
    }
  }
}

const isBun = () => typeof (process.versions as Record<string, string | undefined>).bun === 'string';
// Deno runs npm packages with Node's API (process.versions.node is the Node it mimics) and loads Node-API addons.
const isDeno = () => typeof (process.versions as Record<string, string | undefined>).deno === 'string';
const runtime = () => (isBun() ? `Bun ${process.versions.bun}` : isDeno() ? `Deno ${process.versions.deno}` : `Node ${process.version}`);

/** The shim of this process, chosen once. */
export function getShim(): Shim {
  const current = slot.current;
  if (current) return current;
  const chosen = chooseShim();
  if (DEBUG) debug(`backend ${chosen.backend}${chosen.backend === 'addon' ? ` (${addonPath()})` : ''} on ${runtime()}`);
  return (slot.current = slot.wrap ? slot.wrap(chosen) : chosen);
}

/**
 * Has the backend, when it is chosen, wrapped by `fn` (once per process:
 * a later call replaces an earlier one that has not run yet). A shim set
 * with setShim is not wrapped.
 */
export function wrapChosenShim(fn: ((chosen: Shim) => Shim) | undefined): void {
  slot.wrap = fn;
}

function chooseShim(): Shim {
  const forced = process.env.RTNL_BACKEND as BackendName | undefined;
  if (forced) {
    if (forced !== 'node-ffi' && forced !== 'bun-ffi' && forced !== 'addon') {
      throw new ShimUnavailableError(`RTNL_BACKEND=${forced} is not one of node-ffi, bun-ffi, addon`);
    }
    const shim = tryBackend(forced);
    if (!shim) throw new ShimUnavailableError(`RTNL_BACKEND=${forced} was requested but is not available here. ${advice()}`);
    return shim;
  }
  const order: BackendName[] = isBun() ? ['bun-ffi'] : ['node-ffi', 'addon'];
  for (const name of order) {
    const shim = tryBackend(name);
    if (shim) return shim;
  }
  throw new ShimUnavailableError(`rtnl has no system-call backend on ${runtime()}. ${advice()}`);
}

function advice(): string {
  if (isDeno()) {
    return 'On Deno the prebuilt Node-API addon is used, which needs --allow-ffi (and --allow-read, --allow-env); or set RTNL_ADDON_PATH to a built rtnl_shim.node.';
  }
  return (
    'On Node 26 or later node:ffi is used (do not pass --no-experimental-ffi; under --permission add --allow-ffi). ' +
    'On Node 20–24 the Node-API addon must be built: run `npm rebuild rtnl` (needs python3, make and a C compiler), ' +
    'or set RTNL_ADDON_PATH to a built rtnl_shim.node. On Bun, bun:ffi is used.'
  );
}

/** Replaces the process's shim (tests, replay). Returns the previous one. */
export function setShim(shim: Shim | undefined): Shim | undefined {
  const prev = slot.current;
  slot.current = shim;
  return prev;
}
