import { and, asc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Database, Transaction } from '../../../db/client.js';
import { accountsView, workspaceMembershipsView, workspacesView } from '../../../db/identity/contract.js';
import { invitations, projectMembers, projectRoles, projects } from '../../../db/sharing/schema.js';
import { codedError, sqlState, UNIQUE_VIOLATION, userError, type UserError } from '../../common/errors.js';
import { createInvitationToken, hashInvitationToken, isInvitationTokenShape } from '../../common/invitation-token.js';
import type { Logger } from '../../common/logger.js';
import { checkEmail, isUserError } from '../../common/validation.js';
import type { Viewer } from '../../common/viewer.js';
import { recordAuditEvent } from '../audit/record.js';
import { enqueueEmail } from '../../common/mail/index.js';
import { sharingOutbox } from '../outbox.js';
import { invitationEmail } from './email.js';
import { acceptLink, type InvitationSettings } from './settings.js';

export type InvitationRow = typeof invitations.$inferSelect;
export type InvitationStatus = 'PENDING' | 'ACCEPTED' | 'REVOKED' | 'EXPIRED';

export function invitationStatus(invitation: InvitationRow, now = new Date()): InvitationStatus {
  if (invitation.acceptedAt) return 'ACCEPTED';
  if (invitation.revokedAt) return 'REVOKED';
  return invitation.expiresAt <= now ? 'EXPIRED' : 'PENDING';
}

const statusProblems = {
  ACCEPTED: ['INVITATION_ALREADY_ACCEPTED', 'This invitation was already accepted; sign in to see the project among your external projects.'],
  REVOKED: ['INVITATION_REVOKED', 'This invitation was revoked or replaced by a newer one; ask the project for a new invitation.'],
  EXPIRED: ['INVITATION_EXPIRED', 'This invitation expired; ask the project to resend it.'],
} as const;

function statusError(status: Exclude<InvitationStatus, 'PENDING'>, field: string[] | null): UserError {
  const [code, message] = statusProblems[status];
  return userError(code, field, message);
}

interface InvitationContext {
  db: Database;
  viewer: Viewer;
  settings: InvitationSettings;
  log: Logger;
}

function expiryFromNow(settings: InvitationSettings): Date {
  return new Date(Date.now() + settings.ttlDays * 24 * 60 * 60 * 1000);
}

/** Queues the invitation e-mail in the caller's transaction, and logs the link where mail goes to files. */
async function sendInvitationEmail(tx: Transaction, context: InvitationContext, invitation: InvitationRow, token: string): Promise<void> {
  const [facts] = await tx
    .select({ projectName: projects.name, hostWorkspaceName: workspacesView.name, inviterName: accountsView.name })
    .from(projects)
    .innerJoin(workspacesView, eq(workspacesView.id, projects.workspaceId))
    .innerJoin(accountsView, eq(accountsView.id, context.viewer.accountId))
    .where(eq(projects.id, invitation.projectId));

  const link = acceptLink(context.settings, token);
  await enqueueEmail(tx, sharingOutbox, invitationEmail({ to: invitation.email, ...facts!, link, expiresAt: invitation.expiresAt }));
  if (context.settings.logAcceptLinks) {
    context.log.info({ invitationId: invitation.id, link }, 'Invitation e-mail queued; mail goes to files, so the accept link is logged here.');
  }
}

/** Invites an e-mail address to a project as an external member and queues the e-mail. */
export async function inviteExternalMember(
  context: InvitationContext,
  input: { projectId: string; email: string; roleId: string },
): Promise<InvitationRow | UserError> {
  const email = checkEmail(input.email, ['input', 'email']);
  if (isUserError(email)) return email;

  return context.db.transaction(async (tx) => {
    const [project] = await tx.select().from(projects).where(eq(projects.id, input.projectId)).for('share');
    if (project!.archivedAt) {
      return userError('PROJECT_ARCHIVED', ['input', 'projectId'], `Project "${input.projectId}" is archived; restore it with unarchiveProject before inviting.`);
    }

    const [role] = await tx
      .select()
      .from(projectRoles)
      .where(and(eq(projectRoles.id, input.roleId), or(isNull(projectRoles.workspaceId), eq(projectRoles.workspaceId, project!.workspaceId))));
    if (!role?.appliesToExternal) {
      return userError('ROLE_NOT_FOR_EXTERNALS', ['input', 'roleId'], `Project role "${input.roleId}" cannot be given to external members; pick one of the workspace's projectRoles whose appliesToExternal is true.`);
    }

    const [host] = await tx.select({ enabled: workspacesView.externalInvitationsEnabled }).from(workspacesView).where(eq(workspacesView.id, project!.workspaceId));
    if (!host?.enabled) {
      return userError('EXTERNAL_INVITATIONS_DISABLED', null, "This workspace has switched new external invitations off; a workspace admin can switch them on again with setExternalInvitationsEnabled.");
    }

    const [member] = await tx
      .select({ accountId: projectMembers.accountId })
      .from(projectMembers)
      .innerJoin(accountsView, eq(accountsView.id, projectMembers.accountId))
      .where(and(eq(projectMembers.projectId, input.projectId), eq(accountsView.email, email)));
    if (member) {
      return userError('ALREADY_PROJECT_MEMBER', ['input', 'email'], `The account with e-mail address ${JSON.stringify(email)} is already a member of this project.`);
    }

    // An expired open invitation gives way to the new one.
    const replaced = await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(and(eq(invitations.projectId, input.projectId), eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), lt(invitations.expiresAt, new Date())))
      .returning();
    for (const old of replaced) {
      // The system, not the viewer, revoked it, so the event has no actor.
      await recordAuditEvent(tx, {
        workspaceId: project!.workspaceId,
        projectId: old.projectId,
        actorAccountId: null,
        action: 'invitation_revoked',
        targetEmail: old.email,
        targetId: old.id,
        before: { revokedAt: null },
        after: { revokedAt: old.revokedAt },
      });
    }

    const { token, tokenHash } = createInvitationToken();
    let invitation: InvitationRow;
    try {
      // A savepoint, so that a unique violation leaves the outer transaction usable.
      [invitation] = (await tx.transaction((inner) =>
        inner
          .insert(invitations)
          .values({ projectId: input.projectId, email, roleId: role.id, tokenHash, invitedBy: context.viewer.accountId, expiresAt: expiryFromNow(context.settings) })
          .returning(),
      )) as [InvitationRow];
    } catch (error) {
      if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
      return userError('ALREADY_INVITED', ['input', 'email'], `${JSON.stringify(email)} already has an open invitation to this project; resend it with resendInvitation.`);
    }

    await recordAuditEvent(tx, {
      workspaceId: project!.workspaceId,
      projectId: invitation.projectId,
      actorAccountId: context.viewer.accountId,
      action: 'invitation_sent',
      targetEmail: invitation.email,
      targetId: invitation.id,
      after: { email: invitation.email, roleId: invitation.roleId, expiresAt: invitation.expiresAt },
    });
    await sendInvitationEmail(tx, context, invitation, token);
    return invitation;
  });
}

/** Writes an audit event about one invitation, by the viewer, in its project's host workspace. */
async function recordInvitationEvent(
  tx: Transaction,
  context: InvitationContext,
  invitation: InvitationRow,
  action: 'invitation_resent' | 'invitation_revoked',
  change: { before: unknown; after: unknown },
): Promise<void> {
  const [project] = await tx.select({ workspaceId: projects.workspaceId }).from(projects).where(eq(projects.id, invitation.projectId));
  await recordAuditEvent(tx, {
    workspaceId: project!.workspaceId,
    projectId: invitation.projectId,
    actorAccountId: context.viewer.accountId,
    action,
    targetEmail: invitation.email,
    targetId: invitation.id,
    ...change,
  });
}

/** Sends a pending or expired invitation again with a new token; the old link stops working. */
export async function resendInvitation(context: InvitationContext, invitationId: string): Promise<InvitationRow | UserError> {
  return context.db.transaction(async (tx) => {
    const [current] = await tx.select().from(invitations).where(eq(invitations.id, invitationId)).for('update');
    const status = invitationStatus(current!);
    if (status === 'ACCEPTED' || status === 'REVOKED') return statusError(status, ['input', 'invitationId']);

    const { token, tokenHash } = createInvitationToken();
    const [invitation] = await tx
      .update(invitations)
      .set({ tokenHash, expiresAt: expiryFromNow(context.settings), sentCount: current!.sentCount + 1, lastSentAt: new Date() })
      .where(eq(invitations.id, invitationId))
      .returning();
    await recordInvitationEvent(tx, context, current!, 'invitation_resent', {
      before: { expiresAt: current!.expiresAt, sentCount: current!.sentCount },
      after: { expiresAt: invitation!.expiresAt, sentCount: invitation!.sentCount },
    });
    await sendInvitationEmail(tx, context, invitation!, token);
    return invitation!;
  });
}

/** Revokes an invitation that was not accepted; revoking it again changes nothing. */
export async function revokeInvitation(context: InvitationContext, invitationId: string): Promise<InvitationRow | UserError> {
  return context.db.transaction(async (tx) => {
    const [current] = await tx.select().from(invitations).where(eq(invitations.id, invitationId)).for('update');
    if (current!.acceptedAt) return statusError('ACCEPTED', ['input', 'invitationId']);
    if (current!.revokedAt) return current!;

    const [invitation] = await tx
      .update(invitations)
      .set({ revokedAt: new Date(), revokedBy: context.viewer.accountId })
      .where(eq(invitations.id, invitationId))
      .returning();
    await recordInvitationEvent(tx, context, current!, 'invitation_revoked', { before: { revokedAt: null }, after: { revokedAt: invitation!.revokedAt } });
    return invitation!;
  });
}

export interface InvitationPreview {
  projectName: string;
  hostWorkspaceName: string;
  hostWorkspaceLogoUrl: string | null;
  inviterName: string;
  roleName: string;
  email: string;
  expiresAt: Date;
  emailHasAccount: boolean;
}

/** Reads what the accept screen shows; throws a coded error for unknown, accepted, revoked and expired tokens. */
export async function previewInvitation(db: Database, token: string): Promise<InvitationPreview> {
  const notFound = () => codedError('INVITATION_NOT_FOUND', 'No invitation matches this token; check that the link was copied whole.');
  if (!isInvitationTokenShape(token)) throw notFound();

  const [row] = await db
    .select({
      invitation: invitations,
      projectName: projects.name,
      hostWorkspaceName: workspacesView.name,
      hostWorkspaceLogoUrl: workspacesView.logoUrl,
      inviterName: accountsView.name,
      roleName: projectRoles.name,
    })
    .from(invitations)
    .innerJoin(projects, eq(projects.id, invitations.projectId))
    .innerJoin(workspacesView, eq(workspacesView.id, projects.workspaceId))
    .innerJoin(accountsView, eq(accountsView.id, invitations.invitedBy))
    .innerJoin(projectRoles, eq(projectRoles.id, invitations.roleId))
    .where(eq(invitations.tokenHash, hashInvitationToken(token)));
  if (!row) throw notFound();

  const status = invitationStatus(row.invitation);
  if (status !== 'PENDING') {
    const [code, message] = statusProblems[status];
    throw codedError(code, message);
  }

  const [account] = await db.select({ id: accountsView.id }).from(accountsView).where(eq(accountsView.email, row.invitation.email));
  return {
    projectName: row.projectName,
    hostWorkspaceName: row.hostWorkspaceName,
    hostWorkspaceLogoUrl: row.hostWorkspaceLogoUrl,
    inviterName: row.inviterName,
    roleName: row.roleName,
    email: row.invitation.email,
    expiresAt: row.invitation.expiresAt,
    emailHasAccount: account !== undefined,
  };
}

export interface Acceptance {
  projectId: string;
  placementWorkspaceId: string;
}

/**
 * Makes the viewer an external member of the invitation's project, placed in one of their
 * workspaces. The invitation row lock serialises concurrent accepts, and accepting again
 * returns the membership the first accept made.
 */
export async function acceptInvitation(
  db: Database,
  viewer: Viewer,
  input: { token: string; placementWorkspaceId?: string | null },
): Promise<Acceptance | UserError> {
  const tokenField = ['input', 'token'];
  const notFound = userError('INVITATION_NOT_FOUND', tokenField, 'No invitation matches this token; check that the link was copied whole.');
  if (!isInvitationTokenShape(input.token)) return notFound;

  return db.transaction(async (tx) => {
    const [invitation] = await tx.select().from(invitations).where(eq(invitations.tokenHash, hashInvitationToken(input.token))).for('update');
    if (!invitation) return notFound;

    const [existing] = await tx
      .select({ placementWorkspaceId: projectMembers.placementWorkspaceId, isExternal: projectMembers.isExternal })
      .from(projectMembers)
      .where(and(eq(projectMembers.projectId, invitation.projectId), eq(projectMembers.accountId, viewer.accountId)));
    if (invitation.acceptedBy === viewer.accountId && existing?.placementWorkspaceId) {
      return { projectId: invitation.projectId, placementWorkspaceId: existing.placementWorkspaceId };
    }
    const status = invitationStatus(invitation);
    if (status !== 'PENDING') return statusError(status, tokenField);

    const [account] = await tx.select({ email: accountsView.email }).from(accountsView).where(eq(accountsView.id, viewer.accountId));
    if (account?.email !== invitation.email) {
      return userError('INVITATION_EMAIL_MISMATCH', tokenField, `This invitation is for ${invitation.email}; sign in with that address, or sign up with it using the token, or ask the project to invite ${account?.email ?? 'your address'}.`);
    }
    if (existing) {
      return userError('ALREADY_PROJECT_MEMBER', tokenField, 'You are already a member of this project.');
    }

    const [project] = await tx.select({ workspaceId: projects.workspaceId, archivedAt: projects.archivedAt }).from(projects).where(eq(projects.id, invitation.projectId));
    if (project!.archivedAt) {
      return userError('PROJECT_ARCHIVED', tokenField, 'The project of this invitation is archived; ask the project to restore it, then accept again.');
    }
    const memberships = await tx
      .select({ workspaceId: workspaceMembershipsView.workspaceId })
      .from(workspaceMembershipsView)
      .where(eq(workspaceMembershipsView.accountId, viewer.accountId))
      .orderBy(asc(workspaceMembershipsView.workspaceId));
    // The host workspace cannot hold its own project as an external one.
    const candidates = memberships.map((membership) => membership.workspaceId).filter((id) => id !== project!.workspaceId);

    let placementWorkspaceId: string;
    if (input.placementWorkspaceId) {
      if (!candidates.includes(input.placementWorkspaceId)) {
        return userError('WORKSPACE_NOT_FOUND', ['input', 'placementWorkspaceId'], `Workspace "${input.placementWorkspaceId}" is not one of your workspaces other than the project's own; pick one from viewer.workspaces.`);
      }
      placementWorkspaceId = input.placementWorkspaceId;
    } else if (candidates.length === 1) {
      placementWorkspaceId = candidates[0]!;
    } else {
      const hint = candidates.length === 0 ? 'create a workspace of your own with createWorkspace first' : 'name one of your workspaces as placementWorkspaceId';
      return userError('PLACEMENT_REQUIRED', ['input', 'placementWorkspaceId'], `Choose where the project appears: ${hint}. The choice is final.`);
    }

    await tx.insert(projectMembers).values({
      projectId: invitation.projectId,
      accountId: viewer.accountId,
      isExternal: true,
      placementWorkspaceId,
      roleId: invitation.roleId,
      addedBy: invitation.invitedBy,
    });
    await tx.update(invitations).set({ acceptedAt: new Date(), acceptedBy: viewer.accountId }).where(eq(invitations.id, invitation.id));
    await recordAuditEvent(tx, {
      workspaceId: project!.workspaceId,
      projectId: invitation.projectId,
      actorAccountId: viewer.accountId,
      action: 'invitation_accepted',
      targetAccountId: viewer.accountId,
      targetEmail: invitation.email,
      targetId: invitation.id,
      after: { placementWorkspaceId, roleId: invitation.roleId },
    });
    return { projectId: invitation.projectId, placementWorkspaceId };
  });
}
