import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Logger } from '../subgraphs/common/logger.js';
import type { Viewer } from '../subgraphs/common/viewer.js';
import { integrationTokenUsedPath } from '../subgraphs/identity/integration/token-use.js';
import type { GatewayContext } from './context.js';
import type { SubgraphEndpoint } from './gateway.js';
import { callSubgraphInternal } from './internal-call.js';

/**
 * Mutations for people alone: they sign in and out, move a session between workspaces, join
 * projects, or manage integration tokens. An integration token acts in its one workspace.
 */
const personOnlyMutations = new Set(['signUp', 'logIn', 'logOut', 'switchWorkspace', 'createWorkspace', 'acceptInvitation', 'createIntegrationToken', 'revokeIntegrationToken', 'registerPersistedOperations']);

function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
}

/**
 * Holds integration tokens to their scopes before any subgraph runs: a token without the write
 * scope runs queries only, and no token runs the mutations of `personOnlyMutations`.
 */
export function integrationScopeGuard(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation, document }) {
          const integration = contextValue.viewer?.integration;
          if (!integration || operation?.operation !== 'mutation') return;
          if (!integration.scopes.includes('write')) {
            throw forbidden('This integration token has the READ scope only, so it cannot run mutations; create a token with the WRITE scope.');
          }
          const fragments = new Map(
            document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])),
          );
          for (const field of rootFieldNames(operation.selectionSet, fragments, new Set())) {
            if (personOnlyMutations.has(field)) throw forbidden(`Integration tokens cannot run ${field}; it is for signed-in people.`);
          }
        },
      };
    },
  };
}

/** Names of the root fields a selection set selects, through inline and named fragments. */
function rootFieldNames(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, visited: Set<string>): string[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFieldNames(selection.selectionSet, fragments, visited);
    const fragment = fragments.get(selection.name.value);
    if (!fragment || visited.has(fragment.name.value)) return [];
    visited.add(fragment.name.value);
    return rootFieldNames(fragment.selectionSet, fragments, visited);
  });
}

/** At most one last-used report per token and gateway in this many milliseconds. */
const reportIntervalMs = 1000;

/**
 * Reports integration token uses to the identity subgraph, which owns the last-used time. Reports
 * are sent in the background, at most one per token a second, and a failed one is logged.
 */
export function createTokenUseReporter(identity: SubgraphEndpoint, log: Logger) {
  const lastReported = new Map<string, number>();
  return (viewer: Viewer, requestId: string): void => {
    const tokenId = viewer.integration?.tokenId;
    if (!tokenId) return;
    const now = Date.now();
    if (now - (lastReported.get(tokenId) ?? 0) < reportIntervalMs) return;
    lastReported.set(tokenId, now);
    callSubgraphInternal('identity', identity, integrationTokenUsedPath, { tokenId }, { viewer, requestId }).catch((error: unknown) => {
      log.warn({ err: error, tokenId, requestId }, 'Recording the use of an integration token failed; its last-used time lags.');
    });
  };
}
