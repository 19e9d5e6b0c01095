/**
 * For crash tests' child processes: installs a shim that counts every
 * system call made through it and kills the process with SIGKILL right
 * before the `killAt`-th (0: never), so any step boundary of a call can be
 * its point of death. `calls()` is the count so far.
 */
import { getShim, setShim } from '../../src/shim/index.js';
import type { Shim } from '../../src/shim/types.js';

export function killBeforeCall(killAt: number): { calls(): number } {
  const real = getShim();
  let calls = 0;
  const counted = new Proxy(real, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      // poll hands back a watcher object: not a system call of its own.
      if (typeof v !== 'function' || prop === 'poll') return typeof v === 'function' ? (v as () => unknown).bind(target) : v;
      return (...args: unknown[]) => {
        if (++calls === killAt) process.kill(process.pid, 'SIGKILL');
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as Shim;
  setShim(counted);
  return { calls: () => calls };
}
