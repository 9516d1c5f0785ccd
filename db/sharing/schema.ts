import { sql } from 'drizzle-orm';
import { boolean, check, index, pgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
