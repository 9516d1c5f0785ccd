import { codedError } from './errors.js';

/** Largest `first` of a connection that pages by sequence number. */
export const maxSeqPageSize = 100;

export interface SeqPageRequest {
  first: number;
  /** Sequence number of the last item before the page; null for the first page. */
  afterSeq: number | null;
}

/**
 * Cursors of a list that pages by a row's sequence number. A cursor names its list (`scope`:
 * an account, a project or a task, and any filter), so that it is rejected in any other list.
 */
export function seqCursors(kind: string, noun: string) {
  const pattern = new RegExp(`^${kind}:([^:]+):([1-9][0-9]{0,15})$`);
  return {
    encode: (scope: string, seq: number) => Buffer.from(`${kind}:${scope}:${seq}`).toString('base64url'),

    /** Checks `first` and `after`; throws BAD_USER_INPUT naming the argument at fault. */
    parse(scope: string, first: unknown, after: unknown): SeqPageRequest {
      if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > maxSeqPageSize) {
        throw codedError('BAD_USER_INPUT', `Invalid "first" ${JSON.stringify(first)}: ask for 1 to ${maxSeqPageSize} ${noun}.`);
      }
      if (after === null || after === undefined) return { first, afterSeq: null };
      const decoded = typeof after === 'string' ? Buffer.from(after, 'base64url').toString('utf8') : '';
      const match = pattern.exec(decoded);
      const seq = match && match[1] === scope ? Number(match[2]) : Number.NaN;
      if (!Number.isSafeInteger(seq)) {
        throw codedError('BAD_USER_INPUT', `Invalid "after" cursor ${JSON.stringify(after)}: pass a cursor from this list of ${noun}, taken from pageInfo.endCursor or an edge.`);
      }
      return { first, afterSeq: seq };
    },
  };
}
