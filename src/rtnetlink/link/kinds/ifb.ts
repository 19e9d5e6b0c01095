/**
 * IFB (intermediate functional block) links: kind "ifb". The driver has
 * no fill_info and no policy, so there is no IFLA_INFO_DATA; the empty set
 * still gives any bytes a future kernel sends a lossless home.
 */
import { attrSet, type Decoded } from '../../../netlink/schema.js';

export const ifbAttrs = attrSet('ifb', {});

export type IfbAttrs = Decoded<typeof ifbAttrs>;

/** The friendly view of an IFB device: nothing beyond its kind. */
export interface IfbInfo {
  kind: 'ifb';
}
