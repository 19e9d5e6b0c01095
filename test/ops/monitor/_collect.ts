import type { Monitor, MonitorEvent } from '../../../src/ops/monitor/index.js';
import { until } from './_helpers.js';

/** Consumes a monitor in the background (without ever breaking out of it) and records its events. */
export function collect(mon: Monitor) {
  const events: MonitorEvent[] = [];
  const state = { error: undefined as unknown, ended: false };
  const done = (async () => {
    try {
      for await (const e of mon) events.push(e);
    } catch (e) {
      state.error = e;
    } finally {
      state.ended = true;
    }
  })();
  return {
    events,
    done,
    get error() {
      return state.error;
    },
    get ended() {
      return state.ended;
    },
    /** Waits until an event matches; returns it. */
    async waitFor<T extends MonitorEvent>(pred: (e: MonitorEvent) => e is T, ms = 5000, what = 'an event'): Promise<T> {
      await until(() => events.some(pred) || state.ended, ms, what);
      const hit = events.find(pred) as T | undefined;
      if (!hit) throw new Error(`monitor ended before ${what}${state.error ? `: ${String(state.error)}` : ''}`);
      return hit;
    },
  };
}
