/**
 * The error family's helpers for operations: an explanation keeps the
 * kernel's error as its cause, and failures of undo steps are attached to
 * the original failure, never swallowed.
 */
import { describe, expect, it } from 'vitest';
import { NetlinkError, ValidationError, explainError, withUndoFailures } from '../../src/netlink/errors.js';

const kernel = () => new NetlinkError({ errno: 17, code: 'EEXIST', operation: 'createBridge', extack: { message: 'kernel says' } });

describe('explainError', () => {
  it('adds the attribute path and an explanation, keeps errno, code and kernel message, and the kernel error as cause', () => {
    const k = kernel();
    const e = explainError(k, 'ifname', 'a link named "br0" already exists') as NetlinkError;
    expect(e).toBeInstanceOf(NetlinkError);
    expect(e).toMatchObject({ errno: 17, code: 'EEXIST', attrPath: 'ifname', kernelMessage: 'kernel says', operation: 'createBridge' });
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
