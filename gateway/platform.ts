import type { ApolloServerOptions, ApolloServerPlugin } from '@apollo/server';
import type { Database } from '../db/client.js';
import type { ReadinessReport } from '../subgraphs/common/http.js';
import type { Logger } from '../subgraphs/common/logger.js';
import { maskError } from '../subgraphs/common/masking.js';
import { graphqlMetrics, ServiceMetrics } from '../subgraphs/common/metrics.js';
import { databaseCheck, httpCheck, readiness, type DependencyCheck } from '../subgraphs/common/readiness.js';
import type { SubgraphName } from '../subgraphs/common/subgraph.js';
import type { GatewayContext } from './context.js';
import { openCostBudget } from './cost-budget.js';
import { costLimits } from './cost-plugin.js';
import { formatLimitError, limitCodes, operationLimitRules, type LimitSettings } from './limits.js';

/** The limits, metrics and readiness check that `startGateway` adds to the Apollo server and its HTTP listener. */
export interface GatewayPlatform {
  limits: LimitSettings;
  metrics: ServiceMetrics;
  apollo: Required<Pick<ApolloServerOptions<GatewayContext>, 'validationRules' | 'parseOptions' | 'formatError'>> & { plugins: ApolloServerPlugin<GatewayContext>[] };
  readiness: () => Promise<ReadinessReport>;
  close(): Promise<void>;
}

export interface GatewayPlatformOptions {
  db: Database;
  /** Each subgraph's GraphQL URL; readiness checks its `/health`. */
  subgraphUrls: Record<SubgraphName, string>;
  limits: LimitSettings;
  log: Logger;
  /** Bearer token for `/metrics`; unset, only loopback clients may read them. */
  metricsToken?: string;
}

export async function createGatewayPlatform(options: GatewayPlatformOptions): Promise<GatewayPlatform> {
  const { limits, log } = options;
  const metrics = new ServiceMetrics({
    token: options.metricsToken,
    limitCodes,
    routes: ['/graphql', '/health', '/ready', '/metrics'],
    subgraphFetches: true,
  });
  const budget = limits.budget ? await openCostBudget(limits.budget, log) : null;

  const checks: Record<string, DependencyCheck> = { database: databaseCheck(options.db) };
  for (const [name, url] of Object.entries(options.subgraphUrls)) checks[name] = httpCheck(new URL('/health', url));

  return {
    limits,
    metrics,
    apollo: {
      validationRules: operationLimitRules(limits),
      // graphql-js stops parsing at the first token past the limit. graphql-armor's max-tokens
      // plugin replaces the parser of envelop-based servers, which Apollo Server does not allow.
      parseOptions: { maxTokens: limits.maxTokens },
      // Limit rejections keep their limit and value; every other error is masked. Each error is counted as the client sees it.
      formatError(formatted, error) {
        const result = formatLimitError(error, limits) ?? maskError(formatted, error);
        metrics.countError(result.extensions?.code);
        return result;
      },
      plugins: [costLimits(limits, budget), graphqlMetrics(metrics)],
    },
    readiness: readiness(checks, log),
    close: async () => {
      await budget?.close();
    },
  };
}
