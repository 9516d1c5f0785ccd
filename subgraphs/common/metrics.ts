import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { errorCodes } from './errors.js';
import { HttpError, type HttpMetrics } from './http.js';

/** The Node.js process metrics (CPU, memory, event loop, garbage collection), registered once per process. */
let processRegistry: Registry | undefined;

function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Label values standing for operations whose name is not used as a label. */
export const operationGroups = {
  /** The request failed before an operation was resolved: a parse or validation error, or no such operation. */
  unresolved: '(unresolved)',
  anonymous: '(anonymous)',
  /** Named operations beyond the first `maxOperationNames` distinct names. */
  other: '(other)',
} as const;

export interface ServiceMetricsOptions {
  /** Bearer token that a scraper sends to read `/metrics`; without it only loopback clients may read them. */
  token?: string;
  /** Distinct operation names used as labels before further names share the `(other)` label. */
  maxOperationNames?: number;
  /** The label of each error code that a limit raises, counted in `tandem_limit_rejections_total`. */
  limitCodes?: Readonly<Record<string, string>>;
  /** Paths counted under their own route label; any other path counts as `other`. */
  routes: readonly string[];
  /** Whether this server calls subgraphs, which adds `tandem_subgraph_fetch_duration_seconds`. */
  subgraphFetches?: boolean;
}

const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The Prometheus metrics of one server (the gateway or a subgraph), served on its `GET /metrics`. */
export class ServiceMetrics implements HttpMetrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  private readonly errors: Counter<'code'>;
  private readonly limitRejections: Counter<'limit'>;
  private readonly operationDuration: Histogram<'operation'>;
  private readonly subgraphFetchDuration: Histogram<'subgraph' | 'outcome'> | undefined;
  private readonly operationNames = new Set<string>();

  constructor(private readonly options: ServiceMetricsOptions) {
    const registers = [this.registry];
    this.httpRequests = new Counter({ name: 'tandem_http_requests_total', help: 'HTTP requests by route, method and response status.', labelNames: ['route', 'method', 'status'], registers });
    this.errors = new Counter({ name: 'tandem_graphql_errors_total', help: 'Errors sent to clients, by extensions.code.', labelNames: ['code'], registers });
    this.limitRejections = new Counter({ name: 'tandem_limit_rejections_total', help: 'Requests rejected by a limit, by limit.', labelNames: ['limit'], registers });
    this.operationDuration = new Histogram({
      name: 'tandem_graphql_request_duration_seconds',
      help: `GraphQL request duration by operation name; ${operationGroups.anonymous}, ${operationGroups.unresolved} and ${operationGroups.other} group the rest.`,
      labelNames: ['operation'],
      buckets: durationBuckets,
      registers,
    });
    if (options.subgraphFetches) {
      this.subgraphFetchDuration = new Histogram({
        name: 'tandem_subgraph_fetch_duration_seconds',
        help: 'Duration of the gateway\'s requests to subgraphs, by subgraph and outcome (ok, or error for a failed request or a status of 400 or more).',
        labelNames: ['subgraph', 'outcome'],
        buckets: durationBuckets,
        registers,
      });
    }
    for (const limit of new Set(Object.values(options.limitCodes ?? {}))) this.limitRejections.inc({ limit }, 0);
  }

  requestFinished(path: string, method: string, status: number): void {
    const route = this.options.routes.includes(path) ? path : 'other';
    const knownMethod = ['GET', 'POST', 'HEAD'].includes(method) ? method : 'other';
    this.httpRequests.inc({ route, method: knownMethod, status: String(status) });
  }

  countError(code: unknown): void {
    const label = typeof code === 'string' && code in errorCodes ? code : 'other';
    this.errors.inc({ code: label });
    const limit = typeof code === 'string' ? this.options.limitCodes?.[code] : undefined;
    if (limit) this.limitRejections.inc({ limit });
  }

  observeOperation(resolved: boolean, operationName: string | null | undefined, seconds: number): void {
    this.operationDuration.observe({ operation: this.operationLabel(resolved, operationName) }, seconds);
  }

  observeSubgraphFetch(subgraph: string, ok: boolean, seconds: number): void {
    this.subgraphFetchDuration?.observe({ subgraph, outcome: ok ? 'ok' : 'error' }, seconds);
  }

  async serve(request: IncomingMessage): Promise<{ contentType: string; text: string }> {
    this.authorize(request);
    const text = (await processMetrics().metrics()) + '\n' + (await this.registry.metrics());
    return { contentType: this.registry.contentType, text };
  }

  /**
   * Keeps label values few: clients choose operation names freely, so only the first
   * `maxOperationNames` distinct names become labels.
   */
  private operationLabel(resolved: boolean, operationName: string | null | undefined): string {
    if (!resolved) return operationGroups.unresolved;
    if (!operationName) return operationGroups.anonymous;
    if (this.operationNames.has(operationName)) return operationName;
    if (this.operationNames.size < (this.options.maxOperationNames ?? 100) && operationName.length <= 100) {
      this.operationNames.add(operationName);
      return operationName;
    }
    return operationGroups.other;
  }

  /** Lets a request read the metrics when it carries the token, or, without a configured token, when it comes from the loopback interface. */
  private authorize(request: IncomingMessage): void {
    const token = this.options.token;
    if (token) {
      const expected = Buffer.from(`Bearer ${token}`);
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new HttpError(401, 'UNAUTHENTICATED', 'Reading /metrics needs the header "Authorization: Bearer <METRICS_TOKEN>".');
      }
      return;
    }
    if (!isLoopback(request.socket.remoteAddress)) {
      throw new HttpError(403, 'FORBIDDEN', '/metrics is served only to the loopback interface unless METRICS_TOKEN is set; set it and send it as a bearer token.');
    }
  }
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** Observes the duration of each GraphQL request under its operation's label. */
export function graphqlMetrics<TContext extends BaseContext>(metrics: ServiceMetrics): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const startedAt = performance.now();
      return {
        async willSendResponse({ operation, operationName }) {
          metrics.observeOperation(operation !== undefined, operationName, (performance.now() - startedAt) / 1000);
        },
      };
    },
  };
}
