import { rmSync } from 'node:fs';
import { defineConfig } from 'tsup';

// Cleaned once, here: the two builds below run side by side, and one's
// `clean` could remove what the other already wrote.
rmSync('dist', { recursive: true, force: true });

const common = { dts: true, sourcemap: true, target: 'node20', platform: 'node', splitting: true, shims: true } as const;

export default defineConfig([
  {
    ...common,
    entry: {
      index: 'src/index.ts',
      'testing/index': 'src/testing/index.ts',
      wire: 'src/wire.ts',
      'ethernet/index': 'src/ethernet/index.ts',
    },
    format: ['esm', 'cjs'],
  },
  // The command is run, never required: ESM only (bin points at it), no types.
  {
    ...common,
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
  },
]);
