import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { SubgraphContext } from '../common/context.js';
import { userError, type UserError } from '../common/errors.js';
import { parseId } from '../common/ids.js';
import { DateTimeScalar } from '../common/scalars.js';
import { isUserError } from '../common/validation.js';
import { logIn, logOut, signUp, switchWorkspace, type SignIn, type TokenSettings } from './auth/sessions.js';
import type { AccountRow, IdentityLoaders, MembershipRow, WorkspaceRow } from './loaders.js';
import { createIntegrationToken, registerPersistedOperations, revokeIntegrationToken, type IntegrationScope, type IntegrationTokenRow } from './integration/service.js';
import { addWorkspaceMember, createWorkspace, renameWorkspace, setExternalInvitationsEnabled, setWorkspaceLogo } from './workspace/service.js';

type Context = SubgraphContext<IdentityLoaders>;

const viewerRoot = { __typename: 'Viewer' };

/** Shapes a sign-in for its payload, and lets the rest of this request run as the new viewer. */
function signInPayload(result: SignIn | UserError[], context: Context) {
  if (Array.isArray(result)) return { accessToken: null, expiresAt: null, account: null, currentWorkspace: null, userErrors: result };
  context.viewer = { accountId: result.accountId, sessionId: result.sessionId, workspaceId: result.workspaceId };
  context.announceSessionChange(result.accessToken);
  return {
    accessToken: result.accessToken,
    expiresAt: result.expiresAt,
    account: () => context.loaders.accountsById.load(result.accountId),
    currentWorkspace: () => (result.workspaceId ? context.loaders.workspacesById.load(result.workspaceId) : null),
    userErrors: [],
  };
}

/** Runs `change` on the token that `rawId` names, or returns INTEGRATION_TOKEN_NOT_FOUND when the viewer does not administer its workspace. */
async function withAdministeredToken<T>(rawId: unknown, context: Context, change: (token: IntegrationTokenRow) => Promise<T>) {
  const id = parseId(rawId, 'input.integrationTokenId');
  const token = await context.loaders.integrationTokensById.load(id);
  const membership = token ? await context.loaders.viewerMembershipByWorkspaceId.load(token.workspaceId) : null;
  if (!token || membership?.role !== 'admin') {
    const message = `No integration token "${id}" exists in a workspace you administer; take IDs from Workspace.integrationTokens.`;
    return { integrationToken: null, userErrors: [userError('INTEGRATION_TOKEN_NOT_FOUND', ['input', 'integrationTokenId'], message)] };
  }
  return change(token);
}

function workspacePayload(result: WorkspaceRow | UserError) {
  return isUserError(result) ? { workspace: null, userErrors: [result] } : { workspace: result, userErrors: [] };
}

export function createIdentityResolvers(tokens: TokenSettings): GraphQLResolverMap<Context> {
  return {
    DateTime: DateTimeScalar,
    WorkspaceRole: { ADMIN: 'admin', MEMBER: 'member' },
    IntegrationScope: { READ: 'read', WRITE: 'write' },
    WorkspacePlan: { TRIAL: 'trial', BASIC_CONNECT: 'basic_connect', BASIC: 'basic', BUSINESS: 'business', ENTERPRISE: 'enterprise' },

    Query: {
      viewer: (_parent, _args, context) => (context.viewer ? viewerRoot : null),
    },

    Mutation: {
      signUp: async (_parent, { input }, context) => signInPayload(await signUp(context.db, tokens, input), context),
      logIn: async (_parent, { input }, context) => signInPayload(await logIn(context.db, tokens, input), context),

      logOut: async (_parent, _args, context) => {
        await logOut(context.db, context.viewer!.sessionId);
        context.announceSessionChange();
        return { loggedOut: true };
      },

      switchWorkspace: async (_parent, { input }, context) => {
        const workspaceId = parseId(input.workspaceId, 'input.workspaceId');
        const problem = await switchWorkspace(context.db, context.viewer!, workspaceId);
        if (problem) return { viewer: null, userErrors: [problem] };
        context.viewer = { ...context.viewer!, workspaceId };
        context.announceSessionChange();
        return { viewer: viewerRoot, userErrors: [] };
      },

      createWorkspace: async (_parent, { input }, context) => workspacePayload(await createWorkspace(context.db, context.viewer!.accountId, input)),
      renameWorkspace: async (_parent, { input }, context) =>
        workspacePayload(await renameWorkspace(context.db, { ...input, workspaceId: parseId(input.workspaceId, 'input.workspaceId') })),
      setWorkspaceLogo: async (_parent, { input }, context) =>
        workspacePayload(await setWorkspaceLogo(context.db, { ...input, workspaceId: parseId(input.workspaceId, 'input.workspaceId') })),

      setExternalInvitationsEnabled: async (_parent, { input }, context) =>
        workspacePayload(await setExternalInvitationsEnabled(context.db, context.viewer!.accountId, { workspaceId: parseId(input.workspaceId, 'input.workspaceId'), enabled: input.enabled })),

      createIntegrationToken: async (_parent, { input }, context) => {
        const workspaceId = parseId(input.workspaceId, 'input.workspaceId');
        const result = await createIntegrationToken(context.db, context.viewer!.accountId, { workspaceId, name: input.name, scopes: input.scopes as IntegrationScope[] });
        return Array.isArray(result) ? { integrationToken: null, secret: null, userErrors: result } : { integrationToken: result.token, secret: result.secret, userErrors: [] };
      },

      revokeIntegrationToken: (_parent, { input }, context) =>
        withAdministeredToken(input.integrationTokenId, context, async (token) => ({
          integrationToken: await revokeIntegrationToken(context.db, context.viewer!.accountId, token),
          userErrors: [],
        })),

      registerPersistedOperations: (_parent, { input }, context) =>
        withAdministeredToken(input.integrationTokenId, context, async (token) => {
          const userErrors = await registerPersistedOperations(context.db, token, input.manifest);
          return { integrationToken: userErrors.length > 0 ? null : token, userErrors };
        }),

      addWorkspaceMember: async (_parent, { input }, context) => {
        const result = await addWorkspaceMember(context.db, { ...input, workspaceId: parseId(input.workspaceId, 'input.workspaceId') });
        return isUserError(result) ? { member: null, userErrors: [result] } : { member: result, userErrors: [] };
      },
    },

    Viewer: {
      account: (_parent, _args, context) => context.loaders.accountsById.load(context.viewer!.accountId),
      currentWorkspace: (_parent, _args, context) => (context.viewer!.workspaceId ? context.loaders.workspacesById.load(context.viewer!.workspaceId) : null),
      workspaces: (_parent, _args, context) => context.loaders.workspacesByMemberAccountId.load(context.viewer!.accountId),
    },

    Account: {
      __resolveReference: (reference: { id: string }, context: Context) => context.loaders.accountsById.load(reference.id),
      email: (account: AccountRow) => account.email,
      isIntegration: (account: AccountRow) => account.kind === 'integration',
    },

    IntegrationToken: {
      secretPrefix: (token: IntegrationTokenRow) => token.tokenPrefix,
      account: (token: IntegrationTokenRow, _args, context) => context.loaders.accountsById.load(token.accountId),
      createdBy: (token: IntegrationTokenRow, _args, context) => context.loaders.accountsById.load(token.createdBy),
      persistedOperations: (token: IntegrationTokenRow, _args, context) => context.loaders.persistedOperationsByTokenId.load(token.id),
    },

    PersistedOperation: {
      id: (operation: { operationId: string }) => operation.operationId,
    },

    Workspace: {
      __resolveReference: (reference: { id: string }, context: Context) => context.loaders.workspacesById.load(reference.id),
      viewerRole: async (workspace: WorkspaceRow, _args, context) => (await context.loaders.viewerMembershipByWorkspaceId.load(workspace.id))?.role ?? null,
      members: (workspace: WorkspaceRow, _args, context) => context.loaders.membershipsByWorkspaceId.load(workspace.id),
      integrationTokens: (workspace: WorkspaceRow, _args, context) => context.loaders.integrationTokensByWorkspaceId.load(workspace.id),
    },

    WorkspaceMember: {
      account: (membership: MembershipRow, _args, context) => context.loaders.accountsById.load(membership.accountId),
      joinedAt: (membership: MembershipRow) => membership.createdAt,
    },
  };
}
