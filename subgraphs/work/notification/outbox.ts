import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { notificationMailOutbox } from '../../../db/work/schema.js';
import type { Logger } from '../../common/logger.js';
import { startMailWorker, type MailSettings, type MailWorker, type Outbox } from '../../common/mail/index.js';
import { memberSince } from '../membership.js';

/** The work subgraph's outbox of notification e-mails; an e-mail to someone who left the project is never sent. */
export const notificationOutbox: Outbox = {
  table: notificationMailOutbox,
  sendable: memberSince(sql`pending.project_id`, sql`pending.recipient_account_id`, sql`pending.created_at`),
};

/**
 * Builds a condition on the row aliased `alias`: its `account` left the row's project, or left
 * and came back, after the row was written. With `since`, it also requires a removal since then.
 */
function endedFor(alias: string, account: string, since: Date | null) {
  const row = sql.raw(alias);
  const accountColumn = sql.raw(`${alias}.${account}`);
  const removedSince = since
    ? sql`exists (select 1 from sharing.v_project_member_changes change
        where change.is_removal and change.created_at >= ${since.toISOString()}::timestamptz
          and change.project_id = ${row}.project_id and change.account_id = ${accountColumn})`
    : sql`true`;
  return sql`${removedSince} and not ${memberSince(sql`${row}.project_id`, accountColumn, sql`${row}.created_at`)}`;
}

/**
 * Deletes what a removal from a project ended: the person's follows, notifications and unsent
 * notification e-mails of that project. Lists and the mail worker already pass these over; this
 * drops the rows. With `since`, only people removed from a project since then are looked at.
 */
export async function dropEndedMemberships(db: Database, since: Date | null): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`delete from work.task_follows follow where ${endedFor('follow', 'account_id', since)}`);
    await tx.execute(sql`delete from work.notifications notification where ${endedFor('notification', 'recipient_account_id', since)}`);
    await tx.execute(sql`delete from work.mail_outbox pending where pending.sent_at is null and ${endedFor('pending', 'recipient_account_id', since)}`);
  });
}

/** How often the worker looks for ended memberships, in milliseconds. */
const sweepIntervalMs = 30_000;

/**
 * Starts the worker that delivers notification e-mails and, every 30 seconds, drops what removals
 * from projects ended. Its first sweep looks at every row; later ones at recent removals only.
 */
export function startNotificationWorker(options: { db: Database; settings: MailSettings; log: Logger; pollIntervalMs?: number }): MailWorker {
  let lastSweep: { at: number; since: Date | null } = { at: 0, since: null };
  return startMailWorker({
    ...options,
    outbox: notificationOutbox,
    async beforeDrain() {
      if (Date.now() - lastSweep.at < sweepIntervalMs) return;
      // Removals committed while a sweep runs may carry an earlier time, so each sweep looks back a minute.
      const startedAt = new Date();
      await dropEndedMemberships(options.db, lastSweep.since);
      lastSweep = { at: Date.now(), since: new Date(startedAt.getTime() - 60_000) };
    },
  });
}
