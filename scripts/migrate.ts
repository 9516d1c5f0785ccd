// Applies the committed migrations to DATABASE_URL. Separate deployments run it once before
// starting the subgraphs, which do not migrate by themselves.
import { openDatabase } from '../db/client.js';
import { readRequired } from '../subgraphs/common/config.js';
import { createLogger } from '../subgraphs/common/logger.js';

const log = createLogger('migrate');
const database = await openDatabase({ url: readRequired('DATABASE_URL', 'set it to the PostgreSQL URL to migrate, such as postgres://postgres@127.0.0.1:5432/tandem.'), maxConnections: 1 });
try {
  await database.migrate();
  log.info('Database migrations are applied.');
} finally {
  await database.close();
}
