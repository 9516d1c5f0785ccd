import { expect, test } from 'vitest';
import { encodePrivateCursor, parsePrivatePageRequest } from './pagination.js';

const me = '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const other = '7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

test('first page and cursor round trip', () => {
  expect(parsePrivatePageRequest(me, 10, null)).toEqual({ first: 10, beforeSeq: null });
  expect(parsePrivatePageRequest(me, 100, encodePrivateCursor(me, 42))).toEqual({ first: 100, beforeSeq: 42 });
});

test.each([0, 101, 2.5, '10'])('rejects first %j', (first) => {
  expect(() => parsePrivatePageRequest(me, first, null)).toThrow(/Invalid "first"/);
});

test.each([
  ['garbage', 'garbage'],
  ["another account's cursor", encodePrivateCursor(other, 3)],
  ['task cursor', Buffer.from(`task:${me}:3`).toString('base64url')],
  ['zero', Buffer.from(`privateTask:${me}:0`).toString('base64url')],
])('rejects cursor: %s', (_name, after) => {
  expect(() => parsePrivatePageRequest(me, 10, after)).toThrow(/Invalid "after" cursor/);
});
