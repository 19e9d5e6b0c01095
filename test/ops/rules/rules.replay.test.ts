/**
 * addRule / listRules / deleteRule, replayed from fixtures/rules/*.rtnl
 * (`node scripts/record-fixtures.mjs test/ops/rules/rules.replay.test.ts`
 * records them as root).
 */
import { describe, expect } from 'vitest';
import { addRule, deleteRule, listRules } from '../../../src/ops/rules/index.js';
import { withFixture } from '../../../src/testing/index.js';
import { ip } from '../../helpers/live.js';
import { fixturePath, itFixture, mode } from '../../helpers/fixtures.js';

describe(`rules (${mode})`, () => {
  itFixture('adds rules of several selectors and lists them in priority order', () =>
    withFixture(
      fixturePath('rules/add-and-list'),
      async (fx) => {
        const ns = fx.netns('a');
        await addRule({ netns: ns, from: '10.0.0.0/8', table: 100, priority: 1000 });
        await addRule({ netns: ns, fwmark: 0x10, fwmask: 0xff, iif: 'lo', uidRange: { start: 1000, end: 2000 }, ipProto: 'tcp', dport: { start: 1000, end: 2000 }, table: 200, priority: 1001 });
        await addRule({ netns: ns, to: '192.0.2.0/24', invert: true, action: 'blackhole', priority: 1002 });
        await addRule({ netns: ns, family: 'inet6', from: 'fd00::/16', table: 1_000_000, priority: 1003 });
        const rules = await listRules({ netns: ns });
        expect(rules.map((r) => `${r.family} ${r.priority} ${r.action} ${r.table}`)).toEqual([
          'inet 0 to_tbl local',
          'inet 1000 to_tbl 100',
          'inet 1001 to_tbl 200',
          'inet 1002 blackhole unspec',
          'inet 32766 to_tbl main',
          'inet 32767 to_tbl default',
          'inet6 0 to_tbl local',
          'inet6 1003 to_tbl 1000000',
          'inet6 32766 to_tbl main',
        ]);
        expect(rules[2]).toMatchObject({ fwmark: 0x10, fwmask: 0xff, iif: 'lo', uidRange: { start: 1000, end: 2000 }, ipProto: 'tcp', dport: { start: 1000, end: 2000 } });
        expect(rules[3]).toMatchObject({ to: '192.0.2.0/24', invert: true });
        expect((await listRules({ netns: ns, table: 200 })).map((r) => r.priority)).toEqual([1001]);
      },
      { operation: 'addRule of four rules (IPv4 and IPv6, a table above 255, a blackhole) then listRules, and listRules({ table: 200 })' },
    ),
  );

  itFixture('deletes a rule by its selectors; a rule that is not there is ENOENT', () =>
    withFixture(
      fixturePath('rules/delete'),
      async (fx) => {
        const ns = fx.netns('a');
        await fx.setup(() => ip(['rule', 'add', 'from', '10.1.0.0/16', 'lookup', '7', 'pref', '500'], ns));
        await deleteRule({ netns: ns, from: '10.1.0.0/16', table: 7 });
        expect((await listRules({ netns: ns, family: 'inet' })).map((r) => r.priority)).toEqual([0, 32766, 32767]);
        const err = await deleteRule({ netns: ns, priority: 500 }).catch((e: unknown) => e);
        expect(err).toMatchObject({ name: 'NetlinkError', code: 'ENOENT', operation: 'deleteRule' });
      },
      { operation: "deleteRule({ from: '10.1.0.0/16', table: 7 }) of a rule ip added, listRules, then deleteRule of a priority that has no rule: ENOENT" },
    ),
  );

  itFixture('refuses a goto backwards with the kernel\'s message', () =>
    withFixture(
      fixturePath('rules/add-backward-goto'),
      async (fx) => {
        const ns = fx.netns('a');
        const err = await addRule({ netns: ns, goto: 10 }).catch((e: unknown) => e);
        expect(err).toMatchObject({ name: 'NetlinkError', code: 'EINVAL', operation: 'addRule', kernelMessage: 'Backward goto not supported' });
      },
      { operation: 'addRule({ goto: 10 }) without a priority: the kernel gives the rule one above 10, and refuses the jump back' },
    ),
  );
});
