import { randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { accounts, identityAuditEvents, integrationTokens, persistedOperations, workspaceMembers } from '../../../db/identity/schema.js';
import { userError, type UserError } from '../../common/errors.js';
import { hashIntegrationSecret, integrationTokenPrefix } from '../../common/integration-secret.js';
import { checkManifest, isManifestProblemList } from '../../common/persisted-manifest.js';
import { checkText, isUserError } from '../../common/validation.js';

export type IntegrationTokenRow = typeof integrationTokens.$inferSelect;
export type IntegrationScope = 'read' | 'write';

/** Maximum length of a token's name. */
const maxNameLength = 100;

export interface CreatedToken {
  token: IntegrationTokenRow;
  /** The secret, returned once and never stored. */
  secret: string;
}

/**
 * Creates a token for an integration of a workspace, with the account it acts through: an admin
 * of the workspace that cannot sign in. The rule of `createIntegrationToken` has checked that the
 * viewer is a person who administers the workspace.
 */
export async function createIntegrationToken(
  db: Database,
  actorAccountId: string,
  input: { workspaceId: string; name: string; scopes: IntegrationScope[] },
): Promise<CreatedToken | UserError[]> {
  const name = checkText(input.name, ['input', 'name'], 'The name', maxNameLength);
  const problems: UserError[] = isUserError(name) ? [name] : [];
  const scopes = [...new Set(input.scopes)].sort();
  if (scopes.length === 0) problems.push(userError('INVALID_INPUT', ['input', 'scopes'], 'Name at least one scope: READ, WRITE, or both.'));
  if (problems.length > 0 || isUserError(name)) return problems;

  const secret = `${integrationTokenPrefix}${randomBytes(32).toString('base64url')}`;
  return db.transaction(async (tx) => {
    const [account] = await tx
      .insert(accounts)
      // The address is unique and in a reserved domain, so that no person can ever own it.
      .values({ name: `${name} (integration)`, email: `integration-${randomBytes(12).toString('hex')}@integrations.invalid`, passwordHash: '', kind: 'integration' })
      .returning({ id: accounts.id });
    await tx.insert(workspaceMembers).values({ workspaceId: input.workspaceId, accountId: account!.id, role: 'admin' });
    const [token] = await tx
      .insert(integrationTokens)
      .values({
        workspaceId: input.workspaceId,
        accountId: account!.id,
        name,
        scopes,
        tokenHash: hashIntegrationSecret(secret),
        tokenPrefix: secret.slice(0, integrationTokenPrefix.length + 6),
        createdBy: actorAccountId,
      })
      .returning();
    await tx.insert(identityAuditEvents).values({
      workspaceId: input.workspaceId,
      actorAccountId,
      action: 'integration_token_created',
      targetAccountId: account!.id,
      after: { tokenId: token!.id, name, scopes },
    });
    return { token: token!, secret };
  });
}

/**
 * Revokes a token at once and removes its account from the workspace. Revoking a revoked token
 * changes nothing. The rule of `revokeIntegrationToken` has checked that the viewer administers
 * the token's workspace.
 */
export async function revokeIntegrationToken(db: Database, actorAccountId: string, token: IntegrationTokenRow): Promise<IntegrationTokenRow> {
  return db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(integrationTokens)
      .set({ revokedAt: new Date(), revokedBy: actorAccountId })
      .where(and(eq(integrationTokens.id, token.id), isNull(integrationTokens.revokedAt)))
      .returning();
    if (!revoked) return token;
    await tx.delete(workspaceMembers).where(and(eq(workspaceMembers.workspaceId, token.workspaceId), eq(workspaceMembers.accountId, token.accountId)));
    await tx.insert(identityAuditEvents).values({
      workspaceId: token.workspaceId,
      actorAccountId,
      action: 'integration_token_revoked',
      targetAccountId: token.accountId,
      before: { tokenId: token.id, name: token.name, scopes: token.scopes },
    });
    return revoked;
  });
}

/** Records a use of a token; a later time never moves back to an earlier one. */
export async function recordTokenUse(db: Database, tokenId: string, usedAt: Date): Promise<void> {
  await db
    .update(integrationTokens)
    .set({ lastUsedAt: sql`greatest(${integrationTokens.lastUsedAt}, ${usedAt.toISOString()}::timestamptz)` })
    .where(and(eq(integrationTokens.id, tokenId), isNull(integrationTokens.revokedAt)));
}

/** Replaces the operations registered for a token with those of a manifest, in one transaction. */
export async function registerPersistedOperations(db: Database, token: IntegrationTokenRow, manifestText: string): Promise<UserError[]> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch (error) {
    return [userError('INVALID_MANIFEST', ['input', 'manifest'], `The manifest is not valid JSON: ${(error as Error).message}`)];
  }
  const checked = checkManifest(manifest);
  if (isManifestProblemList(checked)) {
    return checked.map((problem) => userError('INVALID_MANIFEST', ['input', 'manifest', ...problem.path], problem.message));
  }
  await db.transaction(async (tx) => {
    await tx.delete(persistedOperations).where(eq(persistedOperations.integrationTokenId, token.id));
    if (checked.length === 0) return;
    await tx.insert(persistedOperations).values(
      checked.map((operation) => ({
        integrationTokenId: token.id,
        operationId: operation.id,
        name: operation.name,
        type: operation.type,
        body: operation.body,
        strippedHash: operation.strippedHash,
      })),
    );
  });
  return [];
}
