import DataLoader from 'dataloader';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.js';
import type { RequestContext } from '../../common/context.js';
import { isUuid } from '../../common/ids.js';
import { groupBy } from '../../common/loaders.js';
import type { ActivityPageRequest, ActivityPosition } from './pagination.js';

/** The parts of one history visible to the viewer, from their project access. */
export interface ActivityVisibility {
  viewerId: string;
  seesAllTasks: boolean;
  /** False for an external member, because internal comments are hidden from them. */
  includeInternal: boolean;
  seesOthersTime: boolean;
}

/** A project's history (`taskId` null) or one task's. */
export interface ActivityPageKey extends ActivityVisibility, ActivityPageRequest {
  projectId: string;
  taskId: string | null;
}

export type ActivityKind =
  | 'task_created'
  | 'status_changed'
  | 'assigned'
  | 'unassigned'
  | 'due_date_changed'
  | 'commented'
  | 'time_tracked'
  | 'member_added'
  | 'member_removed';

export interface ActivityRow {
  id: string;
  kind: ActivityKind;
  occurredAt: Date;
  position: ActivityPosition;
  projectId: string;
  taskId: string | null;
  actorAccountId: string | null;
  subjectAccountId: string | null;
  commentId: string | null;
  fromValue: string | null;
  toValue: string | null;
}

export interface ActivityPage {
  events: ActivityRow[];
  hasNextPage: boolean;
}

interface Row {
  key_index: number;
  id: string;
  kind: ActivityKind;
  occurred_at: string;
  micros: string;
  project_id: string;
  task_id: string | null;
  actor_account_id: string | null;
  subject_account_id: string | null;
  comment_id: string | null;
  from_value: string | null;
  to_value: string | null;
}

const pageKey = (key: ActivityPageKey) =>
  [key.projectId, key.taskId, key.viewerId, key.seesAllTasks, key.includeInternal, key.seesOthersTime, key.first, key.after?.micros, key.after?.id].join(':');

/** Creates the activity loaders for one request. */
export function createActivityLoaders(context: RequestContext) {
  const { db } = context;

  return {
    /**
     * One page of history per key, newest first. A single statement serves every key of a batch:
     * each key is a row of a VALUES list joined laterally to its page, which merges the task
     * events of this subgraph with the member changes that the sharing subgraph publishes.
     */
    activityPages: new DataLoader<ActivityPageKey, ActivityPage, string>(
      async (keys) => {
        const values = keys
          .map((key, index) =>
            isUuid(key.projectId) && (key.taskId === null || isUuid(key.taskId))
              ? sql`(${index}::int, ${key.projectId}::uuid, ${key.taskId}::uuid, ${key.viewerId}::uuid, ${key.seesAllTasks}::boolean,
                  ${key.includeInternal}::boolean, ${key.seesOthersTime}::boolean, ${key.after?.micros ?? null}::bigint, ${key.after?.id ?? null}::uuid, ${key.first + 1}::int)`
              : null,
          )
          .filter((value) => value !== null);
        if (values.length === 0) return keys.map(() => ({ events: [], hasNextPage: false }));

        const result = await db.execute(sql`
          select k.key_index, page.*, to_json(page.created_at) #>> '{}' as occurred_at,
            ((extract(epoch from page.created_at) * 1000000)::bigint)::text as micros
          from (values ${sql.join(values, sql`, `)})
            as k(key_index, project_id, task_id, viewer_id, sees_all_tasks, include_internal, sees_others_time, after_micros, after_id, page_limit)
          cross join lateral (
            select * from (
              select event.id, event.kind::text as kind, event.created_at, event.project_id, event.task_id, event.actor_account_id,
                event.subject_account_id, event.comment_id, event.from_value, event.to_value
              from work.activity_events event
              where event.project_id = k.project_id
                and (k.task_id is null or event.task_id = k.task_id)
                and (k.sees_all_tasks or event.task_id is null
                  or exists (select 1 from work.task_assignees assignee where assignee.task_id = event.task_id and assignee.account_id = k.viewer_id))
                and (k.include_internal or not event.is_internal)
                and (event.kind <> 'time_tracked' or k.sees_others_time or event.subject_account_id = k.viewer_id)
              union all
              select change.id, case when change.is_removal then 'member_removed' else 'member_added' end, change.created_at, change.project_id,
                null, change.actor_account_id, change.account_id, null, null, null
              from sharing.v_project_member_changes change
              where change.project_id = k.project_id and k.task_id is null
            ) history
            where k.after_micros is null
              or (history.created_at, history.id) < ('epoch'::timestamptz + k.after_micros * interval '1 microsecond', k.after_id)
            order by history.created_at desc, history.id desc
            limit k.page_limit
          ) page
          order by k.key_index, page.created_at desc, page.id desc`);

        const byKey = groupBy(rowsOf<Row>(result), (row) => String(row.key_index));
        return keys.map((key, index) => {
          const rows = (byKey.get(String(index)) ?? []).map(toActivityRow);
          return { events: rows.slice(0, key.first), hasNextPage: rows.length > key.first };
        });
      },
      { cacheKeyFn: pageKey },
    ),
  };
}

function toActivityRow(row: Row): ActivityRow {
  return {
    id: row.id,
    kind: row.kind,
    occurredAt: new Date(row.occurred_at),
    position: { micros: row.micros, id: row.id },
    projectId: row.project_id,
    taskId: row.task_id,
    actorAccountId: row.actor_account_id,
    subjectAccountId: row.subject_account_id,
    commentId: row.comment_id,
    fromValue: row.from_value,
    toValue: row.to_value,
  };
}

export type ActivityLoaders = ReturnType<typeof createActivityLoaders>;
