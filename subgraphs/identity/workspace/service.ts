import { and, eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { accounts, identityAuditEvents, workspaceMembers, workspaces } from '../../../db/identity/schema.js';
import { sqlState, UNIQUE_VIOLATION, userError, type UserError } from '../../common/errors.js';
import { checkEmail, checkImageUrl, checkText, isUserError } from '../../common/validation.js';
import type { MembershipRow, WorkspaceRow } from '../loaders.js';

/** Creates a workspace with the viewer as its admin. */
export async function createWorkspace(db: Database, accountId: string, input: { name: string }): Promise<WorkspaceRow | UserError> {
  const name = checkText(input.name, ['input', 'name'], 'The workspace name', 100);
  if (isUserError(name)) return name;

  return db.transaction(async (tx) => {
    const [workspace] = await tx.insert(workspaces).values({ name, createdBy: accountId }).returning();
    await tx.insert(workspaceMembers).values({ workspaceId: workspace!.id, accountId, role: 'admin' });
    return workspace!;
  });
}

export async function renameWorkspace(db: Database, input: { workspaceId: string; name: string }): Promise<WorkspaceRow | UserError> {
  const name = checkText(input.name, ['input', 'name'], 'The workspace name', 100);
  if (isUserError(name)) return name;

  const [workspace] = await db.update(workspaces).set({ name }).where(eq(workspaces.id, input.workspaceId)).returning();
  return workspace!;
}

export async function setWorkspaceLogo(db: Database, input: { workspaceId: string; logoUrl?: string | null }): Promise<WorkspaceRow | UserError> {
  const logoUrl = input.logoUrl == null ? null : checkImageUrl(input.logoUrl, ['input', 'logoUrl'], 'The logo URL');
  if (isUserError(logoUrl)) return logoUrl;

  const [workspace] = await db.update(workspaces).set({ logoUrl }).where(eq(workspaces.id, input.workspaceId)).returning();
  return workspace!;
}

/** Adds an existing account, found by e-mail, to a workspace. */
export async function addWorkspaceMember(
  db: Database,
  input: { workspaceId: string; email: string; role: 'admin' | 'member' },
): Promise<MembershipRow | UserError> {
  const email = checkEmail(input.email, ['input', 'email']);
  if (isUserError(email)) return email;

  const [account] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.email, email));
  if (!account) {
    return userError('ACCOUNT_NOT_FOUND', ['input', 'email'], `No account has the e-mail address ${JSON.stringify(input.email)}; the person must sign up first.`);
  }

  try {
    const [membership] = await db.insert(workspaceMembers).values({ workspaceId: input.workspaceId, accountId: account.id, role: input.role }).returning();
    return membership!;
  } catch (error) {
    if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
    const [existing] = await db
      .select({ accountId: workspaceMembers.accountId })
      .from(workspaceMembers)
      .where(and(eq(workspaceMembers.workspaceId, input.workspaceId), eq(workspaceMembers.accountId, account.id)));
    if (!existing) throw error;
    return userError('ALREADY_WORKSPACE_MEMBER', ['input', 'email'], `The account with e-mail address ${JSON.stringify(input.email)} is already a member of this workspace.`);
  }
}

/** Switches new external invitations on or off and records the switch in the identity audit log; setting the current value changes and records nothing. */
export async function setExternalInvitationsEnabled(db: Database, actorAccountId: string, input: { workspaceId: string; enabled: boolean }): Promise<WorkspaceRow> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(workspaces).where(eq(workspaces.id, input.workspaceId)).for('update');
    if (current!.externalInvitationsEnabled === input.enabled) return current!;
    const [workspace] = await tx.update(workspaces).set({ externalInvitationsEnabled: input.enabled }).where(eq(workspaces.id, input.workspaceId)).returning();
    await tx.insert(identityAuditEvents).values({
      workspaceId: input.workspaceId,
      actorAccountId,
      action: 'external_invitations_switched',
      before: { enabled: current!.externalInvitationsEnabled },
      after: { enabled: input.enabled },
    });
    return workspace!;
  });
}
