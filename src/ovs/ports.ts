/**
 * Ports of OVS bridges. A port is a Port row (listed in its Bridge's
 * `ports`) holding one Interface row; the Interface's `type` says what
 * ovs-vswitchd does with the name: open an existing Linux device ("",
 * system), create its own device (internal), or open a TAP (tap). Port and
 * Interface names are unique in the whole database (their tables' indexes),
 * so a name can be on one bridge only.
 */
import { ValidationError } from '../netlink/errors.js';
import type { OvsdbClient } from './client.js';
import { commit } from './commit.js';
import { namedUuid, set, uuid } from './datum.js';
import { OvsExistsError, OvsInterfaceError, OvsNotFoundError } from './errors.js';
import { withClient, type OvsOptions, type OvsWriteOptions } from './options.js';
import { findBridge, findPort, readSnapshot, setupFailure, type OvsPort, type Snapshot } from './snapshot.js';
import { validateFlag, validateOvsName, validatePortType, type OvsPortType } from './validate.js';

export interface AddPortOptions extends OvsWriteOptions {
  /** `system` (default: an existing device such as a veth end or a TAP), `internal`, or `tap`. */
  type?: OvsPortType;
  /** Return the existing port instead of failing when it is already on this bridge (ovs-vsctl --may-exist). */
  mayExist?: boolean;
  /**
   * Keep the port when ovs-vswitchd reports an error for its interface
   * (typically: the device does not exist yet), as ovs-vsctl does; the
   * returned port then has `interfaces[0].error` set (or no `ofport`).
   * Default false: remove it again and throw OvsInterfaceError.
   */
  keepOnError?: boolean;
}

export interface DeletePortOptions extends OvsWriteOptions {
  /** Resolve `false` instead of failing when the port is not on the bridge (ovs-vsctl --if-exists). */
  ifExists?: boolean;
}

export interface ListPortsOptions extends OvsOptions {
  /** Include the bridge's own local port (ovs-vsctl list-ports leaves it out). */
  includeLocal?: boolean;
}

/**
 * Adds `port` to `bridge` and waits until ovs-vswitchd has attached it.
 * Throws OvsNotFoundError when the bridge does not exist, OvsExistsError
 * when the port exists (on this or another bridge), OvsInterfaceError when
 * ovs-vswitchd could not open the device.
 */
export async function addPort(bridge: string, port: string, options: AddPortOptions = {}): Promise<OvsPort> {
  validateOvsName(bridge, 'bridge');
  validateOvsName(port, 'port');
  const type = validatePortType(options.type);
  const mayExist = validateFlag(options.mayExist, 'mayExist');
  const keepOnError = validateFlag(options.keepOnError, 'keepOnError');
  const wait = options.wait ?? true;
  return withClient(options, async (client, timeout) => {
    const snap = await readSnapshot(client, timeout);
    const br = findBridge(snap, bridge);
    if (!br || snap.root === undefined) throw new OvsNotFoundError('bridge', bridge);
    const existing = findPort(snap, port);
    if (existing) {
      if (mayExist && existing.bridge === bridge) return existing;
      throw new OvsExistsError('port', port, existing.bridge);
    }
    await commit(
      client,
      {
        guards: [
          {
            table: 'Bridge',
            where: [['_uuid', '==', uuid(br.uuid)]],
            rows: [{ _uuid: uuid(br.uuid) }],
            onFail: () => new OvsNotFoundError('bridge', bridge, undefined, 'another client deleted it meanwhile'),
          },
          { table: 'Port', where: [['name', '==', port]], rows: [], onFail: () => new OvsExistsError('port', port) },
        ],
        ops: [
          { op: 'insert', table: 'Interface', 'uuid-name': 'rtnl_iface', row: { name: port, type: type === 'system' ? '' : type } },
          { op: 'insert', table: 'Port', 'uuid-name': 'rtnl_port', row: { name: port, interfaces: namedUuid('rtnl_iface') } },
          // A mutation adds to the set without rewriting it, so ports other clients add concurrently are kept.
          { op: 'mutate', table: 'Bridge', where: [['_uuid', '==', uuid(br.uuid)]], mutations: [['ports', 'insert', set([namedUuid('rtnl_port')])]] },
        ],
        root: uuid(snap.root),
        comment: `add-port ${bridge} ${port}${type !== 'system' ? ` type=${type}` : ''}`,
      },
      { wait, timeout },
    );
    const after = await readSnapshot(client, timeout);
    const made = findPort(after, port);
    if (!made || made.bridge !== bridge) throw new OvsNotFoundError('port', port, bridge, 'it vanished right after it was added: another client removed it');
    const datapathType = findBridge(after, bridge)?.datapathType ?? 'system';
    const error = wait ? made.interfaces.map((i) => setupFailure(i, datapathType)).find((e) => e !== undefined) : undefined;
    if (error !== undefined && !keepOnError) {
      // All-or-nothing: take the port out again, then report ovs-vswitchd's reason.
      const undo = await removePort(client, after, bridge, port, { wait, timeout }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      throw new OvsInterfaceError(port, error, undo);
    }
    return made;
  });
}

/** Removes `port` from `bridge`; resolves true, or false with `ifExists` when it was not there. */
export async function deletePort(bridge: string, port: string, options: DeletePortOptions = {}): Promise<boolean> {
  validateOvsName(bridge, 'bridge');
  validateOvsName(port, 'port');
  if (port === bridge) {
    throw new ValidationError('port', `${JSON.stringify(port)} is the local port of bridge ${JSON.stringify(bridge)}; delete the bridge instead`);
  }
  const ifExists = validateFlag(options.ifExists, 'ifExists');
  const wait = options.wait ?? true;
  return withClient(options, async (client, timeout) => {
    const snap = await readSnapshot(client, timeout);
    if (!findBridge(snap, bridge)) throw new OvsNotFoundError('bridge', bridge);
    const p = findPort(snap, port);
    if (!p || p.bridge !== bridge) {
      if (ifExists) return false;
      throw new OvsNotFoundError('port', port, bridge, p ? `it is on bridge ${JSON.stringify(p.bridge)}` : undefined);
    }
    await removePort(client, snap, bridge, port, { wait, timeout });
    return true;
  });
}

async function removePort(client: OvsdbClient, snap: Snapshot, bridge: string, port: string, opts: { wait: boolean; timeout: number }): Promise<void> {
  const br = findBridge(snap, bridge);
  const p = findPort(snap, port);
  if (!br || !p || snap.root === undefined) throw new OvsNotFoundError('port', port, bridge);
  await commit(
    client,
    {
      guards: [
        {
          table: 'Bridge',
          where: [
            ['_uuid', '==', uuid(br.uuid)],
            ['ports', 'includes', uuid(p.uuid)],
          ],
          rows: [{ _uuid: uuid(br.uuid) }],
          onFail: () => new OvsNotFoundError('port', port, bridge, 'another client removed it meanwhile'),
        },
      ],
      // The Port row, no longer referenced, is garbage-collected with its Interface rows.
      ops: [{ op: 'mutate', table: 'Bridge', where: [['_uuid', '==', uuid(br.uuid)]], mutations: [['ports', 'delete', set([uuid(p.uuid)])]] }],
      root: uuid(snap.root),
      comment: `del-port ${bridge} ${port}`,
    },
    opts,
  );
}

/** The ports of `bridge`, sorted by name (without its local port unless `includeLocal`). */
export async function listPorts(bridge: string, options: ListPortsOptions = {}): Promise<OvsPort[]> {
  validateOvsName(bridge, 'bridge');
  const includeLocal = validateFlag(options.includeLocal, 'includeLocal');
  return withClient(options, async (client, timeout) => {
    const snap = await readSnapshot(client, timeout);
    if (!findBridge(snap, bridge)) throw new OvsNotFoundError('bridge', bridge);
    return [...snap.ports.values()]
      .filter((p) => p.bridge === bridge && (includeLocal || !p.local))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  });
}
