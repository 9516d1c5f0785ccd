import type { SubgraphContext } from '../common/context.js';
import { forbidden } from '../common/errors.js';
import { parseId } from '../common/ids.js';
import { accessRule, allow, federationRules, isAuthenticated } from '../common/shield.js';
import type { SharingLoaders } from './loaders.js';

type Context = SubgraphContext<SharingLoaders>;

/** The viewer may see the parent project. */
const canSeeProject = accessRule<Context>('canSeeProject', 'strict', async (parent, _args, context) => {
  const access = await context.loaders.projectAccessById.load(parent.id);
  return access?.canSee ? true : forbidden();
});

/** The viewer may change the project that `input.projectId` names. */
const canEditInputProject = accessRule<Context>('canEditInputProject', 'strict', async (_parent, args, context) => {
  const projectId = parseId(args.input?.projectId, 'input.projectId');
  const access = await context.loaders.projectAccessById.load(projectId);
  return access?.canEdit ? true : forbidden();
});

/** The viewer is a member of the parent workspace. */
const isMemberOfWorkspace = accessRule<Context>('isMemberOfWorkspace', 'strict', async (parent, _args, context) => {
  return (await context.loaders.viewerWorkspaceRoleById.load(parent.id)) ? true : forbidden();
});

export const sharingRules = {
  ...federationRules,
  Query: { ...federationRules.Query, project: isAuthenticated, projects: isAuthenticated },
  Mutation: {
    createProject: isAuthenticated,
    renameProject: canEditInputProject,
    archiveProject: canEditInputProject,
    unarchiveProject: canEditInputProject,
    addProjectMember: canEditInputProject,
    removeProjectMember: canEditInputProject,
  },
  Project: canSeeProject,
  ProjectMember: isAuthenticated,
  Workspace: { '*': isAuthenticated, projects: isMemberOfWorkspace },
  Account: isAuthenticated,
  ProjectPayload: allow,
  ProjectMemberPayload: allow,
  UserError: allow,
};
