import { mailOutbox } from '../../db/sharing/schema.js';
import type { Outbox } from '../common/mail/index.js';

/** The sharing subgraph's outbox, which contains invitation e-mails. */
export const sharingOutbox: Outbox = { table: mailOutbox };
