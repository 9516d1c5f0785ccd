import { describe, expect, test } from 'vitest';
import { strictCacheKey } from './shield.js';

describe('strictCacheKey', () => {
  test('same parent and arguments share a key', () => {
    const task = { id: 't1', title: 'Plan' };
    expect(strictCacheKey({ parent: task, args: {} })).toBe(strictCacheKey({ parent: task, args: {} }));
    expect(strictCacheKey({ parent: task, args: { first: 5 } })).toBe(strictCacheKey({ parent: task, args: { first: 5 } }));
  });

  test('equal rows of other objects differ', () => {
    expect(strictCacheKey({ parent: { id: 't1' }, args: {} })).not.toBe(strictCacheKey({ parent: { id: 't1' }, args: {} }));
  });

  test('other arguments differ', () => {
    const task = { id: 't1' };
    expect(strictCacheKey({ parent: task, args: { first: 5 } })).not.toBe(strictCacheKey({ parent: task, args: { first: 6 } }));
    expect(strictCacheKey({ parent: task, args: { first: 5 } })).not.toBe(strictCacheKey({ parent: task, args: {} }));
  });

  test('root fields without a parent', () => {
    expect(strictCacheKey({ parent: undefined, args: { id: 'p1' } })).toBe(strictCacheKey({ parent: undefined, args: { id: 'p1' } }));
    expect(strictCacheKey({ parent: undefined, args: { id: 'p1' } })).not.toBe(strictCacheKey({ parent: undefined, args: { id: 'p2' } }));
  });

  test('unserialisable arguments never share a key', () => {
    const task = { id: 't1' };
    expect(strictCacheKey({ parent: task, args: { big: 1n } })).not.toBe(strictCacheKey({ parent: task, args: { big: 1n } }));
  });
});
