import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { Database } from '../db/client.js';
import { secretKey } from '../subgraphs/common/gateway-signature.js';
import { createGraphQLListener, listen, type Dispatch, type RunningServer } from '../subgraphs/common/http.js';
import type { Logger } from '../subgraphs/common/logger.js';
import { maskedErrorLogger } from '../subgraphs/common/masking.js';
import { requestLogging } from '../subgraphs/common/request-logging.js';
import type { SubgraphName } from '../subgraphs/common/subgraph.js';
import { authenticate, viewerAfterSessionChange } from './authenticate.js';
import { withGraphiQL } from './graphiql/serve.js';
import { introspectionGuard } from './introspection.js';
import { readLimitSettings, type LimitSettings } from './limits.js';
import { createGatewayPlatform } from './platform.js';
import type { GatewayContext } from './context.js';
import { SignedDataSource } from './signed-data-source.js';
import { createPersistedOperations, readPersistedOperationSettings, type PersistedOperationSettings } from './persisted-operations.js';
import { operationChoiceGuard } from './operation-choice.js';
import { createTokenUseReporter, integrationScopeGuard } from './integration.js';
import { callSharingInternal } from './internal-call.js';
import { applyViewAs, viewAsGuard } from './view-as.js';
import { projectViewedAsPath } from '../subgraphs/sharing/explain/view-as-audit.js';

export interface SubgraphEndpoint {
  url: string;
  /** The secret the subgraph checks request signatures with. */
  secret: string;
  /**
   * Hands GraphQL requests to the subgraph when it runs in the gateway's process; without it
   * they go to `url` over HTTP. Internal endpoints and health checks always use `url`.
   */
  dispatch?: Dispatch;
}

export interface GatewayOptions {
  /** Database holding the identity subgraph's published session view. */
  db: Database;
  /** The key that verifies access tokens, shared with the identity subgraph. */
  tokenKey: Uint8Array;
  subgraphs: Record<SubgraphName, SubgraphEndpoint>;
  port: number;
  host: string;
  log: Logger;
  /** Whether anonymous callers may introspect the schema. Signed-in callers always may. */
  anonymousIntrospection: boolean;
  /** Limits on operations and the cost budget. When unset, they are read from the environment (README.md lists the variables). */
  limits?: LimitSettings;
  /** Automatic persisted queries and safelisting. When unset, they are read from the environment. */
  persistedOperations?: PersistedOperationSettings;
}

const supergraphPath = new URL('../schema/supergraph.graphql', import.meta.url);

/** Starts the gateway over the committed supergraph, never over runtime introspection of subgraphs. */
export async function startGateway(options: GatewayOptions): Promise<RunningServer> {
  const log = options.log.child({ component: 'gateway' });
  const platform = await createGatewayPlatform({
    db: options.db,
    subgraphUrls: Object.fromEntries(Object.entries(options.subgraphs).map(([name, endpoint]) => [name, endpoint.url])) as Record<SubgraphName, string>,
    limits: options.limits ?? readLimitSettings(),
    log,
    metricsToken: process.env.METRICS_TOKEN || undefined,
  });
  // @apollo/gateway otherwise probes cloud metadata addresses and reports usage metrics to Apollo's
  // servers from every instance. Tandem sends nothing beyond the subgraphs it is configured with.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(supergraphPath, 'utf8'),
    buildService({ name }) {
      const endpoint = options.subgraphs[name as SubgraphName];
      if (!endpoint) throw new Error(`The supergraph names subgraph "${name}", which has no configured URL.`);
      return new SignedDataSource(
        endpoint.url,
        name,
        secretKey(endpoint.secret, `${name.toUpperCase()}_SUBGRAPH_SECRET`),
        (change, current) => viewerAfterSessionChange(options.db, options.tokenKey, change, current),
        platform.metrics,
        endpoint.dispatch,
      );
    },
    // Query plans are internal: no client may ask for them.
    __exposeQueryPlanExperimental: false,
    logger: log,
  });

  const persisted = createPersistedOperations(options.persistedOperations ?? readPersistedOperationSettings(), options.db, log);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    persistedQueries: persisted.apq,
    // On for every caller here; introspectionGuard rejects the callers who may not.
    introspection: true,
    validationRules: platform.apollo.validationRules,
    parseOptions: platform.apollo.parseOptions,
    // The process's own SIGINT and SIGTERM handlers close servers and the database in order.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError: platform.apollo.formatError,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      maskedErrorLogger(log),
      requestLogging(),
      viewAsGuard(),
      integrationScopeGuard(),
      introspectionGuard({ anonymous: options.anonymousIntrospection }),
      operationChoiceGuard(),
      ...platform.apollo.plugins,
    ],
    logger: log,
  });
  await apollo.start();

  const reportTokenUse = createTokenUseReporter(options.subgraphs.identity, log);
  const listener = createGraphQLListener({
    prepareRequest: persisted.prepareRequest,
    apollo,
    log,
    maxBodyBytes: platform.limits.maxBodyBytes,
    allowGet: true,
    readiness: platform.readiness,
    metrics: platform.metrics,
    async createContext(request, _rawBody, requestId) {
      // NOTE: a view-as request writes its audit entry through the sharing subgraph here, before
      // the limits run, so a view-as operation that a limit rejects still leaves that entry.
      const viewer = await applyViewAs(request, options.db, await authenticate(request, options.tokenKey, options.db), async (viewedAs, caller) => {
        await callSharingInternal(options.subgraphs.sharing, projectViewedAsPath, viewedAs, { viewer: caller, requestId });
      });
      if (viewer) reportTokenUse(viewer, requestId);
      return { viewer, requestId, clientAddress: request.socket.remoteAddress ?? 'unknown', log: log.child({ requestId, viewerId: viewer?.accountId }) };
    },
  });

  const running = await listen(withGraphiQL(listener), options.port, options.host);
  log.info({ url: running.url }, 'Gateway is listening.');
  return {
    ...running,
    close: async () => {
      await running.close();
      await apollo.stop();
      await platform.close();
      await persisted.close();
    },
  };
}
