/**
 * OVS bridges. A bridge is three rows, linked by strong references: a
 * Bridge row listed in the root Open_vSwitch row's `bridges`, whose `ports`
 * holds a Port row of the bridge's own name, whose `interfaces` holds an
 * Interface row of type "internal" — the bridge's local port, which
 * ovs-vswitchd turns into a Linux device of the bridge's name. Bridge, Port
 * and Interface are not root tables: a row nobody references any more is
 * deleted by ovsdb-server itself (RFC 7047 §3.2 "isRoot"), which is how
 * removing a bridge from `bridges` removes its ports and interfaces too.
 */
import type { Operation, OvsdbClient } from './client.js';
import { commit, rootOf } from './commit.js';
import { map, namedUuid, set, uuid } from './datum.js';
import { OvsExistsError, OvsInterfaceError, OvsNotFoundError } from './errors.js';
import { withClient, type OvsOptions, type OvsWriteOptions } from './options.js';
import { findBridge, findPort, readSnapshot, setupFailure, type OvsBridge } from './snapshot.js';
import { validateConfigMap, validateDatapathType, validateFlag, validateOvsName } from './validate.js';

export interface AddBridgeOptions extends OvsWriteOptions {
  /**
   * `netdev` for the userspace datapath inside ovs-vswitchd (no kernel
   * module needed), `system` for the kernel's openvswitch module. Unset:
   * ovs-vswitchd's default, `system`.
   */
  datapathType?: string;
  /** Return the existing bridge instead of failing when one of that name exists (ovs-vsctl --may-exist). */
  mayExist?: boolean;
  /**
   * The Bridge row's other_config, written with the bridge (`ovs-vsctl
   * add-br br0 -- set bridge br0 other_config:hwaddr=…`): string keys and
   * values, as ovs-vswitchd reads them (datapath-id, hwaddr, …).
   */
  otherConfig?: Record<string, string>;
}

export interface DeleteBridgeOptions extends OvsWriteOptions {
  /** Resolve `false` instead of failing when there is no such bridge (ovs-vsctl --if-exists). */
  ifExists?: boolean;
}

/**
 * Creates bridge `name` with its local internal port and waits until
 * ovs-vswitchd has created it. If ovs-vswitchd cannot create the bridge's
 * device (e.g. datapath `system` without the kernel module), the bridge is
 * removed again and an OvsInterfaceError carries ovs-vswitchd's reason.
 */
export async function addBridge(name: string, options: AddBridgeOptions = {}): Promise<OvsBridge> {
  validateOvsName(name, 'name');
  const datapathType = validateDatapathType(options.datapathType);
  const mayExist = validateFlag(options.mayExist, 'mayExist');
  const otherConfig = validateConfigMap(options.otherConfig, 'otherConfig');
  const wait = options.wait ?? true;
  return withClient(options, async (client, timeout) => {
    const snap = await readSnapshot(client, timeout);
    const existing = findBridge(snap, name);
    if (existing) {
      if (mayExist) return existing;
      throw new OvsExistsError('bridge', name);
    }
    const clash = findPort(snap, name);
    if (clash) throw new OvsExistsError('port', name, clash.bridge);

    const root = rootOf(snap.root);
    const bridge = namedUuid('rtnl_bridge');
    const ops: Operation[] = [
      { op: 'insert', table: 'Interface', 'uuid-name': 'rtnl_iface', row: { name, type: 'internal' } },
      { op: 'insert', table: 'Port', 'uuid-name': 'rtnl_port', row: { name, interfaces: namedUuid('rtnl_iface') } },
      {
        op: 'insert',
        table: 'Bridge',
        'uuid-name': 'rtnl_bridge',
        row: {
          name,
          ports: namedUuid('rtnl_port'),
          ...(datapathType !== undefined ? { datapath_type: datapathType } : {}),
          ...(otherConfig ? { other_config: map(Object.entries(otherConfig)) } : {}),
        },
      },
      root.create
        ? { op: 'insert', table: 'Open_vSwitch', 'uuid-name': 'rtnl_root', row: { bridges: set([bridge]) } }
        : { op: 'mutate', table: 'Open_vSwitch', where: [['_uuid', '==', root.root]], mutations: [['bridges', 'insert', set([bridge])]] },
    ];
    await commit(
      client,
      {
        guards: [
          ...root.guards,
          { table: 'Bridge', where: [['name', '==', name]], rows: [], onFail: () => new OvsExistsError('bridge', name) },
          { table: 'Port', where: [['name', '==', name]], rows: [], onFail: () => new OvsExistsError('port', name) },
        ],
        ops,
        root: root.root,
        comment: `add-br ${name}${datapathType !== undefined ? ` datapath_type=${datapathType}` : ''}`,
      },
      { wait, timeout },
    );
    const after = await readSnapshot(client, timeout);
    const made = findBridge(after, name);
    if (!made) throw new OvsNotFoundError('bridge', name, undefined, 'it vanished right after it was created: another client deleted it');
    const local = findPort(after, name)?.interfaces[0];
    const failure = wait ? setupFailure(local, made.datapathType) : undefined;
    if (failure !== undefined) {
      // All-or-nothing: a bridge ovs-vswitchd could not create is not left behind.
      const undo = await removeBridge(client, after.root, made.uuid, name, { wait, timeout }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      throw new OvsInterfaceError(name, failure, undo);
    }
    return made;
  });
}

/** Deletes bridge `name` with all its ports; resolves true, or false with `ifExists` when it did not exist. */
export async function deleteBridge(name: string, options: DeleteBridgeOptions = {}): Promise<boolean> {
  validateOvsName(name, 'name');
  const ifExists = validateFlag(options.ifExists, 'ifExists');
  const wait = options.wait ?? true;
  return withClient(options, async (client, timeout) => {
    const snap = await readSnapshot(client, timeout);
    const br = findBridge(snap, name);
    if (!br) {
      if (ifExists) return false;
      throw new OvsNotFoundError('bridge', name);
    }
    await removeBridge(client, snap.root, br.uuid, name, { wait, timeout });
    return true;
  });
}

async function removeBridge(
  client: OvsdbClient,
  rootUuid: string | undefined,
  bridgeUuid: string,
  name: string,
  opts: { wait: boolean; timeout: number },
): Promise<void> {
  if (rootUuid === undefined) throw new OvsNotFoundError('bridge', name); // no root row, so no bridges
  await commit(
    client,
    {
      guards: [
        {
          table: 'Open_vSwitch',
          where: [['bridges', 'includes', uuid(bridgeUuid)]],
          rows: [{ _uuid: uuid(rootUuid) }],
          onFail: () => new OvsNotFoundError('bridge', name, undefined, 'another client deleted it meanwhile'),
        },
      ],
      // Unreferenced, the Bridge row and everything only it referenced are garbage-collected.
      ops: [{ op: 'mutate', table: 'Open_vSwitch', where: [['_uuid', '==', uuid(rootUuid)]], mutations: [['bridges', 'delete', set([uuid(bridgeUuid)])]] }],
      root: uuid(rootUuid),
      comment: `del-br ${name}`,
    },
    opts,
  );
}

/** All bridges, sorted by name; `ports` lists each bridge's ports without its local port. */
export async function listBridges(options: OvsOptions = {}): Promise<OvsBridge[]> {
  return withClient(options, async (client, timeout) => (await readSnapshot(client, timeout)).bridges);
}
