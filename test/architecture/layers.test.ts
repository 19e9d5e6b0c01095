/**
 * The layer rules of docs/architecture.md, enforced: every import in src/
 * is read and checked against the table below. A lower layer never imports
 * a higher one; the command reaches the library only through its public
 * entry points; only the shim touches the OS's system-call interfaces; no
 * code in src/ spawns processes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/child.js';

const SRC = join(repoRoot, 'src');

type Layer = 'shim' | 'netlink' | 'rtnetlink' | 'ethernet' | 'ops' | 'ovs' | 'topology' | 'testing' | 'entry' | 'cli';

/** The layer of a file under src/. */
function layerOf(file: string): Layer {
  const rel = relative(SRC, file);
  const top = rel.split('/')[0] as string;
  if (top === 'index.ts' || top === 'wire.ts') return 'entry';
  if (['shim', 'netlink', 'rtnetlink', 'ethernet', 'ops', 'ovs', 'topology', 'testing', 'cli'].includes(top)) return top as Layer;
  throw new Error(`${rel}: a file outside the layers (src/<layer>/…)`);
}

/** Which layers each layer may import (its own always). */
const MAY_IMPORT: Record<Layer, Layer[]> = {
  shim: [],
  netlink: ['shim'],
  rtnetlink: ['netlink'],
  // Frame codecs share the error family and address formatting of the wire layer.
  ethernet: ['netlink'],
  ops: ['rtnetlink', 'netlink', 'shim', 'ethernet'],
  ovs: ['netlink'],
  // Topologies are made of the public operations (and OVS's), and name kinds and errors of the layers below.
  topology: ['ops', 'ovs', 'rtnetlink', 'netlink'],
  testing: ['rtnetlink', 'netlink', 'shim'],
  // testing: the process hooks that NODE_DEBUG and RTNL_RECORD=file turn on.
  entry: ['ops', 'rtnetlink', 'netlink', 'shim', 'ethernet', 'ovs', 'topology', 'testing'],
  cli: [],
};

/**
 * The command goes through the public entry points only: the API
 * (`rtnl`), the wire layer (`rtnl/wire`), and the API's own `ovs` and
 * `ethernet` modules — never a file inside a layer.
 */
const CLI_ENTRY_POINTS = ['index.ts', 'wire.ts', 'ovs/index.ts', 'ethernet/index.ts'];

/** Node built-ins each layer may use: system calls belong to the shim; files under /run/netns to namespace code. */
const NODE_BUILTINS: Record<Layer, string[]> = {
  shim: ['fs', 'module', 'path', 'os', 'util'],
  netlink: [],
  rtnetlink: ['buffer'],
  ethernet: [],
  ops: ['fs'],
  ovs: ['net', 'string_decoder'],
  // The apply journal under /run/rtnl.
  topology: ['fs', 'path'],
  testing: ['fs', 'path'],
  entry: [],
  cli: ['fs', 'util'],
};

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Every module specifier of a file: static imports and re-exports, dynamic import(), require(). */
function specifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of code.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[^.\w])import\s*\(\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm)) {
    out.push((m[1] ?? m[2] ?? m[3] ?? m[4]) as string);
  }
  return out;
}

const files = sources(SRC);

describe('layer rules (docs/architecture.md)', () => {
  it('every file of src/ sits in a layer', () => {
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) expect(() => layerOf(f), relative(SRC, f)).not.toThrow();
  });

  it('no import runs up or across a layer; the command uses the entry points only', () => {
    const bad: string[] = [];
    for (const f of files) {
      const from = layerOf(f);
      for (const spec of specifiers(readFileSync(f, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = normalize(join(dirname(f), spec)).replace(/\.js$/, '.ts');
        const rel = relative(SRC, target);
        const to = layerOf(target);
        if (from === 'cli') {
          if (to !== 'cli' && !CLI_ENTRY_POINTS.includes(rel)) bad.push(`${relative(SRC, f)} → ${rel} (the command may use ${CLI_ENTRY_POINTS.join(', ')})`);
          continue;
        }
        if (to !== from && !MAY_IMPORT[from].includes(to)) bad.push(`${relative(SRC, f)} (${from}) → ${rel} (${to})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('Node built-ins only where the layer needs them; no child processes and no ffi outside the shim', () => {
    const bad: string[] = [];
    for (const f of files) {
      const from = layerOf(f);
      for (const spec of specifiers(readFileSync(f, 'utf8'))) {
        if (spec.startsWith('.')) continue;
        const name = spec.replace(/^node:/, '');
        if (name === 'child_process') bad.push(`${relative(SRC, f)}: child_process`);
        else if ((name === 'bun:ffi' || name === 'ffi') && from !== 'shim') bad.push(`${relative(SRC, f)}: ${spec}`);
        else if (spec.startsWith('node:') && !NODE_BUILTINS[from].includes(name)) bad.push(`${relative(SRC, f)} (${from}): ${spec}`);
        else if (!spec.startsWith('node:') && name !== 'bun:ffi') bad.push(`${relative(SRC, f)}: ${spec} (no runtime dependencies)`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('no file over ~400 lines without the reason at its top', () => {
    const long = files.filter((f) => readFileSync(f, 'utf8').split('\n').length > 420);
    const unexplained = long.filter((f) => !/^\/\*\*[\s\S]*?\bWhy\b[\s\S]*?\*\//.test(readFileSync(f, 'utf8')));
    expect(unexplained.map((f) => relative(SRC, f))).toEqual([]);
  });
});
