/**
 * Options objects are read through their own properties only.
 */
import { ValidationError } from './errors.js';
import { formatValue } from './format-value.js';

/**
 * An options object must be a plain object whose options are its own
 * properties. A key it only inherits — `Object.prototype.netns = 'x'` set
 * by some other code — would otherwise be read like an option the caller
 * gave (`options.netns` walks the prototype chain) and act in another
 * namespace; it is refused instead. `for…in` lists exactly the enumerable
 * keys, inherited ones included, which is what such an assignment makes.
 */
export function rejectInherited(opts: unknown, field: string): void {
  // null, or a number where an options object goes, is a bad argument too (not a TypeError).
  if (opts === null || typeof opts !== 'object') throw new ValidationError(field || 'options', `expected an options object, got ${formatValue(opts)}`);
  for (const key in opts) {
    if (!Object.prototype.hasOwnProperty.call(opts, key)) {
      throw new ValidationError(field ? `${field}.${key}` : key, 'is inherited from a prototype, not given: only an options object\'s own properties are options (has something assigned to Object.prototype?)');
    }
  }
}
