import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { accounts, integrationTokens, persistedOperations, workspaceMembers, workspaces } from '../../db/identity/schema.js';
import type { IntegrationTokenRow } from './integration/service.js';
import { projectMembershipsView } from '../../db/sharing/contract.js';
import { alias, union } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../common/context.js';
import { createLoader, groupBy, indexBy } from '../common/loaders.js';

const accountColumns = {
  id: accounts.id,
  name: accounts.name,
  email: accounts.email,
  avatarUrl: accounts.avatarUrl,
  createdAt: accounts.createdAt,
  kind: accounts.kind,
};

export type AccountRow = { id: string; name: string; email: string; avatarUrl: string | null; createdAt: Date; kind: 'person' | 'integration' };
export type WorkspaceRow = typeof workspaces.$inferSelect;
export type MembershipRow = typeof workspaceMembers.$inferSelect;
export type PersistedOperationRow = typeof persistedOperations.$inferSelect;

/** Creates the identity subgraph's loaders for one request. They read the viewer from `context` when they run. */
export function createIdentityLoaders(context: RequestContext) {
  const { db } = context;

  const workspacesById = createLoader<WorkspaceRow | null>(async (ids) => {
    const rows = await db.select().from(workspaces).where(inArray(workspaces.id, ids));
    return indexBy(rows, (row) => row.id);
  }, null);

  return {
    accountsById: createLoader<AccountRow | null>(async (ids) => {
      const rows = await db.select(accountColumns).from(accounts).where(inArray(accounts.id, ids));
      return indexBy(rows, (row) => row.id);
    }, null),

    workspacesById,

    /**
     * The workspaces each account is a member of, in the order it joined them: memberships and
     * workspaces in one statement. The rows also fill `workspacesById`.
     */
    workspacesByMemberAccountId: createLoader<WorkspaceRow[]>(async (ids) => {
      const rows = await db
        .select({ accountId: workspaceMembers.accountId, workspace: workspaces })
        .from(workspaceMembers)
        .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
        .where(inArray(workspaceMembers.accountId, ids))
        .orderBy(asc(workspaceMembers.createdAt), asc(workspaceMembers.workspaceId));
      for (const row of rows) workspacesById.prime(row.workspace.id, row.workspace);
      const grouped = groupBy(rows, (row) => row.accountId);
      return new Map([...grouped].map(([accountId, group]) => [accountId, group.map((row) => row.workspace)]));
    }, []),

    membershipsByAccountId: createLoader<MembershipRow[]>(async (ids) => {
      const rows = await db
        .select()
        .from(workspaceMembers)
        .where(inArray(workspaceMembers.accountId, ids))
        .orderBy(asc(workspaceMembers.createdAt), asc(workspaceMembers.workspaceId));
      return groupBy(rows, (row) => row.accountId);
    }, []),

    /** The people who are members of each workspace; the accounts of integration tokens are listed with the tokens. */
    membershipsByWorkspaceId: createLoader<MembershipRow[]>(async (ids) => {
      const rows = await db
        .select({ membership: workspaceMembers })
        .from(workspaceMembers)
        .innerJoin(accounts, and(eq(accounts.id, workspaceMembers.accountId), eq(accounts.kind, 'person')))
        .where(inArray(workspaceMembers.workspaceId, ids))
        .orderBy(asc(workspaceMembers.createdAt), asc(workspaceMembers.accountId));
      return groupBy(
        rows.map((row) => row.membership),
        (row) => row.workspaceId,
      );
    }, []),

    /** Each workspace's integration tokens, newest first. */
    integrationTokensByWorkspaceId: createLoader<IntegrationTokenRow[]>(async (ids) => {
      const rows = await db.select().from(integrationTokens).where(inArray(integrationTokens.workspaceId, ids)).orderBy(desc(integrationTokens.createdAt), asc(integrationTokens.id));
      return groupBy(rows, (row) => row.workspaceId);
    }, []),

    /** The operations each token registered, by name. */
    persistedOperationsByTokenId: createLoader<PersistedOperationRow[]>(async (ids) => {
      const rows = await db.select().from(persistedOperations).where(inArray(persistedOperations.integrationTokenId, ids)).orderBy(asc(persistedOperations.name), asc(persistedOperations.operationId));
      return groupBy(rows, (row) => row.integrationTokenId);
    }, []),

    integrationTokensById: createLoader<IntegrationTokenRow | null>(async (ids) => {
      const rows = await db.select().from(integrationTokens).where(inArray(integrationTokens.id, ids));
      return indexBy(rows, (row) => row.id);
    }, null),

    /** The viewer's membership of each workspace; null where the viewer is not a member. */
    viewerMembershipByWorkspaceId: createLoader<MembershipRow | null>(async (ids) => {
      if (!context.viewer) return new Map();
      const rows = await db
        .select()
        .from(workspaceMembers)
        .where(and(eq(workspaceMembers.accountId, context.viewer.accountId), inArray(workspaceMembers.workspaceId, ids)));
      return indexBy(rows, (row) => row.workspaceId);
    }, null),

    /** Whether the viewer shares a workspace or a project with each account, or is that account. */
    sharesWithViewerByAccountId: createLoader<boolean>(async (ids) => {
      const viewer = context.viewer;
      if (!viewer) return new Map();

      const viewerWorkspaces = alias(workspaceMembers, 'viewer_workspaces');
      const viewerProjects = alias(projectMembershipsView, 'viewer_projects');
      const viaWorkspace = db
        .select({ accountId: workspaceMembers.accountId })
        .from(workspaceMembers)
        .innerJoin(viewerWorkspaces, and(eq(viewerWorkspaces.workspaceId, workspaceMembers.workspaceId), eq(viewerWorkspaces.accountId, viewer.accountId)))
        .where(inArray(workspaceMembers.accountId, ids));
      const viaProject = db
        .select({ accountId: projectMembershipsView.accountId })
        .from(projectMembershipsView)
        .innerJoin(viewerProjects, and(eq(viewerProjects.projectId, projectMembershipsView.projectId), eq(viewerProjects.accountId, viewer.accountId)))
        .where(inArray(projectMembershipsView.accountId, ids));
      const rows = await union(viaWorkspace, viaProject);

      const shared = new Map(rows.map((row) => [row.accountId, true]));
      shared.set(viewer.accountId, true);
      return shared;
    }, false),
  };
}

export type IdentityLoaders = ReturnType<typeof createIdentityLoaders>;
