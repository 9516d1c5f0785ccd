import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { accountsView, workspaceMembershipsView } from '../../../db/identity/contract.js';
import { builtInRoleIds, invitations, projectMembers, projects } from '../../../db/sharing/schema.js';
import { forbidden, userError, type UserError } from '../../common/errors.js';
import { checkText, isUserError } from '../../common/validation.js';
import { recordAuditEvent } from '../audit/record.js';
import type { Viewer } from '../../common/viewer.js';
import type { ProjectRow } from '../loaders.js';

const archivedError = (projectId: string) =>
  userError('PROJECT_ARCHIVED', ['input', 'projectId'], `Project "${projectId}" is archived; restore it with unarchiveProject before changing it.`);

/** Creates a project in the viewer's current workspace with the viewer as its first member. */
export async function createProject(db: Database, viewer: Viewer, input: { name: string }): Promise<ProjectRow | UserError> {
  const name = checkText(input.name, ['input', 'name'], 'The project name', 200);
  if (isUserError(name)) return name;
  const workspaceId = viewer.workspaceId;
  if (!workspaceId) return userError('NO_CURRENT_WORKSPACE', null, 'You have no current workspace; create one with createWorkspace or switch with switchWorkspace.');

  return db.transaction(async (tx) => {
    const [membership] = await tx
      .select({ licence: workspaceMembershipsView.licence })
      .from(workspaceMembershipsView)
      .where(and(eq(workspaceMembershipsView.workspaceId, workspaceId), eq(workspaceMembershipsView.accountId, viewer.accountId)));
    // Guests, the legacy way of letting outsiders in, work only in projects they are added to.
    if (membership?.licence !== 'full') throw forbidden();

    const [project] = await tx.insert(projects).values({ workspaceId, name, createdBy: viewer.accountId }).returning();
    await tx.insert(projectMembers).values({ projectId: project!.id, accountId: viewer.accountId, roleId: builtInRoleIds.editor, addedBy: viewer.accountId });
    return project!;
  });
}

export async function renameProject(db: Database, input: { projectId: string; name: string }): Promise<ProjectRow | UserError> {
  const name = checkText(input.name, ['input', 'name'], 'The project name', 200);
  if (isUserError(name)) return name;

  return db.transaction(async (tx) => {
    const [current] = await tx.select({ archivedAt: projects.archivedAt }).from(projects).where(eq(projects.id, input.projectId)).for('update');
    if (current!.archivedAt) return archivedError(input.projectId);
    const [project] = await tx.update(projects).set({ name, updatedAt: new Date() }).where(eq(projects.id, input.projectId)).returning();
    return project!;
  });
}

/** Archives or restores a project; setting the state it already has changes nothing. */
export async function setProjectArchived(db: Database, projectId: string, archived: boolean): Promise<ProjectRow> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(projects).where(eq(projects.id, projectId)).for('update');
    if ((current!.archivedAt !== null) === archived) return current!;
    const [project] = await tx
      .update(projects)
      .set({ archivedAt: archived ? new Date() : null, updatedAt: new Date() })
      .where(eq(projects.id, projectId))
      .returning();
    return project!;
  });
}

/** Adds a member of the host workspace to a project. */
export async function addProjectMember(db: Database, viewer: Viewer, input: { projectId: string; accountId: string }): Promise<ProjectRow | UserError> {
  return db.transaction(async (tx) => {
    const [project] = await tx.select().from(projects).where(eq(projects.id, input.projectId)).for('share');
    if (project!.archivedAt) return archivedError(input.projectId);

    const [membership] = await tx
      .select({ accountId: workspaceMembershipsView.accountId })
      .from(workspaceMembershipsView)
      .where(and(eq(workspaceMembershipsView.workspaceId, project!.workspaceId), eq(workspaceMembershipsView.accountId, input.accountId)));
    if (!membership) {
      return userError('NOT_A_WORKSPACE_MEMBER', ['input', 'accountId'], `Account "${input.accountId}" is not a member of the project's workspace; add them to the workspace first.`);
    }

    const inserted = await tx
      .insert(projectMembers)
      .values({ projectId: input.projectId, accountId: input.accountId, roleId: builtInRoleIds.editor, addedBy: viewer.accountId })
      .onConflictDoNothing()
      .returning({ accountId: projectMembers.accountId });
    if (inserted.length === 0) {
      return userError('ALREADY_PROJECT_MEMBER', ['input', 'accountId'], `Account "${input.accountId}" is already a member of this project.`);
    }
    await recordAuditEvent(tx, {
      workspaceId: project!.workspaceId,
      projectId: input.projectId,
      actorAccountId: viewer.accountId,
      action: 'member_added',
      targetAccountId: input.accountId,
      after: { roleId: builtInRoleIds.editor, isExternal: false },
    });
    return project!;
  });
}

/** Removes a member from a project; the last member stays, so the project is never orphaned. */
export async function removeProjectMember(db: Database, viewer: Viewer, input: { projectId: string; accountId: string }): Promise<ProjectRow | UserError> {
  return db.transaction(async (tx) => {
    // The row lock serialises concurrent removals, so two of them cannot both pass the last-member check.
    const [project] = await tx.select().from(projects).where(eq(projects.id, input.projectId)).for('update');
    if (project!.archivedAt) return archivedError(input.projectId);

    const members = await tx.select({ accountId: projectMembers.accountId, roleId: projectMembers.roleId, isExternal: projectMembers.isExternal }).from(projectMembers).where(eq(projectMembers.projectId, input.projectId));
    const removed = members.find((member) => member.accountId === input.accountId);
    if (!removed) {
      return userError('NOT_A_PROJECT_MEMBER', ['input', 'accountId'], `Account "${input.accountId}" is not a member of this project.`);
    }
    if (members.length === 1) {
      return userError('LAST_PROJECT_MEMBER', ['input', 'accountId'], 'The last member of a project cannot be removed; add another member first, or archive the project.');
    }

    await tx.delete(projectMembers).where(and(eq(projectMembers.projectId, input.projectId), eq(projectMembers.accountId, input.accountId)));
    // Every open invitation of the removed person to this project is revoked with the membership,
    // so an old link cannot bring them back. A new invitation can.
    const voided = await tx
      .update(invitations)
      .set({ revokedAt: new Date(), revokedBy: viewer.accountId })
      .where(
        and(
          eq(invitations.projectId, input.projectId),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
          inArray(invitations.email, tx.select({ email: accountsView.email }).from(accountsView).where(eq(accountsView.id, input.accountId))),
        ),
      )
      .returning({ id: invitations.id, email: invitations.email, revokedAt: invitations.revokedAt });
    for (const invitation of voided) {
      await recordAuditEvent(tx, {
        workspaceId: project!.workspaceId,
        projectId: input.projectId,
        actorAccountId: viewer.accountId,
        action: 'invitation_revoked',
        targetEmail: invitation.email,
        targetId: invitation.id,
        after: { revokedAt: invitation.revokedAt },
      });
    }
    await recordAuditEvent(tx, {
      workspaceId: project!.workspaceId,
      projectId: input.projectId,
      actorAccountId: viewer.accountId,
      action: 'member_removed',
      targetAccountId: input.accountId,
      before: { roleId: removed.roleId, isExternal: removed.isExternal },
    });
    return project!;
  });
}
