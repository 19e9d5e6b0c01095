import { family } from '../family.js';
import { neighAttrs } from './attrs.js';
import { ndmsg, NDMSG_SIZE } from './header.js';

export * from './header.js';
export * from './attrs.js';

/** RTM_NEWNEIGH / DELNEIGH / GETNEIGH messages (AF_INET, AF_INET6, AF_BRIDGE). */
export const neighMessage = family('ndmsg', NDMSG_SIZE, ndmsg, neighAttrs);
export * from './view.js';
