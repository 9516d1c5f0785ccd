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
  })
  .as(
    sql`select m.project_id, m.account_id, p.workspace_id, m.is_external, m.placement_workspace_id
        from sharing.project_members m
        join sharing.projects p on p.id = m.project_id`,
  );
