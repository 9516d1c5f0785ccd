import DataLoader from 'dataloader';
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf } from '../../db/client.js';
import { projectMembershipsView } from '../../db/sharing/contract.js';
import { taskAssignees, tasks } from '../../db/work/schema.js';
import type { RequestContext } from '../common/context.js';
import { isUuid } from '../common/ids.js';
import { createLoader, groupBy, indexBy } from '../common/loaders.js';
import { createProjectAccessLoader } from '../common/project-access.js';
import type { PageRequest } from './task/pagination.js';
import { createTimeLoaders } from './time/loaders.js';
import { createPrivateTaskLoaders } from './private/loaders.js';
import { createCalendarLoaders } from './calendar/loaders.js';
import { createCommentLoaders } from './comment/loaders.js';
import { createActivityLoaders } from './activity/loaders.js';
import { createFollowLoaders } from './follow/loaders.js';
import { createNotificationLoaders } from './notification/loaders.js';

export type TaskRow = typeof tasks.$inferSelect;
export type AssigneeRow = typeof taskAssignees.$inferSelect;

export interface TaskPageKey extends PageRequest {
  projectId: string;
  /** Limits the page to tasks assigned to this account, for a role that sees only those; null for all tasks. */
  assigneeId: string | null;
}

export interface TaskPage {
  tasks: TaskRow[];
  hasNextPage: boolean;
}

interface TaskPageRow {
  key_index: number;
  id: string;
  seq: string;
  project_id: string;
  title: string;
  description: string;
  status: TaskRow['status'];
  due_date: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** Creates the work subgraph's loaders for one request. */
export function createWorkLoaders(context: RequestContext) {
  const { db } = context;

  return {
    ...createTimeLoaders(context),
    ...createPrivateTaskLoaders(context),
    ...createCalendarLoaders(context),
    ...createCommentLoaders(context),
    ...createActivityLoaders(context),
    ...createFollowLoaders(context),
    ...createNotificationLoaders(context),
    projectAccessById: createProjectAccessLoader(context),

    tasksById: createLoader<TaskRow | null>(async (ids) => {
      const rows = await db.select().from(tasks).where(inArray(tasks.id, ids));
      return indexBy(rows, (row) => row.id);
    }, null),

    assigneesByTaskId: createLoader<AssigneeRow[]>(async (ids) => {
      const rows = await db
        .select()
        .from(taskAssignees)
        .where(inArray(taskAssignees.taskId, ids))
        .orderBy(asc(taskAssignees.createdAt), asc(taskAssignees.accountId));
      return groupBy(rows, (row) => row.taskId);
    }, []),

    taskCountsByProjectId: createLoader<number>(async (ids) => {
      const rows = await db.select({ projectId: tasks.projectId, total: count() }).from(tasks).where(inArray(tasks.projectId, ids)).groupBy(tasks.projectId);
      return new Map(rows.map((row) => [row.projectId, row.total]));
    }, 0),

    /** Whether each `projectId:accountId` pair is a current project membership. */
    isProjectMemberByPair: new DataLoader<string, boolean>(async (pairs) => {
      const split = pairs.map((pair) => pair.split(':') as [string, string]);
      const projectIds = [...new Set(split.map(([projectId]) => projectId))];
      const accountIds = [...new Set(split.map(([, accountId]) => accountId))];
      const rows = await db
        .select({ projectId: projectMembershipsView.projectId, accountId: projectMembershipsView.accountId })
        .from(projectMembershipsView)
        .where(and(inArray(projectMembershipsView.projectId, projectIds), inArray(projectMembershipsView.accountId, accountIds)));
      const members = new Set(rows.map((row) => `${row.projectId}:${row.accountId}`));
      return pairs.map((pair) => members.has(pair));
    }),

    /** How many tasks of each project are assigned to the viewer. */
    viewerAssignedTaskCountsByProjectId: createLoader<number>(async (ids) => {
      if (!context.viewer) return new Map();
      const rows = await db
        .select({ projectId: tasks.projectId, total: count() })
        .from(tasks)
        .innerJoin(taskAssignees, and(eq(taskAssignees.taskId, tasks.id), eq(taskAssignees.accountId, context.viewer.accountId)))
        .where(inArray(tasks.projectId, ids))
        .groupBy(tasks.projectId);
      return new Map(rows.map((row) => [row.projectId, row.total]));
    }, 0),

    /** Whether the viewer is assigned to each task. */
    viewerIsAssignedByTaskId: createLoader<boolean>(async (ids) => {
      if (!context.viewer) return new Map();
      const rows = await db
        .select({ taskId: taskAssignees.taskId })
        .from(taskAssignees)
        .where(and(eq(taskAssignees.accountId, context.viewer.accountId), inArray(taskAssignees.taskId, ids)));
      return new Map(rows.map((row) => [row.taskId, true]));
    }, false),

    /**
     * One page of tasks per (project, first, after). A single statement serves every key
     * of a batch: each key becomes a row of a VALUES list joined laterally to its page,
     * which the (project_id, seq) index serves.
     */
    taskPages: new DataLoader<TaskPageKey, TaskPage, string>(
      async (keys) => {
        const valid = keys.map((key) => isUuid(key.projectId));
        const values = keys
          .map((key, index) =>
            valid[index] ? sql`(${index}::int, ${key.projectId}::uuid, ${key.afterSeq}::bigint, ${key.first + 1}::int, ${key.assigneeId}::uuid)` : null,
          )
          .filter((value) => value !== null);
        if (values.length === 0) return keys.map(() => ({ tasks: [], hasNextPage: false }));

        const result = await db.execute(sql`
          select k.key_index, t.id, t.seq::text as seq, t.project_id, t.title, t.description, t.status, t.due_date::text as due_date, t.created_by,
            -- JSON renders timestamps in ISO 8601, which both drivers return as the same parseable text.
            to_json(t.created_at) #>> '{}' as created_at, to_json(t.updated_at) #>> '{}' as updated_at
          from (values ${sql.join(values, sql`, `)}) as k(key_index, project_id, after_seq, page_limit, assignee_id)
          cross join lateral (
            select * from work.tasks
            where tasks.project_id = k.project_id and tasks.seq > k.after_seq
              and (k.assignee_id is null or exists (
                select 1 from work.task_assignees a where a.task_id = tasks.id and a.account_id = k.assignee_id))
            order by tasks.seq
            limit k.page_limit
          ) t
          order by k.key_index, t.seq`);

        const byKey = groupBy(rowsOf<TaskPageRow>(result), (row) => String(row.key_index));
        return keys.map((key, index) => {
          const rows = (byKey.get(String(index)) ?? []).map(toTaskRow);
          return { tasks: rows.slice(0, key.first), hasNextPage: rows.length > key.first };
        });
      },
      { cacheKeyFn: (key) => `${key.projectId}:${key.first}:${key.afterSeq}:${key.assigneeId}` },
    ),
  };
}

function toTaskRow(row: TaskPageRow): TaskRow {
  return {
    id: row.id,
    seq: Number(row.seq),
    projectId: row.project_id,
    title: row.title,
    description: row.description,
    status: row.status,
    dueDate: row.due_date,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export type WorkLoaders = ReturnType<typeof createWorkLoaders>;
