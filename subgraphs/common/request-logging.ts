import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Logger } from './logger.js';

/**
 * Adds the operation name to the request's logger, so that every later line of the request
 * carries it, and logs each finished operation at debug level with its duration.
 */
export function requestLogging<TContext extends BaseContext & { log: Logger }>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue, request }) {
      const startedAt = performance.now();
      if (request.operationName) contextValue.log = contextValue.log.child({ operationName: request.operationName });
      return {
        async willSendResponse({ contextValue: context, errors }) {
          context.log.debug({ durationMs: Math.round(performance.now() - startedAt), errorCount: errors?.length ?? 0 }, 'Operation finished.');
        },
      };
    },
  };
}
