import { describe, expect, test } from 'vitest';
import { accountListKey, encodeEntryCursor, isCalendarDate, parseEntryPageRequest, projectListKey } from './pagination.js';

const projectId = '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const accountId = '7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const position = { entryDate: '2026-03-02', createdAt: '2026-03-02T09:30:00.123456', id: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e' };
const encode = (text: string) => Buffer.from(text).toString('base64url');
const list = projectListKey(projectId);

describe('parseEntryPageRequest', () => {
  test('first page', () => {
    expect(parseEntryPageRequest(list, 10, null)).toEqual({ first: 10, after: null });
  });

  test('cursor round trip', () => {
    expect(parseEntryPageRequest(list, 100, encodeEntryCursor(list, position))).toEqual({ first: 100, after: position });
  });

  test.each([0, 101, -1, 2.5, '10'])('rejects first %j', (first) => {
    expect(() => parseEntryPageRequest(list, first, null)).toThrow(/Invalid "first"/);
  });

  test.each([
    ['garbage', 'garbage'],
    ['empty', ''],
    ['other project', encodeEntryCursor(projectListKey(accountId), position)],
    ['account list', encodeEntryCursor(accountListKey(accountId, null, null), position)],
    ['impossible date', encode(`timeEntry|${list}|2026-02-30|2026-03-02T09:30:00.123456|${position.id}`)],
    ['impossible time', encode(`timeEntry|${list}|2026-03-02|2026-03-02T24:30:00.123456|${position.id}`)],
    ['milliseconds only', encode(`timeEntry|${list}|2026-03-02|2026-03-02T09:30:00.123|${position.id}`)],
    ['bad ID', encode(`timeEntry|${list}|2026-03-02|2026-03-02T09:30:00.123456|not-a-uuid`)],
    ['extra part', encode(`timeEntry|${list}|2026-03-02|2026-03-02T09:30:00.123456|${position.id}|x`)],
    ['task cursor', encode(`task:${projectId}:3`)],
  ])('rejects cursor: %s', (_name, after) => {
    expect(() => parseEntryPageRequest(list, 10, after)).toThrow(/Invalid "after" cursor/);
  });

  test('range is part of the list', () => {
    const cursor = encodeEntryCursor(accountListKey(accountId, '2026-01-01', null), position);
    expect(parseEntryPageRequest(accountListKey(accountId, '2026-01-01', null), 5, cursor).after).toEqual(position);
    expect(() => parseEntryPageRequest(accountListKey(accountId, null, null), 5, cursor)).toThrow(/Invalid "after" cursor/);
  });
});

test.each([
  ['2026-02-28', true],
  ['2028-02-29', true],
  ['2026-02-29', false],
  ['2026-13-01', false],
  ['2026-1-01', false],
])('isCalendarDate(%j) is %j', (value, expected) => {
  expect(isCalendarDate(value)).toBe(expected);
});
