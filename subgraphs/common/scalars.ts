import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** ISO 8601 instants in UTC, such as "2026-12-04T09:30:00.000Z". */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`Cannot serialize ${JSON.stringify(value)} as a DateTime.`);
    return date.toISOString();
  },
  parseValue(value) {
    return parseDateTime(value);
  },
  parseLiteral(node) {
    if (node.kind !== Kind.STRING) throw new GraphQLError('A DateTime must be a string such as "2026-12-04T09:30:00.000Z".', { nodes: node });
    return parseDateTime(node.value);
  },
});

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new GraphQLError(`Invalid DateTime ${JSON.stringify(value)}: expected an ISO 8601 string such as "2026-12-04T09:30:00.000Z".`);
  }
  return date;
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Calendar dates without time zone, such as "2026-12-31", kept as that string. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  serialize(value) {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    return parseDate(value);
  },
  parseValue(value) {
    return parseDate(value);
  },
  parseLiteral(node) {
    if (node.kind !== Kind.STRING) throw new GraphQLError('A Date must be a string such as "2026-12-31".', { nodes: node });
    return parseDate(node.value);
  },
});

function parseDate(value: unknown): string {
  const match = typeof value === 'string' ? datePattern.exec(value) : null;
  if (match) {
    const [, year, month, day] = match.map(Number) as [number, number, number, number];
    // setUTCFullYear, unlike Date.UTC, does not map years 0 to 99 onto 1900 to 1999.
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    // Dates roll 2026-02-30 over into March; a real date survives the round trip.
    if (date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day) return value as string;
  }
  throw new GraphQLError(`Invalid Date ${JSON.stringify(value)}: expected a calendar date such as "2026-12-31".`);
}
