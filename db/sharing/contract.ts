import { sql } from 'drizzle-orm';
import { boolean, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sharing } from './schema.js';

// Views that the sharing subgraph publishes for the other subgraphs.
// Their columns are a contract: other code reads these, never the tables behind them.

/** One row per project, with its host workspace. */
export const projectsView = sharing
  .view('v_projects', {
    id: uuid('id').notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    name: text('name').notNull(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  })
  .as(sql`select id, workspace_id, name, archived_at from sharing.projects`);

/** One row per project member, internal or external. */
export const projectMembershipsView = sharing
  .view('v_project_memberships', {
    projectId: uuid('project_id').notNull(),
    accountId: uuid('account_id').notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    isExternal: boolean('is_external').notNull(),
    placementWorkspaceId: uuid('placement_workspace_id'),
    roleId: uuid('role_id').notNull(),
    seesAllTasks: boolean('sees_all_tasks').notNull(),
    canEditTasks: boolean('can_edit_tasks').notNull(),
    canTrackTime: boolean('can_track_time').notNull(),
    canManageMembers: boolean('can_manage_members').notNull(),
    canDeleteTasks: boolean('can_delete_tasks').notNull(),
    canComment: boolean('can_comment').notNull(),
    canSeeOthersTime: boolean('can_see_others_time').notNull(),
    // When this membership began; a removal and a later return start a new one.
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull(),
  })
  .as(
    sql`select m.project_id, m.account_id, p.workspace_id, m.is_external, m.placement_workspace_id, m.role_id,
          r.sees_all_tasks, r.can_edit_tasks, r.can_track_time, r.can_manage_members,
          r.can_delete_tasks, r.can_comment, r.can_see_others_time, m.created_at as joined_at
        from sharing.project_members m
        join sharing.projects p on p.id = m.project_id
        join sharing.project_roles r on r.id = m.role_id`,
  );

/** Invitations that are neither accepted nor revoked, whether expired or not, by token hash. */
export const openInvitationsView = sharing
  .view('v_open_invitations', {
    tokenHash: text('token_hash').notNull(),
    projectId: uuid('project_id').notNull(),
    email: text('email').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  })
  .as(sql`select token_hash, project_id, email, expires_at from sharing.invitations where accepted_at is null and revoked_at is null`);

/**
 * Members joining and leaving projects, oldest first by `created_at`: added by a project manager,
 * joined by accepting an invitation, or removed. Rows are never updated or deleted.
 */
export const projectMemberChangesView = sharing
  .view('v_project_member_changes', {
    id: uuid('id').notNull(),
    projectId: uuid('project_id').notNull(),
    actorAccountId: uuid('actor_account_id'),
    accountId: uuid('account_id').notNull(),
    isRemoval: boolean('is_removal').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  })
  .as(
    sql`select id, project_id, actor_account_id, target_account_id as account_id, action = 'member_removed' as is_removal, created_at
        from sharing.audit_events
        where action in ('member_added', 'invitation_accepted', 'member_removed')
          and project_id is not null and target_account_id is not null`,
  );
