/**
 * What `monitor()` yields: one event type per kind of change (with the
 * notification's origin), plus overruns, resync snapshots and messages
 * that could not be decoded; and the options it takes.
 */
import type { OverrunReason } from '../../netlink/event-socket.js';
import type { DecodeError } from '../../netlink/errors.js';
import type { NetnsRef } from '../../netlink/netns.js';
import type { Message } from '../../netlink/socket.js';
import type { Shim } from '../../shim/types.js';
import type { MonitorAddress, MonitorFamily, MonitorLink, MonitorNeighbour, MonitorNsid, MonitorRoute } from './kinds.js';

/** Who caused a change: the netlink header of the notification. */
export interface EventOrigin {
  /**
   * Port id (nl_pid) of the socket whose request caused the change, so a
   * program can recognise its own changes (compare with `RtnlSocket.portId`);
   * 0 when the kernel changed something on its own.
   */
  portId: number;
  /** Sequence number of that request (0 for the kernel's own changes). */
  seq: number;
}

/** A link appeared or changed (`newlink`, RTM_NEWLINK) or went away (`dellink`, RTM_DELLINK). */
export type LinkEvent = EventOrigin & { type: 'newlink' | 'dellink'; link: MonitorLink };
/** An address was added or changed (`newaddr`, RTM_NEWADDR) or removed (`deladdr`, RTM_DELADDR). */
export type AddressEvent = EventOrigin & { type: 'newaddr' | 'deladdr'; address: MonitorAddress };
/** A route was added or changed (`newroute`, RTM_NEWROUTE) or removed (`delroute`, RTM_DELROUTE). */
export type RouteEvent = EventOrigin & { type: 'newroute' | 'delroute'; route: MonitorRoute };
/** A neighbour or FDB entry was added or changed (`newneigh`, RTM_NEWNEIGH) or removed (`delneigh`, RTM_DELNEIGH). */
export type NeighbourEvent = EventOrigin & { type: 'newneigh' | 'delneigh'; neighbour: MonitorNeighbour };
/** A peer namespace got an id (`newnsid`, RTM_NEWNSID) or lost it (`delnsid`, RTM_DELNSID). */
export type NsidEvent = EventOrigin & { type: 'newnsid' | 'delnsid'; nsid: MonitorNsid };

/** The kernel dropped notifications: whatever the consumer knows may be stale. */
export interface OverrunEvent {
  type: 'overrun';
  /** `enobufs`: the socket's receive queue was full; `truncated`: a datagram did not fit the buffer. */
  reason: OverrunReason;
}

/**
 * A complete listing of every watched kind: replace what you know with it.
 * Arrays are present exactly for the watched kinds.
 */
export interface ResyncEvent {
  type: 'resync';
  /** `initial`: asked for with `listExisting`; `overrun`: after an overrun, with `resync`. */
  reason: 'initial' | 'overrun';
  /**
   * False when a dump kept being interrupted by changes (NLM_F_DUMP_INTR)
   * after every retry: the listing may miss or repeat objects that changed
   * meanwhile (their events follow the snapshot).
   */
  consistent: boolean;
  links?: MonitorLink[];
  addresses?: MonitorAddress[];
  routes?: MonitorRoute[];
  neighbours?: MonitorNeighbour[];
  nsids?: MonitorNsid[];
}

/** A notification that our tables could not decode; the monitor keeps running. */
export interface UndecodableEvent {
  type: 'undecodable';
  error: DecodeError;
  message: Message;
}

/** A change to one object, of any watched kind: the events that carry a notification's origin. */
export type ObjectEvent = LinkEvent | AddressEvent | RouteEvent | NeighbourEvent | NsidEvent;
/** Everything `monitor()` yields: object changes, overruns, resync snapshots and undecodable messages. */
export type MonitorEvent = ObjectEvent | OverrunEvent | ResyncEvent | UndecodableEvent;

/** Options of monitor(): the namespace, family filter, snapshots, buffer sizes and the signal that ends it. */
export interface MonitorOptions {
  /** The network namespace to watch: a name under /run/netns, a path, an open fd, or `{ pid }`. */
  netns?: NetnsRef;
  /** Ends the iteration (it finishes normally, without an error) and closes the sockets. */
  signal?: AbortSignal;
  /** Only IPv4 (`inet`) or only IPv6 (`inet6`) addresses, routes and neighbours. Default: both. */
  family?: MonitorFamily;
  /** First yield a `resync` event (reason `initial`) listing every watched object, then the changes. */
  listExisting?: boolean;
  /** After an overrun, yield a `resync` event (reason `overrun`) from fresh dumps. */
  resync?: boolean;
  /**
   * The event socket's kernel receive buffer, in bytes (SO_RCVBUFFORCE).
   * Larger survives bigger bursts without an overrun. Default: the system's
   * net.core.rmem_default.
   */
  receiveBufferSize?: number;
  /**
   * How many undelivered notifications may wait in memory before reading
   * pauses and the kernel's own buffer takes over (and eventually
   * overruns). Default 10 000.
   */
  highWaterMark?: number;
  /** Reply timeout in ms of the request socket used for snapshot dumps. */
  timeout?: number;
  /** The shim to use instead of the process's backend. */
  shim?: Shim;
}
