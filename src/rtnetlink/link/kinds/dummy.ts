/**
 * Dummy links: kind "dummy". The driver has no netlink attributes of its
 * own (no policy, no fill_info); the empty set gives any bytes a future
 * kernel sends a lossless home.
 */
import { attrSet, type Decoded } from '../../../netlink/schema.js';

/** The dummy kind's IFLA_INFO_DATA table: empty, the driver has no attributes. */
export const dummyAttrs = attrSet('dummy', {});

/** A dummy's IFLA_INFO_DATA as decoded (no known attributes). */
export type DummyAttrs = Decoded<typeof dummyAttrs>;

/** The friendly view of a dummy device: nothing beyond its kind. */
export interface DummyInfo {
  kind: 'dummy';
}
