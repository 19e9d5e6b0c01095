/**
 * User and group names ↔ ids, from /etc/passwd and /etc/group, for
 * `tuntap add … user U group G` and for printing a TAP's owner as ip does
 * (getpwuid/getgrgid). Reading the files is what the C library does for
 * local accounts; accounts from other NSS sources (LDAP …) are not seen, so
 * a number always works.
 */
import { readFileSync } from 'node:fs';

interface Entry {
  name: string;
  id: number;
}

function read(path: string): Entry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const out: Entry[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    const id = Number(f[2]);
    if (f[0] && Number.isInteger(id)) out.push({ name: f[0], id });
  }
  return out;
}

let users: Entry[] | undefined;
let groups: Entry[] | undefined;

export function userName(uid: number): string | undefined {
  users ??= read('/etc/passwd');
  return users.find((e) => e.id === uid)?.name;
}

export function groupName(gid: number): string | undefined {
  groups ??= read('/etc/group');
  return groups.find((e) => e.id === gid)?.name;
}

/** A uid from a number or a user name; undefined when neither. */
export function userId(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  users ??= read('/etc/passwd');
  return users.find((e) => e.name === s)?.id;
}

export function groupId(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  groups ??= read('/etc/group');
  return groups.find((e) => e.name === s)?.id;
}
