import { describe, expect, test } from 'vitest';
import { encodeCursor, parsePageRequest } from './pagination.js';

describe('parsePageRequest', () => {
  test('first page', () => {
    expect(parsePageRequest(10, null)).toEqual({ first: 10, afterSeq: 0 });
  });

  test('cursor round trip', () => {
    expect(parsePageRequest(100, encodeCursor(42))).toEqual({ first: 100, afterSeq: 42 });
  });

  test.each([0, 101, -1, 2.5])('rejects first %j', (first) => {
    expect(() => parsePageRequest(first, null)).toThrow(/Invalid "first"/);
  });

  test.each(['garbage', '', Buffer.from('task:-3').toString('base64url'), Buffer.from('project:3').toString('base64url')])('rejects cursor %j', (after) => {
    expect(() => parsePageRequest(10, after)).toThrow(/Invalid "after" cursor/);
  });
});
