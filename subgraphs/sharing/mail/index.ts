// E-mail delivery of the sharing subgraph: an outbox written in the caller's transaction, and a
// worker that delivers it over SMTP or into .eml files.
export { enqueueEmail, type OutgoingEmail } from './outbox.js';
export { readMailSettings, type MailSettings } from './settings.js';
export { startMailWorker, type MailWorker, type MailWorkerOptions } from './worker.js';
