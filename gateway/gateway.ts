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
import { createGraphQLListener, listen, type RunningServer } from '../subgraphs/common/http.js';
import type { Logger } from '../subgraphs/common/logger.js';
import { maskedErrorLogger, maskError } from '../subgraphs/common/masking.js';
import { requestLogging } from '../subgraphs/common/request-logging.js';
import type { SubgraphName } from '../subgraphs/common/subgraph.js';
import { authenticate, viewerAfterSessionChange } from './authenticate.js';
import { operationLimits } from './limits.js';
import type { GatewayContext } from './context.js';
import { SignedDataSource } from './signed-data-source.js';
import { callSharingInternal } from './internal-call.js';
import { applyViewAs, viewAsGuard } from './view-as.js';
import { projectViewedAsPath } from '../subgraphs/sharing/explain/view-as-audit.js';

export interface SubgraphEndpoint {
  url: string;
  /** The secret the subgraph checks request signatures with. */
  secret: string;
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
  /** Whether clients may introspect the schema. */
  introspection: boolean;
}

/** Largest accepted client request body, in bytes. */
const maxBodyBytes = 1024 * 1024;

const supergraphPath = new URL('../schema/supergraph.graphql', import.meta.url);

/** Starts the gateway over the committed supergraph, never over runtime introspection of subgraphs. */
export async function startGateway(options: GatewayOptions): Promise<RunningServer> {
  const log = options.log.child({ component: 'gateway' });
  // @apollo/gateway otherwise probes cloud metadata addresses and reports usage metrics to Apollo's
  // servers from every instance. Tandem sends nothing beyond the subgraphs it is configured with.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(supergraphPath, 'utf8'),
    buildService({ name }) {
      const endpoint = options.subgraphs[name as SubgraphName];
      if (!endpoint) throw new Error(`The supergraph names subgraph "${name}", which has no configured URL.`);
      return new SignedDataSource(endpoint.url, name, secretKey(endpoint.secret, `${name.toUpperCase()}_SUBGRAPH_SECRET`), (change, current) =>
        viewerAfterSessionChange(options.db, options.tokenKey, change, current),
      );
    },
    // Query plans are internal: no client may ask for them.
    __exposeQueryPlanExperimental: false,
    logger: log,
  });

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: options.introspection,
    validationRules: operationLimits,
    // The process's own SIGINT and SIGTERM handlers close servers and the database in order.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError: maskError,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      maskedErrorLogger(log),
      requestLogging(),
      viewAsGuard(),
    ],
    logger: log,
  });
  await apollo.start();

  const listener = createGraphQLListener({
    apollo,
    log,
    maxBodyBytes,
    allowGet: true,
    async createContext(request, _rawBody, requestId) {
      const viewer = await applyViewAs(request, options.db, await authenticate(request, options.tokenKey, options.db), async (viewedAs, caller) => {
        await callSharingInternal(options.subgraphs.sharing, projectViewedAsPath, viewedAs, { viewer: caller, requestId });
      });
      return { viewer, requestId, log: log.child({ requestId, viewerId: viewer?.accountId }) };
    },
  });

  const running = await listen(listener, options.port, options.host);
  log.info({ url: running.url }, 'Gateway is listening.');
  return {
    ...running,
    close: async () => {
      await running.close();
      await apollo.stop();
    },
  };
}
