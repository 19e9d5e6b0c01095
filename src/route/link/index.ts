import { family } from '../family.js';
import { linkAttrs } from './attrs.js';
import { ifinfomsg, IFINFOMSG_SIZE } from './header.js';

export * from './header.js';
export * from './attrs.js';

/** RTM_NEWLINK / DELLINK / GETLINK / SETLINK messages. */
export const linkMessage = family('ifinfomsg', IFINFOMSG_SIZE, ifinfomsg, linkAttrs);
