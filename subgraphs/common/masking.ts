import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isClientSafeCode } from './errors.js';
import type { Logger } from './logger.js';

/**
 * Whether an error may reach a client as it is: a GraphQL error raised on purpose with
 * a registered code. Driver errors, thrown `Error`s and failed subgraph calls are not.
 */
export function isClientSafeError(error: unknown): boolean {
  let original = unwrapResolverError(error);
  // The gateway relays a subgraph's error as a GraphQLError whose originalError is the
  // subgraph's JSON error object; that subgraph has already masked it.
  if (error instanceof GraphQLError && !(original instanceof Error)) original = error;
  if (!(original instanceof GraphQLError)) return false;
  const extensions = original.extensions ?? {};
  // The gateway attaches the subgraph's URL and body to errors of failed subgraph calls.
  if ('response' in extensions) return false;
  return isClientSafeCode(extensions.code);
}

/**
 * Apollo Server's `formatError`: passes client-safe errors on with their code alone and
 * replaces every other error by a generic INTERNAL_SERVER_ERROR. It is the one masking point.
 */
export function maskError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const { locations, path } = formatted;
  if (isClientSafeError(error)) {
    return { message: formatted.message, locations, path, extensions: { code: formatted.extensions?.code } };
  }
  return { message: 'Internal server error.', locations, path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** Logs, once and with the request's logger, every error that `maskError` hides. */
export function maskedErrorLogger<TContext extends BaseContext & { log: Logger }>(fallback: Logger): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          const log = contextValue?.log ?? fallback;
          for (const error of errors) {
            if (isClientSafeError(error)) continue;
            log.error({ err: unwrapResolverError(error), path: error.path, operationName }, 'Unexpected error while executing an operation; the client receives INTERNAL_SERVER_ERROR.');
          }
        },
      };
    },
  };
}
