import { codedError } from '../../common/errors.js';
import { isUuid } from '../../common/ids.js';

/** Largest `first` of a time entry connection. */
export const maxPageSize = 100;

/**
 * The position of an entry in a list ordered by entry date, then creation time, then ID, all
 * descending. `createdAt` is the UTC creation time with microseconds, as PostgreSQL stores
 * it, because a JavaScript Date keeps only milliseconds and two entries may share one.
 */
export interface EntryPosition {
  entryDate: string;
  /** Such as "2026-12-04T09:30:00.123456", in UTC. */
  createdAt: string;
  id: string;
}

export interface EntryPageRequest {
  first: number;
  /** The position of the last entry before the page, or null for the first page. */
  after: EntryPosition | null;
}

/** Names a list of entries, so that a cursor of one list is rejected by every other list. */
export type ListKey = string;

export const projectListKey = (projectId: string): ListKey => `project:${projectId}`;

/** The viewer's own entries within a date range; another range is another list. */
export const accountListKey = (accountId: string, from: string | null, to: string | null): ListKey => `account:${accountId}:${from ?? '-'}:${to ?? '-'}`;

const separator = '|';
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const timestampPattern = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}$/;

export function encodeEntryCursor(list: ListKey, position: EntryPosition): string {
  return Buffer.from(['timeEntry', list, position.entryDate, position.createdAt, position.id].join(separator)).toString('base64url');
}

/** Checks `first` and `after` for the list `list`, and throws BAD_USER_INPUT naming the argument at fault. */
export function parseEntryPageRequest(list: ListKey, first: unknown, after: unknown): EntryPageRequest {
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > maxPageSize) {
    throw codedError('BAD_USER_INPUT', `Invalid "first" ${JSON.stringify(first)}: ask for 1 to ${maxPageSize} time entries.`);
  }
  if (after === null || after === undefined) return { first, after: null };

  const position = typeof after === 'string' ? decodePosition(list, after) : null;
  if (!position) {
    throw codedError('BAD_USER_INPUT', `Invalid "after" cursor ${JSON.stringify(after)}: pass a cursor from this list of time entries, taken from pageInfo.endCursor or an edge.`);
  }
  return { first, after: position };
}

function decodePosition(list: ListKey, cursor: string): EntryPosition | null {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split(separator);
  if (parts.length !== 5) return null;

  const [kind, cursorList, entryDate, createdAt, id] = parts as [string, string, string, string, string];
  if (kind !== 'timeEntry' || cursorList !== list || !isUuid(id)) return null;
  // PostgreSQL would reject an impossible date with an error, so the cursor is checked here.
  const timestamp = timestampPattern.exec(createdAt);
  if (!isCalendarDate(entryDate) || !timestamp || !isCalendarDate(timestamp[1]!)) return null;
  return { entryDate, createdAt, id: id.toLowerCase() };
}

/** Checks whether `value` is a real calendar date such as "2026-02-28", not "2026-02-30". */
export function isCalendarDate(value: string): boolean {
  const match = datePattern.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
