/**
 * Value formats iproute2 uses in its output, shared by the printers.
 */

/** C's `%#llx`: `0` for zero, `0x…` otherwise. */
export function hex0x(v: number | bigint): string {
  return v === 0 || v === 0n ? '0' : `0x${v.toString(16)}`;
}

/** Clock ticks (1/100 s, the unit of the kernel's bridge timers) as ip prints them: `%i.%.2i`. */
export function centiseconds(v: bigint): string {
  const sec = v / 100n;
  const cs = v % 100n;
  return `${sec}.${cs.toString().padStart(2, '0')}`;
}

export function colonHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

/**
 * A decoded bridge id (`8000.32:44:35:3b:01:93`) as ip prints struct
 * ifla_bridge_id: the address through ether_ntoa, which does not pad
 * (`8000.32:44:35:3b:1:93`).
 */
export function bridgeIdText(id: string): string {
  const [prio, mac] = id.split('.');
  return `${prio}.${(mac ?? '').split(':').map((b) => parseInt(b, 16).toString(16)).join(':')}`;
}
