/**
 * createBridge: a bridge with its options (bridgeAttrs' writable views) in
 * one RTM_NEWLINK.
 */
import { NLM_F } from '../../netlink/constants.js';
import { writeView } from '../../netlink/fields.js';
import { TimeoutError, ValidationError, explainError, isNetlinkError, withUndoFailures } from '../../netlink/errors.js';
import type { Message } from '../../netlink/socket.js';
import { type OperationOptions, withSocket } from '../options.js';
import { RTM } from '../../rtnetlink/constants.js';
import {
  type BridgeOptions,
  bridgeAttrs,
  type Link,
  type LinkInfo,
  readLink,
  validateBoolean,
  validateOptions,
} from '../../rtnetlink/link/index.js';
import { fetchLink } from './lookup.js';
import { LINK_FLAG_KEYS, type LinkFlagOptions, OPERATION_KEYS, endAttrs, flagChange, header, pick, sendLink } from './request.js';
import { undoCreate, undoLostCreate } from './rollback.js';
import { formatValue } from '../../netlink/format-value.js';

/** Options of createBridge: the bridge's IFLA_BR_* options and the settings of the link itself. */
export interface CreateBridgeOptions extends BridgeOptions, OperationOptions, LinkFlagOptions {
  mtu?: number;
  address?: string;
  up?: boolean;
  group?: number;
  txQueueLen?: number;
}

const BRIDGE_LINK_KEYS = [...OPERATION_KEYS, ...LINK_FLAG_KEYS, 'mtu', 'address', 'up', 'group', 'txQueueLen'] as const;

/** Bridge options → IFLA_BR_* attributes (seconds → clock_t), validated. */
function bridgeData(opts: CreateBridgeOptions): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) if (!(BRIDGE_LINK_KEYS as readonly string[]).includes(k) && k !== 'stp') rest[k] = v;
  // `stp` goes last, as IFLA_BR_STP_STATE always has: requests stay byte for byte what they were.
  if (opts.stp !== undefined) rest['stp'] = opts.stp;
  const data = writeView(bridgeAttrs, rest, '');
  if (data.groupAddr !== undefined) data.groupAddr = validateGroupAddress(data.groupAddr);
  // BR_GROUPFWD_RESTRICTED: the kernel never forwards STP (bit 0), MAC pause (1) and LACP (2) frames, and answers a bare EINVAL.
  if (typeof data.groupFwdMask === 'number' && data.groupFwdMask & 0x7) {
    throw new ValidationError('groupFwdMask', `bits 0–2 (STP, pause, LACP: mask 0x7) cannot be forwarded, got 0x${data.groupFwdMask.toString(16)}`);
  }
  return data;
}

function validateGroupAddress(v: unknown): string {
  // The kernel wants a link-local group address 01:80:c2:00:00:0X and checks it (EINVAL otherwise).
  if (typeof v !== 'string' || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(v)) throw new ValidationError('groupAddress', `expected a MAC address, got ${formatValue(v)}`);
  return v.toLowerCase();
}

/** Creates a bridge with its options in one RTM_NEWLINK request. */
export async function createBridge(name: string, opts: CreateBridgeOptions = {}): Promise<Link> {
  validateOptions(opts);
  const attrs = endAttrs({ ...pick(opts, ['mtu', 'address', 'group', 'txQueueLen']), name }, '');
  const up = opts.up === undefined ? undefined : validateBoolean(opts.up, 'up');
  const flags = flagChange(opts);
  const data = bridgeData(opts);
  attrs.linkinfo = { kind: 'bridge', data } as LinkInfo;
  const operation = 'createBridge';
  return withSocket(opts, async (sock) => {
    let replies: Message[];
    try {
      replies = await sendLink(sock, RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL | NLM_F.ECHO, header(0, up, flags), attrs, operation);
    } catch (e) {
      if (isNetlinkError(e, 'EEXIST')) throw explainError(e, 'ifname', `a link named ${JSON.stringify(name)} already exists`);
      if (isNetlinkError(e) && e.code === 'EOPNOTSUPP' && data.vlanFiltering !== undefined) {
        throw explainError(e, 'linkinfo.data.vlanFiltering', 'this kernel has no bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING)');
      }
      if (e instanceof TimeoutError) throw withUndoFailures(e, await undoLostCreate(sock, name, 'bridge', operation));
      throw e;
    }
    const echoed = replies.find((m) => m.type === RTM.NEWLINK);
    const index = echoed ? readLink(echoed.bytes).index : undefined;
    try {
      return await fetchLink(sock, index ?? name, operation, { field: 'ifname' });
    } catch (e) {
      throw withUndoFailures(e, await undoCreate(sock, index ?? name, operation));
    }
  });
}
