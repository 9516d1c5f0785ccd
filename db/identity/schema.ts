import { sql } from 'drizzle-orm';
import { boolean, check, index, jsonb, pgSchema, primaryKey, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';

/** Tables of the identity subgraph: accounts, sessions, workspaces and their members. */
export const identity = pgSchema('identity');

export const workspaceRole = identity.enum('workspace_role', ['admin', 'member']);
export const licence = identity.enum('licence', ['full', 'guest']);
export const plan = identity.enum('plan', ['trial', 'basic_connect', 'basic', 'business', 'enterprise']);

export const accounts = identity.table(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Stored lower-cased and trimmed, so the unique constraint is case-insensitive.
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    avatarUrl: text('avatar_url'),
    // The workspace a new session starts in.
    lastWorkspaceId: uuid('last_workspace_id').references((): AnyPgColumn => workspaces.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('accounts_email_normalized', sql`${table.email} = lower(btrim(${table.email}))`),
    check('accounts_name_not_blank', sql`btrim(${table.name}) <> ''`),
  ],
);

export const workspaces = identity.table(
  'workspaces',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    logoUrl: text('logo_url'),
    plan: plan('plan').notNull().default('trial'),
    // While false, no new external invitation can be sent from this workspace's projects.
    externalInvitationsEnabled: boolean('external_invitations_enabled').notNull().default(true),
    createdBy: uuid('created_by')
      .notNull()
      .references((): AnyPgColumn => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [check('workspaces_name_not_blank', sql`btrim(${table.name}) <> ''`)],
);

export const workspaceMembers = identity.table(
  'workspace_members',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    role: workspaceRole('role').notNull(),
    licence: licence('licence').notNull().default('full'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.accountId] }),
    index('workspace_members_account_id_idx').on(table.accountId),
  ],
);

export const sessions = identity.table(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    currentWorkspaceId: uuid('current_workspace_id').references(() => workspaces.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (table) => [index('sessions_account_id_idx').on(table.accountId)],
);

/** What an identity audit event records. */
export const identityAuditAction = identity.enum('audit_action', ['external_invitations_switched', 'guest_migrated']);

/**
 * Audit events of workspace settings that the identity subgraph owns, published to the
 * sharing subgraph's audit log through a view. Rows are never updated or deleted.
 */
export const identityAuditEvents = identity.table(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    actorAccountId: uuid('actor_account_id'),
    action: identityAuditAction('action').notNull(),
    targetAccountId: uuid('target_account_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('identity_audit_events_workspace_created_idx').on(table.workspaceId, table.createdAt, table.id)],
);
