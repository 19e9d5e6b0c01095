import { family } from '../family.js';
import { addrAttrs } from './attrs.js';
import { ifaddrmsg, IFADDRMSG_SIZE } from './header.js';

export * from './header.js';
export * from './attrs.js';

/** RTM_NEWADDR / DELADDR / GETADDR messages. */
export const addrMessage = family('ifaddrmsg', IFADDRMSG_SIZE, ifaddrmsg, addrAttrs);
export * from './view.js';
