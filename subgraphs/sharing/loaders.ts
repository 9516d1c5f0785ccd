import { and, asc, desc, eq, gt, inArray, isNull, or, type SQL } from 'drizzle-orm';
import { workspaceMembershipsView } from '../../db/identity/contract.js';
import { invitations, projectMembers, projectRoles, projects } from '../../db/sharing/schema.js';
import type { RequestContext } from '../common/context.js';
import { createLoader, groupBy, indexBy } from '../common/loaders.js';
import { createProjectAccessLoader } from '../common/project-access.js';
import { createAuditLoaders } from './audit/loaders.js';

export type ProjectRow = typeof projects.$inferSelect;
export type ProjectMemberRow = typeof projectMembers.$inferSelect;
export type ProjectRoleRow = typeof projectRoles.$inferSelect;
export type InvitationRow = typeof invitations.$inferSelect;

/** Creates the sharing subgraph's loaders for one request. */
export function createSharingLoaders(context: RequestContext) {
  const { db } = context;

  const projectsById = createLoader<ProjectRow | null>(async (ids) => {
    const rows = await db.select().from(projects).where(inArray(projects.id, ids));
    return indexBy(rows, (row) => row.id);
  }, null);

  const rolesById = createLoader<ProjectRoleRow | null>(async (ids) => {
    const rows = await db.select().from(projectRoles).where(inArray(projectRoles.id, ids));
    return indexBy(rows, (row) => row.id);
  }, null);

  /** Caches project rows that another statement of the request read whole, so that `projectsById` does not read them again. */
  const rememberProjects = (rows: ProjectRow[]) => {
    for (const row of rows) projectsById.prime(row.id, row);
  };

  /** Projects of each workspace that the viewer sees: all for its admins, else those the viewer is a member of. */
  const visibleProjectsByWorkspaceId = (includeArchived: boolean) =>
    createLoader<ProjectRow[]>(async (workspaceIds) => {
      const viewer = context.viewer;
      if (!viewer) return new Map();

      const conditions: (SQL | undefined)[] = [
        inArray(projects.workspaceId, workspaceIds),
        or(eq(workspaceMembershipsView.role, 'admin'), eq(projectMembers.accountId, viewer.accountId)),
      ];
      if (!includeArchived) conditions.push(isNull(projects.archivedAt));
      const rows = await db
        .select({ project: projects })
        .from(projects)
        .leftJoin(projectMembers, and(eq(projectMembers.projectId, projects.id), eq(projectMembers.accountId, viewer.accountId)))
        .leftJoin(workspaceMembershipsView, and(eq(workspaceMembershipsView.workspaceId, projects.workspaceId), eq(workspaceMembershipsView.accountId, viewer.accountId)))
        .where(and(...conditions))
        .orderBy(asc(projects.createdAt), asc(projects.id));
      const found = rows.map((row) => row.project);
      rememberProjects(found);
      return groupBy(found, (project) => project.workspaceId);
    }, []);

  return {
    projectAccessById: createProjectAccessLoader(context),

    projectsById,

    /** Each project's members. Their roles come from the same statement and fill `rolesById`. */
    membersByProjectId: createLoader<ProjectMemberRow[]>(async (ids) => {
      const rows = await db
        .select({ member: projectMembers, role: projectRoles })
        .from(projectMembers)
        .innerJoin(projectRoles, eq(projectRoles.id, projectMembers.roleId))
        .where(inArray(projectMembers.projectId, ids))
        .orderBy(asc(projectMembers.createdAt), asc(projectMembers.accountId));
      for (const row of rows) rolesById.prime(row.role.id, row.role);
      return groupBy(
        rows.map((row) => row.member),
        (member) => member.projectId,
      );
    }, []),

    /** The viewer's role in each workspace; null where the viewer is not a member. */
    viewerWorkspaceRoleById: createLoader<'admin' | 'member' | null>(async (ids) => {
      if (!context.viewer) return new Map();
      const rows = await db
        .select({ workspaceId: workspaceMembershipsView.workspaceId, role: workspaceMembershipsView.role })
        .from(workspaceMembershipsView)
        .where(and(eq(workspaceMembershipsView.accountId, context.viewer.accountId), inArray(workspaceMembershipsView.workspaceId, ids)));
      return new Map(rows.map((row) => [row.workspaceId, row.role]));
    }, null),

    rolesById,

    /** Roles available in each workspace: the built-in ones, then the workspace's own. */
    rolesByWorkspaceId: createLoader<ProjectRoleRow[]>(async (workspaceIds) => {
      const rows = await db
        .select()
        .from(projectRoles)
        .where(or(isNull(projectRoles.workspaceId), inArray(projectRoles.workspaceId, workspaceIds)))
        .orderBy(asc(projectRoles.createdAt), asc(projectRoles.id));
      const builtIn = rows.filter((row) => row.workspaceId === null);
      return new Map(workspaceIds.map((workspaceId) => [workspaceId, [...builtIn, ...rows.filter((row) => row.workspaceId === workspaceId)]]));
    }, []),

    /** Projects in which the viewer is an external member, by the workspace they placed them in. */
    viewerExternalProjectsByWorkspaceId: createLoader<ProjectRow[]>(async (workspaceIds) => {
      const viewer = context.viewer;
      if (!viewer) return new Map();
      const rows = await db
        .select({ project: projects, placementWorkspaceId: projectMembers.placementWorkspaceId })
        .from(projectMembers)
        .innerJoin(projects, eq(projects.id, projectMembers.projectId))
        .where(
          and(
            eq(projectMembers.accountId, viewer.accountId),
            eq(projectMembers.isExternal, true),
            inArray(projectMembers.placementWorkspaceId, workspaceIds),
            isNull(projects.archivedAt),
          ),
        )
        .orderBy(asc(projectMembers.createdAt), asc(projects.id));
      rememberProjects(rows.map((row) => row.project));
      const grouped = groupBy(rows, (row) => row.placementWorkspaceId!);
      return new Map([...grouped].map(([workspaceId, group]) => [workspaceId, group.map((row) => row.project)]));
    }, []),

    openInvitationsByProjectId: createLoader<InvitationRow[]>(async (projectIds) => {
      const rows = await db
        .select()
        .from(invitations)
        .where(and(inArray(invitations.projectId, projectIds), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date())))
        .orderBy(desc(invitations.createdAt), asc(invitations.id));
      return groupBy(rows, (row) => row.projectId);
    }, []),

    allInvitationsByProjectId: createLoader<InvitationRow[]>(async (projectIds) => {
      const rows = await db.select().from(invitations).where(inArray(invitations.projectId, projectIds)).orderBy(desc(invitations.createdAt), asc(invitations.id));
      return groupBy(rows, (row) => row.projectId);
    }, []),

    invitationsById: createLoader<InvitationRow | null>(async (ids) => {
      const rows = await db.select().from(invitations).where(inArray(invitations.id, ids));
      return indexBy(rows, (row) => row.id);
    }, null),

    activeProjectsByWorkspaceId: visibleProjectsByWorkspaceId(false),
    allProjectsByWorkspaceId: visibleProjectsByWorkspaceId(true),
    ...createAuditLoaders(context),
  };
}

export type SharingLoaders = ReturnType<typeof createSharingLoaders>;
