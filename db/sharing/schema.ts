import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Tables of the sharing subgraph. Workspace and account ids point into the identity
 * schema; they carry no foreign key because each subgraph owns its schema alone.
 */
export const sharing = pgSchema('sharing');

export const projects = sharing.table(
  'projects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // The host workspace, which owns the project and everything recorded in it.
    workspaceId: uuid('workspace_id').notNull(),
    name: text('name').notNull(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdBy: uuid('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('projects_workspace_id_idx').on(table.workspaceId, table.createdAt, table.id),
    check('projects_name_not_blank', sql`btrim(${table.name}) <> ''`),
  ],
);

/**
 * Ids of the built-in project roles that every workspace has. A migration inserts them; they
 * have no workspace and cannot be changed.
 */
export const builtInRoleIds = {
  editor: '00000000-0000-4000-8000-000000000001',
  externalCollaborator: '00000000-0000-4000-8000-000000000002',
  externalAssignee: '00000000-0000-4000-8000-000000000003',
} as const;

/** A permission set given per project member. */
export const projectRoles = sharing.table(
  'project_roles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // The workspace that defined the role; null for the built-in roles every workspace has.
    workspaceId: uuid('workspace_id'),
    name: text('name').notNull(),
    // Whether the role can be given to external members. Fixed when the role is created.
    appliesToExternal: boolean('applies_to_external').notNull(),
    canEditProject: boolean('can_edit_project').notNull(),
    canOpenSettings: boolean('can_open_settings').notNull().default(false),
    canManageMembers: boolean('can_manage_members').notNull(),
    // False limits the holder to the tasks they are assigned to.
    seesAllTasks: boolean('sees_all_tasks').notNull(),
    canEditTasks: boolean('can_edit_tasks').notNull(),
    canDeleteTasks: boolean('can_delete_tasks').notNull().default(false),
    canComment: boolean('can_comment').notNull().default(true),
    canTrackTime: boolean('can_track_time').notNull(),
    canSeeOthersTime: boolean('can_see_others_time').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('project_roles_workspace_id_idx').on(table.workspaceId),
    check('project_roles_name_not_blank', sql`btrim(${table.name}) <> ''`),
    // No role lets an external member edit the project's details or open its settings.
    check('project_roles_external_cannot_edit_project', sql`not (${table.appliesToExternal} and ${table.canEditProject})`),
    check('project_roles_external_cannot_open_settings', sql`not (${table.appliesToExternal} and ${table.canOpenSettings})`),
  ],
);

export const projectMembers = sharing.table(
  'project_members',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id').notNull(),
    isExternal: boolean('is_external').notNull().default(false),
    // The external member's own workspace in which the project is shown.
    placementWorkspaceId: uuid('placement_workspace_id'),
    roleId: uuid('role_id')
      .notNull()
      .references(() => projectRoles.id),
    addedBy: uuid('added_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.projectId, table.accountId] }),
    index('project_members_account_id_idx').on(table.accountId),
    check(
      'project_members_placement_only_for_external',
      sql`${table.isExternal} or ${table.placementWorkspaceId} is null`,
    ),
  ],
);

/** An invitation of an e-mail address to one project as an external member. */
export const invitations = sharing.table(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    // Lower-cased and trimmed, like account e-mail addresses.
    email: text('email').notNull(),
    roleId: uuid('role_id')
      .notNull()
      .references(() => projectRoles.id),
    // SHA-256 of the single-use token, base64url. The token itself is only ever e-mailed.
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: uuid('invited_by').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    sentCount: integer('sent_count').notNull().default(1),
    lastSentAt: timestamp('last_sent_at', { withTimezone: true }).notNull().defaultNow(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: uuid('accepted_by'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    // Null when the system voided the invitation, for instance when it was replaced.
    revokedBy: uuid('revoked_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('invitations_project_id_idx').on(table.projectId, table.createdAt),
    // At most one open invitation per address and project.
    uniqueIndex('invitations_open_per_email_idx')
      .on(table.projectId, table.email)
      .where(sql`${table.acceptedAt} is null and ${table.revokedAt} is null`),
    check('invitations_email_normalized', sql`${table.email} = lower(btrim(${table.email}))`),
    check('invitations_accepted_or_revoked', sql`${table.acceptedAt} is null or ${table.revokedAt} is null`),
  ],
);

/**
 * E-mails waiting for delivery. A row is written in the same transaction as the change that
 * causes the e-mail, so a rolled-back change sends nothing and a committed one is never lost.
 */
export const mailOutbox = sharing.table(
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
  },
  (table) => [index('mail_outbox_pending_idx').on(table.nextAttemptAt).where(sql`${table.sentAt} is null`)],
);

/** What a sharing audit event records. */
export const auditAction = sharing.enum('audit_action', [
  'invitation_sent',
  'invitation_resent',
  'invitation_revoked',
  'invitation_accepted',
  'role_created',
  'role_updated',
  'role_deleted',
  'member_added',
  'member_role_changed',
  'member_removed',
  'project_viewed_as',
]);

/**
 * The sharing audit log of each host workspace. A row is written in the same transaction as
 * the change it records; rows are never updated or deleted.
 */
export const auditEvents = sharing.table(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // The host workspace whose admins may read the event.
    workspaceId: uuid('workspace_id').notNull(),
    projectId: uuid('project_id'),
    // Null when the system acted, for instance when an expired invitation was replaced.
    actorAccountId: uuid('actor_account_id'),
    action: auditAction('action').notNull(),
    targetAccountId: uuid('target_account_id'),
    targetEmail: text('target_email'),
    // The invitation or role the event concerns.
    targetId: uuid('target_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('audit_events_workspace_created_idx').on(table.workspaceId, table.createdAt, table.id),
    index('audit_events_project_idx').on(table.projectId, table.createdAt),
    // Serves the work subgraph's periodic look for recent removals from projects.
    index('audit_events_removals_idx').on(table.createdAt).where(sql`${table.action} = 'member_removed'`),
  ],
);
