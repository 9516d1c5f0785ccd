import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../../../db/client.js';
import { notificationSettings } from '../../../db/work/schema.js';
import { userError, type UserError } from '../../common/errors.js';
import { parseId } from '../../common/ids.js';
import { notificationColumns, stillVisible, toNotificationRow, type NotificationRow } from './loaders.js';
import type { NotificationKind } from './settings.js';

/** Most notifications one `markNotificationsRead` call takes. */
export const maxMarkedAtOnce = 100;

type NotificationResultRow = Parameters<typeof toNotificationRow>[0];

/**
 * Marks the viewer's notifications read, keeping the first read time of those already read.
 * Every ID must name a notification in the viewer's list; otherwise nothing changes.
 */
export async function markRead(db: Database, viewerId: string, rawIds: unknown[]): Promise<{ notifications: NotificationRow[]; userErrors: UserError[] }> {
  if (rawIds.length === 0 || rawIds.length > maxMarkedAtOnce) {
    const problem = userError('INVALID_INPUT', ['input', 'notificationIds'], `Name 1 to ${maxMarkedAtOnce} notifications; you named ${rawIds.length}.`);
    return { notifications: [], userErrors: [problem] };
  }
  const ids = rawIds.map((id, index) => parseId(id, `input.notificationIds[${index}]`).toLowerCase());
  const list = sql.join(
    [...new Set(ids)].map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const owned = sql`notification.id in (${list}) and notification.recipient_account_id = ${viewerId} and ${stillVisible}`;

  const found = new Set(rowsOf<{ id: string }>(await db.execute(sql`select notification.id from work.notifications notification where ${owned}`)).map((row) => row.id));
  const missing = ids.flatMap((id, index) =>
    found.has(id)
      ? []
      : [userError('NOTIFICATION_NOT_FOUND', ['input', 'notificationIds', String(index)], `No notification "${id}" exists in your notifications; take IDs from the notifications list.`)],
  );
  if (missing.length > 0) return { notifications: [], userErrors: missing };

  const result = await db.execute(sql`
    update work.notifications notification set read_at = coalesce(notification.read_at, now())
    where ${owned}
    returning ${notificationColumns}`);
  const byId = new Map(rowsOf<NotificationResultRow>(result).map((row) => [row.id, toNotificationRow(row)]));
  return { notifications: ids.flatMap((id) => byId.get(id) ?? []), userErrors: [] };
}

/** Marks every unread notification of the viewer read; returns how many it marked. */
export async function markAllRead(db: Database, viewerId: string): Promise<number> {
  const result = await db.execute(sql`
    update work.notifications notification set read_at = now()
    where notification.recipient_account_id = ${viewerId} and notification.read_at is null and ${stillVisible}
    returning notification.id`);
  return rowsOf(result).length;
}

export interface SettingInput {
  kind: NotificationKind;
  inApp: boolean;
  email: boolean;
}

/** Stores the viewer's delivery choice for each kind named; a kind named twice is a user error. */
export async function updateSettings(db: Database, viewerId: string, settings: SettingInput[]): Promise<UserError[]> {
  const seen = new Set<NotificationKind>();
  const problems: UserError[] = [];
  settings.forEach((setting, index) => {
    if (seen.has(setting.kind)) {
      problems.push(userError('INVALID_INPUT', ['input', 'settings', String(index), 'kind'], `The kind ${setting.kind.toUpperCase()} is named twice; name each kind at most once.`));
    }
    seen.add(setting.kind);
  });
  if (problems.length > 0 || settings.length === 0) return problems;

  await db
    .insert(notificationSettings)
    .values(settings.map((setting) => ({ accountId: viewerId, kind: setting.kind, inApp: setting.inApp, email: setting.email })))
    .onConflictDoUpdate({
      target: [notificationSettings.accountId, notificationSettings.kind],
      set: { inApp: sql`excluded.in_app`, email: sql`excluded.email`, updatedAt: sql`now()` },
    });
  return [];
}
