/**
 * Fixed structs carried by link attributes (<linux/if_link.h>).
 * rtnl_link_stats64 grew rx_otherhost_dropped in 5.19; the struct codec
 * keeps whatever length the kernel sends, so older and newer kernels both
 * round-trip exactly.
 */
import { struct } from '../../netlink/codecs.js';

const COUNTERS = [
  'rxPackets',
  'txPackets',
  'rxBytes',
  'txBytes',
  'rxErrors',
  'txErrors',
  'rxDropped',
  'txDropped',
  'multicast',
  'collisions',
  'rxLengthErrors',
  'rxOverErrors',
  'rxCrcErrors',
  'rxFrameErrors',
  'rxFifoErrors',
  'rxMissedErrors',
  'txAbortedErrors',
  'txCarrierErrors',
  'txFifoErrors',
  'txHeartbeatErrors',
  'txWindowErrors',
  'rxCompressed',
  'txCompressed',
  'rxNohandler',
] as const;

type Counter = (typeof COUNTERS)[number];

function fields<T extends 'u32' | 'u64'>(t: T, names: readonly string[]): Record<string, T> {
  return Object.fromEntries(names.map((n) => [n, t])) as Record<string, T>;
}

/** struct rtnl_link_stats (IFLA_STATS): 24 u32 counters that wrap at 2^32. */
export const rtnlLinkStats = struct('rtnl_link_stats', fields('u32', COUNTERS) as Record<Counter, 'u32'>);

/** struct rtnl_link_stats64 (IFLA_STATS64): the same counters as u64 (bigint), plus rx_otherhost_dropped. */
export const rtnlLinkStats64 = struct(
  'rtnl_link_stats64',
  fields('u64', [...COUNTERS, 'rxOtherhostDropped']) as Record<Counter | 'rxOtherhostDropped', 'u64'>,
);

/**
 * struct rtnl_link_ifmap (IFLA_MAP): 28 bytes of fields that the compiler
 * pads to 32 (u64 alignment). The kernel's policy wants the padded size,
 * so the padding is a field here.
 */
export const rtnlLinkIfmap = struct('rtnl_link_ifmap', {
  memStart: 'u64',
  memEnd: 'u64',
  baseAddr: 'u64',
  irq: 'u16',
  dma: 'u8',
  port: 'u8',
  pad: 'u32',
});

/** struct ifla_cacheinfo (IFLA_INET6_CACHEINFO). */
export const iflaCacheinfo = struct('ifla_cacheinfo', {
  maxReasmLen: 'u32',
  tstamp: 'u32',
  reachableTime: 'u32',
  retransTime: 'u32',
});

/** A decoded struct rtnl_link_stats (IFLA_STATS): u32 counters. */
export type LinkStats = ReturnType<typeof rtnlLinkStats.decode>;
/** A decoded struct rtnl_link_stats64 (IFLA_STATS64): u64 counters as bigint; kernels before 5.19 send no rxOtherhostDropped. */
export type LinkStats64 = ReturnType<typeof rtnlLinkStats64.decode>;
