/**
 * The apply journal: before its first change, `apply` writes the whole plan
 * to a file of its own under /run/rtnl/ (tmpfs: gone at reboot, with the
 * namespaces and links it describes), and before each change it records how
 * far it got. A killed process leaves the file; `recover` reads it and
 * undoes every change up to the last one that may have been sent. Each
 * write is a new file renamed over the old one (rename(2) replaces
 * atomically), so a reader sees a whole journal, never a torn one. The file
 * names its owner by pid and process start time (field 22 of
 * /proc/PID/stat), so a live apply's journal is never recovered and a
 * reused pid is not mistaken for the owner.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { TopologyChange } from './changes.js';

/** Where journals live unless a call says otherwise. */
export const JOURNAL_DIR = '/run/rtnl';

/** What a journal file holds. */
export interface JournalData {
  version: 1;
  pid: number;
  /** The owner's start time in clock ticks since boot (/proc/PID/stat field 22). */
  startTime: string;
  created: string;
  /** The namespace of '' as the call named it (a name or a path); absent: the caller's own. */
  base?: string;
  /** That namespace's nsfs device:inode, to refuse recovering in another one. */
  baseId: string;
  /** The plan. */
  changes: TopologyChange[];
  /** Index of the last change whose request may have been sent (-1: none yet). */
  reached: number;
}

/** A process's start time, or undefined when there is no such process. */
export function processStartTime(pid: number | 'self'): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** The nsfs identity (device:inode) of a namespace file. */
export function namespaceId(path: string): string {
  const st = statSync(path);
  return `${st.dev}:${st.ino}`;
}

/** The file of the namespace a journal's base names. */
export function basePath(base: string | undefined): string {
  if (base === undefined) return '/proc/self/ns/net';
  return base.startsWith('/') ? base : `/run/netns/${base}`;
}

let counter = 0;

/** An open journal: written through, removed when the apply ends cleanly. */
export class Journal {
  private constructor(
    readonly path: string,
    private readonly data: JournalData,
  ) {}

  /** Writes a new journal for `changes` in `dir`. */
  static create(dir: string, base: string | undefined, changes: TopologyChange[]): Journal {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const startTime = processStartTime('self') ?? '0';
    const data: JournalData = { version: 1, pid: process.pid, startTime, created: new Date().toISOString(), baseId: namespaceId(basePath(base)), changes, reached: -1 };
    if (base !== undefined) data.base = base;
    const j = new Journal(join(dir, `apply-${process.pid}-${startTime}-${++counter}.json`), data);
    j.write();
    return j;
  }

  /** Records that change `index` is about to be sent. */
  reach(index: number): void {
    this.data.reached = index;
    this.write();
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }

  private write(): void {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      // A rule's tunnel id may be a bigint, which JSON has no form for: written as its decimal text.
      writeSync(fd, JSON.stringify(this.data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}

/** Reads a journal file; undefined when it is not one (a stray file, or a torn temporary). */
export function readJournal(path: string): JournalData | undefined {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as JournalData;
    return data.version === 1 && Array.isArray(data.changes) && typeof data.reached === 'number' ? data : undefined;
  } catch {
    return undefined;
  }
}

/** True while the process that wrote a journal still runs. */
export function ownerAlive(data: JournalData): boolean {
  return processStartTime(data.pid) === data.startTime;
}

/** The journal files in `dir` (none when it does not exist), newest first: the last apply is undone first, as changes within one are. */
export function journalFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith('apply-') && n.endsWith('.json'))
    .map((n) => join(dir, n))
    .map((path) => ({ path, t: mtimeOf(path) }))
    .sort((a, b) => b.t - a.t)
    .map((x) => x.path);
}

/** A file's mtime; 0 for one removed meanwhile (recovered by another process). */
function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
