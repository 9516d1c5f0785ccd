import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { isClientSafeCode } from './errors.js';
import type { Logger } from './logger.js';

/**
 * Tells whether an error may reach a client as it is: a GraphQL error raised on purpose with
 * a registered code. Driver errors, thrown `Error`s and failed subgraph calls are not.
 */
export function isClientSafeError(error: unknown): boolean {
  let original = unwrapResolverError(error);
  // The gateway relays a subgraph's error as a GraphQLError whose originalError is the
  // subgraph's JSON error object; that subgraph has already masked it.
  if (isGraphQLError(error) && !(original instanceof Error)) original = error;
  if (!isGraphQLError(original)) return false;
  if (isRequestError(original)) return true;
  const extensions = original.extensions ?? {};
  // The gateway attaches the subgraph's URL and body to errors of failed subgraph calls.
  if ('response' in extensions) return false;
  return isClientSafeCode(extensions.code);
}

/**
 * Tells whether a value is a GraphQLError by its tag rather than by `instanceof`, which
 * fails when the CommonJS and ES module builds of graphql are both loaded.
 */
function isGraphQLError(value: unknown): value is GraphQLError {
  return value instanceof Error && Object.prototype.toString.call(value) === '[object GraphQLError]';
}

/**
 * Tells whether an error is one that Apollo Server raised about the request itself, such as
 * a persisted query whose hash does not match its text. Such errors have no code, no path
 * and no cause, whereas every error from a resolver, a rule or a subgraph has at least one.
 */
function isRequestError(error: GraphQLError): boolean {
  return error.extensions?.code === undefined && error.path === undefined && error.originalError == null;
}

/**
 * Apollo Server's `formatError`: passes client-safe errors on with their code alone and
 * replaces every other error by a generic INTERNAL_SERVER_ERROR. It is the one masking point.
 */
export function maskError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const { locations, path } = formatted;
  if (isGraphQLError(error) && isRequestError(error)) {
    return { message: formatted.message, locations, extensions: { code: 'BAD_REQUEST' } };
  }
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
            if (isClientSafeError(error) || isReportedBySubgraph(error)) continue;
            log.error({ err: unwrapResolverError(error), path: error.path, operationName }, 'Unexpected error while executing an operation; the client receives INTERNAL_SERVER_ERROR.');
          }
        },
      };
    },
  };
}

/**
 * Tells whether a subgraph returned this error in its response, so the subgraph has already
 * masked and logged it under the same request id. Failed subgraph calls (no response, or an
 * HTTP error status) are not.
 */
function isReportedBySubgraph(error: GraphQLError): boolean {
  const extensions = error.extensions ?? {};
  return typeof extensions.serviceName === 'string' && !('response' in extensions);
}
