import type { SubgraphContext } from '../../common/context.js';
import { forbidden } from '../../common/errors.js';
import { accessRule, isAuthenticated } from '../../common/shield.js';
import type { SharingLoaders } from '../loaders.js';

type Context = SubgraphContext<SharingLoaders>;

/** Allows an admin of the parent workspace. */
const isAdminOfWorkspace = accessRule<Context>('isAdminOfWorkspace', 'strict', async (parent, _args, context) => {
  return (await context.loaders.viewerWorkspaceRoleById.load(parent.id)) === 'admin' ? true : forbidden();
});

/** Rules of the Workspace fields that the audit log adds. */
export const auditWorkspaceRules = { auditLog: isAdminOfWorkspace };

/** Rules of the audit log's types; only `Workspace.auditLog`, which admins alone may read, returns them. */
export const auditTypeRules = {
  AuditEventConnection: isAuthenticated,
  AuditEventEdge: isAuthenticated,
  AuditEvent: isAuthenticated,
  PageInfo: isAuthenticated,
};
