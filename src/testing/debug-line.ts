/**
 * One line per message for NODE_DEBUG=rtnl: the fixture annotator's
 * decoding (message type and flags by name, attributes by the API's names,
 * big subtrees folded), on one line and capped, so a log of a dump stays a
 * line per link.
 */
import { decodeDatagram } from './flatten.js';
import { shownFields } from './format.js';

const MAX_LINE = 400;

/** The message (its header included) in words. */
export function describeLine(message: Uint8Array, fromKernel: boolean): string {
  const [m] = decodeDatagram(message, fromKernel);
  if (!m) return 'an empty datagram';
  let text = [m.title, ...shownFields(m.fields)].join(' ');
  if (m.decodeError) text += ` (does not decode: ${m.decodeError})`;
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE - 1)}…` : text;
}
