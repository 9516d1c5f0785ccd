import type { SubgraphContext } from '../common/context.js';
import { forbidden } from '../common/errors.js';
import { parseId } from '../common/ids.js';
import type { ProjectAccess } from '../common/project-access.js';
import { accessRule, allow, federationRules, isAuthenticated } from '../common/shield.js';
import { auditTypeRules, auditWorkspaceRules } from './audit/rules.js';
import type { SharingLoaders } from './loaders.js';
import { roleMutationRules } from './role/rules.js';
import { explainFieldRules, explainTypeRules } from './explain/resolvers.js';

type Context = SubgraphContext<SharingLoaders>;
type Permission = keyof Pick<ProjectAccess, 'canSee' | 'canEdit' | 'canManageMembers'>;

async function allows(projectId: string, permission: Permission, context: Context): Promise<true | Error> {
  const access = await context.loaders.projectAccessById.load(projectId);
  return access?.[permission] ? true : forbidden();
}

/** Allows a viewer who may see the parent project. */
const canSeeProject = accessRule<Context>('canSeeProject', 'strict', (parent, _args, context) => allows(parent.id, 'canSee', context));

/** Allows a viewer who may manage the members of the parent project. */
const canManageProjectMembers = accessRule<Context>('canManageProjectMembers', 'strict', (parent, _args, context) => allows(parent.id, 'canManageMembers', context));

/** Allows a viewer who may change the details of the project that `input.projectId` names. */
const canEditInputProject = accessRule<Context>('canEditInputProject', 'strict', (_parent, args, context) =>
  allows(parseId(args.input?.projectId, 'input.projectId'), 'canEdit', context),
);

/** Allows a viewer who may manage the members of the project that `input.projectId` names. */
const canManageInputProject = accessRule<Context>('canManageInputProject', 'strict', (_parent, args, context) =>
  allows(parseId(args.input?.projectId, 'input.projectId'), 'canManageMembers', context),
);

/** Allows a viewer who may manage the members of the project of the invitation that `input.invitationId` names. */
const canManageInputInvitation = accessRule<Context>('canManageInputInvitation', 'strict', async (_parent, args, context) => {
  const invitation = await context.loaders.invitationsById.load(parseId(args.input?.invitationId, 'input.invitationId'));
  return invitation ? allows(invitation.projectId, 'canManageMembers', context) : forbidden();
});

/** Allows a member of the parent workspace. */
const isMemberOfWorkspace = accessRule<Context>('isMemberOfWorkspace', 'strict', async (parent, _args, context) => {
  return (await context.loaders.viewerWorkspaceRoleById.load(parent.id)) ? true : forbidden();
});

export const sharingRules = {
  ...federationRules,
  Query: { ...federationRules.Query, project: isAuthenticated, projects: isAuthenticated, invitationPreview: allow, ...explainFieldRules.Query },
  Mutation: {
    createProject: isAuthenticated,
    renameProject: canEditInputProject,
    archiveProject: canEditInputProject,
    unarchiveProject: canEditInputProject,
    addProjectMember: canManageInputProject,
    removeProjectMember: canManageInputProject,
    inviteExternalMember: canManageInputProject,
    resendInvitation: canManageInputInvitation,
    revokeInvitation: canManageInputInvitation,
    acceptInvitation: isAuthenticated,
    setProjectMemberRole: canManageInputProject,
    ...roleMutationRules,
  },
  Project: { '*': canSeeProject, invitations: canManageProjectMembers },
  ProjectMember: isAuthenticated,
  ProjectRole: isAuthenticated,
  Invitation: isAuthenticated,
  InvitationPreview: allow,
  ProjectOverviewEntry: isAuthenticated,
  Workspace: { '*': isAuthenticated, projects: isMemberOfWorkspace, externalProjects: isMemberOfWorkspace, projectOverview: isMemberOfWorkspace, projectRoles: isMemberOfWorkspace, ...auditWorkspaceRules },
  ...auditTypeRules,
  Account: isAuthenticated,
  ProjectPayload: allow,
  ProjectRolePayload: allow,
  ProjectMemberPayload: allow,
  InvitationPayload: allow,
  AcceptInvitationPayload: allow,
  UserError: allow,
  ...explainTypeRules,
};
