/**
 * Any value as validation messages quote it. JSON where JSON can say it,
 * so strings keep their quotes; but JSON.stringify throws on a BigInt and
 * on cycles and says nothing for undefined, functions and symbols, and a
 * message about bad input must never itself fail on that input.
 */
export function formatValue(v: unknown): string {
  switch (typeof v) {
    case 'bigint':
      return `${v}n`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return `a function${v.name ? ` (${v.name})` : ''}`;
    case 'symbol':
      return v.toString();
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    default:
      try {
        return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v);
      } catch {
        return Object.prototype.toString.call(v);
      }
  }
}
