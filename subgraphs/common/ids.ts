import { codedError } from './errors.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value);
}

/**
 * Returns the ID lower-cased, or throws BAD_USER_INPUT naming the argument, since
 * every Tandem ID is a UUID and PostgreSQL would reject anything else.
 */
export function parseId(value: unknown, argument: string): string {
  if (!isUuid(value)) {
    throw codedError('BAD_USER_INPUT', `Invalid ID ${JSON.stringify(value)} for "${argument}": expected a UUID such as the "id" of an object from this graph.`);
  }
  return value.toLowerCase();
}
