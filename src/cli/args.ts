/**
 * ip-style argument reading: keywords may be abbreviated to any prefix
 * (`ip l s dev up` works), the first entry of a list wins when a prefix
 * fits several (`l` is `link`, not `l2tp`), and values follow their
 * keyword (`mtu 1400`).
 */
import { UsageError } from './errors.js';

/** True when `arg` is a non-empty prefix of `word` (ip's matches()). */
export function matches(arg: string | undefined, word: string): boolean {
  return arg !== undefined && arg.length > 0 && arg.length <= word.length && word.startsWith(arg);
}

/** True for every spelling of a help request. */
export function isHelp(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h' || arg === '-help' || matches(arg, 'help');
}

/** The first of `words` that `arg` abbreviates, in list order. */
export function pick<T extends string>(arg: string | undefined, words: readonly T[]): T | undefined {
  return words.find((w) => matches(arg, w));
}

export class Args {
  private i = 0;
  constructor(private readonly argv: readonly string[]) {}

  get done(): boolean {
    return this.i >= this.argv.length;
  }
  peek(): string | undefined {
    return this.argv[this.i];
  }
  next(): string | undefined {
    return this.argv[this.i++];
  }
  /** Everything not consumed yet. */
  rest(): string[] {
    const r = this.argv.slice(this.i);
    this.i = this.argv.length;
    return r;
  }
  /** The value after keyword `kw`; a usage error when it is missing. */
  value(kw: string): string {
    const v = this.next();
    if (v === undefined) throw new UsageError(`Command line is not complete. Try option "help"`, `"${kw}" needs an argument.`);
    return v;
  }
  /** An unsigned integer value after `kw`, within [min, max]. */
  uint(kw: string, min = 0, max = 0xffffffff): number {
    const v = this.value(kw);
    const n = /^(0x[0-9a-f]+|\d+)$/i.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`Error: argument "${v}" is wrong: "${kw}" wants an integer ${min}…${max}`);
    return n;
  }
}

/** `on`/`off` (also 1/0, yes/no) → boolean. */
export function onOff(kw: string, v: string): boolean {
  if (v === 'on' || v === '1' || v === 'yes' || v === 'true') return true;
  if (v === 'off' || v === '0' || v === 'no' || v === 'false') return false;
  throw new UsageError(`Error: argument of "${kw}" must be "on" or "off", not "${v}"`);
}

export function unknownArg(arg: string, where: string): UsageError {
  return new UsageError(`Error: either "${arg}" is duplicate, or it is a garbage.`, `Try "rtnl ${where} help".`);
}
