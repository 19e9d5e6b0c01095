/**
 * ip's options for a link kind (`ip link add … type bridge forward_delay
 * 400`, `ip link set … type bridge_slave cost 7`), read from the kind's own
 * table: each row with an iproute2 spelling and a writable view is an
 * option named by its label (or its `option` column). The value is parsed
 * as ip takes it — the wire unit (centiseconds, 0/1, on/off) — and handed
 * to the library in the friendly unit through the same row's view.
 */
import { type AttrSet, type ViewDef, readOne } from '../wire.js';
import { UsageError } from './errors.js';

/** Option name → the writable view it sets (and, for a flag-set member, which member). */
interface KindOption {
  view: ViewDef;
  /** The flag-set member the option sets. */
  member?: string;
  /** A bare keyword: sets `member` to true, or the view to `word`. */
  bare?: boolean;
  word?: unknown;
}

export function kindOptions(set: AttrSet): Map<string, KindOption> {
  const out = new Map<string, KindOption>();
  for (const v of set.views) {
    const ip = v.def.ip;
    if (!v.writable || !ip) continue;
    for (const [option, member] of Object.entries(ip.flagOptions ?? {})) if (!out.has(option)) out.set(option, { view: v, member });
    for (const [option, member] of Object.entries(ip.bareFlags ?? {})) if (!out.has(option)) out.set(option, { view: v, member, bare: true });
    for (const [option, word] of Object.entries(ip.bareWords ?? {})) if (!out.has(option)) out.set(option, { view: v, word, bare: true });
    if (ip.option === false) continue;
    const name = ip.option ?? ip.label;
    if (!out.has(name)) out.set(name, { view: v });
  }
  return out;
}

const onOff = (text: string): boolean | undefined => (text === 'on' || text === '1' ? true : text === 'off' || text === '0' ? false : undefined);

const INT = /^(0x[0-9a-f]+|\d+)$/i;

/**
 * One `NAME VALUE` pair → [API field, friendly value]; a UsageError in ip's
 * words when the value is not one. `into` is the options so far: a
 * flag-set member is merged into its object there.
 */
export function parseKindOption(set: AttrSet, name: string, text: string, into: Record<string, unknown> = {}): [string, unknown] {
  const found = kindOptions(set).get(name);
  if (!found) throw new UsageError(`Error: ${set.name} option "${name}" is not supported.`);
  const bad = () => new UsageError(`Error: argument "${text}" is wrong: invalid ${name}`);
  const { view, member } = found;
  if (found.bare && found.word !== undefined) return [view.name, found.word];
  if (found.bare) return [view.name, { ...((into[view.name] as object | undefined) ?? {}), [member as string]: true }];
  if (member !== undefined) {
    const on = onOff(text);
    if (on === undefined) throw bad();
    return [view.name, { ...((into[view.name] as object | undefined) ?? {}), [member]: on }];
  }
  const { conv } = view;
  // Views that take words or addresses (vlan_protocol 802.1ad, group_address MAC) take ip's text as it is.
  if ((typeof conv === 'object' && !Array.isArray(conv) && (conv as { write?: unknown }).write) || (conv === 'same' && !/^[us]\d+$|^be\d+$/.test(view.def.codec.kind))) return [view.name, text];
  if (Array.isArray(conv) && conv.includes(text)) return [view.name, text];
  let wire: number | bigint;
  if (view.def.ip?.shape === 'onoff' || view.def.ip?.shape === 'fast-leave') {
    const on = onOff(text);
    if (on === undefined) throw bad();
    wire = on ? 1 : 0;
  } else if (view.def.ip?.shape === 'words' && view.def.ip.names?.includes(text)) {
    // A switch ip spells as words (bond's lacp_active on|off): the word's index is the wire value.
    wire = view.def.ip.names.indexOf(text);
  } else {
    if (!INT.test(text)) throw bad();
    wire = view.def.codec.kind === 'u64' ? BigInt(text) : Number(text);
  }
  return [view.name, readOne(conv, wire)];
}

/** Whether ip's option `name` takes a value (bare keywords such as macvlan's `nopromisc` do not). */
export function optionTakesValue(set: AttrSet, name: string): boolean {
  return kindOptions(set).get(name)?.bare !== true;
}
