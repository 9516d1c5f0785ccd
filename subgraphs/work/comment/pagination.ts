import { codedError } from '../../common/errors.js';

/** Largest `first` of a comment connection. */
export const maxPageSize = 100;

export interface CommentPageRequest {
  first: number;
  /** Sequence number of the last comment before the page, which lists oldest first; 0 for the first page. */
  afterSeq: number;
}

// A cursor names the project or task whose list it belongs to, so that it is rejected in any other list.
const cursorPattern = /^comment:([0-9a-f-]{36}):([1-9][0-9]{0,15})$/;

/** `scopeId` is the project's ID for a project's own comments, the task's ID for a task's. */
export function encodeCommentCursor(scopeId: string, seq: number): string {
  return Buffer.from(`comment:${scopeId}:${seq}`).toString('base64url');
}

/** Checks `first` and `after` of the comment list of `scopeId`; throws BAD_USER_INPUT naming the argument at fault. */
export function parseCommentPageRequest(scopeId: string, first: unknown, after: unknown): CommentPageRequest {
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > maxPageSize) {
    throw codedError('BAD_USER_INPUT', `Invalid "first" ${JSON.stringify(first)}: ask for 1 to ${maxPageSize} comments.`);
  }
  if (after === null || after === undefined) return { first, afterSeq: 0 };

  const decoded = typeof after === 'string' ? Buffer.from(after, 'base64url').toString('utf8') : '';
  const match = cursorPattern.exec(decoded);
  const seq = match && match[1] === scopeId ? Number(match[2]) : Number.NaN;
  if (!Number.isSafeInteger(seq)) {
    throw codedError('BAD_USER_INPUT', `Invalid "after" cursor ${JSON.stringify(after)}: pass a cursor from this list of comments, taken from pageInfo.endCursor or an edge.`);
  }
  return { first, afterSeq: seq };
}
