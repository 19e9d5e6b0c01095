#!/usr/bin/env node
/**
 * The API reference: every symbol the package exports, from each public
 * entry point (rtnl, rtnl/wire, rtnl/testing, rtnl/ethernet), must carry a
 * doc comment — `check` lists those that do not (and exits 1), and
 * checks that docs/api/ is what they give now — and `build` writes the
 * reference from those comments into docs/api/ (typedoc, Markdown, one
 * page per entry point; no source links, so the pages do not change with
 * every commit).
 *
 *   node scripts/api-docs.mjs check
 *   node scripts/api-docs.mjs build
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The public entry points, as package.json's exports map them. */
export const ENTRY_POINTS = ['src/index.ts', 'src/wire.ts', 'src/testing/index.ts', 'src/ethernet/index.ts'];

/**
 * `entry: name (file)` for every exported symbol without a doc comment (a
 * re-export counts as documented when what it names is).
 */
export function undocumentedExports() {
  const files = ENTRY_POINTS.map((e) => join(root, e));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const missing = [];
  let total = 0;
  for (const file of files) {
    const source = program.getSourceFile(file);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`${relative(root, file)}: not a module`);
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      total++;
      const decls = symbol.getDeclarations() ?? [];
      // The comment may sit on the declaration or on the export itself (`/** … */ export * as ovs from …`).
      const documented = [symbol, exported].some(
        (s) =>
          s.getDocumentationComment(checker).length > 0 ||
          (s.getDeclarations() ?? []).some((d) => ts.getJSDocTags(d).length > 0 || (ts.isNamespaceExport(d) && (d.parent.jsDoc?.length ?? 0) > 0)),
      );
      if (!documented) {
        const where = decls[0] ? relative(root, decls[0].getSourceFile().fileName) : '?';
        missing.push(`${relative(root, file)}: ${exported.name} (${where})`);
      }
    }
  }
  return { total, missing };
}

/** Runs typedoc with typedoc.json, writing to `out` (default: its own, docs/api); warnings fail it. */
function typedoc(out) {
  const args = [join(root, 'node_modules/typedoc/bin/typedoc'), '--options', join(root, 'typedoc.json'), '--treatWarningsAsErrors'];
  if (out) args.push('--out', out);
  return spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root }).status ?? 1;
}

/** Relative path → contents of every file under `dir`. */
function tree(dir) {
  const out = new Map();
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name), 'utf8'));
  }
  return out;
}

function main(command) {
  if (command === 'check') {
    const { total, missing } = undocumentedExports();
    if (missing.length) {
      console.error(`${missing.length} of ${total} exported symbols have no doc comment:\n${missing.join('\n')}`);
      process.exit(1);
    }
    // The committed reference must be what the comments give now.
    const scratch = mkdtempSync(join(tmpdir(), 'rtnl-api-docs-'));
    try {
      if (typedoc(scratch) !== 0) process.exit(1);
      const fresh = tree(scratch);
      const committed = tree(join(root, 'docs/api'));
      const stale = [...new Set([...fresh.keys(), ...committed.keys()])].filter((f) => fresh.get(f) !== committed.get(f)).sort();
      if (stale.length) {
        console.error(`docs/api is not what the doc comments give (run \`node scripts/api-docs.mjs build\`): ${stale.join(', ')}`);
        process.exit(1);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    console.log(`all ${total} exported symbols are documented, and docs/api is up to date`);
    return;
  }
  if (command === 'build') process.exit(typedoc());
  console.error('usage: node scripts/api-docs.mjs check|build');
  process.exit(2);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv[2]);
