import type { SubgraphContext } from '../../common/context.js';
import { forbidden } from '../../common/errors.js';
import { parseId } from '../../common/ids.js';
import { accessRule } from '../../common/shield.js';
import type { SharingLoaders } from '../loaders.js';

type Context = SubgraphContext<SharingLoaders>;

async function isWorkspaceAdmin(workspaceId: string, context: Context): Promise<true | Error> {
  return (await context.loaders.viewerWorkspaceRoleById.load(workspaceId)) === 'admin' ? true : forbidden();
}

/** Allows an admin of the workspace that `input.workspaceId` names. */
const isAdminOfInputWorkspace = accessRule<Context>('isAdminOfInputWorkspace', 'strict', (_parent, args, context) =>
  isWorkspaceAdmin(parseId(args.input?.workspaceId, 'input.workspaceId'), context),
);

/**
 * Allows an admin of the workspace of the role that `input.roleId` names. Built-in roles
 * belong to no workspace, so any signed-in viewer passes and the mutation returns the
 * user error ROLE_BUILT_IN.
 */
const isAdminOfInputRole = accessRule<Context>('isAdminOfInputRole', 'strict', async (_parent, args, context) => {
  if (!context.viewer) return forbidden();
  const role = await context.loaders.rolesById.load(parseId(args.input?.roleId, 'input.roleId'));
  if (!role) return forbidden();
  return role.workspaceId === null ? true : isWorkspaceAdmin(role.workspaceId, context);
});

export const roleMutationRules = {
  createProjectRole: isAdminOfInputWorkspace,
  updateProjectRole: isAdminOfInputRole,
  deleteProjectRole: isAdminOfInputRole,
};
