import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { SubgraphContext } from '../common/context.js';
import type { UserError } from '../common/errors.js';
import { parseId } from '../common/ids.js';
import { DateTimeScalar } from '../common/scalars.js';
import { isUserError } from '../common/validation.js';
import type { ProjectMemberRow, ProjectRow, SharingLoaders } from './loaders.js';
import { addProjectMember, createProject, removeProjectMember, renameProject, setProjectArchived } from './project/service.js';

type Context = SubgraphContext<SharingLoaders>;

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

export const sharingResolvers: GraphQLResolverMap<Context> = {
  DateTime: DateTimeScalar,

  Query: {
    project: (_parent, { id }, context) => loadVisibleProject(parseId(id, 'id'), context),
    projects: (_parent, { includeArchived }, context) =>
      context.viewer!.workspaceId ? workspaceProjects(context.viewer!.workspaceId, includeArchived === true, context) : [],
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
      projectPayload(await removeProjectMember(context.db, { projectId: parseId(input.projectId, 'input.projectId'), accountId: parseId(input.accountId, 'input.accountId') })),
  },

  Project: {
    __resolveReference: (reference: { id: string }, context: Context) => loadVisibleProject(reference.id, context),
    hostWorkspace: (project: ProjectRow) => ({ __typename: 'Workspace', id: project.workspaceId }),
    members: (project: ProjectRow, _args, context) => context.loaders.membersByProjectId.load(project.id),
    viewerIsMember: async (project: ProjectRow, _args, context) => (await context.loaders.projectAccessById.load(project.id))?.isMember ?? false,
    createdBy: (project: ProjectRow) => ({ __typename: 'Account', id: project.createdBy }),
  },

  ProjectMember: {
    account: (member: ProjectMemberRow) => ({ __typename: 'Account', id: member.accountId }),
    joinedAt: (member: ProjectMemberRow) => member.createdAt,
  },

  Workspace: {
    __resolveReference: (reference: { id: string }) => reference,
    projects: (workspace: { id: string }, { includeArchived }, context) => workspaceProjects(workspace.id, includeArchived === true, context),
  },
};
