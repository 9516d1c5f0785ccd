// The monolith baseline of npm run bench: one Apollo Server without federation that serves the
// bench operations from the same PostgreSQL database as Tandem. It authenticates requests with
// the gateway's own code, checks operations against the gateway's limits and masks errors the
// same way, but resolves every field in this process. It is a yardstick, not product code.
//
// Environment: DATABASE_URL, AUTH_TOKEN_SECRET (the gateway's), MONOLITH_SCHEMA_FILE (the SDL that
// schema.ts prints), PORT, HOST and LOG_LEVEL.
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { gql } from 'graphql-tag';
import { openDatabase } from '../../../db/client.js';
import { authenticate } from '../../../gateway/authenticate.js';
import { operationLimits } from '../../../gateway/limits.js';
import { VIEW_AS_HEADER } from '../../../gateway/view-as.js';
import { readPort, readRequired } from '../../../subgraphs/common/config.js';
import { secretKey } from '../../../subgraphs/common/gateway-signature.js';
import { createGraphQLListener, HttpError, listen } from '../../../subgraphs/common/http.js';
import { createLogger } from '../../../subgraphs/common/logger.js';
import { maskedErrorLogger, maskError } from '../../../subgraphs/common/masking.js';
import { requestLogging } from '../../../subgraphs/common/request-logging.js';
import { createMonolithContext, type MonolithContext } from './context.js';
import { monolithResolvers } from './resolvers.js';

/** Largest accepted request body, in bytes: the gateway's limit. */
const maxBodyBytes = 1024 * 1024;

const log = createLogger('monolith');
const database = await openDatabase({ url: readRequired('DATABASE_URL', 'the monolith reads PostgreSQL, such as postgres://postgres@127.0.0.1:5432/tandem.') });
const tokenKey = secretKey(readRequired('AUTH_TOKEN_SECRET', "set the gateway's value, so that its access tokens work here."), 'AUTH_TOKEN_SECRET');
const typeDefs = gql(readFileSync(readRequired('MONOLITH_SCHEMA_FILE', 'write the SDL with "node --import tsx scripts/bench/monolith/schema.ts > FILE".'), 'utf8'));

const apollo = new ApolloServer<MonolithContext>({
  typeDefs,
  resolvers: monolithResolvers,
  introspection: true,
  validationRules: operationLimits,
  stopOnTerminationSignals: false,
  includeStacktraceInErrorResponses: false,
  formatError: maskError,
  plugins: [
    ApolloServerPluginLandingPageDisabled(),
    ApolloServerPluginCacheControlDisabled(),
    ApolloServerPluginUsageReportingDisabled(),
    ApolloServerPluginSchemaReportingDisabled(),
    maskedErrorLogger(log),
    requestLogging(),
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
    // Reading a project as one of its members needs the sharing subgraph's audit log; the bench does not.
    if (request.headers[VIEW_AS_HEADER] !== undefined) throw new HttpError(403, 'FORBIDDEN', `The monolith baseline does not serve ${VIEW_AS_HEADER} requests.`);
    const viewer = await authenticate(request, tokenKey, database.db);
    return createMonolithContext(database.db, viewer, requestId, log.child({ requestId, viewerId: viewer?.accountId }));
  },
});

const server = await listen(listener, readPort('PORT', 4000), process.env.HOST ?? '127.0.0.1');
log.info({ url: server.url }, 'Monolith baseline is listening.');

const stop = async (signal: string) => {
  log.info({ signal }, 'Stopping.');
  await server.close();
  await apollo.stop();
  await database.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
