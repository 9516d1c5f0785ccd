import { codedError } from '../../common/errors.js';

/** Largest `first` of an activity connection. */
export const maxPageSize = 100;

/** Start of a page: after the event at `micros` (microseconds since 1970) with ID `id`, in newest-first order. */
export interface ActivityPosition {
  micros: string;
  id: string;
}

export interface ActivityPageRequest {
  first: number;
  after: ActivityPosition | null;
}

// A cursor names the project or task whose history it belongs to, so that it is rejected in any other list.
const cursorPattern = /^activity:([0-9a-f-]{36}):([0-9]{1,18}):([0-9a-f-]{36})$/;

export function encodeActivityCursor(scopeId: string, position: ActivityPosition): string {
  return Buffer.from(`activity:${scopeId}:${position.micros}:${position.id}`).toString('base64url');
}

/** Checks `first` and `after` of the history of `scopeId`; throws BAD_USER_INPUT naming the argument at fault. */
export function parseActivityPageRequest(scopeId: string, first: unknown, after: unknown): ActivityPageRequest {
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > maxPageSize) {
    throw codedError('BAD_USER_INPUT', `Invalid "first" ${JSON.stringify(first)}: ask for 1 to ${maxPageSize} events.`);
  }
  if (after === null || after === undefined) return { first, after: null };

  const decoded = typeof after === 'string' ? Buffer.from(after, 'base64url').toString('utf8') : '';
  const match = cursorPattern.exec(decoded);
  if (!match || match[1] !== scopeId.toLowerCase()) {
    throw codedError('BAD_USER_INPUT', `Invalid "after" cursor ${JSON.stringify(after)}: pass a cursor from this activity list, taken from pageInfo.endCursor or an edge.`);
  }
  return { first, after: { micros: match[2]!, id: match[3]! } };
}
