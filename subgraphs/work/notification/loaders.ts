import DataLoader from 'dataloader';
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.js';
import { notifications, notificationSettings } from '../../../db/work/schema.js';
import type { RequestContext } from '../../common/context.js';
import type { SeqPageRequest } from '../../common/seq-cursor.js';
import { memberSince } from '../membership.js';
import { defaultDelivery, notificationKinds, type Delivery, type NotificationKind } from './settings.js';
import { eq } from 'drizzle-orm';

export type NotificationRow = typeof notifications.$inferSelect;

export interface NotificationPageKey extends SeqPageRequest {
  recipientId: string;
  unreadOnly: boolean;
}

export interface NotificationPage {
  notifications: NotificationRow[];
  hasNextPage: boolean;
}

/**
 * A condition on the notification aliased `notification`: its recipient is still a member of
 * its project since before it was sent, and may see its task.
 */
export const stillVisible: SQL = sql`${memberSince(sql`notification.project_id`, sql`notification.recipient_account_id`, sql`notification.created_at`)}
  and (notification.task_id is null
    or exists (select 1 from sharing.v_project_memberships membership
      where membership.project_id = notification.project_id and membership.account_id = notification.recipient_account_id and membership.sees_all_tasks)
    or exists (select 1 from work.task_assignees assignee
      where assignee.task_id = notification.task_id and assignee.account_id = notification.recipient_account_id))`;

interface Row {
  id: string;
  seq: string;
  recipient_account_id: string;
  kind: NotificationKind;
  project_id: string;
  task_id: string | null;
  comment_id: string | null;
  actor_account_id: string;
  status: NotificationRow['status'];
  read_at: string | null;
  created_at: string;
}

export function toNotificationRow(row: Row): NotificationRow {
  return {
    id: row.id,
    seq: Number(row.seq),
    recipientAccountId: row.recipient_account_id,
    kind: row.kind,
    projectId: row.project_id,
    taskId: row.task_id,
    commentId: row.comment_id,
    actorAccountId: row.actor_account_id,
    status: row.status,
    readAt: row.read_at === null ? null : new Date(row.read_at),
    createdAt: new Date(row.created_at),
  };
}

/** The columns of a notification, for `toNotificationRow`. */
export const notificationColumns = sql.raw(`notification.id, notification.seq::text as seq, notification.recipient_account_id, notification.kind,
  notification.project_id, notification.task_id, notification.comment_id, notification.actor_account_id, notification.status,
  to_json(notification.read_at) #>> '{}' as read_at, to_json(notification.created_at) #>> '{}' as created_at`);

/** Creates the notification loaders for one request. Every key is the viewer's own. */
export function createNotificationLoaders(context: RequestContext) {
  const { db } = context;

  return {
    notificationPages: new DataLoader<NotificationPageKey, NotificationPage, string>(
      async (keys) =>
        Promise.all(
          keys.map(async (key) => {
            const result = await db.execute(sql`
              select ${notificationColumns} from work.notifications notification
              where notification.recipient_account_id = ${key.recipientId}
                and (${key.afterSeq}::bigint is null or notification.seq < ${key.afterSeq}::bigint)
                and (not ${key.unreadOnly}::boolean or notification.read_at is null)
                and ${stillVisible}
              order by notification.seq desc
              limit ${key.first + 1}`);
            const rows = rowsOf<Row>(result).map(toNotificationRow);
            return { notifications: rows.slice(0, key.first), hasNextPage: rows.length > key.first };
          }),
        ),
      { cacheKeyFn: (key) => `${key.recipientId}:${key.unreadOnly}:${key.first}:${key.afterSeq}` },
    ),

    unreadCountByRecipient: new DataLoader<string, number>(async (ids) =>
      Promise.all(
        ids.map(async (id) => {
          const result = await db.execute(sql`
            select count(*)::int as total from work.notifications notification
            where notification.recipient_account_id = ${id} and notification.read_at is null and ${stillVisible}`);
          return Number(rowsOf<{ total: number }>(result)[0]?.total ?? 0);
        }),
      ),
    ),

    /** Each kind's delivery for the viewer, their own choice or the default. */
    notificationSettingsByAccount: new DataLoader<string, Array<Delivery & { kind: NotificationKind }>>(async (ids) =>
      Promise.all(
        ids.map(async (id) => {
          const rows = await db.select().from(notificationSettings).where(eq(notificationSettings.accountId, id));
          const chosen = new Map(rows.map((row) => [row.kind, row]));
          return notificationKinds.map((kind) => {
            const delivery = chosen.get(kind) ?? defaultDelivery[kind];
            return { kind, inApp: delivery.inApp, email: delivery.email };
          });
        }),
      ),
    ),
  };
}

export type NotificationLoaders = ReturnType<typeof createNotificationLoaders>;
