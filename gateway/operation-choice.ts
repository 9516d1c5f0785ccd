import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind } from 'graphql';
import type { GatewayContext } from './context.js';

/**
 * Rejects a request whose document contains several operations but names none, or names one it
 * does not contain, with BAD_USER_INPUT before the query planner runs.
 */
export function operationChoiceGuard(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (operation) return;
          const names = document.definitions.flatMap((definition) => (definition.kind === Kind.OPERATION_DEFINITION ? [definition.name?.value ?? '(unnamed)'] : []));
          const message = request.operationName
            ? `The document contains no operation named ${JSON.stringify(request.operationName)}; it contains ${names.join(', ')}.`
            : `The document contains ${names.length} operations (${names.join(', ')}); name the one to run in "operationName".`;
          throw new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
        },
      };
    },
  };
}
