import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { callerKindOf, type CallerKind } from './caller.js';
import type { GatewayContext } from './context.js';

/** The fields that read the schema itself. `__typename` is not one: clients select it everywhere. */
const introspectionFields = new Set(['__schema', '__type']);

/**
 * Reads whether anonymous callers may introspect the schema from ANONYMOUS_INTROSPECTION: by
 * default they may, unless NODE_ENV is "production". Signed-in callers always may. Throws when
 * the variable INTROSPECTION, which switched introspection off for everyone, is still set.
 */
export function readAnonymousIntrospection(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.INTROSPECTION !== undefined) {
    throw new Error(
      'INTROSPECTION is no longer supported: signed-in callers may always introspect the schema. Remove it, and set ANONYMOUS_INTROSPECTION=true or false to decide for anonymous callers.',
    );
  }
  const raw = env.ANONYMOUS_INTROSPECTION;
  if (raw === undefined || raw === '') return env.NODE_ENV !== 'production';
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`ANONYMOUS_INTROSPECTION=${JSON.stringify(raw)} must be "true" or "false".`);
}

/** Returns, for each kind of caller, whether it may introspect the schema. */
export function introspectionAccess(options: { anonymous: boolean }): Record<CallerKind, boolean> {
  return { anonymous: options.anonymous, signedIn: true };
}

/**
 * Tells whether an operation selects `__schema` or `__type` anywhere: under an alias, in an
 * inline fragment, or in a named fragment that it spreads, however deeply.
 */
export function selectsIntrospection(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }

  const visitedFragments = new Set<string>();
  const pending: SelectionSetNode[] = [operation.selectionSet];
  for (let selectionSet = pending.pop(); selectionSet; selectionSet = pending.pop()) {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (introspectionFields.has(selection.name.value)) return true;
        if (selection.selectionSet) pending.push(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        pending.push(selection.selectionSet);
      } else if (!visitedFragments.has(selection.name.value)) {
        visitedFragments.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) pending.push(fragment.selectionSet);
      }
    }
  }
  return false;
}

/**
 * Rejects introspection by callers whose kind may not introspect, with 401 UNAUTHENTICATED, after
 * validation and before any subgraph is called. Apollo Server's own `introspection` switch
 * applies to every caller alike, so the gateway leaves it on and decides here.
 */
export function introspectionGuard(options: { anonymous: boolean }): ApolloServerPlugin<GatewayContext> {
  const access = introspectionAccess(options);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, operation }) {
          if (access[callerKindOf(contextValue)]) return;
          // Without a resolved operation (several operations and no operationName), every operation counts.
          const operations = operation ? [operation] : document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
          if (!operations.some((candidate) => selectsIntrospection(document, candidate))) return;
          throw new GraphQLError(
            'Schema introspection (__schema, __type) needs a signed-in caller on this server. Sign in with the logIn mutation and send its accessToken in the header "Authorization: Bearer <accessToken>".',
            { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } },
          );
        },
      };
    },
  };
}
