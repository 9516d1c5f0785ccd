import type { ApolloServerPlugin } from '@apollo/server';
import { and, eq } from 'drizzle-orm';
import { GraphQLError, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Database } from '../db/client.js';
import { workspaceMembershipsView } from '../db/identity/contract.js';
import { projectMembershipsView, projectsView } from '../db/sharing/contract.js';
import { HttpError, type RequestHead } from '../subgraphs/common/http.js';
import { isUuid } from '../subgraphs/common/ids.js';
import type { Viewer } from '../subgraphs/common/viewer.js';
import type { GatewayContext } from './context.js';

/** The request header with which a workspace admin reads one project as one of its members: `<projectId>:<accountId>`. */
export const VIEW_AS_HEADER = 'tandem-view-as';

const denied = (message: string) => new HttpError(403, 'FORBIDDEN', message);

/**
 * Returns the viewer a view-as request runs as, or the caller unchanged without the header.
 * The caller must be an admin of the project's host workspace, and the account a member of the
 * project. Anything else, an unknown project included, is 403 FORBIDDEN. Each accepted request
 * is written to the audit log once, before the operation runs.
 */
export async function applyViewAs(
  request: RequestHead,
  db: Database,
  caller: Viewer | null,
  recordViewedAs: (viewedAs: { projectId: string; accountId: string }, caller: Viewer) => Promise<void>,
): Promise<Viewer | null> {
  const header = request.headers[VIEW_AS_HEADER];
  if (header === undefined) return caller;
  if (!caller) throw new HttpError(401, 'UNAUTHENTICATED', `The ${VIEW_AS_HEADER} header needs an access token.`);
  if (caller.viewAs) throw denied('A view-as request cannot be nested.');
  if (caller.integration) throw denied(`Integration tokens cannot use the ${VIEW_AS_HEADER} header; it is for admins signed in as themselves.`);
  const [projectId, accountId, ...rest] = (Array.isArray(header) ? header.join(',') : header).trim().split(':');
  if (rest.length > 0 || !isUuid(projectId) || !isUuid(accountId)) {
    throw denied(`The ${VIEW_AS_HEADER} header must be "<projectId>:<accountId>" of a project you administer and one of its members.`);
  }

  const [target] = await db
    .select({ workspaceId: projectsView.workspaceId, adminRole: workspaceMembershipsView.role, placementWorkspaceId: projectMembershipsView.placementWorkspaceId })
    .from(projectsView)
    .innerJoin(workspaceMembershipsView, and(eq(workspaceMembershipsView.workspaceId, projectsView.workspaceId), eq(workspaceMembershipsView.accountId, caller.accountId)))
    .innerJoin(projectMembershipsView, and(eq(projectMembershipsView.projectId, projectsView.id), eq(projectMembershipsView.accountId, accountId)))
    .where(eq(projectsView.id, projectId));
  if (!target || target.adminRole !== 'admin') {
    throw denied('Only an admin of the project\'s host workspace may view it as one of the project\'s members.');
  }

  // The sharing subgraph owns the audit log, so it writes the event; a failure denies the request.
  await recordViewedAs({ projectId: projectId.toLowerCase(), accountId: accountId.toLowerCase() }, caller);
  return {
    accountId: accountId.toLowerCase(),
    sessionId: caller.sessionId,
    workspaceId: target.placementWorkspaceId ?? target.workspaceId,
    viewAs: { projectId: projectId.toLowerCase(), adminAccountId: caller.accountId },
  };
}

/** Fields a view-as operation may select, per type: the one project or its tasks, and no private data of the member. */
const allowedFields: Record<string, ReadonlySet<string>> = {
  Query: new Set(['project', 'task', '__typename']),
  Workspace: new Set(['id', 'name', 'logoUrl', '__typename']),
};

/** Lists the fields of an operation that a view-as request may not select. */
function disallowedSelections(schema: GraphQLSchema, document: DocumentNode): string[] {
  const found: string[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const allowed = parent ? allowedFields[parent.name] : undefined;
        if (parent && allowed && !allowed.has(node.name.value)) found.push(`${parent.name}.${node.name.value}`);
      },
    }),
  );
  return found;
}

/** Rejects mutations, subscriptions and fields outside the viewed project in view-as requests with FORBIDDEN. */
export function viewAsGuard(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation, document, schema }) {
          if (!contextValue.viewer?.viewAs) return;
          if (!operation || operation.operation !== 'query') {
            throw new GraphQLError(`A view-as request (${VIEW_AS_HEADER}) reads only: ${operation?.operation ?? 'operation'}s are rejected.`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
          }
          const disallowed = disallowedSelections(schema, document);
          if (disallowed.length > 0) {
            throw new GraphQLError(`A view-as request (${VIEW_AS_HEADER}) reads only the viewed project and its tasks; it may not select ${disallowed.join(', ')}.`, {
              extensions: { code: 'FORBIDDEN', http: { status: 403 } },
            });
          }
        },
      };
    },
  };
}
