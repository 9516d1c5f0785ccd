import { createHash } from 'node:crypto';
import { codedError } from '../../common/errors.js';
import { isUuid } from '../../common/ids.js';

/** Largest `first` of an audit log page. */
export const maxPageSize = 100;

/** The conditions of `AuditLogFilter`, with IDs lower-cased and actions as database values. */
export interface AuditFilter {
  actions: string[] | null;
  projectId: string | null;
  actorId: string | null;
  targetAccountId: string | null;
  from: Date | null;
  to: Date | null;
}

/**
 * The position of an event in the log, ordered by creation time, then ID, both descending.
 * `createdAt` keeps the microseconds that PostgreSQL stores, because a JavaScript Date keeps
 * only milliseconds and two events may share one.
 */
export interface EventPosition {
  /** Such as "2026-12-04T09:30:00.123456", in UTC. */
  createdAt: string;
  id: string;
}

export interface EventPageRequest {
  first: number;
  /** The position of the last event before the page, or null for the first page. */
  after: EventPosition | null;
}

const separator = '|';
const timestampPattern = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}$/;

/**
 * Derives the name of one list: a workspace's log under one filter. A cursor carries it, so
 * that a cursor of another workspace or another filter is rejected.
 */
export function auditListKey(workspaceId: string, filter: AuditFilter): string {
  const parts = [
    workspaceId,
    filter.actions ? [...new Set(filter.actions)].sort().join(',') : '*',
    filter.projectId ?? '*',
    filter.actorId ?? '*',
    filter.targetAccountId ?? '*',
    filter.from?.toISOString() ?? '*',
    filter.to?.toISOString() ?? '*',
  ];
  return createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 22);
}

export function encodeEventCursor(listKey: string, position: EventPosition): string {
  return Buffer.from(['auditEvent', listKey, position.createdAt, position.id].join(separator)).toString('base64url');
}

/** Checks `first` and `after` for the list `listKey`, and throws BAD_USER_INPUT naming the argument at fault. */
export function parseEventPageRequest(listKey: string, first: unknown, after: unknown): EventPageRequest {
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > maxPageSize) {
    throw codedError('BAD_USER_INPUT', `Invalid "first" ${JSON.stringify(first)}: ask for 1 to ${maxPageSize} audit events.`);
  }
  if (after === null || after === undefined) return { first, after: null };

  const position = typeof after === 'string' ? decodePosition(listKey, after) : null;
  if (!position) {
    throw codedError(
      'BAD_USER_INPUT',
      `Invalid "after" cursor ${JSON.stringify(after)}: pass a cursor from this workspace's audit log with the same filter, taken from pageInfo.endCursor or an edge.`,
    );
  }
  return { first, after: position };
}

function decodePosition(listKey: string, cursor: string): EventPosition | null {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split(separator);
  if (parts.length !== 4) return null;
  const [kind, cursorList, createdAt, id] = parts as [string, string, string, string];
  if (kind !== 'auditEvent' || cursorList !== listKey || !isUuid(id) || !timestampPattern.test(createdAt)) return null;
  // PostgreSQL rejects an impossible time such as February 30th with an error, so the cursor is checked here.
  const parsed = new Date(`${createdAt.slice(0, 23)}Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 23) !== createdAt.slice(0, 23)) return null;
  return { createdAt, id: id.toLowerCase() };
}
