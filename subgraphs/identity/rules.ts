import { forbidden } from '../common/errors.js';
import { parseId } from '../common/ids.js';
import { accessRule, allow, federationRules, isAuthenticated } from '../common/shield.js';
import type { SubgraphContext } from '../common/context.js';
import type { IdentityLoaders } from './loaders.js';

type Context = SubgraphContext<IdentityLoaders>;

/** Allows an admin of the workspace that `input.workspaceId` names. */
const isAdminOfInputWorkspace = accessRule<Context>('isAdminOfInputWorkspace', 'strict', async (_parent, args, context) => {
  if (!context.viewer) return forbidden();
  const workspaceId = parseId(args.input?.workspaceId, 'input.workspaceId');
  const membership = await context.loaders.viewerMembershipByWorkspaceId.load(workspaceId);
  return membership?.role === 'admin' ? true : forbidden();
});

/** Allows a person, not an integration token, who administers the workspace that `input.workspaceId` names. */
const isPersonAdminOfInputWorkspace = accessRule<Context>('isPersonAdminOfInputWorkspace', 'strict', async (_parent, args, context) => {
  if (!context.viewer || context.viewer.integration) return forbidden();
  const workspaceId = parseId(args.input?.workspaceId, 'input.workspaceId');
  const membership = await context.loaders.viewerMembershipByWorkspaceId.load(workspaceId);
  return membership?.role === 'admin' ? true : forbidden();
});

/** Allows a person, not an integration token, who administers the parent workspace. */
const isPersonAdminOfWorkspace = accessRule<Context>('isPersonAdminOfWorkspace', 'strict', async (parent, _args, context) => {
  if (!context.viewer || context.viewer.integration) return forbidden();
  return (await context.loaders.viewerMembershipByWorkspaceId.load(parent.id))?.role === 'admin' ? true : forbidden();
});

/** Allows a person, not an integration token; the resolver checks the rest and returns a user error. */
const isPerson = accessRule<Context>('isPerson', 'strict', async (_parent, _args, context) => (context.viewer && !context.viewer.integration ? true : forbidden()));

/** Allows a member of the parent workspace. */
const isMemberOfWorkspace = accessRule<Context>('isMemberOfWorkspace', 'strict', async (parent, _args, context) => {
  if (!context.viewer) return forbidden();
  return (await context.loaders.viewerMembershipByWorkspaceId.load(parent.id)) ? true : forbidden();
});

/** Allows the parent account itself, and anyone who shares a workspace or a project with it. */
const sharesWithAccount = accessRule<Context>('sharesWithAccount', 'strict', async (parent, _args, context) => {
  if (!context.viewer) return forbidden();
  return (await context.loaders.sharesWithViewerByAccountId.load(parent.id)) ? true : forbidden();
});

export const identityRules = {
  ...federationRules,
  Query: { ...federationRules.Query, viewer: allow },
  Mutation: {
    signUp: allow,
    logIn: allow,
    logOut: isAuthenticated,
    switchWorkspace: isAuthenticated,
    createWorkspace: isAuthenticated,
    renameWorkspace: isAdminOfInputWorkspace,
    setWorkspaceLogo: isAdminOfInputWorkspace,
    addWorkspaceMember: isAdminOfInputWorkspace,
    setExternalInvitationsEnabled: isAdminOfInputWorkspace,
    createIntegrationToken: isPersonAdminOfInputWorkspace,
    revokeIntegrationToken: isPerson,
    registerPersistedOperations: isPerson,
  },
  Viewer: isAuthenticated,
  Account: { '*': isAuthenticated, email: sharesWithAccount },
  Workspace: { '*': isAuthenticated, members: isMemberOfWorkspace, plan: isMemberOfWorkspace, externalInvitationsEnabled: isMemberOfWorkspace, integrationTokens: isPersonAdminOfWorkspace },
  IntegrationToken: isAuthenticated,
  CreateIntegrationTokenPayload: allow,
  IntegrationTokenPayload: allow,
  RegisterPersistedOperationsPayload: allow,
  PersistedOperation: isAuthenticated,
  WorkspaceMember: isAuthenticated,
  SignInPayload: allow,
  LogOutPayload: allow,
  SwitchWorkspacePayload: allow,
  WorkspacePayload: allow,
  WorkspaceMemberPayload: allow,
  UserError: allow,
};
