import { execFileSync } from 'node:child_process';

/** Runs `ip -n NS -batch -` with these commands (one process, while our event loop is blocked). */
export function batch(netns: string, commands: string[]): void {
  execFileSync('ip', ['-n', netns, '-batch', '-'], { input: `${commands.join('\n')}\n`, stdio: ['pipe', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
}

/** Polls `cond` on the event loop until it holds, or fails after `ms`. */
export async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
