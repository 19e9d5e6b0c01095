/**
 * What environment variables turn on for a whole process, with no change to
 * its code — read once, when rtnl (or rtnl/wire) is loaded:
 *
 * - `NODE_DEBUG=rtnl`: the debug log prints each message decoded, one line
 *   each (debug-line.ts), instead of its header's numbers.
 * - `RTNL_RECORD=path.rtnl` (or `path.pcap`): every call the process makes
 *   through the backend is recorded, as for a fixture, and written to that
 *   file when the process exits — as a fixture's text (.rtnl), or as a
 *   capture Wireshark reads (.pcap, LINKTYPE_NETLINK). A process ended by a
 *   signal it does not handle writes nothing: Node runs no exit handlers
 *   then.
 *
 * `RTNL_RECORD=1` (any value not naming such a file) is the test harness's
 * record mode instead (harness.ts), and does nothing here.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEBUG, setMessageDescriber } from '../shim/debug.js';
import { wrapChosenShim } from '../shim/index.js';
import { describeLine } from './debug-line.js';
import { formatFixture } from './format.js';
import { toPcap } from './pcap.js';
import { recordShim } from './record.js';

/** The file `RTNL_RECORD` names for a whole-process recording, resolved; undefined when it names none. */
export function processRecordingPath(env: Record<string, string | undefined> = process.env): string | undefined {
  const v = env.RTNL_RECORD;
  return v && /\.(rtnl|pcap)$/i.test(v) ? resolve(v) : undefined;
}

// Once per process, whichever copy of rtnl (ESM or CJS) loads first.
const INSTALLED = Symbol.for('rtnl.process-hooks');

export function installProcessHooks(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[INSTALLED]) return;
  g[INSTALLED] = true;
  if (DEBUG) setMessageDescriber(describeLine);
  const path = processRecordingPath();
  if (!path) return;
  const command = process.argv.slice(1).join(' ');
  wrapChosenShim((real) => {
    const recorder = recordShim(real);
    process.once('exit', () => {
      try {
        const fixture = recorder.fixture({ operation: `the process ${process.pid}: ${command}` });
        writeFileSync(path, /\.pcap$/i.test(path) ? toPcap(fixture) : formatFixture(fixture));
      } catch (e) {
        process.stderr.write(`rtnl: RTNL_RECORD=${path}: the recording could not be written: ${(e as Error).message}\n`);
      }
    });
    return recorder;
  });
}
