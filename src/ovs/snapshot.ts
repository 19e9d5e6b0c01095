/**
 * A consistent read of the switch layout: the Open_vSwitch root row and the
 * Bridge, Port and Interface tables, selected in ONE transaction so they
 * come from the same database state. The tables of a host are small (tens
 * to thousands of rows), so reading them whole is cheaper than a round trip
 * per lookup.
 */
import type { OvsdbClient } from './client.js';
import { mapObject, optional, uuidSet } from './datum.js';
import { type Json, toOvsdbError } from './jsonrpc.js';

export interface OvsInterface {
  name: string;
  uuid: string;
  /** `system` (the database's "" type: an existing Linux device), `internal`, `tap`, `patch`, `vxlan`, … */
  type: string;
  /** The OpenFlow port number ovs-vswitchd assigned; -1 when it failed; undefined before it has run. */
  ofport: number | undefined;
  /** ovs-vswitchd's reason when it could not set the interface up. */
  error: string | undefined;
  /** The MAC address the device uses, as ovs-vswitchd reports it. */
  macInUse: string | undefined;
  externalIds: Record<string, string>;
}

export interface OvsPort {
  name: string;
  uuid: string;
  /** The bridge that holds the port. */
  bridge: string;
  /** True for the bridge's own port (same name as the bridge). */
  local: boolean;
  /** Usually one; more for a bond. */
  interfaces: OvsInterface[];
  externalIds: Record<string, string>;
}

export interface OvsBridge {
  name: string;
  uuid: string;
  /** `system` (kernel datapath; the database's "" default) or `netdev` (userspace datapath). */
  datapathType: string;
  /** Names of the bridge's ports, sorted, without its local port (as `ovs-vsctl list-ports`). */
  ports: string[];
  externalIds: Record<string, string>;
  /** The Bridge row's other_config (datapath-id, hwaddr, mcast-snooping-… settings of ovs-vswitchd). */
  otherConfig: Record<string, string>;
}

interface RawRow {
  uuid: string;
  row: Record<string, Json>;
}

export interface Snapshot {
  /** The root row's uuid; undefined in a database nobody has initialised yet. */
  root: string | undefined;
  bridges: OvsBridge[];
  /** All ports by uuid (each knows its bridge). */
  ports: Map<string, OvsPort>;
}

/**
 * The rows of a select's result (RFC 7047 §5.2.2: `{"rows": [<row>*]}`,
 * each row a JSON object). A server that answers anything else is broken
 * or hostile: an OvsdbError, not a TypeError from reading a row that is
 * `null` or a `rows` that is a number.
 */
function rows(result: unknown, table: string): RawRow[] {
  if (result === undefined) return [];
  const list = result !== null && typeof result === 'object' && !Array.isArray(result) ? (result as { rows?: unknown }).rows : undefined;
  if (!Array.isArray(list)) throw toOvsdbError('transact', `malformed reply: the select of ${table} has no "rows" array`);
  return list.map((row: unknown) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw toOvsdbError('transact', `malformed reply: a row of ${table} is not an object`);
    const r = row as Record<string, Json>;
    return { uuid: uuidSet(r['_uuid'])[0] ?? '', row: r };
  });
}

const str = (v: Json | undefined): string => (typeof v === 'string' ? v : '');

export async function readSnapshot(client: OvsdbClient, timeout: number): Promise<Snapshot> {
  const [root, bridgeRes, portRes, ifaceRes] = await client.transact(
    [
      { op: 'select', table: 'Open_vSwitch', where: [], columns: ['_uuid', 'bridges'] },
      { op: 'select', table: 'Bridge', where: [], columns: ['_uuid', 'name', 'datapath_type', 'ports', 'external_ids', 'other_config'] },
      { op: 'select', table: 'Port', where: [], columns: ['_uuid', 'name', 'interfaces', 'external_ids'] },
      { op: 'select', table: 'Interface', where: [], columns: ['_uuid', 'name', 'type', 'ofport', 'error', 'mac_in_use', 'external_ids'] },
    ],
    { timeout },
  );
  const interfaces = new Map<string, OvsInterface>();
  for (const { uuid, row } of rows(ifaceRes, 'Interface')) {
    const ofport = optional(row['ofport']);
    const error = optional(row['error']);
    const mac = optional(row['mac_in_use']);
    interfaces.set(uuid, {
      name: str(row['name']),
      uuid,
      type: str(row['type']) || 'system',
      ofport: typeof ofport === 'number' ? ofport : undefined,
      error: typeof error === 'string' ? error : undefined,
      macInUse: typeof mac === 'string' ? mac : undefined,
      externalIds: mapObject(row['external_ids']),
    });
  }
  const portRows = new Map(rows(portRes, 'Port').map((r) => [r.uuid, r.row]));
  const ports = new Map<string, OvsPort>();
  const bridges: OvsBridge[] = [];
  for (const { uuid, row } of rows(bridgeRes, 'Bridge')) {
    const name = str(row['name']);
    const names: string[] = [];
    for (const pu of uuidSet(row['ports'])) {
      const pr = portRows.get(pu);
      if (!pr) continue;
      const port: OvsPort = {
        name: str(pr['name']),
        uuid: pu,
        bridge: name,
        local: str(pr['name']) === name,
        interfaces: uuidSet(pr['interfaces']).flatMap((iu) => interfaces.get(iu) ?? []),
        externalIds: mapObject(pr['external_ids']),
      };
      ports.set(pu, port);
      if (!port.local) names.push(port.name);
    }
    bridges.push({
      name,
      uuid,
      datapathType: str(row['datapath_type']) || 'system',
      ports: names.sort(),
      externalIds: mapObject(row['external_ids']),
      otherConfig: mapObject(row['other_config']),
    });
  }
  bridges.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { root: rows(root, 'Open_vSwitch')[0]?.uuid, bridges, ports };
}

export function findBridge(s: Snapshot, name: string): OvsBridge | undefined {
  return s.bridges.find((b) => b.name === name);
}

/** A port by name, wherever it is (port names are unique in the database). */
export function findPort(s: Snapshot, name: string): OvsPort | undefined {
  for (const p of s.ports.values()) if (p.name === name) return p;
  return undefined;
}

/**
 * Why ovs-vswitchd, having acknowledged our change (cur_cfg), did not set up
 * an interface: its `error` column, or — when it could not even create the
 * bridge's datapath, which it only logs — an `ofport` it never assigned.
 * (ovs-vswitchd writes ofport in the same transaction that advances
 * cur_cfg, so after the wait an unset ofport means failure.)
 */
export function setupFailure(iface: OvsInterface | undefined, datapathType: string): string | undefined {
  if (!iface) return 'its interface row is missing';
  if (iface.error !== undefined) return iface.error;
  if (iface.ofport === undefined || iface.ofport < 0) {
    const hint =
      datapathType === 'system'
        ? "; with datapath type 'system' this usually means the openvswitch kernel module is not loaded (use datapathType: 'netdev' for the userspace datapath)"
        : '';
    return `ovs-vswitchd assigned it no OpenFlow port, so the bridge's datapath is not working (see ovs-vswitchd's log)${hint}`;
  }
  return undefined;
}
