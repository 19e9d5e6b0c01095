/**
 * createNetkitPair: a netkit pair (Linux 6.7+) in one RTM_NEWLINK, the
 * peer possibly born inside a container's namespace — the device Cilium
 * and other BPF datapaths use instead of veth. Without programs attached
 * each end forwards (or, with policy "blackhole", drops) what it sends.
 */
import { ValidationError } from '../../netlink/errors.js';
import { writeView } from '../../netlink/fields.js';
import { type NetkitMode, type NetkitPolicy, type NetkitScrub, netkitAttrs } from '../../rtnetlink/link/index.js';
import { type CreateVethPairOptions, type CreatedPair, type VethPeerOptions, createPair } from './pair.js';

/** The peer end of a netkit pair: a veth peer's options plus its own policy and scrub. */
export interface NetkitPeerOptions extends VethPeerOptions {
  /** The peer's default policy (IFLA_NETKIT_PEER_POLICY): forward (the kernel's default) or blackhole. */
  policy?: NetkitPolicy;
  /** Whether packets crossing to the peer's side lose their metadata (IFLA_NETKIT_PEER_SCRUB, 6.10+). */
  scrub?: NetkitScrub;
}

/** Options of createNetkitPair: the primary end, its `peer`, and the IFLA_NETKIT_* settings of the pair. */
export interface CreateNetkitPairOptions extends Omit<CreateVethPairOptions, 'peer'> {
  peer: NetkitPeerOptions;
  /** l3 (the kernel's default: no link-layer header, no MAC address) or l2 (Ethernet, like veth). Fixed after creation. */
  mode?: NetkitMode;
  /** The primary's default policy: forward (the kernel's default) or blackhole. */
  policy?: NetkitPolicy;
  /** IFLA_NETKIT_SCRUB (6.10+): none, or default (clear mark, priority … as veth does). */
  scrub?: NetkitScrub;
  /** IFLA_NETKIT_HEADROOM / TAILROOM (6.15+): bytes reserved for the programs; older kernels ignore them. */
  headroom?: number;
  tailroom?: number;
}

const OWN = ['mode', 'policy', 'scrub', 'headroom', 'tailroom'] as const;

/**
 * Creates a netkit pair: `name` is the primary (where BPF programs attach
 * and where settings change later), `peer` its other end. Returns both ends
 * as read back, each with `info: { kind: 'netkit', primary, policy,
 * peerPolicy, mode, … }`. A later step failing deletes the pair.
 */
export function createNetkitPair(opts: CreateNetkitPairOptions): Promise<CreatedPair> {
  return createPair(opts as CreateVethPairOptions, {
    kind: 'netkit',
    operation: 'createNetkitPair',
    peerRow: 'peerInfo',
    keys: OWN,
    peerKeys: ['policy', 'scrub'],
    data(peerInfo) {
      const own: Record<string, unknown> = {};
      for (const k of OWN) own[k] = opts[k];
      const data = writeView(netkitAttrs, own, '');
      const peer = writeView(netkitAttrs, { policy: opts.peer.policy, scrub: opts.peer.scrub }, 'peer');
      if (peer['policy'] !== undefined) data['peerPolicy'] = peer['policy'];
      if (peer['scrub'] !== undefined) data['peerScrub'] = peer['scrub'];
      // netkit_new_link: an address in l3 mode is EOPNOTSUPP without a message.
      if ((opts.mode ?? 'l3') !== 'l2') {
        for (const [field, v] of [['address', opts.address], ['peer.address', opts.peer.address]] as const) {
          if (v !== undefined) throw new ValidationError(field, 'a netkit device in l3 mode (the default) has no link-layer address; give mode: "l2"');
        }
      }
      return { ...data, peerInfo };
    },
  });
}
