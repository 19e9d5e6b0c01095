/**
 * monitor()'s arguments, checked before any system call.
 */
import { ValidationError } from '../../netlink/errors.js';
import { KINDS, KIND_ALIASES, type MonitorObject, type MonitorObjectName } from './kinds.js';
import type { MonitorOptions } from './events.js';
import { formatValue } from '../../netlink/format-value.js';
import { rejectUnknownKeys } from '../../rtnetlink/link/index.js';

export function normaliseObjects(objects: readonly string[] | undefined): MonitorObject[] {
  if (objects === undefined) return Object.keys(KINDS) as MonitorObject[];
  if (!Array.isArray(objects) || objects.length === 0) {
    throw new ValidationError('objects', `expected a non-empty array of ${Object.keys(KIND_ALIASES).join(', ')}`);
  }
  const out = new Set<MonitorObject>();
  for (const o of objects) {
    // Own keys only: 'constructor' or '__proto__' must not find Object.prototype's.
    const k = typeof o === 'string' && Object.prototype.hasOwnProperty.call(KIND_ALIASES, o) ? KIND_ALIASES[o as MonitorObjectName] : undefined;
    if (!k) throw new ValidationError('objects', `unknown object ${JSON.stringify(o)}: use ${Object.keys(KIND_ALIASES).join(', ')}`);
    out.add(k);
  }
  // Table order, links first: a snapshot lists links before the objects
  // that name them, so their names are known when those are decoded.
  return (Object.keys(KINDS) as MonitorObject[]).filter((k) => out.has(k));
}

export function validateOptions(o: MonitorOptions): MonitorOptions {
  if (o === null || typeof o !== 'object') throw new ValidationError('options', 'expected an object');
  rejectUnknownKeys(o, ['netns', 'signal', 'family', 'listExisting', 'resync', 'receiveBufferSize', 'highWaterMark', 'timeout', 'shim'], '');
  if (o.family !== undefined && o.family !== 'inet' && o.family !== 'inet6') {
    throw new ValidationError('family', `expected "inet" or "inet6", got ${formatValue(o.family)}`);
  }
  if (o.highWaterMark !== undefined && (!Number.isInteger(o.highWaterMark) || o.highWaterMark < 1)) {
    throw new ValidationError('highWaterMark', `expected a positive integer, got ${String(o.highWaterMark)}`);
  }
  if (o.receiveBufferSize !== undefined && (!Number.isInteger(o.receiveBufferSize) || o.receiveBufferSize < 1 || o.receiveBufferSize > 0x3fffffff)) {
    throw new ValidationError('receiveBufferSize', `expected a positive integer number of bytes, got ${String(o.receiveBufferSize)}`);
  }
  if (o.timeout !== undefined && (typeof o.timeout !== 'number' || !(o.timeout > 0))) {
    throw new ValidationError('timeout', `expected a positive number of milliseconds, got ${String(o.timeout)}`);
  }
  if (o.signal !== undefined && (typeof o.signal !== 'object' || o.signal === null || typeof o.signal.addEventListener !== 'function')) {
    throw new ValidationError('signal', 'expected an AbortSignal');
  }
  for (const k of ['listExisting', 'resync'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new ValidationError(k, `expected a boolean, got ${typeof o[k]}`);
  }
  if ('socket' in o) throw new ValidationError('socket', 'monitor opens its own sockets (an event socket cannot be shared): pass `netns` instead');
  return o;
}
