import { sql } from 'drizzle-orm';
import { boolean, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { identity, identityAuditAction, licence, plan, workspaceRole } from './schema.js';

// Views that the identity subgraph publishes for the other subgraphs and the gateway.
// Their columns are a contract: other code reads these, never the tables behind them.

/** One row per workspace membership. */
export const workspaceMembershipsView = identity
  .view('v_workspace_memberships', {
    workspaceId: uuid('workspace_id').notNull(),
    accountId: uuid('account_id').notNull(),
    role: workspaceRole('role').notNull(),
    licence: licence('licence').notNull(),
  })
  .as(sql`select workspace_id, account_id, role, licence from identity.workspace_members`);

/** One row per workspace, with the facts other subgraphs may check. */
export const workspacesView = identity
  .view('v_workspaces', {
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    logoUrl: text('logo_url'),
    plan: plan('plan').notNull(),
    externalInvitationsEnabled: boolean('external_invitations_enabled').notNull(),
  })
  .as(sql`select id, name, logo_url, plan, external_invitations_enabled from identity.workspaces`);

/** One row per account: the profile other subgraphs show and the e-mail they match invitations against. */
export const accountsView = identity
  .view('v_accounts', {
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    avatarUrl: text('avatar_url'),
  })
  .as(sql`select id, name, email, avatar_url from identity.accounts`);

/**
 * Sessions that are neither revoked nor expired. `current_workspace_id` is null
 * when the account is no longer a member of the workspace the session points at.
 */
export const activeSessionsView = identity
  .view('v_active_sessions', {
    id: uuid('id').notNull(),
    accountId: uuid('account_id').notNull(),
    currentWorkspaceId: uuid('current_workspace_id'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  })
  .as(
    sql`select s.id, s.account_id, m.workspace_id as current_workspace_id, s.expires_at
        from identity.sessions s
        left join identity.workspace_members m
          on m.workspace_id = s.current_workspace_id and m.account_id = s.account_id
        where s.revoked_at is null and s.expires_at > now()`,
  );

/** Audit events of identity-owned workspace settings, for the sharing subgraph's audit log. */
export const identityAuditEventsView = identity
  .view('v_audit_events', {
    id: uuid('id').notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    actorAccountId: uuid('actor_account_id'),
    action: identityAuditAction('action').notNull(),
    targetAccountId: uuid('target_account_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  })
  .as(sql`select id, workspace_id, actor_account_id, action, target_account_id, before, after, created_at from identity.audit_events`);

/** Integration tokens that are not revoked, by the SHA-256 of their secret, for the gateway to authenticate callers. */
export const activeIntegrationTokensView = identity
  .view('v_active_integration_tokens', {
    id: uuid('id').notNull(),
    tokenHash: text('token_hash').notNull(),
    accountId: uuid('account_id').notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    scopes: text('scopes').array().notNull(),
  })
  .as(sql`select id, token_hash, account_id, workspace_id, scopes from identity.integration_tokens where revoked_at is null`);

/** The registered operations of integration tokens that are not revoked, for the gateway's safelisting. */
export const activePersistedOperationsView = identity
  .view('v_active_persisted_operations', {
    integrationTokenId: uuid('integration_token_id').notNull(),
    operationId: text('operation_id').notNull(),
    body: text('body').notNull(),
    strippedHash: text('stripped_hash').notNull(),
  })
  .as(
    sql`select o.integration_token_id, o.operation_id, o.body, o.stripped_hash
        from identity.persisted_operations o
        join identity.integration_tokens t on t.id = o.integration_token_id
        where t.revoked_at is null`,
  );
