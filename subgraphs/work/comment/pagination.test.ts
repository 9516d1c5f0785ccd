import { expect, test } from 'vitest';
import { encodeCommentCursor, parseCommentPageRequest } from './pagination.js';

const project = '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const task = '7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

test('first page and cursor round trip', () => {
  expect(parseCommentPageRequest(project, 10, null)).toEqual({ first: 10, afterSeq: 0 });
  expect(parseCommentPageRequest(task, 100, encodeCommentCursor(task, 7))).toEqual({ first: 100, afterSeq: 7 });
});

test.each([0, 101, 1.5, '3'])('rejects first %j', (first) => {
  expect(() => parseCommentPageRequest(project, first, null)).toThrow(/Invalid "first"/);
});

test.each([
  ['garbage', 'garbage'],
  ["another list's cursor", encodeCommentCursor(task, 3)],
  ['task cursor', Buffer.from(`task:${project}:3`).toString('base64url')],
  ['zero', Buffer.from(`comment:${project}:0`).toString('base64url')],
])('rejects cursor: %s', (_name, after) => {
  expect(() => parseCommentPageRequest(project, 10, after)).toThrow(/Invalid "after" cursor/);
});
