import type { Database } from '../../../db/client.js';
import type { Logger } from '../../common/logger.js';
import { createMailer, type DeliveryReceipt, type Mailer } from './delivery.js';
import { claimDueEmails, markFailed, markSent, releaseClaims, type ClaimedEmail, type Outbox } from './outbox.js';
import type { MailSettings } from './settings.js';

export interface MailWorker {
  /** Delivers everything due now; resolves with how many were sent. */
  drain(): Promise<number>;
  /** Stops polling, waits for the e-mail being sent, and closes the transport. */
  stop(): Promise<void>;
}

export interface MailWorkerOptions {
  db: Database;
  /** The outbox this worker delivers. */
  outbox: Outbox;
  /** Runs before every poll and drain, in the same queue: housekeeping such as dropping rows that may no longer be sent. */
  beforeDrain?: () => Promise<void>;
  settings: MailSettings;
  log: Logger;
  /** Pause between two polls of the outbox, in milliseconds; 1000 by default. */
  pollIntervalMs?: number;
}

const batchSize = 20;

/** The database and outbox a worker delivers from. */
interface Store {
  db: Database;
  outbox: Outbox;
}

/**
 * Attempts after which a failing e-mail is no longer retried. Its row stays in the outbox with
 * `sent_at` null and a `last_error` starting with "Gave up", and the worker logs an error.
 * Setting its `attempts` below this number makes it due again at its `next_attempt_at`.
 */
export const maxAttempts = 10;

/** Backoff before retry number `attempts`: 30 s, doubling with every failed attempt, at most 1 hour. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(attempts - 1, 0), 3600);
}

// A claimed row is hidden from other workers for `leaseSeconds` (600 s). A batch starts no new
// delivery after `batchBudgetMs` (300 s), and delivery.ts aborts one SMTP delivery after 120 s.
// So every delivery of a batch ends before its lease does, and no other worker sends the same row
// in the meantime. Keep batchBudgetMs plus that send timeout below the lease.
const leaseSeconds = 600;
const batchBudgetMs = 300_000;

// While polling keeps failing (the database is down, say), only every 60th failure is logged.
const pollFailureLogInterval = 60;

/**
 * Starts polling the outbox every `pollIntervalMs` and delivering the due e-mails. Polls and
 * `drain()` calls run one after another, never at once. The timer does not keep the process alive.
 */
export function startMailWorker(options: MailWorkerOptions): MailWorker {
  const { settings, beforeDrain } = options;
  const store: Store = { db: options.db, outbox: options.outbox };
  const log = options.log.child({ component: 'mail-worker' });
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const mailer = createMailer(settings);

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let pollFailures = 0;

  function drain(): Promise<number> {
    const run = queue.then(async () => {
      if (stopped) return 0;
      await beforeDrain?.();
      return drainDue(store, mailer, log, () => stopped);
    });
    queue = run.catch(() => undefined);
    return run;
  }

  async function poll(): Promise<void> {
    try {
      await drain();
      if (pollFailures > 0) log.info({ failures: pollFailures }, 'Mail delivery works again after failed polls.');
      pollFailures = 0;
    } catch (error) {
      pollFailures += 1;
      if (pollFailures % pollFailureLogInterval === 1) {
        log.error({ err: error, failures: pollFailures }, 'Polling the mail outbox failed; the worker polls again.');
      }
    }
    schedule();
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => void poll(), pollIntervalMs);
    timer.unref();
  }

  log.info(describeDestination(settings), 'The mail worker is polling the outbox.');
  schedule();

  return {
    drain,
    async stop() {
      if (!stopped) {
        stopped = true;
        clearTimeout(timer);
        log.info('Stopping the mail worker.');
      }
      await queue;
      mailer.close();
    },
  };
}

/** Claims and delivers batches until no e-mail is due or the worker stops; returns how many were sent. */
async function drainDue(store: Store, mailer: Mailer, log: Logger, isStopped: () => boolean): Promise<number> {
  let sent = 0;
  while (!isStopped()) {
    const batch = await claimDueEmails(store.db, store.outbox, { limit: batchSize, leaseSeconds, maxAttempts });
    sent += await deliverBatch(store, mailer, log, batch, isStopped);
    if (batch.length < batchSize) break;
  }
  return sent;
}

async function deliverBatch(store: Store, mailer: Mailer, log: Logger, batch: ClaimedEmail[], isStopped: () => boolean): Promise<number> {
  const claimedAt = Date.now();
  let sent = 0;
  for (const [index, email] of batch.entries()) {
    if (isStopped() || Date.now() - claimedAt > batchBudgetMs) {
      await releaseClaims(store.db, store.outbox, batch.slice(index).map((rest) => rest.id));
      break;
    }
    if (await deliverOne(store, mailer, log, email)) sent += 1;
  }
  return sent;
}

/** Sends one claimed e-mail and records the outcome; returns whether it was sent. */
async function deliverOne(store: Store, mailer: Mailer, log: Logger, email: ClaimedEmail): Promise<boolean> {
  let receipt: DeliveryReceipt;
  try {
    receipt = await mailer.send(email);
  } catch (error) {
    await recordFailure(store, mailer, log, email, error);
    return false;
  }

  await markSent(store.db, store.outbox, email.id);
  if (receipt.kind === 'file') {
    log.info({ outboxId: email.id, recipient: email.recipient, file: receipt.file }, 'E-mail written to a file.');
  } else {
    log.info({ outboxId: email.id, recipient: email.recipient, messageId: receipt.messageId, attempt: email.attempts }, 'E-mail sent.');
  }
  return true;
}

async function recordFailure(store: Store, mailer: Mailer, log: Logger, email: ClaimedEmail, error: unknown): Promise<void> {
  const reason = mailer.describeError(error);
  if (email.attempts >= maxAttempts) {
    await markFailed(store.db, store.outbox, email.id, `Gave up after ${email.attempts} attempts: ${reason}`, 0);
    log.error({ outboxId: email.id, attempt: email.attempts, error: reason }, 'Sending an e-mail failed; no attempts are left, so it stays unsent in the outbox.');
    return;
  }

  const retryInSeconds = retryDelaySeconds(email.attempts);
  await markFailed(store.db, store.outbox, email.id, reason, retryInSeconds);
  log.warn({ outboxId: email.id, attempt: email.attempts, retryInSeconds, error: reason }, 'Sending an e-mail failed; it will be retried.');
}

function describeDestination(settings: MailSettings): Record<string, unknown> {
  if (settings.kind === 'file') return { transport: 'file', directory: settings.directory };
  // Host and port only: the URL may contain the password.
  const url = new URL(settings.url);
  return { transport: 'smtp', host: url.hostname, port: url.port || null, tls: url.protocol === 'smtps:' };
}
