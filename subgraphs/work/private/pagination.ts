import { codedError } from '../../common/errors.js';

/** Largest `first` of a private task connection. */
export const maxPageSize = 100;

export interface PrivatePageRequest {
  first: number;
  /** Sequence number of the last private task before the page, which lists newest first. Null for the first page. */
  beforeSeq: number | null;
}

// A cursor names the viewer, so that one account's cursor is rejected in another's list.
const cursorPattern = /^privateTask:([0-9a-f-]{36}):([1-9][0-9]{0,15})$/;

export function encodePrivateCursor(accountId: string, seq: number): string {
  return Buffer.from(`privateTask:${accountId}:${seq}`).toString('base64url');
}

/** Checks `first` and `after` of the viewer's private task list; throws BAD_USER_INPUT naming the argument at fault. */
export function parsePrivatePageRequest(accountId: string, first: unknown, after: unknown): PrivatePageRequest {
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > maxPageSize) {
    throw codedError('BAD_USER_INPUT', `Invalid "first" ${JSON.stringify(first)}: ask for 1 to ${maxPageSize} private tasks.`);
  }
  if (after === null || after === undefined) return { first, beforeSeq: null };

  const decoded = typeof after === 'string' ? Buffer.from(after, 'base64url').toString('utf8') : '';
  const match = cursorPattern.exec(decoded);
  const seq = match && match[1] === accountId ? Number(match[2]) : Number.NaN;
  if (!Number.isSafeInteger(seq)) {
    throw codedError('BAD_USER_INPUT', `Invalid "after" cursor ${JSON.stringify(after)}: pass a cursor of your own private task list, taken from pageInfo.endCursor or an edge.`);
  }
  return { first, beforeSeq: seq };
}
