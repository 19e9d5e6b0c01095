/**
 * The `bun:ffi` backend. Placeholder until implemented: reports itself as
 * unavailable so selection falls through with a clear error.
 */
import type { Shim } from './types.js';

export type BunFfiModule = unknown;

export function loadBunFfi(): BunFfiModule | undefined {
  return undefined;
}

export function createBunFfiShim(_bun: BunFfiModule): Shim {
  throw new Error('bun:ffi backend not available');
}
