import { codedError } from '../../common/errors.js';

/** Bounds of the `first` argument of task connections. */
export const maxPageSize = 100;

export interface PageRequest {
  first: number;
  /** Sequence number of the last task before the page; 0 for the first page. */
  afterSeq: number;
}

const cursorPrefix = 'task:';

export function encodeCursor(seq: number): string {
  return Buffer.from(`${cursorPrefix}${seq}`).toString('base64url');
}

/** Checks `first` and `after`; throws BAD_USER_INPUT naming the argument at fault. */
export function parsePageRequest(first: unknown, after: unknown): PageRequest {
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > maxPageSize) {
    throw codedError('BAD_USER_INPUT', `Invalid "first" ${JSON.stringify(first)}: ask for 1 to ${maxPageSize} tasks.`);
  }
  if (after === null || after === undefined) return { first, afterSeq: 0 };

  const decoded = typeof after === 'string' ? Buffer.from(after, 'base64url').toString('utf8') : '';
  const seq = decoded.startsWith(cursorPrefix) ? Number(decoded.slice(cursorPrefix.length)) : Number.NaN;
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw codedError('BAD_USER_INPUT', `Invalid "after" cursor ${JSON.stringify(after)}: pass a cursor from this connection's pageInfo.endCursor or edges.`);
  }
  return { first, afterSeq: seq };
}
