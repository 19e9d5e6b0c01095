/**
 * The JSON writer follows iproute2's streaming writer (lib/json_writer.c):
 * compact output has no whitespace; pretty output indents four spaces per
 * level, breaks lines before members and closing braces, and keeps arrays
 * on one line with a space inside the brackets. (The live compat test
 * checks real `-j -p` output against ip byte for byte; these cases pin the
 * corners a namespace does not show: empty containers, escapes, nesting.)
 */
import { describe, expect, it } from 'vitest';
import { JsonArrayStream, JsonRaw, type JsonValue, formatJson } from '../../src/cli/json.js';
import { matches, pick } from '../../src/cli/args.js';
import { batchCommands, parseGlobals } from '../../src/cli/run.js';
import { report, UsageError } from '../../src/cli/errors.js';
import { NetlinkError, ValidationError, namespaceStateError } from '../../src/netlink/errors.js';

describe('formatJson', () => {
  it('compact: no whitespace, insertion order, undefined members left out', () => {
    expect(formatJson([{ a: 1, b: 'x', skip: undefined, c: [true, null], d: {} }])).toBe('[{"a":1,"b":"x","c":[true,null],"d":{}}]');
  });

  it('pretty: ip\'s layout for a list of objects', () => {
    const text = formatJson([{ ifindex: 1, flags: ['UP', 'LOWER_UP'], linkinfo: { info_kind: 'veth' } }, { ifindex: 2, flags: [] }], true);
    expect(text).toBe(
      [
        '[ {',
        '        "ifindex": 1,',
        '        "flags": [ "UP","LOWER_UP" ],',
        '        "linkinfo": {',
        '            "info_kind": "veth"',
        '        }',
        '    },{',
        '        "ifindex": 2,',
        '        "flags": [ ]',
        '    } ]',
      ].join('\n'),
    );
    expect(formatJson([], true)).toBe('[ ]');
    expect(formatJson({}, true)).toBe('{}');
  });

  it('escapes as ip does and prints raw numbers verbatim', () => {
    expect(formatJson({ s: 'a"b\\c\n\t\u0001\u007f é' })).toBe('{"s":"a\\"b\\\\c\\n\\t\\u0001\\u007f é"}');
    expect(formatJson({ gc_timer: new JsonRaw('270.40'), big: 18446744073709551615n })).toBe('{"gc_timer":270.40,"big":18446744073709551615}');
    expect(JSON.parse(formatJson({ t: new JsonRaw('0.00') }))).toEqual({ t: 0 });
  });
});

describe('argument reading', () => {
  it('abbreviations resolve in ip\'s table order', () => {
    expect(matches('l', 'link')).toBe(true);
    expect(matches('', 'link')).toBe(false);
    expect(matches('links', 'link')).toBe(false);
    expect(pick('s', ['add', 'set', 'show'] as const)).toBe('set');
    expect(pick('sh', ['add', 'set', 'show'] as const)).toBe('show');
  });

  it('global options: -n NS, -d, -j, -p, -br, -s, -4/-6, double dashes, stop at the object', () => {
    const g = parseGlobals(['-n', 'blue', '-d', '--json', '-p', '-br', '-s', '-6', 'link', '-j']);
    expect(g.opts).toEqual({ netns: 'blue', details: true, json: true, pretty: true, brief: true, stats: true, family: 'inet6' });
    expect(g.rest).toEqual(['link', '-j']);
    expect(parseGlobals(['-netns', 'x', 'addr']).opts.netns).toBe('x');
    expect(() => parseGlobals(['-zz'])).toThrow(UsageError);
    expect(() => parseGlobals(['-n'])).toThrow(UsageError);
  });
});

describe('error reports', () => {
  it('kernel refusals: ip\'s first line, the library\'s detail second, exit 2', () => {
    const plain = report(new NetlinkError({ errno: 17, code: 'EEXIST', operation: 'createBridge', attrPath: 'ifname' }));
    expect(plain.exitCode).toBe(2);
    expect(plain.lines[0]).toBe('RTNETLINK answers: File exists');
    expect(plain.lines[1]).toBe('rtnl: createBridge: EEXIST (attribute ifname)');
    const ext = report(new NetlinkError({ errno: 22, code: 'EINVAL', operation: 'setLink', extack: { message: 'mtu less than device minimum' } }));
    expect(ext.lines[0]).toBe('Error: mtu less than device minimum.');
  });

  it('bad values exit 1, usage mistakes 255', () => {
    expect(report(new ValidationError('mtu', 'too small'))).toEqual({ lines: ['Error: mtu: too small'], exitCode: 1 });
    expect(report(new UsageError('Command "x" is unknown', 'hint')).exitCode).toBe(255);
  });

  it('-n NAME of a namespace that is not there: ip\'s words and exit code 255', () => {
    const e = namespaceStateError({ operation: 'open netns', code: 'ENOENT', syscall: 'open', path: '/run/netns/blue', field: 'netns', detail: 'no network namespace "blue"' });
    expect(report(e)).toEqual({ lines: ['Cannot open network namespace "blue": No such file or directory'], exitCode: 255 });
  });

  it('netns add of a name taken, del of a name missing: ip\'s words and exit code 1, then ours', () => {
    const taken = namespaceStateError({ operation: 'createNetns', code: 'EEXIST', syscall: 'open', path: '/run/netns/blue', field: 'name', detail: 'network namespace "blue" already exists' });
    expect(report(taken)).toEqual({
      lines: ['Cannot create namespace file "/run/netns/blue": File exists', 'rtnl: createNetns: EEXIST from open /run/netns/blue: network namespace "blue" already exists'],
      exitCode: 1,
    });
    const missing = namespaceStateError({ operation: 'deleteNetns', code: 'ENOENT', syscall: 'stat', path: '/run/netns/blue', field: 'name', detail: 'no network namespace "blue"' });
    expect(report(missing)).toMatchObject({ lines: ['Cannot remove namespace file "/run/netns/blue": No such file or directory', expect.stringMatching(/^rtnl: deleteNetns: ENOENT/)], exitCode: 1 });
  });
});

describe('JsonArrayStream', () => {
  it('writes an array element by element exactly as formatJson writes it whole, compact and pretty', () => {
    // Plain data (printed by JSON.stringify in compact mode) and what only the writer prints as ip does: JsonRaw, bigint, DEL.
    const items: JsonValue[] = [
      { a: 1, b: [1, 2], c: { d: 'x"y\t\u0001é' }, skipped: undefined, 2: 'two' },
      { e: [], f: {}, g: new JsonRaw('0.09') },
      [{ h: null }],
      { n: 18446744073709551615n },
      { del: 'a\u007fb' },
      'plain',
      7,
      [1.5, -0, Number.NaN],
    ];
    for (const pretty of [false, true]) {
      for (const list of [[], items.slice(0, 1), items]) {
        const s = new JsonArrayStream(pretty);
        const text = s.open() + list.map((v) => s.item(v)).join('') + s.close();
        expect(text).toBe(formatJson(list, pretty));
      }
    }
  });
});

describe('batch files', () => {
  it('reads commands as ip does: # comments, backslash continuation, quoted words, numbered by their last line', () => {
    const text = ['link add b0 type bridge # a comment', '', '   # only a comment', 'link set b0 \\', '  up', "addr add 10.0.0.1/24 dev b0 label 'b0:x y'", 'link show "a b"'].join('\n');
    expect(batchCommands(text)).toEqual([
      { line: 1, argv: ['link', 'add', 'b0', 'type', 'bridge'] },
      { line: 5, argv: ['link', 'set', 'b0', 'up'] },
      { line: 6, argv: ['addr', 'add', '10.0.0.1/24', 'dev', 'b0', 'label', 'b0:x y'] },
      { line: 7, argv: ['link', 'show', 'a b'] },
    ]);
    expect(() => batchCommands('link show "open')).toThrow(/Unterminated quoted string \(line 1\)/);
  });

  it('-batch and -force are global options; a bare -f is not -force (ip reads it as -family)', () => {
    expect(parseGlobals(['-b', 'f.txt', '-force'])).toMatchObject({ batch: 'f.txt', force: true });
    expect(() => parseGlobals(['-f', 'inet'])).toThrow(/unknown/);
    expect(() => parseGlobals(['-batch'])).toThrow(/needs a file name/);
  });
});
