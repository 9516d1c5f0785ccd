import { openDatabase, type Database } from '../../db/client.js';
import { readPort, readRequired } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { startSubgraph, type SubgraphDefinition, type SubgraphName } from './subgraph.js';
import { stopTracing } from './tracing.js';

const defaultPorts: Record<SubgraphName, number> = { identity: 4001, sharing: 4002, work: 4003 };

/** Work a subgraph process runs beside its server, such as a mail worker. */
export interface BackgroundTask {
  stop(): Promise<void>;
}

/**
 * Runs one subgraph as its own process, configured by PORT, HOST, DATABASE_URL and
 * <NAME>_SUBGRAPH_SECRET. On SIGINT and SIGTERM it closes the server, then stops the
 * background task, then closes the database.
 */
export async function runSubgraphProcess<TLoaders>(
  definition: SubgraphDefinition<TLoaders>,
  startBackground?: (db: Database, log: Logger) => BackgroundTask,
): Promise<void> {
  const log = createLogger(`${definition.name}-subgraph`);
  const secretVariable = `${definition.name.toUpperCase()}_SUBGRAPH_SECRET`;
  const database = await openDatabase({
    url: readRequired('DATABASE_URL', 'a subgraph running as its own process needs PostgreSQL, such as postgres://postgres@127.0.0.1:5432/tandem.'),
  });
  const server = await startSubgraph(definition, {
    db: database.db,
    secret: readRequired(secretVariable, 'set the same value for this subgraph and the gateway.'),
    port: readPort('PORT', defaultPorts[definition.name]),
    host: process.env.HOST ?? '127.0.0.1',
    log,
  });
  log.info({ url: server.url }, `The ${definition.name} subgraph is listening.`);
  const background = startBackground?.(database.db, log);

  const stop = async (signal: string) => {
    log.info({ signal }, 'Stopping.');
    await server.close();
    await background?.stop();
    await database.close();
    await stopTracing();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
