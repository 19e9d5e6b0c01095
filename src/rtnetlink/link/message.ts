/**
 * RTM_*LINK messages (RTM_NEWLINK / DELLINK / GETLINK / SETLINK): struct
 * ifinfomsg followed by IFLA_* attributes, with the attribute table chosen
 * by ifi_family (see attrs.ts).
 */
import { NLMSG_HDRLEN } from '../../netlink/constants.js';
import { AF } from '../constants.js';
import { type Family, family } from '../family.js';
import { bridgeLinkAttrs, inet6LinkAttrs, linkAttrs } from './attrs.js';
import { type IfInfoMsg, IFINFOMSG_SIZE, ifinfomsg } from './header.js';

const unspec = family('ifinfomsg', IFINFOMSG_SIZE, ifinfomsg, linkAttrs);
const bridge = family('ifinfomsg', IFINFOMSG_SIZE, ifinfomsg, bridgeLinkAttrs);
const inet6 = family('ifinfomsg', IFINFOMSG_SIZE, ifinfomsg, inet6LinkAttrs);

function byFamily(f: number | undefined): Family<IfInfoMsg, typeof linkAttrs> {
  return f === AF.BRIDGE ? bridge : f === AF.INET6 ? inet6 : unspec;
}

/**
 * RTM_*LINK messages. Decoding reads ifi_family first and uses the table of
 * that family, so IFLA_PROTINFO comes out as bridge port attributes in
 * AF_BRIDGE messages and as IPv6 attributes in AF_INET6 ones.
 */
export const linkMessage: Family<IfInfoMsg, typeof linkAttrs> = {
  name: 'ifinfomsg',
  headerSize: IFINFOMSG_SIZE,
  header: ifinfomsg,
  attrs: linkAttrs,
  decode(bytes, options) {
    return byFamily(bytes.length > NLMSG_HDRLEN ? bytes[NLMSG_HDRLEN] : undefined).decode(bytes, options);
  },
  encode(w, msg) {
    byFamily(msg.header.family).encode(w, msg);
  },
};
