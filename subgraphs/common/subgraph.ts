import { readFileSync } from 'node:fs';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { DocumentNode } from 'graphql';
import { gql } from 'graphql-tag';
import type { IRules } from 'graphql-shield';
import type { Database } from '../../db/client.js';
import { RequestScope, type RequestContext, type SubgraphContext } from './context.js';
import { GATEWAY_SIGNATURE_HEADER, SESSION_CHANGED_HEADER, secretKey, verifyGatewayAssertion } from './gateway-signature.js';
import { createGraphQLListener, HttpError, listen, type Dispatch, type RunningServer } from './http.js';
import type { Logger } from './logger.js';
import { maskedErrorLogger, maskError } from './masking.js';
import { graphqlMetrics, ServiceMetrics } from './metrics.js';
import { databaseCheck, readiness } from './readiness.js';
import { requestLogging } from './request-logging.js';
import { protectSchema } from './shield.js';

export const subgraphNames = ['identity', 'sharing', 'work'] as const;
export type SubgraphName = (typeof subgraphNames)[number];

/** Everything that makes one subgraph: its SDL, resolvers, shield rules and loaders. */
export interface SubgraphDefinition<TLoaders> {
  name: SubgraphName;
  resolvers: GraphQLResolverMap<SubgraphContext<TLoaders>>;
  rules: IRules;
  /** Creates the per-request dataloaders; called once per request. */
  createLoaders(request: RequestContext): TLoaders;
  /** Internal endpoints that only the gateway calls, by path (see `createGraphQLListener`). */
  internalRoutes?: Record<string, (context: SubgraphContext<TLoaders>, body: unknown) => Promise<unknown>>;
}

export interface SubgraphOptions {
  db: Database;
  /** The shared secret with which the gateway signs requests to this subgraph. */
  secret: string;
  port: number;
  host: string;
  log: Logger;
}

/** Reads the SDL that `schema/<name>.graphql` holds, the source of both the subgraph and the supergraph. */
export function readSubgraphSdl(name: SubgraphName): DocumentNode {
  return gql(readFileSync(new URL(`../../schema/${name}.graphql`, import.meta.url), 'utf8'));
}

/** Sets the session-change header on responses of requests that changed the viewer's session. */
function sessionChangeHeader<TLoaders>(): ApolloServerPlugin<SubgraphContext<TLoaders>> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const change = (contextValue as unknown as RequestScope).session.change;
          if (change) response.http.headers.set(SESSION_CHANGED_HEADER, change.accessToken ?? 'reload');
        },
      };
    },
  };
}

/** Largest subgraph request body, in bytes; the gateway sends entity batches well below it. */
const maxBodyBytes = 4 * 1024 * 1024;

/** A running subgraph: its HTTP server, and `dispatch` for a gateway in the same process. */
export interface RunningSubgraph extends RunningServer {
  dispatch: Dispatch;
}

/**
 * Starts a subgraph's HTTP server. It responds 401 to any request not signed by the gateway,
 * whether the request comes over HTTP or through `dispatch`.
 */
export async function startSubgraph<TLoaders>(definition: SubgraphDefinition<TLoaders>, options: SubgraphOptions): Promise<RunningSubgraph> {
  const key = secretKey(options.secret, `${definition.name.toUpperCase()}_SUBGRAPH_SECRET`);
  const log = options.log.child({ subgraph: definition.name });

  const metrics = new ServiceMetrics({
    token: process.env.METRICS_TOKEN || undefined,
    limitCodes: { REQUEST_BODY_TOO_LARGE: 'request_body_size' },
    routes: ['/graphql', '/health', '/ready', '/metrics', ...Object.keys(definition.internalRoutes ?? {})],
  });
  const schema = protectSchema(buildSubgraphSchema({ typeDefs: readSubgraphSdl(definition.name), resolvers: definition.resolvers as GraphQLResolverMap<unknown> }), definition.rules);
  const apollo = new ApolloServer<SubgraphContext<TLoaders>>({
    schema,
    introspection: false,
    // The process's own SIGINT and SIGTERM handlers close servers and the database in order.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError(formatted, error) {
      const masked = maskError(formatted, error);
      metrics.countError(masked.extensions?.code);
      return masked;
    },
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      // No type or field has a cache hint, so the policy would always be "do not cache"; the
      // plugin would still wrap every resolver to compute it.
      ApolloServerPluginCacheControlDisabled(),
      maskedErrorLogger(log),
      requestLogging(),
      sessionChangeHeader(),
      graphqlMetrics(metrics),
    ],
    logger: log,
  });
  await apollo.start();

  const listener = createGraphQLListener({
    apollo,
    log,
    maxBodyBytes,
    allowGet: false,
    async createContext(request, rawBody) {
      const header = request.headers[GATEWAY_SIGNATURE_HEADER];
      const assertion = await verifyGatewayAssertion(key, definition.name, rawBody, typeof header === 'string' ? header : undefined);
      if (!assertion) throw new HttpError(401, 'UNAUTHENTICATED', 'This subgraph accepts only requests signed by the Tandem gateway.');

      const requestLog = log.child({ requestId: assertion.requestId, viewerId: assertion.viewer?.accountId });
      const context = new RequestScope(options.db, assertion.viewer, assertion.requestId, requestLog) as RequestScope & SubgraphContext<TLoaders>;
      context.loaders = definition.createLoaders(context);
      return context;
    },
    internalRoutes: definition.internalRoutes,
    readiness: readiness({ database: databaseCheck(options.db) }, log),
    metrics,
  });

  const running = await listen(listener, options.port, options.host);
  return {
    ...running,
    dispatch: listener.dispatch,
    close: async () => {
      await running.close();
      await apollo.stop();
    },
  };
}
