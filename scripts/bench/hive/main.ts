// Hive Gateway with the Rust query planner (@graphql-hive/router-runtime) in front of Tandem's
// subgraph processes, serving the committed supergraph, for npm run bench. It does the security
// work of Tandem's gateway with the product's own code. It verifies the caller's access token and
// open session (gateway/authenticate.ts) and checks operations against the gateway's depth and
// alias limits. It signs every subgraph request over the exact body with that subgraph's secret
// (subgraphs/common/gateway-signature.ts), and follows session changes that a subgraph reports.
//
// Environment: DATABASE_URL, AUTH_TOKEN_SECRET, IDENTITY_URL, SHARING_URL, WORK_URL, the three
// *_SUBGRAPH_SECRET variables, PORT, HOST and LOG_LEVEL, as for `npm run start:gateway`.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { openDatabase } from '../../../db/client.js';
import { authenticate, viewerAfterSessionChange } from '../../../gateway/authenticate.js';
import { operationLimits } from '../../../gateway/limits.js';
import { VIEW_AS_HEADER } from '../../../gateway/view-as.js';
import { readPort, readRequired } from '../../../subgraphs/common/config.js';
import { GATEWAY_SIGNATURE_HEADER, SESSION_CHANGED_HEADER, secretKey, signGatewayAssertion } from '../../../subgraphs/common/gateway-signature.js';
import { HttpError } from '../../../subgraphs/common/http.js';
import { createLogger } from '../../../subgraphs/common/logger.js';
import { subgraphNames, type SubgraphName } from '../../../subgraphs/common/subgraph.js';
import type { Viewer } from '../../../subgraphs/common/viewer.js';

// The Hive packages live in scripts/bench/node_modules, which `npm run typecheck` may not have,
// so they are imported by names that the type checker does not resolve, with the few types used here.
interface HiveGateway {
  (request: IncomingMessage, response: ServerResponse): void;
  dispose(): Promise<void>;
}
interface HiveGatewayModule {
  createGatewayRuntime(config: Record<string, unknown>): HiveGateway;
}
interface RouterRuntimeModule {
  unifiedGraphHandler: unknown;
}
/** A subgraph's transport settings, which Hive Gateway adds to those of the supergraph. */
interface TransportEntry {
  location: string;
  options: { deduplicateInflightRequests: boolean };
}
const gatewayModuleName = '@graphql-hive/gateway';
const routerRuntimeModuleName = '@graphql-hive/router-runtime';
const { createGatewayRuntime } = (await import(gatewayModuleName)) as HiveGatewayModule;
const { unifiedGraphHandler } = (await import(routerRuntimeModuleName)) as RouterRuntimeModule;

/** The plugin's state of one request: the viewer whom subgraph requests are signed for, and the request id. */
interface TandemRequest {
  viewer: Viewer | null;
  requestId: string;
}

/** The parts of Hive Gateway's GraphQL context that the plugin reads. */
interface PluginContext {
  request: Request;
  tandem?: TandemRequest;
}

interface FetchHookPayload {
  url: string;
  options: { body?: unknown; headers?: HeadersInit };
  setOptions(options: Record<string, unknown>): void;
  context: Partial<PluginContext>;
}

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;
const supergraphFile = new URL('../../../schema/supergraph.graphql', import.meta.url);

const log = createLogger('hive-gateway');
const logLevel = process.env.LOG_LEVEL ?? 'info';
const database = await openDatabase({ url: readRequired('DATABASE_URL', 'the gateway reads sessions from PostgreSQL, such as postgres://postgres@127.0.0.1:5432/tandem.') });
const tokenKey = secretKey(readRequired('AUTH_TOKEN_SECRET', 'set the same value for the identity subgraph and the gateway.'), 'AUTH_TOKEN_SECRET');

/** URL and signing key of each subgraph. `onFetch` finds a request's subgraph by the URL that Hive Gateway fetches. */
const subgraphs = subgraphNames.map((name) => {
  const prefix = name.toUpperCase();
  return {
    name,
    url: readRequired(`${prefix}_URL`, `set the URL of the ${name} subgraph, such as http://127.0.0.1:4001/graphql.`),
    key: secretKey(readRequired(`${prefix}_SUBGRAPH_SECRET`, `set the same value for the ${name} subgraph and the gateway.`), `${prefix}_SUBGRAPH_SECRET`),
  };
});
const subgraphByUrl = new Map(subgraphs.map((subgraph) => [subgraph.url, subgraph]));

function jsonError(status: number, code: string, message: string, requestId: string): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId },
  });
}

/**
 * Makes a rule of the gateway's limits report its errors as GraphQLErrors of the graphql module
 * that Hive Gateway uses. The product's rules create theirs with the main project's copy of
 * graphql, which Hive Gateway would not recognise, so it would respond with status 500.
 */
function reportingHere(rule: ValidationRule): ValidationRule {
  return (context: ValidationContext) => {
    const relay = Object.create(context, {
      reportError: {
        value: (error: GraphQLError) => context.reportError(new GraphQLError(error.message, { nodes: error.nodes, extensions: error.extensions })),
      },
    }) as ValidationContext;
    return rule(relay);
  };
}

/** Requests that passed authentication, until Hive Gateway builds their GraphQL context. */
const authenticated = new WeakMap<Request, TandemRequest>();

const tandemSecurity = {
  /** Authenticates each GraphQL request before Hive Gateway parses it, as Tandem's gateway does. */
  async onRequest({ request, url, serverContext, endResponse }: { request: Request; url: URL; serverContext: { req?: IncomingMessage }; endResponse(response: Response): void }) {
    if (url.pathname !== '/graphql') return;
    const header = request.headers.get('x-request-id');
    const requestId = header && requestIdPattern.test(header) ? header : randomUUID();
    if (request.headers.has(VIEW_AS_HEADER)) {
      endResponse(jsonError(403, 'FORBIDDEN', `This Hive Gateway does not serve ${VIEW_AS_HEADER} requests.`, requestId));
      return;
    }
    if (!serverContext.req) throw new Error('Hive Gateway did not pass the Node.js request on; run it with node:http.');
    try {
      authenticated.set(request, { viewer: await authenticate(serverContext.req, tokenKey, database.db), requestId });
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      endResponse(jsonError(error.status, error.code, error.message, requestId));
    }
  },

  onContextBuilding({ context, extendContext }: { context: PluginContext; extendContext(extension: Partial<PluginContext>): void }) {
    const tandem = authenticated.get(context.request);
    if (!tandem) throw new Error('A GraphQL request reached Hive Gateway without passing authentication.');
    extendContext({ tandem });
  },

  onValidate({ addValidationRule }: { addValidationRule(rule: ValidationRule): void }) {
    for (const rule of operationLimits) addValidationRule(reportingHere(rule));
  },

  /** Signs each subgraph request over its final body, then follows a session change that the subgraph reports. */
  async onFetch({ url, options, setOptions, context }: FetchHookPayload) {
    const subgraph = subgraphByUrl.get(url);
    if (!subgraph) return undefined;
    const tandem = context.tandem;
    if (!tandem) throw new Error(`A request to the ${subgraph.name} subgraph has no authenticated Tandem request.`);
    if (typeof options.body !== 'string') throw new Error(`The body of a request to the ${subgraph.name} subgraph is not text, so it cannot be signed.`);

    const headers = new Headers(options.headers);
    headers.set(GATEWAY_SIGNATURE_HEADER, await signGatewayAssertion(subgraph.key, subgraph.name, options.body, { viewer: tandem.viewer, requestId: tandem.requestId }));
    headers.set('x-request-id', tandem.requestId);
    setOptions({ ...options, headers: Object.fromEntries(headers) });

    return async ({ response }: { response: Response }) => {
      const change = response.headers.get(SESSION_CHANGED_HEADER);
      if (change) tandem.viewer = await viewerAfterSessionChange(database.db, tokenKey, change, tandem.viewer);
    };
  },

  onResponse({ request, response }: { request: Request; response: Response }) {
    const tandem = authenticated.get(request);
    if (tandem) response.headers.set('x-request-id', tandem.requestId);
  },
};

const gateway = createGatewayRuntime({
  supergraph: readFileSync(supergraphFile, 'utf8'),
  unifiedGraphHandler,
  // The committed supergraph names the default ports; these are the running subgraphs. By default
  // the HTTP transport shares one in-flight subgraph request among identical queries, keyed by URL
  // and body before onFetch adds the signed viewer. Concurrent requests of different viewers would
  // then read each other's responses, and identical bench requests would share subgraph work, so it is off.
  transportEntries: Object.fromEntries(
    subgraphs.map((subgraph): [SubgraphName, TransportEntry] => [subgraph.name, { location: subgraph.url, options: { deduplicateInflightRequests: false } }]),
  ),
  plugins: () => [tandemSecurity],
  graphqlEndpoint: '/graphql',
  healthCheckEndpoint: '/health',
  landingPage: false,
  graphiql: false,
  logging: logLevel === 'trace' ? 'debug' : logLevel === 'fatal' ? 'error' : logLevel,
});

const server = createServer(gateway);
// As Tandem's gateway: idle keep-alive sockets outlive the clients' agents, so clients close first.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
const port = readPort('PORT', 4000);
const host = process.env.HOST ?? '127.0.0.1';
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, host, () => resolve());
});
log.info({ url: `http://${host}:${port}/graphql` }, 'Hive Gateway is listening.');

const stop = async (signal: string) => {
  log.info({ signal }, 'Stopping.');
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await gateway.dispose();
  await database.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
