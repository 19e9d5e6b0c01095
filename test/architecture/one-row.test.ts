/**
 * "Each attribute is written once": adding one row to a kind's table is
 * all it takes for the attribute to appear in the friendly view's type and
 * value, in the create options (type and validation), in `ip -j -d`-style
 * output (JSON key and text) and in the `link add … type KIND` parser.
 * The row below is added to a copy of the bridge table; nothing else is
 * told about it.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { attr, attrSet, decodeAttrs, decodeCtx, encodeAttrs, type Decoded, type OptionsOf, type ViewOf } from '../../src/netlink/schema.js';
import { u32 } from '../../src/netlink/codecs.js';
import { readView, writeView } from '../../src/netlink/fields.js';
import { ByteWriter } from '../../src/netlink/writer.js';
import { BRIDGE_IP_ORDER, bridgeAttrs } from '../../src/rtnetlink/link/index.js';
import { printKind } from '../../src/cli/format/kinds.js';
import { parseKindOption } from '../../src/cli/kind-options.js';
import { Out } from '../../src/cli/out.js';

/** The bridge table plus one made-up attribute: number 200, u32 clock_t, shown as seconds, writable, spelled `probe_time` by ip. */
const extended = attrSet('bridge', {
  ...bridgeAttrs.specs,
  probeTime: attr(200, u32).view('probeTime', 'seconds', { writable: true }).spelled('probe_time'),
});

const context = { names: new Map<number, string>(), userName: () => undefined, groupName: () => undefined, details: 1 };

describe('one descriptor row drives every layer above the wire', () => {
  it('the friendly view and the options have the field, typed from the row', () => {
    expectTypeOf<ViewOf<typeof extended>>().toHaveProperty('probeTime').toEqualTypeOf<number | undefined>();
    expectTypeOf<OptionsOf<typeof extended>>().toHaveProperty('probeTime').toEqualTypeOf<number | undefined>();
    expectTypeOf<Decoded<typeof extended>>().toHaveProperty('probeTime').toEqualTypeOf<number | undefined>();
    // The real table does not have it.
    expectTypeOf<'probeTime' extends keyof ViewOf<typeof bridgeAttrs> ? true : false>().toEqualTypeOf<false>();
  });

  it('options are validated and converted by the row, and the decoder reads it back into the view', () => {
    const wire = writeView(extended, { probeTime: 2.5, forwardDelay: 4 }, '');
    expect(wire).toEqual({ probeTime: 250, forwardDelay: 400 });
    expect(() => writeView(extended, { probeTime: -1 }, '')).toThrow(/probeTime: expected a number of seconds/);
    const w = new ByteWriter(64);
    encodeAttrs(w, extended, wire);
    const bytes = w.finish();
    const decoded = decodeAttrs(extended, decodeCtx(bytes), 0, bytes.length);
    expect(decoded).toMatchObject({ probeTime: 250, forwardDelay: 400 });
    expect(readView(extended, decoded)).toMatchObject({ probeTime: 2.5, forwardDelay: 4 });
  });

  it('ip -j -d output prints it, JSON and text, after the fields ip orders', () => {
    const o = new Out();
    printKind(o, extended, { forwardDelay: 400, probeTime: 250 }, BRIDGE_IP_ORDER, context);
    expect(o.obj).toEqual({ forward_delay: 400, probe_time: 250 });
    expect(o.text).toBe('forward_delay 400 probe_time 250 ');
  });

  it('`link add … type bridge probe_time 250` parses it in ip\'s unit into the API\'s', () => {
    expect(parseKindOption(extended, 'probe_time', '250')).toEqual(['probeTime', 2.5]);
    expect(() => parseKindOption(bridgeAttrs, 'probe_time', '250')).toThrow(/not supported/);
  });
});
