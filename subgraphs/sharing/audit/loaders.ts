import DataLoader from 'dataloader';
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.js';
import type { RequestContext } from '../../common/context.js';
import { groupBy } from '../../common/loaders.js';
import type { AuditFilter, EventPageRequest, EventPosition } from './pagination.js';

/** An event of either audit log, sharing's own table or identity's published view, in one shape. */
export interface AuditEventRow {
  id: string;
  /** A value of `sharing.audit_action` or `identity.audit_action`, such as "invitation_sent". */
  action: string;
  projectId: string | null;
  actorAccountId: string | null;
  targetAccountId: string | null;
  targetEmail: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  createdAt: Date;
}

export interface AuditEventPage {
  events: { event: AuditEventRow; position: EventPosition }[];
  hasNextPage: boolean;
}

export interface AuditPageKey extends EventPageRequest {
  workspaceId: string;
  filter: AuditFilter;
  /** Names the workspace and filter; equal list keys mean equal lists. */
  listKey: string;
}

interface AuditPageRow {
  key_index: number;
  id: string;
  action: string;
  project_id: string | null;
  actor_account_id: string | null;
  target_account_id: string | null;
  target_email: string | null;
  target_id: string | null;
  before: string | null;
  after: string | null;
  created_at: string;
  position_created_at: string;
}

/**
 * Both logs of one workspace as one relation `e`. Identity's events come from its published
 * view, never its table; they concern no project, e-mail address or object.
 */
function workspaceEvents(workspaceId: string): SQL {
  return sql`(
    select id, project_id, actor_account_id, action::text as action, target_account_id, target_email, target_id, before, after, created_at
    from sharing.audit_events where workspace_id = ${workspaceId}::uuid
    union all
    select id, null::uuid, actor_account_id, action::text, target_account_id, null::text, null::uuid, before, after, created_at
    from identity.v_audit_events where workspace_id = ${workspaceId}::uuid
  ) e`;
}

function filterConditions(filter: AuditFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.actions) {
    // An empty list of actions matches no event.
    conditions.push(filter.actions.length === 0 ? sql`false` : sql`e.action in (${sql.join(filter.actions.map((action) => sql`${action}`), sql`, `)})`);
  }
  if (filter.projectId) conditions.push(sql`e.project_id = ${filter.projectId}::uuid`);
  if (filter.actorId) conditions.push(sql`e.actor_account_id = ${filter.actorId}::uuid`);
  if (filter.targetAccountId) conditions.push(sql`e.target_account_id = ${filter.targetAccountId}::uuid`);
  if (filter.from) conditions.push(sql`e.created_at >= ${filter.from.toISOString()}::timestamptz`);
  if (filter.to) conditions.push(sql`e.created_at < ${filter.to.toISOString()}::timestamptz`);
  return conditions;
}

/** Builds the query of one key's page: its events after its cursor, newest first, and one extra event that shows whether another page follows. */
function pageQuery(key: AuditPageKey, index: number): SQL {
  const conditions = filterConditions(key.filter);
  if (key.after) {
    conditions.push(sql`(e.created_at, e.id) < (${key.after.createdAt}::timestamp at time zone 'UTC', ${key.after.id}::uuid)`);
  }
  const where = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  // JSON renders timestamps in ISO 8601, which both drivers return as the same parseable text,
  // and jsonb as text, which both drivers return unparsed.
  return sql`(
    select ${index}::int as key_index, e.id, e.action, e.project_id, e.actor_account_id, e.target_account_id, e.target_email, e.target_id,
      e.before::text as before, e.after::text as after, to_json(e.created_at) #>> '{}' as created_at,
      to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as position_created_at
    from ${workspaceEvents(key.workspaceId)}
    ${where}
    order by e.created_at desc, e.id desc
    limit ${key.first + 1}
  )`;
}

function toEventRow(row: AuditPageRow): AuditEventRow {
  return {
    id: row.id,
    action: row.action,
    projectId: row.project_id,
    actorAccountId: row.actor_account_id,
    targetAccountId: row.target_account_id,
    targetEmail: row.target_email,
    targetId: row.target_id,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
    createdAt: new Date(row.created_at),
  };
}

/** Creates the audit log loaders for one request. */
export function createAuditLoaders(context: RequestContext) {
  return {
    /**
     * One page of a workspace's audit log per key, in one statement for the whole batch: the
     * pages of all keys are joined with union all. Callers check the viewer's access first.
     */
    auditEventPages: new DataLoader<AuditPageKey, AuditEventPage, string>(
      async (keys) => {
        const pages = keys.map((key, index) => pageQuery(key, index));
        const result = await context.db.execute(sql`
          select * from (${sql.join(pages, sql` union all `)}) pages
          order by key_index, position_created_at desc, id desc`);
        const byKey = groupBy(rowsOf<AuditPageRow>(result), (row) => String(row.key_index));
        return keys.map((key, index) => {
          const events = (byKey.get(String(index)) ?? []).map((row) => ({
            event: toEventRow(row),
            position: { createdAt: row.position_created_at, id: row.id },
          }));
          return { events: events.slice(0, key.first), hasNextPage: events.length > key.first };
        });
      },
      {
        cacheKeyFn: (key) => `${key.listKey}:${key.first}:${key.after ? `${key.after.createdAt}/${key.after.id}` : '-'}`,
      },
    ),
  };
}

export type AuditLoaders = ReturnType<typeof createAuditLoaders>;
