/**
 * Readers for the two references our attribute numbers are checked
 * against: the kernel's YNL spec (rt-link.yaml, in ../shared/specs) and the
 * UAPI headers (/usr/include/linux). Small purpose-built parsers: only what
 * these files need, no YAML or C library.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export interface SpecAttr {
  name: string;
  value: number;
  type: string;
  byteOrder?: string;
}

const here = fileURLToPath(new URL('.', import.meta.url));
/** The project keeps the specs beside the repository: <repo>/../shared/specs. */
export const SPEC_PATH = resolve(here, '../../../../shared/specs/rt-link.yaml');

/** attribute-sets of a YNL spec: set name → attributes with their numbers (implicit ones counted from 1). */
export function readSpecSets(path = SPEC_PATH): Map<string, SpecAttr[]> | undefined {
  if (!existsSync(path)) return undefined;
  const lines = readFileSync(path, 'utf8').split('\n');
  const sets = new Map<string, SpecAttr[]>();
  const subsetOf = new Map<string, string>();
  let setName = '';
  let inSets = false;
  let current: SpecAttr[] | undefined;
  let attr: Partial<SpecAttr> | undefined;
  let next = 1;
  const flush = () => {
    if (current && attr?.name !== undefined) {
      const value = attr.value ?? next;
      current.push({ name: attr.name, value, type: attr.type ?? '', ...(attr.byteOrder ? { byteOrder: attr.byteOrder } : {}) });
      next = value + 1;
    }
    attr = undefined;
  };
  for (const raw of lines) {
    if (/^\S/.test(raw)) {
      flush();
      inSets = raw.startsWith('attribute-sets:');
      current = undefined;
      continue;
    }
    if (!inSets) continue;
    const m = /^( *)(-|[\w-]+):\s*(.*)$/.exec(raw) ?? /^( *)(-)\s*$/.exec(raw);
    if (!m) continue;
    const indent = (m[1] ?? '').length;
    const key = m[2];
    const val = (m[3] ?? '').replace(/^["']|["']$/g, '');
    if (indent === 2 && key === '-') {
      flush();
      current = undefined;
    } else if (indent === 4 && key === 'name') {
      current = [];
      next = 1;
      setName = val;
      sets.set(val, current);
    } else if (indent === 4 && key === 'subset-of') {
      subsetOf.set(setName, val);
    } else if (indent === 6 && key === '-') {
      flush();
      attr = {};
    } else if (indent === 8 && attr) {
      if (key === 'name') attr.name = val;
      else if (key === 'type') attr.type = val;
      else if (key === 'value') attr.value = Number(val);
      else if (key === 'byte-order') attr.byteOrder = val;
    }
  }
  flush();
  // A subset set (`subset-of`) reuses its parent's numbers and types, but
  // may give its own type (ip6tnl's 32-bit flags in linkinfo-ip6tnl-attrs).
  for (const [name, parent] of subsetOf) {
    const full = sets.get(parent) ?? [];
    sets.set(
      name,
      (sets.get(name) ?? []).map((a) => {
        const p = full.find((x) => x.name === a.name);
        if (!p) return a;
        return a.type ? { name: p.name, value: p.value, type: a.type, ...(a.byteOrder ? { byteOrder: a.byteOrder } : {}) } : p;
      }),
    );
  }
  return sets;
}

/**
 * Enumerators of <linux/NAME.h> whose names start with `prefix`, with their
 * values (C rules: implicit = previous + 1); only the enum containing
 * `anchor` when given.
 */
export function readUapiEnum(header: string, prefix: string, anchor?: string): Map<string, number> | undefined {
  const path = `/usr/include/linux/${header}`;
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/^\s*#.*$/gm, '');
  const out = new Map<string, number>();
  for (const body of text.matchAll(/enum\s*\w*\s*\{([^}]*)\}/g)) {
    const names = new Map<string, number>();
    let next = 0;
    for (const item of (body[1] ?? '').split(',')) {
      const m = /^\s*(\w+)\s*(?:=\s*([\w()+\- <]+?))?\s*$/.exec(item);
      if (!m || !m[1]) continue;
      let value = next;
      if (m[2] !== undefined) {
        const expr = m[2].trim();
        value = /^\d+$|^0x[0-9a-f]+$/i.test(expr) ? Number(expr) : names.get(expr) ?? out.get(expr) ?? NaN;
      }
      names.set(m[1], value);
      next = value + 1;
    }
    if (anchor !== undefined && !names.has(anchor)) continue;
    for (const [n, v] of names) if (n.startsWith(prefix) && !n.startsWith(`__${prefix}`)) out.set(n, v);
  }
  return out;
}

/** The installed UAPI headers' kernel version (`6.1`), from <linux/version.h>, or undefined without headers. */
export function uapiVersion(): string | undefined {
  const path = '/usr/include/linux/version.h';
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  const major = /LINUX_VERSION_MAJOR\s+(\d+)/.exec(text)?.[1];
  const minor = /LINUX_VERSION_PATCHLEVEL\s+(\d+)/.exec(text)?.[1];
  if (major !== undefined && minor !== undefined) return `${major}.${minor}`;
  const code = Number(/LINUX_VERSION_CODE\s+(\d+)/.exec(text)?.[1]);
  return Number.isFinite(code) ? `${code >> 16}.${(code >> 8) & 255}` : undefined;
}

/** camelCase → kebab-case, as YNL names attributes (`mcastLastMemberCnt` → `mcast-last-member-cnt`). */
export const kebab = (k: string) => k.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
/** camelCase → UPPER_SNAKE, as the UAPI names them. */
export const upperSnake = (k: string) => kebab(k).replace(/-/g, '_').toUpperCase();
