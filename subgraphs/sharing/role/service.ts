import { and, eq, isNull, ne, or } from 'drizzle-orm';
import type { Database, Transaction } from '../../../db/client.js';
import { invitations, projectMembers, projectRoles, projects } from '../../../db/sharing/schema.js';
import { userError, type UserError } from '../../common/errors.js';
import { checkText, isUserError } from '../../common/validation.js';
import type { Viewer } from '../../common/viewer.js';
import { recordAuditEvent } from '../audit/record.js';

export type ProjectRoleRow = typeof projectRoles.$inferSelect;

/** The permissions a role holds, as the API names them. */
export interface RolePermissions {
  canEditProject: boolean;
  canOpenSettings: boolean;
  canManageMembers: boolean;
  seesAllTasks: boolean;
  canEditTasks: boolean;
  canDeleteTasks: boolean;
  canComment: boolean;
  canTrackTime: boolean;
  canSeeOthersTime: boolean;
}

const permissionNames: (keyof RolePermissions)[] = [
  'canEditProject',
  'canOpenSettings',
  'canManageMembers',
  'seesAllTasks',
  'canEditTasks',
  'canDeleteTasks',
  'canComment',
  'canTrackTime',
  'canSeeOthersTime',
];

/** Permissions of a new role where the input leaves them out: the least, but for commenting. */
const leastPermissions: RolePermissions = {
  canEditProject: false,
  canOpenSettings: false,
  canManageMembers: false,
  seesAllTasks: false,
  canEditTasks: false,
  canDeleteTasks: false,
  canComment: true,
  canTrackTime: false,
  canSeeOthersTime: false,
};

function snapshot(role: ProjectRoleRow) {
  return { name: role.name, appliesToExternal: role.appliesToExternal, ...Object.fromEntries(permissionNames.map((name) => [name, role[name]])) };
}

/** Rejects a permission set that an external role may not hold. */
function checkExternalPermissions(appliesToExternal: boolean, permissions: RolePermissions): UserError | null {
  if (!appliesToExternal) return null;
  const forbidden = (['canEditProject', 'canOpenSettings'] as const).filter((name) => permissions[name]);
  if (forbidden.length === 0) return null;
  return userError(
    'PERMISSION_NOT_FOR_EXTERNALS',
    ['input', 'permissions', forbidden[0]!],
    `A role for external members cannot have ${forbidden.join(' or ')}: no role lets an external member edit the project's details or open its settings.`,
  );
}

async function checkNameFree(tx: Transaction, workspaceId: string, name: string, exceptRoleId: string | null): Promise<UserError | null> {
  const [taken] = await tx
    .select({ id: projectRoles.id })
    .from(projectRoles)
    .where(and(or(isNull(projectRoles.workspaceId), eq(projectRoles.workspaceId, workspaceId)), eq(projectRoles.name, name), exceptRoleId ? ne(projectRoles.id, exceptRoleId) : undefined));
  return taken ? userError('ROLE_NAME_TAKEN', ['input', 'name'], `This workspace already has a project role named ${JSON.stringify(name)}; choose another name.`) : null;
}

/** Creates a role of a workspace. Whether it applies to external members is fixed from now on. */
export async function createProjectRole(
  db: Database,
  viewer: Viewer,
  input: { workspaceId: string; name: string; appliesToExternal: boolean; permissions?: Partial<RolePermissions> | null },
): Promise<ProjectRoleRow | UserError> {
  const name = checkText(input.name, ['input', 'name'], 'The role name', 100);
  if (isUserError(name)) return name;
  const permissions = { ...leastPermissions, ...withoutNulls(input.permissions) };
  const problem = checkExternalPermissions(input.appliesToExternal, permissions);
  if (problem) return problem;

  return db.transaction(async (tx) => {
    const nameProblem = await checkNameFree(tx, input.workspaceId, name, null);
    if (nameProblem) return nameProblem;
    const [role] = await tx.insert(projectRoles).values({ workspaceId: input.workspaceId, name, appliesToExternal: input.appliesToExternal, ...permissions }).returning();
    await recordAuditEvent(tx, { workspaceId: input.workspaceId, actorAccountId: viewer.accountId, action: 'role_created', targetId: role!.id, after: snapshot(role!) });
    return role!;
  });
}

/**
 * Renames a role or changes its permissions. Built-in roles cannot change, and neither can
 * whether a role applies to external members: the input may repeat that flag, not flip it.
 */
export async function updateProjectRole(
  db: Database,
  viewer: Viewer,
  input: { roleId: string; name?: string | null; appliesToExternal?: boolean | null; permissions?: Partial<RolePermissions> | null },
): Promise<ProjectRoleRow | UserError> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(projectRoles).where(eq(projectRoles.id, input.roleId)).for('update');
    if (!current!.workspaceId) return builtInError();
    if (input.appliesToExternal != null && input.appliesToExternal !== current!.appliesToExternal) {
      return userError('ROLE_SCOPE_FIXED', ['input', 'appliesToExternal'], 'Whether a role applies to external members is fixed when it is created; create a new role instead.');
    }

    const name = input.name == null ? current!.name : checkText(input.name, ['input', 'name'], 'The role name', 100);
    if (isUserError(name)) return name;
    const permissions = { ...(Object.fromEntries(permissionNames.map((key) => [key, current![key]])) as unknown as RolePermissions), ...withoutNulls(input.permissions) };
    const problem = checkExternalPermissions(current!.appliesToExternal, permissions);
    if (problem) return problem;
    const nameProblem = await checkNameFree(tx, current!.workspaceId, name, current!.id);
    if (nameProblem) return nameProblem;

    const [role] = await tx.update(projectRoles).set({ name, ...permissions, updatedAt: new Date() }).where(eq(projectRoles.id, current!.id)).returning();
    await recordAuditEvent(tx, { workspaceId: current!.workspaceId, actorAccountId: viewer.accountId, action: 'role_updated', targetId: current!.id, before: snapshot(current!), after: snapshot(role!) });
    return role!;
  });
}

/**
 * Deletes a role. A role that members or invitations still hold needs a replacement of the
 * same kind (for external members or not), which they are moved to in the same transaction.
 */
export async function deleteProjectRole(db: Database, viewer: Viewer, input: { roleId: string; replacementRoleId?: string | null }): Promise<ProjectRoleRow | UserError> {
  return db.transaction(async (tx) => {
    const [role] = await tx.select().from(projectRoles).where(eq(projectRoles.id, input.roleId)).for('update');
    if (!role!.workspaceId) return builtInError();

    const [member] = await tx.select({ id: projectMembers.accountId }).from(projectMembers).where(eq(projectMembers.roleId, role!.id)).limit(1);
    const [invitation] = await tx.select({ id: invitations.id }).from(invitations).where(eq(invitations.roleId, role!.id)).limit(1);
    if (member || invitation) {
      if (!input.replacementRoleId) {
        return userError('ROLE_IN_USE', ['input', 'replacementRoleId'], 'Members or invitations still hold this role; name a replacementRoleId to move them to.');
      }
      const [replacement] = await tx
        .select()
        .from(projectRoles)
        .where(and(eq(projectRoles.id, input.replacementRoleId), or(isNull(projectRoles.workspaceId), eq(projectRoles.workspaceId, role!.workspaceId))));
      if (!replacement || replacement.id === role!.id || replacement.appliesToExternal !== role!.appliesToExternal) {
        return userError(
          'INVALID_REPLACEMENT_ROLE',
          ['input', 'replacementRoleId'],
          `The replacement must be another role of this workspace that ${role!.appliesToExternal ? 'applies' : 'does not apply'} to external members.`,
        );
      }
      await tx.update(projectMembers).set({ roleId: replacement.id }).where(eq(projectMembers.roleId, role!.id));
      await tx.update(invitations).set({ roleId: replacement.id }).where(eq(invitations.roleId, role!.id));
    }

    await tx.delete(projectRoles).where(eq(projectRoles.id, role!.id));
    await recordAuditEvent(tx, {
      workspaceId: role!.workspaceId,
      actorAccountId: viewer.accountId,
      action: 'role_deleted',
      targetId: role!.id,
      before: snapshot(role!),
      after: input.replacementRoleId ? { replacementRoleId: input.replacementRoleId } : null,
    });
    return role!;
  });
}

/**
 * Gives a project member another role of the host workspace: external members only roles that
 * apply to external members, internal members only the others.
 */
export async function setProjectMemberRole(
  db: Database,
  viewer: Viewer,
  input: { projectId: string; accountId: string; roleId: string },
): Promise<{ projectId: string } | UserError> {
  return db.transaction(async (tx) => {
    const [project] = await tx.select({ workspaceId: projects.workspaceId }).from(projects).where(eq(projects.id, input.projectId));
    const [member] = await tx
      .select()
      .from(projectMembers)
      .where(and(eq(projectMembers.projectId, input.projectId), eq(projectMembers.accountId, input.accountId)))
      .for('update');
    if (!member) return userError('NOT_A_PROJECT_MEMBER', ['input', 'accountId'], `Account "${input.accountId}" is not a member of this project.`);

    const [role] = await tx
      .select()
      .from(projectRoles)
      .where(and(eq(projectRoles.id, input.roleId), or(isNull(projectRoles.workspaceId), eq(projectRoles.workspaceId, project!.workspaceId))));
    if (!role) return userError('ROLE_NOT_FOUND', ['input', 'roleId'], `No project role "${input.roleId}" exists in this workspace; pick one from the workspace's projectRoles.`);
    if (member.isExternal && !role.appliesToExternal) {
      return userError('ROLE_NOT_FOR_EXTERNALS', ['input', 'roleId'], `Role ${JSON.stringify(role.name)} cannot be given to external members; pick a role whose appliesToExternal is true.`);
    }
    if (!member.isExternal && role.appliesToExternal) {
      return userError('ROLE_ONLY_FOR_EXTERNALS', ['input', 'roleId'], `Role ${JSON.stringify(role.name)} is for external members; pick a role whose appliesToExternal is false.`);
    }
    if (member.roleId === role.id) return { projectId: input.projectId };

    await tx.update(projectMembers).set({ roleId: role.id }).where(and(eq(projectMembers.projectId, input.projectId), eq(projectMembers.accountId, input.accountId)));
    await recordAuditEvent(tx, {
      workspaceId: project!.workspaceId,
      projectId: input.projectId,
      actorAccountId: viewer.accountId,
      action: 'member_role_changed',
      targetAccountId: input.accountId,
      before: { roleId: member.roleId },
      after: { roleId: role.id },
    });
    return { projectId: input.projectId };
  });
}

function builtInError(): UserError {
  return userError('ROLE_BUILT_IN', ['input', 'roleId'], 'Built-in roles cannot be changed or deleted; create a role of your own instead.');
}

function withoutNulls<T extends object>(value: T | null | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, entry]) => entry !== null && entry !== undefined)) as Partial<T>;
}

