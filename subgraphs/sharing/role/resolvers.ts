import type { SubgraphContext } from '../../common/context.js';
import type { UserError } from '../../common/errors.js';
import { parseId } from '../../common/ids.js';
import { isUserError } from '../../common/validation.js';
import type { SharingLoaders } from '../loaders.js';
import { createProjectRole, deleteProjectRole, setProjectMemberRole, updateProjectRole, type ProjectRoleRow } from './service.js';

type Context = SubgraphContext<SharingLoaders>;

function rolePayload(result: ProjectRoleRow | UserError) {
  return isUserError(result) ? { role: null, userErrors: [result] } : { role: result, userErrors: [] };
}

export const roleMutationResolvers = {
  createProjectRole: async (_parent: unknown, { input }: { input: any }, context: Context) =>
    rolePayload(await createProjectRole(context.db, context.viewer!, { ...input, workspaceId: parseId(input.workspaceId, 'input.workspaceId') })),

  updateProjectRole: async (_parent: unknown, { input }: { input: any }, context: Context) =>
    rolePayload(await updateProjectRole(context.db, context.viewer!, { ...input, roleId: parseId(input.roleId, 'input.roleId') })),

  deleteProjectRole: async (_parent: unknown, { input }: { input: any }, context: Context) => {
    const replacementRoleId = input.replacementRoleId == null ? null : parseId(input.replacementRoleId, 'input.replacementRoleId');
    return rolePayload(await deleteProjectRole(context.db, context.viewer!, { roleId: parseId(input.roleId, 'input.roleId'), replacementRoleId }));
  },

  setProjectMemberRole: async (_parent: unknown, { input }: { input: any }, context: Context) => {
    const result = await setProjectMemberRole(context.db, context.viewer!, {
      projectId: parseId(input.projectId, 'input.projectId'),
      accountId: parseId(input.accountId, 'input.accountId'),
      roleId: parseId(input.roleId, 'input.roleId'),
    });
    if (isUserError(result)) return { project: null, userErrors: [result] };
    return { project: await context.loaders.projectsById.load(result.projectId), userErrors: [] };
  },
};
