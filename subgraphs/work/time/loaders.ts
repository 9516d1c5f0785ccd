import DataLoader from 'dataloader';
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.js';
import { workspaceMembershipsView } from '../../../db/identity/contract.js';
import { timeEntries } from '../../../db/work/schema.js';
import type { RequestContext } from '../../common/context.js';
import { isUuid } from '../../common/ids.js';
import { createLoader, groupBy, indexBy } from '../../common/loaders.js';
import type { TaskRow } from '../loaders.js';
import type { EntryPageRequest, EntryPosition } from './pagination.js';

export type TimeEntryRow = typeof timeEntries.$inferSelect;

/** An entry of a page, with the position that its cursor encodes. */
export interface PagedEntry {
  entry: TimeEntryRow;
  position: EntryPosition;
}

export interface EntryPage {
  entries: PagedEntry[];
  hasNextPage: boolean;
}

/** A page of the viewer's own entries, with the facts about them that the same statement read for the rules that check them next. */
export interface ViewerEntryPage extends EntryPage {
  /** Number of entries in the whole list, or null when the key did not request it. */
  total: number | null;
  /** Whether the viewer is assigned to the task of each entry, by task ID. */
  viewerAssignedByTaskId: Map<string, boolean>;
  /** The task of each entry when the key requested them, else empty. */
  tasks: TaskRow[];
}

/** The part of a project's entries that the viewer sees, which `entryFilterOf` in rules.ts derives from the viewer's access. */
export interface EntryFilter {
  /** Only the viewer's own entries, for external members. */
  ownOnly: boolean;
  /** Only entries on tasks the viewer is assigned to, for roles limited to assigned tasks. */
  assignedOnly: boolean;
}

export interface ProjectEntriesKey extends EntryFilter {
  projectId: string;
}

export type ProjectEntryPageKey = ProjectEntriesKey & EntryPageRequest;

/** A date range of the viewer's own entries. A null end leaves the range open on that side. */
export interface AccountEntriesKey {
  from: string | null;
  to: string | null;
}

export type AccountEntryPageKey = AccountEntriesKey &
  EntryPageRequest & {
    /** Whether to count the whole list in the same statement. */
    withTotal: boolean;
    /** Whether to read each entry's task in the same statement. */
    withTasks: boolean;
  };

interface EntryPageRow {
  key_index: number;
  /** Null in the single row of a key whose page is empty, in statements that keep such keys. */
  id: string | null;
  task_id: string;
  project_id: string;
  account_id: string;
  entry_date: string;
  duration_minutes: number | null;
  started_at: string | null;
  note: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  position_created_at: string;
}

interface ViewerEntryPageRow extends EntryPageRow {
  total: number | string | null;
  viewer_assigned: boolean;
  task_seq: string | null;
  task_title: string | null;
  task_description: string | null;
  task_status: TaskRow['status'] | null;
  task_due_date: string | null;
  task_created_by: string | null;
  task_created_at: string | null;
  task_updated_at: string | null;
}

interface CountRow {
  key_index: number;
  total: number | string;
}

const newestFirst = sql`e.entry_date desc, e.created_at desc, e.id desc`;

// JSON renders timestamps in ISO 8601, which both drivers return as the same parseable text.
// The position keeps the microseconds that a JavaScript Date would drop; its fixed-width text
// sorts like the timestamp itself.
const entryColumns = sql`e.id, e.task_id, e.project_id, e.account_id, e.entry_date::text as entry_date, e.duration_minutes, e.note, e.created_by,
  to_json(e.started_at) #>> '{}' as started_at, to_json(e.created_at) #>> '{}' as created_at, to_json(e.updated_at) #>> '{}' as updated_at,
  to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as position_created_at`;

/** Orders the rows of a batched page statement by key, then newest first as each lateral page did. */
const byKeyNewestFirst = sql`k.key_index, t.entry_date desc, t.position_created_at desc, t.id desc`;

/** The keyset condition: entries after `k`'s position in newest-first order. */
const afterPosition = sql`(k.after_id is null or (e.entry_date, e.created_at, e.id) < (k.after_date, k.after_created_at at time zone 'UTC', k.after_id))`;

function positionValues(request: EntryPageRequest): SQL[] {
  const after = request.after;
  return [sql`${after?.entryDate ?? null}::date`, sql`${after?.createdAt ?? null}::timestamp`, sql`${after?.id ?? null}::uuid`, sql`${request.first + 1}::int`];
}

function toEntryRow(row: EntryPageRow): TimeEntryRow {
  return {
    id: row.id!,
    taskId: row.task_id,
    projectId: row.project_id,
    accountId: row.account_id,
    entryDate: row.entry_date,
    durationMinutes: row.duration_minutes,
    startedAt: row.started_at === null ? null : new Date(row.started_at),
    note: row.note,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** Splits the rows of a batched page statement into one page per key. Each key fetched one row more than its page, to learn whether another page follows. */
function pagesOf(result: unknown, keys: readonly EntryPageRequest[]): EntryPage[] {
  const byKey = groupBy(rowsOf<EntryPageRow>(result), (row) => String(row.key_index));
  return keys.map((key, index) => {
    const entries = (byKey.get(String(index)) ?? [])
      .filter((row) => row.id !== null)
      .map((row) => ({
        entry: toEntryRow(row),
        position: { entryDate: row.entry_date, createdAt: row.position_created_at, id: row.id! },
      }));
    return { entries: entries.slice(0, key.first), hasNextPage: entries.length > key.first };
  });
}

/** Adds to each key's page what the statement of `viewerEntryPages` read besides the entries. */
function viewerPagesOf(result: unknown, keys: readonly AccountEntryPageKey[]): ViewerEntryPage[] {
  const byKey = groupBy(rowsOf<ViewerEntryPageRow>(result), (row) => String(row.key_index));
  return pagesOf(result, keys).map((page, index) => {
    const rows = (byKey.get(String(index)) ?? []).filter((row) => row.id !== null).slice(0, keys[index]!.first);
    const total = byKey.get(String(index))?.[0]?.total ?? null;
    return {
      ...page,
      total: keys[index]!.withTotal ? Number(total ?? 0) : null,
      viewerAssignedByTaskId: new Map(rows.map((row) => [row.task_id, row.viewer_assigned])),
      tasks: keys[index]!.withTasks ? rows.map(toEntryTaskRow) : [],
    };
  });
}

function toEntryTaskRow(row: ViewerEntryPageRow): TaskRow {
  return {
    id: row.task_id,
    seq: Number(row.task_seq),
    projectId: row.project_id,
    title: row.task_title!,
    description: row.task_description!,
    status: row.task_status!,
    dueDate: row.task_due_date,
    createdBy: row.task_created_by!,
    createdAt: new Date(row.task_created_at!),
    updatedAt: new Date(row.task_updated_at!),
  };
}

function countsOf(result: unknown, keyCount: number): number[] {
  const byKey = new Map(rowsOf<CountRow>(result).map((row) => [Number(row.key_index), Number(row.total)]));
  return Array.from({ length: keyCount }, (_, index) => byKey.get(index) ?? 0);
}

const filterKey = (key: ProjectEntriesKey) => `${key.projectId}:${key.ownOnly}:${key.assignedOnly}`;
const positionKey = (request: EntryPageRequest) => `${request.first}:${request.after ? `${request.after.entryDate}/${request.after.createdAt}/${request.after.id}` : '-'}`;
const rangeKey = (key: AccountEntriesKey) => `${key.from ?? '-'}:${key.to ?? '-'}`;

/** Creates the time tracking loaders for one request. */
export function createTimeLoaders(context: RequestContext) {
  const { db } = context;
  // Read per batch, not once here, because the context's viewer may change during a request.
  const viewerIdOf = () => context.viewer?.accountId ?? null;

  /**
   * The condition that an entry `e` of project `k.project_id` passes `k`'s EntryFilter. `k` carries
   * the filter as the columns own_only and assigned_only.
   */
  const projectFilter = (viewer: string) => sql`e.project_id = k.project_id
    and (not k.own_only or e.account_id = ${viewer}::uuid)
    and (not k.assigned_only or exists (select 1 from work.task_assignees a where a.task_id = e.task_id and a.account_id = ${viewer}::uuid))`;

  /**
   * The viewer's own entries in projects they may still see, the same rule as `canSeeEntry`
   * in rules.ts: the viewer is a member of the project or an admin of its host workspace, and
   * sees the task, because their role shows every task or they are assigned to it.
   */
  const ownVisibleEntries = (viewer: string) => sql`work.time_entries e
    join sharing.v_projects p on p.id = e.project_id
    left join sharing.v_project_memberships m on m.project_id = e.project_id and m.account_id = e.account_id
    left join identity.v_workspace_memberships w on w.workspace_id = p.workspace_id and w.account_id = e.account_id and w.role = 'admin'
    where e.account_id = ${viewer}::uuid
      and (k.date_from is null or e.entry_date >= k.date_from)
      and (k.date_to is null or e.entry_date <= k.date_to)
      and (w.account_id is not null or (m.account_id is not null and (m.sees_all_tasks
        or exists (select 1 from work.task_assignees a where a.task_id = e.task_id and a.account_id = e.account_id))))`;

  return {
    /** The viewer's role in each workspace, or null where they are not a member. */
    viewerWorkspaceRoleById: createLoader<string | null>(async (ids) => {
      const viewerId = viewerIdOf();
      if (!viewerId) return new Map();
      const rows = await db
        .select({ workspaceId: workspaceMembershipsView.workspaceId, role: workspaceMembershipsView.role })
        .from(workspaceMembershipsView)
        .where(and(eq(workspaceMembershipsView.accountId, viewerId), inArray(workspaceMembershipsView.workspaceId, ids)));
      return new Map(rows.map((row) => [row.workspaceId, row.role]));
    }, null),

    timeEntriesById: createLoader<TimeEntryRow | null>(async (ids) => {
      const rows = await db.select().from(timeEntries).where(inArray(timeEntries.id, ids));
      return indexBy(rows, (row) => row.id);
    }, null),

    /** Every entry of each task, newest first. Resolvers filter them for the viewer. */
    timeEntriesByTaskId: createLoader<TimeEntryRow[]>(async (ids) => {
      const rows = await db
        .select()
        .from(timeEntries)
        .where(inArray(timeEntries.taskId, ids))
        .orderBy(desc(timeEntries.entryDate), desc(timeEntries.createdAt), desc(timeEntries.id));
      return groupBy(rows, (row) => row.taskId);
    }, []),

    /**
     * One page of a project's entries per key, in one statement for the whole batch: each key
     * becomes a row of a VALUES list joined laterally to its page, like the task pages.
     */
    projectEntryPages: new DataLoader<ProjectEntryPageKey, EntryPage, string>(
      async (keys) => {
        const viewerId = viewerIdOf();
        if (!viewerId || !keys.every((key) => isUuid(key.projectId))) return keys.map(() => ({ entries: [], hasNextPage: false }));
        const values = keys.map(
          (key, index) => sql`(${index}::int, ${key.projectId}::uuid, ${key.ownOnly}::boolean, ${key.assignedOnly}::boolean, ${sql.join(positionValues(key), sql`, `)})`,
        );
        const result = await db.execute(sql`
          select k.key_index, t.*
          from (values ${sql.join(values, sql`, `)}) as k(key_index, project_id, own_only, assigned_only, after_date, after_created_at, after_id, page_limit)
          cross join lateral (
            select ${entryColumns} from work.time_entries e
            where ${projectFilter(viewerId)} and ${afterPosition}
            order by ${newestFirst}
            limit k.page_limit
          ) t
          order by ${byKeyNewestFirst}`);
        return pagesOf(result, keys);
      },
      { cacheKeyFn: (key) => `${filterKey(key)}:${positionKey(key)}` },
    ),

    projectEntryCounts: new DataLoader<ProjectEntriesKey, number, string>(
      async (keys) => {
        const viewerId = viewerIdOf();
        if (!viewerId || !keys.every((key) => isUuid(key.projectId))) return keys.map(() => 0);
        const values = keys.map((key, index) => sql`(${index}::int, ${key.projectId}::uuid, ${key.ownOnly}::boolean, ${key.assignedOnly}::boolean)`);
        const result = await db.execute(sql`
          select k.key_index, count(e.id)::int as total
          from (values ${sql.join(values, sql`, `)}) as k(key_index, project_id, own_only, assigned_only)
          left join work.time_entries e on ${projectFilter(viewerId)}
          group by k.key_index`);
        return countsOf(result, keys.length);
      },
      { cacheKeyFn: filterKey },
    ),

    /**
     * Pages of the viewer's own entries across every project they may see, one statement per
     * batch. The same statement counts the whole list for a key that requests it (as
     * `viewerEntryCounts` would), reads whether the viewer is assigned to each entry's task, and
     * reads each entry's task for a key that requests them. The rules of the entries and their
     * tasks then need no statements of their own.
     */
    viewerEntryPages: new DataLoader<AccountEntryPageKey, ViewerEntryPage, string>(
      async (keys) => {
        const viewerId = viewerIdOf();
        if (!viewerId) return keys.map((key) => ({ entries: [], hasNextPage: false, total: key.withTotal ? 0 : null, viewerAssignedByTaskId: new Map(), tasks: [] }));
        const values = keys.map(
          (key, index) =>
            sql`(${index}::int, ${key.from}::date, ${key.to}::date, ${sql.join(positionValues(key), sql`, `)}, ${key.withTotal}::boolean, ${key.withTasks}::boolean)`,
        );
        const result = await db.execute(sql`
          select k.key_index,
            -- The subquery under CASE runs only for the keys that request the total.
            case when k.with_total then (select count(*)::int from ${ownVisibleEntries(viewerId)}) end as total,
            t.*,
            task.seq::text as task_seq, task.title as task_title, task.description as task_description, task.status as task_status,
            task.due_date::text as task_due_date, task.created_by as task_created_by,
            to_json(task.created_at) #>> '{}' as task_created_at, to_json(task.updated_at) #>> '{}' as task_updated_at
          from (values ${sql.join(values, sql`, `)}) as k(key_index, date_from, date_to, after_date, after_created_at, after_id, page_limit, with_total, with_tasks)
          left join lateral (
            select ${entryColumns},
              exists (select 1 from work.task_assignees a where a.task_id = e.task_id and a.account_id = ${viewerId}::uuid) as viewer_assigned
            from ${ownVisibleEntries(viewerId)} and ${afterPosition}
            order by ${newestFirst}
            limit k.page_limit
          ) t on true
          left join work.tasks task on k.with_tasks and task.id = t.task_id
          order by ${byKeyNewestFirst}`);
        return viewerPagesOf(result, keys);
      },
      { cacheKeyFn: (key) => `${rangeKey(key)}:${positionKey(key)}:${key.withTotal}:${key.withTasks}` },
    ),

    viewerEntryCounts: new DataLoader<AccountEntriesKey, number, string>(
      async (keys) => {
        const viewerId = viewerIdOf();
        if (!viewerId) return keys.map(() => 0);
        const values = keys.map((key, index) => sql`(${index}::int, ${key.from}::date, ${key.to}::date)`);
        const result = await db.execute(sql`
          select k.key_index, t.total
          from (values ${sql.join(values, sql`, `)}) as k(key_index, date_from, date_to)
          cross join lateral (select count(*)::int as total from ${ownVisibleEntries(viewerId)}) t`);
        return countsOf(result, keys.length);
      },
      { cacheKeyFn: rangeKey },
    ),
  };
}

export type TimeLoaders = ReturnType<typeof createTimeLoaders>;
