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
  /** Whether the same statement also counts the whole list, under the same assignee limit. */
  withTotal: boolean;
  /** Whether the same statement also reads the assignees of the page's tasks. */
  withAssignees: boolean;
}

export interface TaskPage {
  tasks: TaskRow[];
  hasNextPage: boolean;
  /** Number of tasks in the whole list, or null when the key did not request it. */
  total: number | null;
  /** The assignees of each task of the page, by task ID, when the key requested them. */
  assignees: Map<string, AssigneeRow[]> | null;
}

interface TaskPageRow {
  key_index: number;
  total: number | string | null;
  /** Null in the single row of a key whose page is empty. */
  id: string | null;
  /** The task's assignees as JSON, in the order of `assigneesByTaskId`, or null when the key did not request them. */
  assignees: AssigneeJson[] | string | null;
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

interface AssigneeJson {
  task_id: string;
  account_id: string;
  assigned_by: string;
  created_at: string;
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
     * which the (project_id, seq) index serves. A key that requests the total also gets the
     * count of its whole list from the same statement, under the same assignee limit. Without
     * it, the counting loaders below would read the total with a statement of their own.
     */
    taskPages: new DataLoader<TaskPageKey, TaskPage, string>(
      async (keys) => {
        const valid = keys.map((key) => isUuid(key.projectId));
        const values = keys
          .map((key, index) =>
            valid[index]
              ? sql`(${index}::int, ${key.projectId}::uuid, ${key.afterSeq}::bigint, ${key.first + 1}::int, ${key.assigneeId}::uuid, ${key.withTotal}::boolean, ${key.withAssignees}::boolean)`
              : null,
          )
          .filter((value) => value !== null);
        const empty = (key: TaskPageKey): TaskPage => ({ tasks: [], hasNextPage: false, total: key.withTotal ? 0 : null, assignees: key.withAssignees ? new Map() : null });
        if (values.length === 0) return keys.map(empty);

        const result = await db.execute(sql`
          select k.key_index,
            -- The subquery under CASE runs only for the keys that request the total.
            case when k.with_total then (
              select count(*)::int from work.tasks counted
              where counted.project_id = k.project_id
                and (k.assignee_id is null or exists (
                  select 1 from work.task_assignees a where a.task_id = counted.id and a.account_id = k.assignee_id))
            ) end as total,
            t.id, t.seq::text as seq, t.project_id, t.title, t.description, t.status, t.due_date::text as due_date, t.created_by,
            -- JSON renders timestamps in ISO 8601, which both drivers return as the same parseable text.
            to_json(t.created_at) #>> '{}' as created_at, to_json(t.updated_at) #>> '{}' as updated_at,
            case when k.with_assignees and t.id is not null then (
              select coalesce(json_agg(json_build_object('task_id', a.task_id, 'account_id', a.account_id, 'assigned_by', a.assigned_by, 'created_at', a.created_at)
                order by a.created_at, a.account_id), '[]'::json)
              from work.task_assignees a where a.task_id = t.id
            ) end as assignees
          from (values ${sql.join(values, sql`, `)}) as k(key_index, project_id, after_seq, page_limit, assignee_id, with_total, with_assignees)
          left join lateral (
            select * from work.tasks
            where tasks.project_id = k.project_id and tasks.seq > k.after_seq
              and (k.assignee_id is null or exists (
                select 1 from work.task_assignees a where a.task_id = tasks.id and a.account_id = k.assignee_id))
            order by tasks.seq
            limit k.page_limit
          ) t on true
          order by k.key_index, t.seq`);

        const byKey = groupBy(rowsOf<TaskPageRow>(result), (row) => String(row.key_index));
        return keys.map((key, index) => {
          const keyRows = byKey.get(String(index)) ?? [];
          if (keyRows.length === 0) return empty(key);
          const pageRows = keyRows.filter((row) => row.id !== null);
          const rows = pageRows.map(toTaskRow);
          const total = keyRows[0]!.total;
          const assignees = key.withAssignees ? new Map(pageRows.slice(0, key.first).map((row) => [row.id!, toAssigneeRows(row.assignees)])) : null;
          return { tasks: rows.slice(0, key.first), hasNextPage: rows.length > key.first, total: total === null ? null : Number(total), assignees };
        });
      },
      { cacheKeyFn: (key) => `${key.projectId}:${key.first}:${key.afterSeq}:${key.assigneeId}:${key.withTotal}:${key.withAssignees}` },
    ),
  };
}

/** Converts the JSON list of a task's assignees that PostgreSQL built into rows like those of `assigneesByTaskId`. */
function toAssigneeRows(value: AssigneeJson[] | string | null): AssigneeRow[] {
  const list: AssigneeJson[] = typeof value === 'string' ? (JSON.parse(value) as AssigneeJson[]) : (value ?? []);
  return list.map((item) => ({ taskId: item.task_id, accountId: item.account_id, assignedBy: item.assigned_by, createdAt: new Date(item.created_at) }));
}

function toTaskRow(row: TaskPageRow): TaskRow {
  return {
    id: row.id!,
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
