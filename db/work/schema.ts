import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, pgSchema, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Tables of the work subgraph. Project and account ids point into other subgraphs'
 * schemas; they carry no foreign key because each subgraph owns its schema alone.
 */
export const work = pgSchema('work');

export const taskStatus = work.enum('task_status', ['todo', 'in_progress', 'done', 'cancelled']);

export const tasks = work.table(
  'tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Creation order, exact where timestamps may tie; task lists page by it.
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull().unique(),
    projectId: uuid('project_id').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    status: taskStatus('status').notNull().default('todo'),
    dueDate: date('due_date'),
    createdBy: uuid('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // Serves the project's task list in its stable creation order.
    index('tasks_project_id_seq_idx').on(table.projectId, table.seq),
    check('tasks_title_not_blank', sql`btrim(${table.title}) <> ''`),
  ],
);

export const taskAssignees = work.table(
  'task_assignees',
  {
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id').notNull(),
    assignedBy: uuid('assigned_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.taskId, table.accountId] }),
    index('task_assignees_account_id_idx').on(table.accountId),
  ],
);

/**
 * Time tracked on a task. An entry belongs to the host workspace of the task's project, also
 * when an external member tracked it. A running timer has `started_at` and no duration yet.
 */
export const timeEntries = work.table(
  'time_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id').notNull(),
    // The person whose time this is, who may differ from the one who recorded it.
    accountId: uuid('account_id').notNull(),
    entryDate: date('entry_date').notNull(),
    durationMinutes: integer('duration_minutes'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    note: text('note').notNull().default(''),
    createdBy: uuid('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('time_entries_project_id_idx').on(table.projectId, table.entryDate),
    index('time_entries_account_id_idx').on(table.accountId, table.entryDate),
    index('time_entries_task_id_idx').on(table.taskId),
    // One running timer per person.
    uniqueIndex('time_entries_one_running_idx').on(table.accountId).where(sql`${table.durationMinutes} is null`),
    check('time_entries_duration_range', sql`${table.durationMinutes} is null or ${table.durationMinutes} between 1 and 1440`),
    check('time_entries_running_has_start', sql`${table.durationMinutes} is not null or ${table.startedAt} is not null`),
  ],
);

/**
 * A task that belongs to one account alone, in the workspace that was its current one when it
 * created the task. Nobody else sees it unless the owner shares it (private_task_shares).
 */
export const privateTasks = work.table(
  'private_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Creation order, exact where timestamps may tie; the list pages by it, newest first.
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull().unique(),
    ownerAccountId: uuid('owner_account_id').notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    status: taskStatus('status').notNull().default('todo'),
    dueDate: date('due_date'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('private_tasks_owner_seq_idx').on(table.ownerAccountId, table.seq),
    check('private_tasks_title_not_blank', sql`btrim(${table.title}) <> ''`),
  ],
);

/** Members of the private task's workspace with whom its owner shared it, to read. */
export const privateTaskShares = work.table(
  'private_task_shares',
  {
    privateTaskId: uuid('private_task_id')
      .notNull()
      .references(() => privateTasks.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id').notNull(),
    sharedBy: uuid('shared_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.privateTaskId, table.accountId] }), index('private_task_shares_account_id_idx').on(table.accountId)],
);

/**
 * A slot in one account's personal calendar for a project task or a private task. It changes
 * neither the task nor anyone else's calendar.
 */
export const calendarEntries = work.table(
  'calendar_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id').notNull(),
    taskId: uuid('task_id').references(() => tasks.id, { onDelete: 'cascade' }),
    privateTaskId: uuid('private_task_id').references(() => privateTasks.id, { onDelete: 'cascade' }),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // Serves an account's calendar for a range: entries start at most 14 days before it.
    index('calendar_entries_account_starts_idx').on(table.accountId, table.startsAt),
    index('calendar_entries_task_id_idx').on(table.taskId),
    index('calendar_entries_private_task_id_idx').on(table.privateTaskId),
    check('calendar_entries_one_target', sql`num_nonnulls(${table.taskId}, ${table.privateTaskId}) = 1`),
    check('calendar_entries_end_after_start', sql`${table.endsAt} > ${table.startsAt}`),
    check('calendar_entries_at_most_14_days', sql`${table.endsAt} - ${table.startsAt} <= interval '14 days'`),
  ],
);

/**
 * A comment on a project, or on one of its tasks when `task_id` is set. An internal comment is
 * for members of the host side only: external members never see it.
 */
export const comments = work.table(
  'comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Creation order, exact where timestamps may tie; comment lists page by it, oldest first.
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull().unique(),
    projectId: uuid('project_id').notNull(),
    taskId: uuid('task_id').references(() => tasks.id, { onDelete: 'cascade' }),
    authorAccountId: uuid('author_account_id').notNull(),
    body: text('body').notNull(),
    isInternal: boolean('is_internal').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // Serves a project's own comments and a task's comments, both in creation order.
    index('comments_project_id_seq_idx').on(table.projectId, table.seq).where(sql`${table.taskId} is null`),
    index('comments_task_id_seq_idx').on(table.taskId, table.seq),
    check('comments_body_not_blank', sql`btrim(${table.body}) <> ''`),
  ],
);

/** The project members that a comment mentions. */
export const commentMentions = work.table(
  'comment_mentions',
  {
    commentId: uuid('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id').notNull(),
  },
  (table) => [primaryKey({ columns: [table.commentId, table.accountId] }), index('comment_mentions_account_id_idx').on(table.accountId)],
);

/** Kinds of change that an activity event records about a project or one of its tasks. */
export const activityKind = work.enum('activity_kind', [
  'task_created',
  'status_changed',
  'assigned',
  'unassigned',
  'due_date_changed',
  'commented',
  'time_tracked',
]);

/**
 * The history of a project's tasks, written in the same transaction as each change. Member
 * changes come from the sharing subgraph's published view instead. A comment's event goes with
 * the comment; every other event stays, also after its actor left the project.
 */
export const activityEvents = work.table(
  'activity_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id').notNull(),
    taskId: uuid('task_id').references(() => tasks.id, { onDelete: 'cascade' }),
    actorAccountId: uuid('actor_account_id').notNull(),
    kind: activityKind('kind').notNull(),
    // The assignee, or the person whose time was tracked.
    subjectAccountId: uuid('subject_account_id'),
    commentId: uuid('comment_id').references(() => comments.id, { onDelete: 'cascade' }),
    // Copied from the comment, so that lists can leave internal comments out without a join.
    isInternal: boolean('is_internal').notNull().default(false),
    timeEntryId: uuid('time_entry_id').references(() => timeEntries.id, { onDelete: 'cascade' }),
    // The old and new status or due date, or the tracked minutes in `to_value`.
    fromValue: text('from_value'),
    toValue: text('to_value'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // Serve a project's and a task's history, newest first.
    index('activity_events_project_created_idx').on(table.projectId, table.createdAt, table.id),
    index('activity_events_task_created_idx').on(table.taskId, table.createdAt, table.id),
  ],
);

/**
 * Accounts that follow a task and so get notified of its status changes and comments. A follow is
 * valid only while its account is a member of the project who joined before following, so removal ends it.
 */
export const taskFollows = work.table(
  'task_follows',
  {
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id').notNull(),
    projectId: uuid('project_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.taskId, table.accountId] }), index('task_follows_project_account_idx').on(table.projectId, table.accountId)],
);

/** Reasons for a notification. */
export const notificationKind = work.enum('notification_kind', ['assigned', 'mentioned', 'status_changed', 'commented']);

/**
 * In-app notifications. Like a follow, a notification is listed only while its recipient is a
 * member of the project who joined before it was written. Removal drops the others.
 */
export const notifications = work.table(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Creation order, exact where timestamps may tie; the inbox pages by it, newest first.
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull().unique(),
    recipientAccountId: uuid('recipient_account_id').notNull(),
    kind: notificationKind('kind').notNull(),
    projectId: uuid('project_id').notNull(),
    taskId: uuid('task_id').references(() => tasks.id, { onDelete: 'cascade' }),
    commentId: uuid('comment_id').references(() => comments.id, { onDelete: 'cascade' }),
    actorAccountId: uuid('actor_account_id').notNull(),
    // The new status of a status change.
    status: taskStatus('status'),
    readAt: timestamp('read_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('notifications_recipient_seq_idx').on(table.recipientAccountId, table.seq),
    index('notifications_recipient_unread_idx').on(table.recipientAccountId).where(sql`${table.readAt} is null`),
    index('notifications_project_recipient_idx').on(table.projectId, table.recipientAccountId),
  ],
);

/** An account's delivery choice for one kind of notification. A missing row means the defaults. */
export const notificationSettings = work.table(
  'notification_settings',
  {
    accountId: uuid('account_id').notNull(),
    kind: notificationKind('kind').notNull(),
    inApp: boolean('in_app').notNull(),
    email: boolean('email').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.accountId, table.kind] })],
);

/**
 * Notification e-mails waiting for delivery, in the same shape as the sharing subgraph's outbox
 * and delivered by the same worker. A row is dropped unsent once its recipient has left the
 * project it is about.
 */
export const notificationMailOutbox = work.table(
  'mail_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recipient: text('recipient').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    projectId: uuid('project_id').notNull(),
    recipientAccountId: uuid('recipient_account_id').notNull(),
  },
  (table) => [
    index('work_mail_outbox_pending_idx').on(table.nextAttemptAt).where(sql`${table.sentAt} is null`),
    index('work_mail_outbox_project_recipient_idx').on(table.projectId, table.recipientAccountId).where(sql`${table.sentAt} is null`),
  ],
);
