/**
 * Security: namespace names and paths cannot escape /run/netns, and nothing
 * in src/ can start a process.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NETNS_RUN_DIR, netnsPath, validateNetnsName } from '../../src/netlink/netns.js';
import { createNetns, deleteNetns } from '../../src/ops/netns/index.js';
import { isRtnlError } from '../../src/netlink/errors.js';

const escapes = [
  '..',
  '.',
  '../x',
  '../../etc/passwd',
  'a/../../b',
  'a/b',
  '/',
  './x',
  'x/',
  '..\\x',
  'a\0b',
  '\0',
  'x\0/../../etc',
  'n'.repeat(256),
  'n'.repeat(10_000),
  '',
  ' x',
  'x\n',
  'x y',
  'x%2f..',
  'ａ', // fullwidth a: not ASCII
  '\u202e..',
];

const absoluteEscapes = [
  '/run/netns/../../etc/shadow',
  '/run/netns/..',
  '/../run/netns/x',
  '/proc/1/ns/../../1/root/etc/passwd',
  '/run/netns/x\0/../../etc',
  '/run/netns/a\0',
  '/./run/netns/../x/..',
];

describe('namespace names and paths stay inside /run/netns', () => {
  it.each(escapes)('validateNetnsName(%j) is refused', (name) => {
    expect(() => validateNetnsName(name)).toThrow(expect.objectContaining({ name: 'ValidationError' }));
  });

  it.each(escapes)('netnsPath(%j) does not resolve outside /run/netns', (name) => {
    let path: string | undefined;
    try {
      path = netnsPath(name);
    } catch (e) {
      expect(isRtnlError(e) && (e as Error).name === 'ValidationError').toBe(true);
      return;
    }
    if (name.startsWith('/')) {
      // An absolute path is the caller naming a file (a /proc/PID/ns/net, say) and is taken as given,
      // but only without '..' components; opening it checks it is a namespace (see bad-input.test.ts).
      expect(path).toBe(name);
      expect(name.split('/')).not.toContain('..');
      return;
    }
    // A name stays one component under /run/netns.
    expect(path).toBe(`${NETNS_RUN_DIR}/${name}`);
    expect(name).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it.each(absoluteEscapes)('netnsPath(%j): absolute paths with ".." or NUL are refused', (p) => {
    expect(() => netnsPath(p)).toThrow(expect.objectContaining({ name: 'ValidationError' }));
  });

  it('accepts the names and paths it should', () => {
    for (const ok of ['a', 'blue', 'ns-1', 'ns_1.2', 'A'.repeat(255), '...', '.x', 'x..']) expect(netnsPath(ok)).toBe(`${NETNS_RUN_DIR}/${ok}`);
    for (const ok of ['/proc/1/ns/net', '/run/netns/blue', '/var/run/netns/x']) expect(netnsPath(ok)).toBe(ok);
  });

  it.each(escapes.slice(0, 16))('createNetns(%j) and deleteNetns(%j) refuse before touching the filesystem', async (name) => {
    await expect(createNetns(name)).rejects.toMatchObject({ name: 'ValidationError', field: 'name' });
    await expect(deleteNetns(name)).rejects.toMatchObject({ name: 'ValidationError', field: 'name' });
  });

  it('createNetns/deleteNetns refuse absolute paths (they take names only)', async () => {
    for (const p of ['/tmp/x', '/run/netns/x', ...absoluteEscapes]) {
      await expect(createNetns(p)).rejects.toMatchObject({ name: 'ValidationError' });
      await expect(deleteNetns(p)).rejects.toMatchObject({ name: 'ValidationError' });
    }
  });
});

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(e)) out.push(p);
  }
  return out;
}

describe('nothing in src/ spawns a process', () => {
  const files = sources(join(__dirname, '../../src'));

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(40);
  });

  it('no file imports child_process or calls spawn/exec/fork/execve', () => {
    const offenders: string[] = [];
    const patterns = [
      /\bfrom\s+['"](node:)?child_process['"]/,
      /\brequire\(\s*['"](node:)?child_process['"]\s*\)/,
      /\bimport\(\s*['"](node:)?child_process['"]\s*\)/,
      /getBuiltinModule\(\s*['"](node:)?child_process['"]\s*\)/,
      /\bBun\.spawn(Sync)?\b/,
      /\b(execve|execvp|posix_spawn|fork)\b\s*['"]?\s*[:(]/,
      /\bnode:worker_threads\b/,
    ];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const p of patterns) if (p.test(text)) offenders.push(`${f}: ${p}`);
    }
    expect(offenders).toEqual([]);
  });

  it('the native shim binds no process-starting symbol either', () => {
    // The ffi backends name the libc functions they bind as strings.
    const ffi = files.filter((f) => /shim\//.test(f)).map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const sym of ['execve', 'execv', 'fork', 'vfork', 'system', 'popen', 'posix_spawn', 'clone']) {
      expect(ffi).not.toMatch(new RegExp(`['"]${sym}['"]`));
    }
  });
});
