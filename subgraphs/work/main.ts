import '../common/start-tracing.js';
import { readMailSettings } from '../common/mail/index.js';
import { runSubgraphProcess } from '../common/main.js';
import { workSubgraph } from './index.js';
import { startNotificationWorker } from './notification/outbox.js';

const mailSettings = readMailSettings(process.env.DATA_DIR ?? '.data');

await runSubgraphProcess(workSubgraph, (db, log) => startNotificationWorker({ db, settings: mailSettings, log }));
