/**
 * Flushing: every entry a dump lists that the filter keeps, sent back as
 * its delete message — what `ip addr|route|neigh flush` do. The kernel
 * identifies an address, route or neighbour by its key fields, which the
 * dumped message carries, so the entry is deleted as the kernel described
 * it. An entry that disappears in between (ENOENT, ESRCH, EADDRNOTAVAIL) is
 * not an error: it is gone either way.
 */
import { isNetlinkError } from '../netlink/errors.js';
import type { RtnlSocket } from '../netlink/socket.js';
import type { ByteWriter } from '../netlink/writer.js';

const GONE = ['ENOENT', 'ESRCH', 'EADDRNOTAVAIL', 'ENODEV'] as const;

/** Sends one delete per entry; resolves with how many the kernel removed. */
export async function deleteEach<E>(sock: RtnlSocket, type: number, entries: readonly E[], encode: (w: ByteWriter, e: E) => void, operation: string, attrs: never): Promise<number> {
  let n = 0;
  for (const e of entries) {
    try {
      await sock.request(type, 0, (w) => encode(w, e), { operation, attrs });
      n++;
    } catch (err) {
      if (!GONE.some((c) => isNetlinkError(err, c))) throw err;
    }
  }
  return n;
}
