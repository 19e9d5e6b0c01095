/**
 * IFB (intermediate functional block) links: kind "ifb". The driver has
 * no fill_info and no policy, so there is no IFLA_INFO_DATA; the empty set
 * still gives any bytes a future kernel sends a lossless home.
 */
import { attrSet, type Decoded } from '../../../netlink/schema.js';

/** The ifb kind's IFLA_INFO_DATA table: empty, the driver has no attributes. */
export const ifbAttrs = attrSet('ifb', {});

/** An IFB's IFLA_INFO_DATA as decoded (no known attributes). */
export type IfbAttrs = Decoded<typeof ifbAttrs>;

/** The friendly view of an IFB device: nothing beyond its kind. */
export interface IfbInfo {
  kind: 'ifb';
}
