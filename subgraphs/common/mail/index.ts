// E-mail delivery shared by the subgraphs: each writes e-mails to an outbox table of its own
// schema in the caller's transaction, and a worker delivers them over SMTP or into .eml files.
export { checkOutgoingEmail, enqueueEmail, type OutgoingEmail, type Outbox } from './outbox.js';
export { readMailSettings, type MailSettings } from './settings.js';
export { startMailWorker, type MailWorker, type MailWorkerOptions } from './worker.js';
