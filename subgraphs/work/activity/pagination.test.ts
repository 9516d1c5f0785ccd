import { describe, expect, test } from 'vitest';
import { encodeActivityCursor, parseActivityPageRequest } from './pagination.js';

const project = '6f1c1c34-5d0e-4c57-9d7b-4f0f3f7d8b11';
const other = '0b5b6f8e-8a52-4a3c-a1b5-2f1f7d2c9e10';
const event = 'c3d9a0b2-1e4f-4b6a-9c8d-7e6f5a4b3c2d';

describe('parseActivityPageRequest', () => {
  test('reads back a cursor of the same list', () => {
    const cursor = encodeActivityCursor(project, { micros: '1796380200123456', id: event });
    expect(parseActivityPageRequest(project, 10, cursor)).toEqual({ first: 10, after: { micros: '1796380200123456', id: event } });
  });

  test('rejects a cursor of another list, naming the argument', () => {
    const cursor = encodeActivityCursor(other, { micros: '1', id: event });
    expect(() => parseActivityPageRequest(project, 10, cursor)).toThrow(/Invalid "after" cursor/);
  });

  test('rejects a page size outside 1 to 100', () => {
    expect(() => parseActivityPageRequest(project, 0, null)).toThrow(/ask for 1 to 100 events/);
    expect(() => parseActivityPageRequest(project, 101, null)).toThrow(/ask for 1 to 100 events/);
  });

  test('rejects text that is no cursor', () => {
    expect(() => parseActivityPageRequest(project, 5, 'not-a-cursor')).toThrow(/Invalid "after" cursor/);
  });
});
