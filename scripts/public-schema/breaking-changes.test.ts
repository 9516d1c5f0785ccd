import { buildSchema } from 'graphql';
import { describe, expect, test } from 'vitest';
import { compareWithBaseline, intendedChangeEntry, parseIntendedChanges } from './breaking-changes.js';

const baseline = buildSchema(`
  type Query { task: Task }
  type Task { id: ID! title: String! legacyCode: String }
  enum Status { OPEN DONE }
`);
const withoutLegacyCode = buildSchema(`
  type Query { task: Task }
  type Task { id: ID! title: String! }
  enum Status { OPEN DONE }
`);

describe('compareWithBaseline', () => {
  test('reports a removed field', async () => {
    const report = await compareWithBaseline(baseline, withoutLegacyCode, []);
    expect(report.unintended.map((change) => [change.type, change.path])).toEqual([['FIELD_REMOVED', 'Task.legacyCode']]);
    expect(report.unmatched).toEqual([]);
  });

  test('accepts a removal marked as intended', async () => {
    const intended = [{ type: 'FIELD_REMOVED', path: 'Task.legacyCode', reason: 'Replaced by id.' }];
    const report = await compareWithBaseline(baseline, withoutLegacyCode, intended);
    expect(report.unintended).toEqual([]);
    expect(report.unmatched).toEqual([]);
  });

  test('marking another field leaves the removal reported', async () => {
    const intended = [{ type: 'FIELD_REMOVED', path: 'Task.title', reason: 'Wrong path.' }];
    const report = await compareWithBaseline(baseline, withoutLegacyCode, intended);
    expect(report.unintended.map((change) => change.path)).toEqual(['Task.legacyCode']);
    expect(report.unmatched).toEqual(intended);
  });

  test('reports a stale intended change', async () => {
    const intended = [{ type: 'FIELD_REMOVED', path: 'Task.legacyCode', reason: 'Undone since.' }];
    const report = await compareWithBaseline(baseline, baseline, intended);
    expect(report.unintended).toEqual([]);
    expect(report.unmatched).toEqual(intended);
  });

  test('additions are not breaking', async () => {
    const withMore = buildSchema(`
      type Query { task: Task tasks: [Task!]! }
      type Task { id: ID! title: String! legacyCode: String dueOn: String }
      enum Status { OPEN DONE }
    `);
    const report = await compareWithBaseline(baseline, withMore, []);
    expect(report.unintended).toEqual([]);
  });

  test('a new enum value is dangerous only', async () => {
    const withValue = buildSchema(`
      type Query { task: Task }
      type Task { id: ID! title: String! legacyCode: String }
      enum Status { OPEN DONE ARCHIVED }
    `);
    const report = await compareWithBaseline(baseline, withValue, []);
    expect(report.unintended).toEqual([]);
    expect(report.dangerous.map((change) => change.type)).toEqual(['ENUM_VALUE_ADDED']);
  });

  test('a field that becomes nullable is breaking', async () => {
    const nullableTitle = buildSchema(`
      type Query { task: Task }
      type Task { id: ID! title: String legacyCode: String }
      enum Status { OPEN DONE }
    `);
    const report = await compareWithBaseline(baseline, nullableTitle, []);
    expect(report.unintended.map((change) => [change.type, change.path])).toEqual([['FIELD_TYPE_CHANGED', 'Task.title']]);
  });
});

describe('intendedChangeEntry', () => {
  test('entry of a removal matches it', async () => {
    const [change] = (await compareWithBaseline(baseline, withoutLegacyCode, [])).unintended;
    const entry = intendedChangeEntry(change!);
    expect(entry).toMatchObject({ type: 'FIELD_REMOVED', path: 'Task.legacyCode' });
    expect((await compareWithBaseline(baseline, withoutLegacyCode, [entry])).unintended).toEqual([]);
  });
});

describe('parseIntendedChanges', () => {
  test('reads entries', () => {
    const text = JSON.stringify({ changes: [{ type: 'FIELD_REMOVED', path: 'Task.legacyCode', reason: 'Replaced by id.' }] });
    expect(parseIntendedChanges(text, 'changes.json')).toEqual([{ type: 'FIELD_REMOVED', path: 'Task.legacyCode', reason: 'Replaced by id.' }]);
  });

  test.each([
    ['not JSON', '{', /changes\.json is not valid JSON/],
    ['no changes array', '{"entries": []}', /must be an object with a "changes" array/],
    ['unknown type', '{"changes": [{"type": "FIELD_GONE", "path": "Task.a", "reason": "x"}]}', /changes\[0\]: "type" is "FIELD_GONE"/],
    ['missing path', '{"changes": [{"type": "FIELD_REMOVED", "reason": "x"}]}', /changes\[0\]: "path" must be a string/],
    ['empty reason', '{"changes": [{"type": "FIELD_REMOVED", "path": "Task.a", "reason": " "}]}', /changes\[0\]: "reason" is missing/],
  ])('rejects %s', (_case, text, message) => {
    expect(() => parseIntendedChanges(text, 'changes.json')).toThrow(message);
  });

  test('committed file is valid', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('../../schema/intended-changes.json', import.meta.url), 'utf8');
    expect(() => parseIntendedChanges(text, 'schema/intended-changes.json')).not.toThrow();
  });
});
