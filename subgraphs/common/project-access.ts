import { and, eq, inArray } from 'drizzle-orm';
import { workspaceMembershipsView } from '../../db/identity/contract.js';
import { projectMembershipsView, projectsView } from '../../db/sharing/contract.js';
import type { RequestContext } from './context.js';
import { createLoader, indexBy } from './loaders.js';

/** The viewer's permissions in one project, read from the sharing and identity subgraphs' published views. */
export interface ProjectAccess {
  projectId: string;
  /** The host workspace. */
  workspaceId: string;
  archived: boolean;
  isMember: boolean;
  isExternal: boolean;
  /** The viewer's role in the host workspace; null when the viewer is not a member of it. */
  workspaceRole: 'admin' | 'member' | null;
  /** Project members and admins of the host workspace see the project. */
  canSee: boolean;
  /** Permission to change the project's details. */
  canEdit: boolean;
  /** Permission to invite, add and remove members and change their roles. */
  canManageMembers: boolean;
  /** False when the viewer's project role limits them to the tasks they are assigned to. */
  seesAllTasks: boolean;
  /** Permission to create, change and assign tasks. */
  canEditTasks: boolean;
  /** Permission to delete the project's tasks. */
  canDeleteTasks: boolean;
  /** Permission to comment on the project and its tasks. */
  canComment: boolean;
  /** Permission to track one's own time on the project's tasks. */
  canTrackTime: boolean;
  /** Permission to read every member's time entries rather than only one's own. */
  canSeeOthersTime: boolean;
}

/**
 * Creates the per-request loader of the viewer's access to projects: one statement for
 * every project a request touches. It is the single place where subgraphs decide project
 * access, and it caches nothing beyond the request.
 */
export function createProjectAccessLoader(context: RequestContext) {
  return createLoader<ProjectAccess | null>(async (projectIds) => {
    const viewer = context.viewer;
    if (!viewer) return new Map();
    // While an admin views a project as this viewer, every other project is out of sight.
    if (viewer.viewAs) projectIds = projectIds.filter((projectId) => projectId === viewer.viewAs!.projectId.toLowerCase());
    if (projectIds.length === 0) return new Map();

    const rows = await context.db
      .select({
        projectId: projectsView.id,
        workspaceId: projectsView.workspaceId,
        archivedAt: projectsView.archivedAt,
        memberAccountId: projectMembershipsView.accountId,
        isExternal: projectMembershipsView.isExternal,
        seesAllTasks: projectMembershipsView.seesAllTasks,
        canEditTasks: projectMembershipsView.canEditTasks,
        canTrackTime: projectMembershipsView.canTrackTime,
        canManageMembers: projectMembershipsView.canManageMembers,
        canDeleteTasks: projectMembershipsView.canDeleteTasks,
        canComment: projectMembershipsView.canComment,
        canSeeOthersTime: projectMembershipsView.canSeeOthersTime,
        workspaceRole: workspaceMembershipsView.role,
      })
      .from(projectsView)
      .leftJoin(projectMembershipsView, and(eq(projectMembershipsView.projectId, projectsView.id), eq(projectMembershipsView.accountId, viewer.accountId)))
      .leftJoin(
        workspaceMembershipsView,
        and(eq(workspaceMembershipsView.workspaceId, projectsView.workspaceId), eq(workspaceMembershipsView.accountId, viewer.accountId)),
      )
      .where(inArray(projectsView.id, projectIds));

    const access = rows.map((row): ProjectAccess => {
      const isMember = row.memberAccountId !== null;
      // An admin of the host workspace may do everything in its projects, member or not.
      const isHostAdmin = row.workspaceRole === 'admin';
      return {
        projectId: row.projectId,
        workspaceId: row.workspaceId,
        archived: row.archivedAt !== null,
        isMember,
        isExternal: row.isExternal ?? false,
        workspaceRole: row.workspaceRole,
        canSee: isMember || isHostAdmin,
        canEdit: isHostAdmin || (isMember && !row.isExternal && row.canManageMembers === true),
        canManageMembers: isHostAdmin || row.canManageMembers === true,
        seesAllTasks: isHostAdmin || row.seesAllTasks === true,
        canEditTasks: isHostAdmin || row.canEditTasks === true,
        canDeleteTasks: isHostAdmin || row.canDeleteTasks === true,
        canComment: isHostAdmin || row.canComment === true,
        canTrackTime: isHostAdmin || row.canTrackTime === true,
        canSeeOthersTime: isHostAdmin || row.canSeeOthersTime === true,
      };
    });
    return indexBy(access, (row) => row.projectId);
  }, null);
}
