import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { SubgraphContext } from '../common/context.js';
import type { UserError } from '../common/errors.js';
import { parseId } from '../common/ids.js';
import { DateTimeScalar } from '../common/scalars.js';
import { isUserError } from '../common/validation.js';
import { acceptInvitation, invitationStatus, inviteExternalMember, previewInvitation, resendInvitation, revokeInvitation, type InvitationRow } from './invitation/service.js';
import { auditTypeResolvers, auditWorkspaceResolvers } from './audit/resolvers.js';
import type { InvitationSettings } from './invitation/settings.js';
import type { ProjectMemberRow, ProjectRoleRow, ProjectRow, SharingLoaders } from './loaders.js';
import { addProjectMember, createProject, removeProjectMember, renameProject, setProjectArchived } from './project/service.js';
import { roleMutationResolvers } from './role/resolvers.js';
import { explainFieldResolvers, explainTypeResolvers } from './explain/resolvers.js';

type Context = SubgraphContext<SharingLoaders>;

function invitationPayload(result: InvitationRow | UserError) {
  return isUserError(result) ? { invitation: null, userErrors: [result] } : { invitation: result, userErrors: [] };
}

function projectPayload(result: ProjectRow | UserError) {
  return isUserError(result) ? { project: null, userErrors: [result] } : { project: result, userErrors: [] };
}

/** Loads a project for the viewer: null when it does not exist or the viewer may not see it. */
async function loadVisibleProject(id: string, context: Context): Promise<ProjectRow | null> {
  const access = await context.loaders.projectAccessById.load(id);
  return access?.canSee ? context.loaders.projectsById.load(id) : null;
}

function workspaceProjects(workspaceId: string, includeArchived: boolean, context: Context) {
  const loader = includeArchived ? context.loaders.allProjectsByWorkspaceId : context.loaders.activeProjectsByWorkspaceId;
  return loader.load(workspaceId);
}

export function createSharingResolvers(settings: InvitationSettings): GraphQLResolverMap<Context> {
  const invitationContext = (context: Context) => ({ db: context.db, viewer: context.viewer!, settings, log: context.log });

  return {
  DateTime: DateTimeScalar,

  Query: {
    project: (_parent, { id }, context) => loadVisibleProject(parseId(id, 'id'), context),
    projects: (_parent, { includeArchived }, context) =>
      context.viewer!.workspaceId ? workspaceProjects(context.viewer!.workspaceId, includeArchived === true, context) : [],
    invitationPreview: (_parent, { token }, context) => previewInvitation(context.db, token),
    ...explainFieldResolvers.Query,
  },

  Mutation: {
    createProject: async (_parent, { input }, context) => projectPayload(await createProject(context.db, context.viewer!, input)),
    renameProject: async (_parent, { input }, context) => projectPayload(await renameProject(context.db, { ...input, projectId: parseId(input.projectId, 'input.projectId') })),
    archiveProject: async (_parent, { input }, context) => projectPayload(await setProjectArchived(context.db, parseId(input.projectId, 'input.projectId'), true)),
    unarchiveProject: async (_parent, { input }, context) => projectPayload(await setProjectArchived(context.db, parseId(input.projectId, 'input.projectId'), false)),
    addProjectMember: async (_parent, { input }, context) =>
      projectPayload(
        await addProjectMember(context.db, context.viewer!, { projectId: parseId(input.projectId, 'input.projectId'), accountId: parseId(input.accountId, 'input.accountId') }),
      ),
    removeProjectMember: async (_parent, { input }, context) =>
      projectPayload(await removeProjectMember(context.db, context.viewer!, { projectId: parseId(input.projectId, 'input.projectId'), accountId: parseId(input.accountId, 'input.accountId') })),

    inviteExternalMember: async (_parent, { input }, context) =>
      invitationPayload(
        await inviteExternalMember(invitationContext(context), { projectId: parseId(input.projectId, 'input.projectId'), email: input.email, roleId: parseId(input.roleId, 'input.roleId') }),
      ),
    resendInvitation: async (_parent, { input }, context) => invitationPayload(await resendInvitation(invitationContext(context), parseId(input.invitationId, 'input.invitationId'))),
    revokeInvitation: async (_parent, { input }, context) => invitationPayload(await revokeInvitation(invitationContext(context), parseId(input.invitationId, 'input.invitationId'))),

    ...roleMutationResolvers,

    acceptInvitation: async (_parent, { input }, context) => {
      const placementWorkspaceId = input.placementWorkspaceId == null ? null : parseId(input.placementWorkspaceId, 'input.placementWorkspaceId');
      const result = await acceptInvitation(context.db, context.viewer!, { token: input.token, placementWorkspaceId });
      if (isUserError(result)) return { project: null, placementWorkspace: null, userErrors: [result] };
      return {
        project: await context.loaders.projectsById.load(result.projectId),
        placementWorkspace: { __typename: 'Workspace', id: result.placementWorkspaceId },
        userErrors: [],
      };
    },
  },

  Project: {
    __resolveReference: (reference: { id: string }, context: Context) => loadVisibleProject(reference.id, context),
    hostWorkspace: (project: ProjectRow) => ({ __typename: 'Workspace', id: project.workspaceId }),
    members: (project: ProjectRow, _args, context) => context.loaders.membersByProjectId.load(project.id),
    invitations: (project: ProjectRow, { includeClosed }, context) =>
      (includeClosed ? context.loaders.allInvitationsByProjectId : context.loaders.openInvitationsByProjectId).load(project.id),
    viewerIsMember: async (project: ProjectRow, _args, context) => (await context.loaders.projectAccessById.load(project.id))?.isMember ?? false,
    viewerIsExternal: async (project: ProjectRow, _args, context) => (await context.loaders.projectAccessById.load(project.id))?.isExternal ?? false,
    viewerRole: async (project: ProjectRow, _args, context) => {
      const members = await context.loaders.membersByProjectId.load(project.id);
      const own = members.find((member) => member.accountId === context.viewer?.accountId);
      return own ? context.loaders.rolesById.load(own.roleId) : null;
    },
    createdBy: (project: ProjectRow) => ({ __typename: 'Account', id: project.createdBy }),
  },

  ProjectMember: {
    account: (member: ProjectMemberRow) => ({ __typename: 'Account', id: member.accountId }),
    role: (member: ProjectMemberRow, _args, context) => context.loaders.rolesById.load(member.roleId),
    homeWorkspace: async (member: ProjectMemberRow, _args, context) => {
      if (member.placementWorkspaceId) return { __typename: 'Workspace', id: member.placementWorkspaceId };
      const project = await context.loaders.projectsById.load(member.projectId);
      return { __typename: 'Workspace', id: project!.workspaceId };
    },
    // Every member, external ones included, can be assigned and mentioned; invited people are not members yet.
    isAssignable: () => true,
    isMentionable: () => true,
    joinedAt: (member: ProjectMemberRow) => member.createdAt,
  },

  ProjectRole: {
    isBuiltIn: (role: ProjectRoleRow) => role.workspaceId === null,
  },

  Invitation: {
    role: (invitation: InvitationRow, _args, context) => context.loaders.rolesById.load(invitation.roleId),
    status: (invitation: InvitationRow) => invitationStatus(invitation),
    invitedBy: (invitation: InvitationRow) => ({ __typename: 'Account', id: invitation.invitedBy }),
    acceptedBy: (invitation: InvitationRow) => (invitation.acceptedBy ? { __typename: 'Account', id: invitation.acceptedBy } : null),
  },

  Workspace: {
    __resolveReference: (reference: { id: string }) => reference,
    projects: (workspace: { id: string }, { includeArchived }, context) => workspaceProjects(workspace.id, includeArchived === true, context),
    externalProjects: (workspace: { id: string }, _args, context) => context.loaders.viewerExternalProjectsByWorkspaceId.load(workspace.id),
    projectOverview: async (workspace: { id: string }, _args, context) => {
      const [own, external] = await Promise.all([
        workspaceProjects(workspace.id, false, context),
        context.loaders.viewerExternalProjectsByWorkspaceId.load(workspace.id),
      ]);
      return [...own.map((project) => ({ project, isExternal: false })), ...external.map((project) => ({ project, isExternal: true }))];
    },
    projectRoles: (workspace: { id: string }, _args, context) => context.loaders.rolesByWorkspaceId.load(workspace.id),
    ...auditWorkspaceResolvers,
  },

  ...auditTypeResolvers,
  ...explainTypeResolvers,
  };
}
