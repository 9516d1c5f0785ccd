import { expect, test } from 'vitest';
import { seqCursors } from './seq-cursor.js';

const cursors = seqCursors('notification', 'notifications');

test('a cursor reads back in its own list only', () => {
  const cursor = cursors.encode('alice-unread', 42);
  expect(cursors.parse('alice-unread', 5, cursor)).toEqual({ first: 5, afterSeq: 42 });
  expect(() => cursors.parse('alice-all', 5, cursor)).toThrow(/Invalid "after" cursor/);
  expect(() => cursors.parse('alice-unread', 5, 'bm90aGluZw')).toThrow(/Invalid "after" cursor/);
});

test('the page size is 1 to 100', () => {
  expect(cursors.parse('s', 100, null)).toEqual({ first: 100, afterSeq: null });
  expect(() => cursors.parse('s', 0, null)).toThrow(/ask for 1 to 100 notifications/);
  expect(() => cursors.parse('s', 2.5, null)).toThrow(/ask for 1 to 100 notifications/);
});
