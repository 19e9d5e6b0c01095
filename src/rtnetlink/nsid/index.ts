/**
 * RTM_NEWNSID / DELNSID / GETNSID: the ids one network namespace gives its
 * peers. Family header struct rtgenmsg, then NETNSA_* attributes
 * (<linux/net_namespace.h>).
 *
 *   0        1                       4
 *   | family | pad (NLMSG_ALIGN)     | attributes …
 *
 * rtgenmsg is one byte, but the kernel parses the attributes at
 * NLMSG_ALIGN(sizeof(struct rtgenmsg)) = 4 (rtnl_net_getid → nlmsg_parse),
 * so the header is modelled as four bytes with the pad kept for round trips.
 */
import { attr, attrSet, type Codec } from '../../netlink/schema.js';
import { decodeError } from '../../netlink/schema.js';
import { s32, u32 } from '../../netlink/codecs.js';
import { family } from '../family.js';

/** A decoded struct rtgenmsg: rtgen_family, plus any non-zero pad up to NLMSG_ALIGN. */
export interface RtGenMsg {
  family: number;
  /** The three pad bytes as a little-endian number, kept only when not zero. */
  pad?: number;
}

/** Size of the rtgenmsg header as parsed: NLMSG_ALIGN(sizeof(struct rtgenmsg)) = 4 bytes. */
export const RTGENMSG_SIZE = 4;

/** Codec of struct rtgenmsg with its three pad bytes, kept so the message round-trips. */
export const rtgenmsg: Codec<RtGenMsg> = {
  kind: 'rtgenmsg',
  decode(ctx, off, len) {
    if (len < RTGENMSG_SIZE) throw decodeError(ctx, `rtgenmsg wants ${RTGENMSG_SIZE} bytes, got ${len}`);
    const h: RtGenMsg = { family: ctx.view.getUint8(off) };
    const pad = ctx.view.getUint8(off + 1) | (ctx.view.getUint16(off + 2, true) << 8);
    if (pad !== 0) h.pad = pad;
    return h;
  },
  encode(w, h) {
    w.u8(h.family);
    const pad = h.pad ?? 0;
    w.u8(pad & 0xff);
    w.u16((pad >>> 8) & 0xffff);
  },
};

/** NETNSA_NSID value meaning "no id assigned" (NETNSA_NSID_NOT_ASSIGNED). */
export const NETNSA_NSID_NOT_ASSIGNED = -1;

/** The NETNSA_* attribute table of namespace id messages. */
export const nsidAttrs = attrSet('nsid', {
  /** The id (s32; -1 when not assigned). */
  nsid: attr(1, s32),
  /** Names the peer by a process living in it. */
  pid: attr(2, u32),
  /** Names the peer by an open nsfs file descriptor of the requesting process. */
  fd: attr(3, u32),
  /** Ask for ids as seen from the namespace with this id (GET/dump only). */
  targetNsid: attr(4, s32),
  /** In a reply to a request with targetNsid: the id of the current namespace there. */
  currentNsid: attr(5, s32),
});

/** Descriptor of RTM_NEWNSID / DELNSID / GETNSID messages: rtgenmsg, then NETNSA_* attributes. */
export const nsidMessage = family('rtgenmsg', RTGENMSG_SIZE, rtgenmsg, nsidAttrs);

/** A namespace id as `ip netns list-id` shows it (`listNsids`, nsid events). */
export interface NsidEntry {
  nsid: number;
  /** The name under /run/netns of the namespace with this id, when there is one. */
  name?: string;
}
