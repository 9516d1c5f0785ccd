import '../common/start-tracing.js';
import { runSubgraphProcess } from '../common/main.js';
import { sharingSubgraph } from './index.js';
import { readInvitationSettings } from './invitation/settings.js';
import { readMailSettings, startMailWorker } from '../common/mail/index.js';
import { sharingOutbox } from './outbox.js';

const mailSettings = readMailSettings(process.env.DATA_DIR ?? '.data');

// Without SMTP_URL mail goes to files, so accept links are logged for the person running it.
await runSubgraphProcess(sharingSubgraph(readInvitationSettings(mailSettings.kind === 'file')), (db, log) =>
  startMailWorker({ db, outbox: sharingOutbox, settings: mailSettings, log }),
);
