import DataLoader from 'dataloader';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.js';
import { workspaceMembershipsView } from '../../../db/identity/contract.js';
import { privateTasks, privateTaskShares } from '../../../db/work/schema.js';
import type { RequestContext } from '../../common/context.js';
import { createLoader, groupBy, indexBy } from '../../common/loaders.js';
import type { PrivatePageRequest } from './pagination.js';

export type PrivateTaskRow = typeof privateTasks.$inferSelect;
export type PrivateTaskShareRow = typeof privateTaskShares.$inferSelect;

export interface PrivateTaskPage {
  tasks: PrivateTaskRow[];
  hasNextPage: boolean;
}

interface PrivatePageRow {
  key_index: number;
  id: string;
  seq: string;
  owner_account_id: string;
  workspace_id: string;
  title: string;
  description: string;
  status: PrivateTaskRow['status'];
  due_date: string | null;
  created_at: string;
  updated_at: string;
}

function toPrivateTaskRow(row: PrivatePageRow): PrivateTaskRow {
  return {
    id: row.id,
    seq: Number(row.seq),
    ownerAccountId: row.owner_account_id,
    workspaceId: row.workspace_id,
    title: row.title,
    description: row.description,
    status: row.status,
    dueDate: row.due_date,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/**
 * The private tasks `t` that account `viewer` may read: its own, and those shared with it while
 * it is still a member of the task's workspace. `loadVisiblePrivateTask` in visibility.ts applies the same rule.
 */
const readableBy = (viewer: string) => sql`(t.owner_account_id = ${viewer}::uuid or exists (
  select 1 from work.private_task_shares s
  join identity.v_workspace_memberships m on m.workspace_id = t.workspace_id and m.account_id = s.account_id
  where s.private_task_id = t.id and s.account_id = ${viewer}::uuid))`;

/** Creates the private task loaders for one request. */
export function createPrivateTaskLoaders(context: RequestContext) {
  const { db } = context;
  // Read per batch, because the context's viewer may change during a request. A view-as request reads no private task.
  const viewerIdOf = () => (context.viewer && !context.viewer.viewAs ? context.viewer.accountId : null);

  return {
    privateTasksById: createLoader<PrivateTaskRow | null>(async (ids) => {
      const rows = await db.select().from(privateTasks).where(inArray(privateTasks.id, ids));
      return indexBy(rows, (row) => row.id);
    }, null),

    /** Whether each private task is shared with the viewer, who is still a member of its workspace. */
    viewerIsShareeByPrivateTaskId: createLoader<boolean>(async (ids) => {
      const viewerId = viewerIdOf();
      if (!viewerId) return new Map();
      const rows = await db
        .select({ id: privateTaskShares.privateTaskId })
        .from(privateTaskShares)
        .innerJoin(privateTasks, eq(privateTasks.id, privateTaskShares.privateTaskId))
        .innerJoin(workspaceMembershipsView, and(eq(workspaceMembershipsView.workspaceId, privateTasks.workspaceId), eq(workspaceMembershipsView.accountId, privateTaskShares.accountId)))
        .where(and(eq(privateTaskShares.accountId, viewerId), inArray(privateTaskShares.privateTaskId, ids)));
      return new Map(rows.map((row) => [row.id, true]));
    }, false),

    /** The shares of each private task with accounts still in its workspace, earliest first. */
    sharesByPrivateTaskId: createLoader<PrivateTaskShareRow[]>(async (ids) => {
      const rows = await db
        .select({ share: privateTaskShares })
        .from(privateTaskShares)
        .innerJoin(privateTasks, eq(privateTasks.id, privateTaskShares.privateTaskId))
        .innerJoin(workspaceMembershipsView, and(eq(workspaceMembershipsView.workspaceId, privateTasks.workspaceId), eq(workspaceMembershipsView.accountId, privateTaskShares.accountId)))
        .where(inArray(privateTaskShares.privateTaskId, ids))
        .orderBy(asc(privateTaskShares.createdAt), asc(privateTaskShares.accountId));
      return groupBy(
        rows.map((row) => row.share),
        (row) => row.privateTaskId,
      );
    }, []),

    /** Pages of the viewer's readable private tasks, newest first, one statement per batch. */
    privateTaskPages: new DataLoader<PrivatePageRequest, PrivateTaskPage, string>(
      async (keys) => {
        const viewerId = viewerIdOf();
        if (!viewerId) return keys.map(() => ({ tasks: [], hasNextPage: false }));
        const values = keys.map((key, index) => sql`(${index}::int, ${key.beforeSeq}::bigint, ${key.first + 1}::int)`);
        const result = await db.execute(sql`
          select k.key_index, p.*
          from (values ${sql.join(values, sql`, `)}) as k(key_index, before_seq, page_limit)
          cross join lateral (
            select t.id, t.seq::text as seq, t.owner_account_id, t.workspace_id, t.title, t.description, t.status, t.due_date::text as due_date,
              -- JSON renders timestamps in ISO 8601, which both drivers return as the same parseable text.
              to_json(t.created_at) #>> '{}' as created_at, to_json(t.updated_at) #>> '{}' as updated_at
            from work.private_tasks t
            where ${readableBy(viewerId)} and (k.before_seq is null or t.seq < k.before_seq)
            order by t.seq desc
            limit k.page_limit
          ) p
          order by k.key_index, p.seq::bigint desc`);
        const byKey = groupBy(rowsOf<PrivatePageRow>(result), (row) => String(row.key_index));
        return keys.map((key, index) => {
          const rows = (byKey.get(String(index)) ?? []).map(toPrivateTaskRow);
          return { tasks: rows.slice(0, key.first), hasNextPage: rows.length > key.first };
        });
      },
      { cacheKeyFn: (key) => `${key.first}:${key.beforeSeq ?? '-'}` },
    ),

    /** How many private tasks the viewer may read; the only key is 'all'. */
    privateTaskCount: new DataLoader<'all', number>(async (keys) => {
      const viewerId = viewerIdOf();
      if (!viewerId) return keys.map(() => 0);
      const [row] = rowsOf<{ total: number | string }>(await db.execute(sql`select count(*)::int as total from work.private_tasks t where ${readableBy(viewerId)}`));
      return keys.map(() => Number(row?.total ?? 0));
    }),
  };
}

export type PrivateTaskLoaders = ReturnType<typeof createPrivateTaskLoaders>;
