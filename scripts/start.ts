// Starts the whole graph in one process: the three subgraphs and the gateway, on PGlite
// under DATA_DIR (default .data) or on DATABASE_URL. Applies migrations, loads the demo data
// (by default only on the embedded database; DEMO_DATA overrides), then prints the URL and
// the demo sign-ins.
import '../subgraphs/common/start-tracing.js';
import { join } from 'node:path';
import { openDatabase } from '../db/client.js';
import { startEmbeddedGraph } from '../gateway/embedded.js';
import { readAnonymousIntrospection } from '../gateway/introspection.js';
import { readBoolean, readPort, readTokenSecret, readTokenTtl } from '../subgraphs/common/config.js';
import { secretKey } from '../subgraphs/common/gateway-signature.js';
import { createLogger } from '../subgraphs/common/logger.js';
import { stopTracing } from '../subgraphs/common/tracing.js';
import { readInvitationSettings } from '../subgraphs/sharing/invitation/settings.js';
import { readMailSettings, startMailWorker } from '../subgraphs/common/mail/index.js';
import { sharingOutbox } from '../subgraphs/sharing/outbox.js';
import { startNotificationWorker } from '../subgraphs/work/notification/outbox.js';
import { demoAccounts, demoPassword, hasDemoData, loadDemoData } from './demo-data.js';

const log = createLogger('tandem');

async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR ?? '.data';
  const mailSettings = readMailSettings(dataDir);

  const database = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dataDir: join(dataDir, 'pglite') });
  await database.migrate();
  log.info({ driver: database.driver }, 'Database migrations are applied.');

  // Demo accounts have a published password, so a real PostgreSQL server gets them only on request.
  if (readBoolean('DEMO_DATA', !process.env.DATABASE_URL)) {
    const outcome = await loadDemoData(database.db);
    log.info(outcome === 'loaded' ? 'Demo data loaded.' : 'Demo data already present; left as it is.');
  }

  const graph = await startEmbeddedGraph({
    database,
    tokenKey: secretKey(readTokenSecret(dataDir), 'AUTH_TOKEN_SECRET'),
    tokenTtlSeconds: readTokenTtl(),
    port: readPort('PORT', 4000),
    host: process.env.HOST ?? '127.0.0.1',
    log,
    anonymousIntrospection: readAnonymousIntrospection(),
    // Without SMTP_URL mail goes to files, so accept links are logged for the person running it.
    invitations: readInvitationSettings(mailSettings.kind === 'file'),
  });

  const mailWorker = startMailWorker({ db: database.db, outbox: sharingOutbox, settings: mailSettings, log });
  const notificationWorker = startNotificationWorker({ db: database.db, settings: mailSettings, log });

  const logins = demoAccounts.map((account) => `    ${account.email}  /  ${demoPassword}    (${account.role})`).join('\n');
  const demo = (await hasDemoData(database.db)) ? `\nDemo sign-ins (mutation logIn):\n${logins}\n` : '';
  process.stdout.write(`\nTandem is running at ${graph.url}\n${demo}\n`);

  let stopping = false;
  async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'Stopping: closing the gateway, the subgraphs and the database.');
    await graph.close();
    await mailWorker.stop();
    await notificationWorker.stop();
    await database.close();
    await stopTracing();
    process.exit(0);
  }
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, 'Tandem could not start.');
  process.stderr.write(`\nTandem could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
