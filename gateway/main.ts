// Runs the gateway as its own process in front of subgraphs running as their own processes.
import '../subgraphs/common/start-tracing.js';
import { openDatabase } from '../db/client.js';
import { readPort, readRequired } from '../subgraphs/common/config.js';
import { secretKey } from '../subgraphs/common/gateway-signature.js';
import { createLogger } from '../subgraphs/common/logger.js';
import { subgraphNames, type SubgraphName } from '../subgraphs/common/subgraph.js';
import { stopTracing } from '../subgraphs/common/tracing.js';
import { startGateway, type SubgraphEndpoint } from './gateway.js';
import { readAnonymousIntrospection } from './introspection.js';

const log = createLogger('gateway');
const database = await openDatabase({
  url: readRequired('DATABASE_URL', 'the gateway reads sessions from PostgreSQL, such as postgres://postgres@127.0.0.1:5432/tandem.'),
});

const subgraphs = Object.fromEntries(
  subgraphNames.map((name): [SubgraphName, SubgraphEndpoint] => {
    const prefix = name.toUpperCase();
    return [
      name,
      {
        url: readRequired(`${prefix}_URL`, `set the URL of the ${name} subgraph, such as http://127.0.0.1:4001/graphql.`),
        secret: readRequired(`${prefix}_SUBGRAPH_SECRET`, `set the same value for the ${name} subgraph and the gateway.`),
      },
    ];
  }),
) as Record<SubgraphName, SubgraphEndpoint>;

const gateway = await startGateway({
  db: database.db,
  tokenKey: secretKey(readRequired('AUTH_TOKEN_SECRET', 'set the same value for the identity subgraph and the gateway.'), 'AUTH_TOKEN_SECRET'),
  subgraphs,
  port: readPort('PORT', 4000),
  host: process.env.HOST ?? '127.0.0.1',
  log,
  anonymousIntrospection: readAnonymousIntrospection(),
});

const stop = async (signal: string) => {
  log.info({ signal }, 'Stopping.');
  await gateway.close();
  await database.close();
  await stopTracing();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
