import { sql } from 'drizzle-orm';
import { boolean, check, index, jsonb, pgSchema, primaryKey, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';

/** Tables of the identity subgraph: accounts, sessions, workspaces and their members. */
export const identity = pgSchema('identity');

export const workspaceRole = identity.enum('workspace_role', ['admin', 'member']);
export const licence = identity.enum('licence', ['full', 'guest']);
export const plan = identity.enum('plan', ['trial', 'basic_connect', 'basic', 'business', 'enterprise']);
/** A person signs in with a password; an integration account acts only through its integration token. */
export const accountKind = identity.enum('account_kind', ['person', 'integration']);

export const accounts = identity.table(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Stored lower-cased and trimmed, so the unique constraint is case-insensitive.
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    avatarUrl: text('avatar_url'),
    kind: accountKind('kind').notNull().default('person'),
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
export const identityAuditAction = identity.enum('audit_action', [
  'external_invitations_switched',
  'guest_migrated',
  'integration_token_created',
  'integration_token_revoked',
]);

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

/**
 * A workspace's API token for an integration. Only the SHA-256 of its secret is stored. It acts
 * through an account of kind `integration`, an admin of the workspace, made for the token alone.
 */
export const integrationTokens = identity.table(
  'integration_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .unique()
      .references(() => accounts.id),
    name: text('name').notNull(),
    // A subset of read and write, never empty.
    scopes: text('scopes').array().notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    // The first characters of the secret, so that people can tell their tokens apart.
    tokenPrefix: text('token_prefix').notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: uuid('revoked_by').references(() => accounts.id),
  },
  (table) => [
    index('integration_tokens_workspace_idx').on(table.workspaceId, table.createdAt),
    check('integration_tokens_scopes_valid', sql`cardinality(${table.scopes}) > 0 and ${table.scopes} <@ array['read', 'write']::text[]`),
    check('integration_tokens_name_not_blank', sql`btrim(${table.name}) <> ''`),
  ],
);

/**
 * The operations an integration token registered from an `apollo-persisted-query-manifest`. Under
 * the gateway's safelisting, a token runs only these. A new manifest replaces the whole list.
 */
export const persistedOperations = identity.table(
  'persisted_operations',
  {
    integrationTokenId: uuid('integration_token_id')
      .notNull()
      .references(() => integrationTokens.id, { onDelete: 'cascade' }),
    // The manifest's ID: the SHA-256 of `body`, in hex.
    operationId: text('operation_id').notNull(),
    name: text('name').notNull(),
    type: text('type').notNull(),
    body: text('body').notNull(),
    // The SHA-256 of the body without insignificant characters, to match free text up to whitespace.
    strippedHash: text('stripped_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.integrationTokenId, table.operationId] }),
    index('persisted_operations_stripped_idx').on(table.integrationTokenId, table.strippedHash),
    check('persisted_operations_type_valid', sql`${table.type} in ('query', 'mutation', 'subscription')`),
  ],
);
