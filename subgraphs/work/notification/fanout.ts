import { sql } from 'drizzle-orm';
import { rowsOf, type Transaction } from '../../../db/client.js';
import { notificationMailOutbox, notifications } from '../../../db/work/schema.js';
import { readPublicAppUrl } from '../../common/config.js';
import { checkOutgoingEmail } from '../../common/mail/index.js';
import { memberSince } from '../membership.js';
import type { TaskStatus } from '../task/service.js';
import { notificationEmail } from './email.js';
import { defaultDelivery, type NotificationKind } from './settings.js';

interface TaskFacts {
  id: string;
  projectId: string;
  title: string;
}

/** A change that may notify people, as the mutation that made it describes it. */
export type Change =
  | { kind: 'assigned'; actorId: string; task: TaskFacts; assigneeId: string }
  | { kind: 'status_changed'; actorId: string; task: TaskFacts; status: TaskStatus }
  | {
      kind: 'commented';
      actorId: string;
      projectId: string;
      task: TaskFacts | null;
      comment: { id: string; body: string; isInternal: boolean };
      mentionedIds: string[];
    };

interface Recipient {
  account_id: string;
  kind: NotificationKind;
  email: string;
  in_app: boolean;
  send_email: boolean;
}

/** Lists the people concerned with a task: its assignees, and its followers whose follow is still valid. */
async function assigneesAndFollowers(tx: Transaction, taskId: string): Promise<string[]> {
  const result = await tx.execute(sql`
    select account_id from work.task_assignees where task_id = ${taskId}
    union
    select account_id from work.task_follows follow
    where follow.task_id = ${taskId} and ${memberSince(sql`follow.project_id`, sql`follow.account_id`, sql`follow.created_at`)}`);
  return rowsOf<{ account_id: string }>(result).map((row) => row.account_id);
}

/** Maps each candidate recipient to the notification kind, before membership, visibility and settings are checked. */
async function candidates(tx: Transaction, change: Change): Promise<Map<string, NotificationKind>> {
  const kinds = new Map<string, NotificationKind>();
  if (change.kind === 'assigned') {
    kinds.set(change.assigneeId, 'assigned');
  } else if (change.kind === 'status_changed') {
    for (const id of await assigneesAndFollowers(tx, change.task.id)) kinds.set(id, 'status_changed');
  } else {
    if (change.task) for (const id of await assigneesAndFollowers(tx, change.task.id)) kinds.set(id, 'commented');
    // A mention outweighs a comment: one notification per person and change.
    for (const id of change.mentionedIds) kinds.set(id, 'mentioned');
  }
  kinds.delete(change.actorId);
  return kinds;
}

/**
 * Notifies the people concerned with a change, inside the transaction that makes it, so a
 * rolled-back change sends no notification. A recipient must be a current member of the project
 * who may see the task, and not an external member when the comment is internal. Each recipient
 * gets the in-app notification and the e-mail that their settings select.
 */
export async function notify(tx: Transaction, change: Change): Promise<void> {
  const kinds = await candidates(tx, change);
  if (kinds.size === 0) return;

  const task = change.task;
  const projectId = task ? task.projectId : (change as { projectId: string }).projectId;
  const internalOnly = change.kind === 'commented' && change.comment.isInternal;
  const candidateRows = sql.join(
    [...kinds].map(([accountId, kind]) => sql`(${accountId}::uuid, ${kind}::work.notification_kind)`),
    sql`, `,
  );
  const result = await tx.execute(sql`
    select candidate.account_id, candidate.kind, account.email,
      coalesce(setting.in_app, ${sql.raw(caseDefault('in_app'))}) as in_app,
      coalesce(setting.email, ${sql.raw(caseDefault('email'))}) as send_email
    from (values ${candidateRows}) as candidate(account_id, kind)
    join sharing.v_project_memberships membership on membership.project_id = ${projectId} and membership.account_id = candidate.account_id
    join identity.v_accounts account on account.id = candidate.account_id
    left join work.notification_settings setting on setting.account_id = candidate.account_id and setting.kind = candidate.kind
    where (${task === null}::boolean or membership.sees_all_tasks
        or exists (select 1 from work.task_assignees assignee where assignee.task_id = ${task?.id ?? null}::uuid and assignee.account_id = candidate.account_id))
      and not (${internalOnly}::boolean and membership.is_external)`);
  const recipients = rowsOf<Recipient>(result);

  const commentId = change.kind === 'commented' ? change.comment.id : null;
  const status = change.kind === 'status_changed' ? change.status : null;
  const inApp = recipients.filter((recipient) => recipient.in_app);
  if (inApp.length > 0) {
    await tx.insert(notifications).values(
      inApp.map((recipient) => ({
        recipientAccountId: recipient.account_id,
        kind: recipient.kind,
        projectId,
        taskId: task?.id ?? null,
        commentId,
        actorAccountId: change.actorId,
        status,
      })),
    );
  }

  const byEmail = recipients.filter((recipient) => recipient.send_email);
  if (byEmail.length === 0) return;
  const names = await tx.execute(sql`
    select (select name from identity.v_accounts where id = ${change.actorId}) as actor_name,
      (select name from sharing.v_projects where id = ${projectId}) as project_name`);
  const [facts] = rowsOf<{ actor_name: string | null; project_name: string | null }>(names);
  const emails = byEmail.map((recipient) => {
    const email = notificationEmail({
      to: recipient.email,
      kind: recipient.kind,
      actorName: facts?.actor_name ?? 'Someone',
      projectName: facts?.project_name ?? 'a project',
      task: task ? { id: task.id, title: task.title } : null,
      status,
      commentBody: change.kind === 'commented' ? change.comment.body : null,
      appUrl: readPublicAppUrl(),
    });
    checkOutgoingEmail(email);
    return { recipient: email.to, subject: email.subject, textBody: email.text, projectId, recipientAccountId: recipient.account_id };
  });
  await tx.insert(notificationMailOutbox).values(emails);
}

/** Builds the SQL default of one delivery column for `candidate.kind` from `defaultDelivery`. */
function caseDefault(column: 'in_app' | 'email'): string {
  const arms = Object.entries(defaultDelivery).map(([kind, delivery]) => `when '${kind}' then ${column === 'in_app' ? delivery.inApp : delivery.email}`);
  return `(case candidate.kind::text ${arms.join(' ')} end)`;
}
