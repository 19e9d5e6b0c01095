/**
 * The error family's helpers for operations: an explanation keeps the
 * kernel's error as its cause, and failures of undo steps are attached to
 * the original failure, never swallowed.
 */
import { describe, expect, it } from 'vitest';
import { NetlinkError, SystemError, ValidationError, explainError, isRtnlError, systemErrorOf, withUndoFailures } from '../../src/netlink/errors.js';
import { ShimUnavailableError } from '../../src/shim/index.js';

const kernel = () => new NetlinkError({ errno: 17, code: 'EEXIST', operation: 'createBridge', extack: { message: 'kernel says' } });

describe('explainError', () => {
  it('adds the attribute path and an explanation, keeps errno, code and kernel message, and the kernel error as cause', () => {
    const k = kernel();
    const e = explainError(k, 'ifname', 'a link named "br0" already exists') as NetlinkError;
    expect(e).toBeInstanceOf(NetlinkError);
    expect(e).toMatchObject({ errno: -17, code: 'EEXIST', attrPath: 'ifname', kernelMessage: 'kernel says', operation: 'createBridge' });
    expect(e.message).toBe('createBridge: EEXIST kernel says (attribute ifname): a link named "br0" already exists');
    expect(e.cause).toBe(k);
    expect(k.message).toBe('createBridge: EEXIST kernel says'); // the original is not changed
  });
  it('leaves other errors alone', () => {
    const v = new ValidationError('x', 'bad');
    expect(explainError(v, 'y', 'z')).toBe(v);
  });
});

describe('withUndoFailures', () => {
  it('attaches the undo failures to the original error, adding to earlier ones, and only when there are some', () => {
    const e = kernel();
    expect(withUndoFailures(e, [])).toBe(e);
    expect(Object.keys(e)).not.toContain('undoErrors');
    const u1 = new Error('undo 1');
    const u2 = new Error('undo 2');
    expect(withUndoFailures(e, [u1])).toBe(e);
    withUndoFailures(e, [u2]);
    expect(e.undoErrors).toEqual([u1, u2]);
    const plain = new Error('plain');
    expect((withUndoFailures(plain, [u1]) as { undoErrors?: unknown[] }).undoErrors).toEqual([u1]);
  });
});

describe('the EPERM hint', () => {
  it('names the missing capability for a bare EPERM only; an EPERM with the kernel own reason keeps just that reason', () => {
    const bare = new NetlinkError({ errno: 1, code: 'EPERM', operation: 'createBridge', extack: {} });
    expect(bare.hint).toMatch(/CAP_NET_ADMIN/);
    const reasoned = new NetlinkError({ errno: 1, code: 'EPERM', operation: 'createGeneve', extack: { message: 'There can be only one externally controlled device on a destination port' } });
    expect(reasoned.hint).toBeUndefined();
    expect(reasoned.message).toBe('createGeneve: EPERM There can be only one externally controlled device on a destination port');
  });
});

describe('SystemError and the shim\'s own error', () => {
  it('systemErrorOf turns a shim error into a SystemError with a positive errno, the call, the path and the hint for its code', () => {
    const raw = Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES', errno: -13, syscall: 'open', path: '/proc/1/ns/net' });
    const e = systemErrorOf(raw, 'open netns { pid: 1 }', { EACCES: 'needs ptrace access' }) as SystemError;
    expect(e).toBeInstanceOf(SystemError);
    expect(isRtnlError(e)).toBe(true);
    expect(e).toMatchObject({ name: 'SystemError', code: 'EACCES', errno: -13, syscall: 'open', path: '/proc/1/ns/net', hint: 'needs ptrace access', cause: raw });
    expect(e.message).toBe('open netns { pid: 1 }: EACCES from open /proc/1/ns/net — needs ptrace access');
    // Anything that is not a system error, or already an rtnl error, passes through.
    const v = new ValidationError('x', 'bad');
    expect(systemErrorOf(v, 'op')).toBe(v);
    expect(systemErrorOf('text', 'op')).toBe('text');
  });

  it('ShimUnavailableError is one of rtnl\'s errors', () => {
    expect(isRtnlError(new ShimUnavailableError('no backend'))).toBe(true);
  });
});

describe('errors in util.inspect', () => {
  it('show the fields that have a value and no `undefined` ones', async () => {
    const { inspect } = await import('node:util');
    const e = new NetlinkError({ errno: 17, code: 'EEXIST', operation: 'createBridge', extack: {} });
    const text = inspect(e);
    expect(text).toContain("code: 'EEXIST'");
    expect(text).not.toMatch(/undefined/);
    expect(Object.keys(e)).not.toContain('attrPath');
    expect(e.attrPath).toBeUndefined();
    expect(inspect(new SystemError({ operation: 'op', code: 'EPERM', errno: 1, syscall: 'setns' }))).not.toMatch(/undefined/);
  });
});
