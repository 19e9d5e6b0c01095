/**
 * Input checks, run before connecting, so bad input is a ValidationError.
 * Bridge and port names end up as Linux network device names (a bridge's
 * local port is an internal device of the bridge's name; system ports are
 * existing devices), so they follow the kernel's dev_valid_name(): 1–15
 * bytes, not "." or "..", no '/', ':' or whitespace.
 */
import { ValidationError } from '../netlink/errors.js';
import { formatValue } from '../netlink/format-value.js';

const utf8 = new TextEncoder();

export function validateOvsName(name: unknown, field: string): string {
  if (typeof name !== 'string') throw new ValidationError(field, `expected a name, got ${typeof name}`);
  const bytes = utf8.encode(name).length;
  if (bytes < 1 || bytes > 15) throw new ValidationError(field, `name ${JSON.stringify(name)} must be 1–15 bytes (a Linux interface name), it is ${bytes}`);
  if (name === '.' || name === '..') throw new ValidationError(field, `"${name}" is not a valid interface name`);
  const bad = /[/:\s\0]/.exec(name);
  if (bad) throw new ValidationError(field, `name ${JSON.stringify(name)} must not contain ${JSON.stringify(bad[0])}`);
  return name;
}

/**
 * Interface types this module creates. In the database a system device is
 * type "" (empty); we spell it `system`, as the OVS documentation does.
 *  - system:   an existing Linux device (veth end, TAP, NIC) that OVS opens.
 *  - internal: a device OVS creates and owns, like the bridge's own port.
 *  - tap:      a TAP device OVS opens (creating it when absent) through /dev/net/tun.
 */
export const PORT_TYPES = ['system', 'internal', 'tap'] as const;
export type OvsPortType = (typeof PORT_TYPES)[number];

export function validatePortType(type: unknown, field = 'type'): OvsPortType {
  if (type === undefined) return 'system';
  if (typeof type !== 'string' || !(PORT_TYPES as readonly string[]).includes(type)) {
    throw new ValidationError(field, `expected one of ${PORT_TYPES.join(', ')}, got ${formatValue(type)}`);
  }
  return type as OvsPortType;
}

/** Datapath types: `system` (the kernel module) or `netdev` (the userspace datapath inside ovs-vswitchd). */
export function validateDatapathType(type: unknown, field = 'datapathType'): string | undefined {
  if (type === undefined) return undefined;
  if (typeof type !== 'string' || !/^[a-z0-9_-]{1,32}$/.test(type)) {
    throw new ValidationError(field, `expected a datapath type such as "system" or "netdev", got ${formatValue(type)}`);
  }
  return type;
}

export function validateFlag(value: unknown, field: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new ValidationError(field, `expected a boolean, got ${formatValue(value)}`);
  return value;
}

/** A string → string map for an OVSDB map column (other_config, external_ids): keys non-empty, values strings. */
export function validateConfigMap(value: unknown, field: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError(field, `expected an object of string values, got ${formatValue(value)}`);
  for (const [k, v] of Object.entries(value)) {
    if (k === '' || typeof v !== 'string') throw new ValidationError(`${field}.${k}`, `expected a string value for a non-empty key, got ${formatValue(v)}`);
  }
  return value as Record<string, string>;
}
