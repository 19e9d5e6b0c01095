/**
 * `-color`, as ip has it (lib/color.c): interface names, link-layer
 * addresses, IPv4 and IPv6 addresses and the UP/DOWN operational states
 * in their own colours — bold ones unless COLORFGBG says the background is
 * light. `-c`/`-color` alone and `-color=always` colour, `-color=auto` only
 * when standard output is a terminal, `-color=never` (the default, as in
 * iproute2's own build: NO_COLOR only ever lowers its default to never)
 * not; JSON is never coloured. The escapes come from util.styleText.
 */
import { styleText } from 'node:util';

export type ColorMode = 'always' | 'auto' | 'never';
export type ColorAttr = 'ifname' | 'mac' | 'inet' | 'inet6' | 'up' | 'down';

type Style = Parameters<typeof styleText>[0];

// ip's attr_colors_dark and attr_colors_light, in its order of color_attr.
const DARK: Record<ColorAttr, Style> = { ifname: ['bold', 'cyan'], mac: ['bold', 'yellow'], inet: ['bold', 'magenta'], inet6: ['bold', 'blueBright'], up: ['bold', 'green'], down: ['bold', 'red'] };
const LIGHT: Record<ColorAttr, Style> = { ifname: 'cyan', mac: 'yellow', inet: 'magenta', inet6: 'blue', up: 'green', down: 'red' };

let palette: Record<ColorAttr, Style> | undefined;

/** `-color[=WHEN]`'s value, or undefined when `arg` is not one (ip's matches_color). */
export function colorOption(arg: string, matches: (a: string, word: string) => boolean): ColorMode | undefined {
  const eq = arg.indexOf('=');
  const word = eq < 0 ? arg : arg.slice(0, eq);
  if (!matches(word, '-color')) return undefined;
  const when = eq < 0 ? '' : arg.slice(eq + 1);
  if (when === '' || when === 'always') return 'always';
  if (when === 'auto' || when === 'never') return when;
  return undefined;
}

/** Turns colour on or off for this run (ip's check_enable_color). */
export function enableColor(mode: ColorMode, json: boolean, stdoutIsTty: boolean, env: Record<string, string | undefined>): void {
  const on = !json && (mode === 'always' || (mode === 'auto' && stdoutIsTty));
  palette = on ? (isLightBackground(env.COLORFGBG) ? LIGHT : DARK) : undefined;
}

/** COLORFGBG ("fg;bg" or "fg;x;bg"): a last value of 0–6 or 8 is a dark background; anything else, light. */
function isLightBackground(v: string | undefined): boolean {
  if (!v) return false;
  const last = v.slice(v.lastIndexOf(';') + 1);
  return v.includes(';') && !/^[0-68]$/.test(last);
}

/** `text` in the colour of `attr` when colour is on; as it is otherwise. */
export function paint(attr: ColorAttr | undefined, text: string): string {
  if (!palette || attr === undefined || text === '') return text;
  return styleText(palette[attr], text, { validateStream: false });
}

/** The colour of an address of `family` (ip's ifa_family_color). */
export function familyColor(family: number | string | undefined): ColorAttr | undefined {
  if (family === 2 || family === 'inet') return 'inet';
  if (family === 10 || family === 'inet6') return 'inet6';
  return undefined;
}
