import { describe, expect, test } from 'vitest';
import { DateScalar, DateTimeScalar } from './scalars.js';

describe('Date', () => {
  test('accepts calendar dates', () => {
    expect(DateScalar.parseValue('2026-12-31')).toBe('2026-12-31');
    expect(DateScalar.parseValue('2028-02-29')).toBe('2028-02-29');
  });

  test.each(['2026-02-30', '2026-13-01', '2026-1-1', '31.12.2026', '', 20261231])('rejects %j', (value) => {
    expect(() => DateScalar.parseValue(value)).toThrow(/Invalid Date/);
  });
});

describe('DateTime', () => {
  test('serializes to ISO 8601 UTC', () => {
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 11, 4, 9, 30)))).toBe('2026-12-04T09:30:00.000Z');
  });

  test.each(['yesterday', '2026-12-04', 1_700_000_000])('rejects %j', (value) => {
    expect(() => DateTimeScalar.parseValue(value)).toThrow(/Invalid DateTime/);
  });
});
