import { reencode } from '../../src/rtnetlink/family.js';
import { linkMessage } from '../../src/rtnetlink/link/index.js';
import type { ByteWriter } from '../../src/netlink/writer.js';

export { linkMessage };

export function reencodeCheck(original: Uint8Array, msg: ReturnType<typeof linkMessage.decode>, w: ByteWriter): Uint8Array {
  return reencode(linkMessage, original, msg, w);
}
