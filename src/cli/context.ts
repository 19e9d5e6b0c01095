/**
 * What every subcommand gets: the global options (`-n -d -j -p -br -o -4 -6`)
 * and where to write. Writing goes through functions so tests and the demo
 * can capture output without a subprocess.
 */
import type { ColorMode } from './color.js';
import type { OperationOptions } from '../index.js';
import { formatJson, type JsonValue } from './json.js';

export interface GlobalOptions {
  /** `-n NETNS`: act inside this named namespace (the process never moves). */
  netns?: string;
  /** `-d`: details, as `ip -d`. */
  details: boolean;
  /** `-j`: JSON output with ip -j's field names. */
  json: boolean;
  /** `-p`: pretty JSON. */
  pretty: boolean;
  /** `-br`: one line per object, as `ip -br`. */
  brief: boolean;
  /** `-s`: statistics (link show). */
  stats: boolean;
  /** `-o`: one line per record, its line breaks written as "\\" (ip's oneline: link and address show). */
  oneline?: boolean;
  /** `-4` / `-6`. */
  family?: 'inet' | 'inet6';
  /** `-compressvlans`: bridge's option, VLAN ranges on one row (`bridge vlan show`). */
  compressVlans?: boolean;
  /** `-c[olor][=always|auto|never]` (cli/color.ts). */
  color?: ColorMode;
}

export interface Context extends GlobalOptions {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Aborted on SIGINT/SIGTERM: long-running commands (monitor) end cleanly. */
  signal: AbortSignal;
}

/** The `{ netns }` every library call gets. */
export function ops(ctx: Context): OperationOptions {
  return ctx.netns === undefined ? {} : { netns: ctx.netns };
}

/** Prints a JSON document as ip does: the value, then a newline. */
export function printJson(ctx: Context, value: JsonValue): void {
  ctx.stdout(formatJson(value, ctx.pretty) + '\n');
}
