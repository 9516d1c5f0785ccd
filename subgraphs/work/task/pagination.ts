import { codedError } from '../../common/errors.js';

/** Bounds of the `first` argument of task connections. */
export const maxPageSize = 100;

export interface PageRequest {
  first: number;
  /** Sequence number of the last task before the page; 0 for the first page. */
  afterSeq: number;
}

// A cursor names its project too, so a cursor of one project's list is rejected by another's.
const cursorPattern = /^task:([0-9a-f-]{36}):([1-9][0-9]{0,15})$/;

export function encodeCursor(projectId: string, seq: number): string {
  return Buffer.from(`task:${projectId}:${seq}`).toString('base64url');
}

/** Checks `first` and `after` for a list of `projectId`'s tasks; throws BAD_USER_INPUT naming the argument at fault. */
export function parsePageRequest(projectId: string, first: unknown, after: unknown): PageRequest {
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > maxPageSize) {
    throw codedError('BAD_USER_INPUT', `Invalid "first" ${JSON.stringify(first)}: ask for 1 to ${maxPageSize} tasks.`);
  }
  if (after === null || after === undefined) return { first, afterSeq: 0 };

  const decoded = typeof after === 'string' ? Buffer.from(after, 'base64url').toString('utf8') : '';
  const match = cursorPattern.exec(decoded);
  const seq = match && match[1] === projectId ? Number(match[2]) : Number.NaN;
  if (!Number.isSafeInteger(seq)) {
    throw codedError('BAD_USER_INPUT', `Invalid "after" cursor ${JSON.stringify(after)}: pass a cursor from this project's tasks, taken from pageInfo.endCursor or an edge.`);
  }
  return { first, afterSeq: seq };
}
