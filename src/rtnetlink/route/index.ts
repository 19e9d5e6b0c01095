import { family } from '../family.js';
import { routeAttrs } from './attrs.js';
import { rtmsg, RTMSG_SIZE } from './header.js';

export * from './header.js';
export * from './attrs.js';
export * from './names.js';

/** RTM_NEWROUTE / DELROUTE / GETROUTE messages. */
export const routeMessage = family('rtmsg', RTMSG_SIZE, rtmsg, routeAttrs);
export * from './view.js';
