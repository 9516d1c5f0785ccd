import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { DatabaseHandle } from '../../../db/client.js';
import { mailOutbox } from '../../../db/sharing/schema.js';
import { openTestDatabase } from '../../../e2e/harness.js';
import { sharingOutbox } from '../../sharing/outbox.js';
import { enqueueEmail, type OutgoingEmail } from './outbox.js';
import type { MailSettings } from './settings.js';
import { maxAttempts, retryDelaySeconds, startMailWorker, type MailWorker } from './worker.js';

const from = 'Tandem Test <no-reply@tandem.test>';
// A long interval keeps the timer out of the way of the drain() calls the tests make.
const noPolling = 600_000;

let database: DatabaseHandle;
let folder: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

beforeEach(async () => {
  await database.db.delete(mailOutbox);
  folder = await mkdtemp(join(tmpdir(), 'tandem-mail-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await rm(folder, { recursive: true, force: true });
});

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** Starts a worker whose log lines are collected in `lines`; the test's cleanup stops it. */
function startWorker(settings: MailSettings, pollIntervalMs = noPolling): { worker: MailWorker; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  const worker = startMailWorker({ db: database.db, outbox: sharingOutbox, settings, log, pollIntervalMs });
  cleanups.push(() => worker.stop());
  return { worker, lines };
}

function fileSettings(): MailSettings {
  return { kind: 'file', directory: join(folder, 'mail'), from };
}

let enqueued = 0;

/**
 * Queues an e-mail. Each one is dated a millisecond after the one before, because the embedded
 * database's clock can give rows written in a quick loop the same time, and the queue is ordered by it.
 */
async function enqueue(email: Partial<OutgoingEmail> = {}): Promise<string> {
  const id = await enqueueEmail(database.db, sharingOutbox, { to: 'guest@partner.test', subject: 'You are invited', text: 'Open the link to join.', ...email });
  enqueued += 1;
  await database.db
    .update(mailOutbox)
    .set({ createdAt: sql`now() - interval '1 hour' + make_interval(secs => ${enqueued / 1000})`, nextAttemptAt: sql`now() - interval '1 hour' + make_interval(secs => ${enqueued / 1000})` })
    .where(eq(mailOutbox.id, id));
  return id;
}

async function outboxRow(id: string) {
  const [row] = await database.db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
  return row!;
}

async function makeDueNow(id: string): Promise<void> {
  await database.db.update(mailOutbox).set({ nextAttemptAt: sql`now()` }).where(eq(mailOutbox.id, id));
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value.map((entry) => entry.address ?? ''));
}

interface ReceivedMessage {
  mailFrom: string;
  rcptTo: string[];
  parsed: ParsedMail;
}

interface SmtpServerOptions {
  /** Returns an error message to reject a recipient with a temporary 450 reply. */
  rejectRecipient?: (address: string) => string | null;
  /** Runs before the server accepts a message's data; the reply waits for it. */
  beforeAccept?: () => Promise<void>;
  /** Rejects every login when set; logins are optional otherwise. */
  rejectLogins?: boolean;
}

/** Starts an SMTP server on 127.0.0.1 without TLS; the test's cleanup closes it. */
async function startSmtpServer(options: SmtpServerOptions = {}): Promise<{ port: number; received: ReceivedMessage[] }> {
  const received: ReceivedMessage[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    // Skips a reverse DNS look-up of 127.0.0.1 on every connection.
    disableReverseLookup: true,
    onAuth(_auth, _session, callback) {
      if (options.rejectLogins) callback(new Error('Invalid username or password'));
      else callback(null, { user: 'test' });
    },
    onRcptTo(address, _session, callback) {
      const rejection = options.rejectRecipient?.(address.address) ?? null;
      if (rejection === null) return callback();
      callback(Object.assign(new Error(rejection), { responseCode: 450 }));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          await options.beforeAccept?.();
          const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          received.push({ mailFrom, rcptTo: session.envelope.rcptTo.map((recipient) => recipient.address), parsed });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as AddressInfo).port, received };
}

function smtpSettings(port: number, credentials = ''): MailSettings {
  // The test server offers no usable TLS, so the client must not try STARTTLS.
  return { kind: 'smtp', url: `smtp://${credentials}127.0.0.1:${port}?ignoreTLS=true`, from };
}

describe('enqueueEmail', () => {
  test('rolled back enqueue sends nothing', async () => {
    const rollback = database.db.transaction(async (tx) => {
      await enqueueEmail(tx, sharingOutbox, { to: 'guest@partner.test', subject: 'Invitation', text: 'Hello' });
      tx.rollback();
    });
    await expect(rollback).rejects.toThrow();

    expect(await database.db.select().from(mailOutbox)).toEqual([]);
    const { worker } = startWorker(fileSettings());
    expect(await worker.drain()).toBe(0);
    await expect(readdir(join(folder, 'mail'))).rejects.toThrow(/ENOENT/);
  });

  test('committed enqueue is stored', async () => {
    await database.db.transaction(async (tx) => {
      await enqueueEmail(tx, sharingOutbox, { to: 'guest@partner.test', subject: 'Invitation', text: 'Hello', html: '<p>Hello</p>' });
    });

    const rows = await database.db.select().from(mailOutbox);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ recipient: 'guest@partner.test', subject: 'Invitation', textBody: 'Hello', htmlBody: '<p>Hello</p>', attempts: 0, sentAt: null, lastError: null });
  });

  test('rejects invalid recipients and subjects', async () => {
    const valid = { to: 'guest@partner.test', subject: 'Invitation', text: 'Hello' };
    await expect(enqueueEmail(database.db, sharingOutbox, { ...valid, to: 'not an address' })).rejects.toThrow(/exactly one e-mail address/);
    await expect(enqueueEmail(database.db, sharingOutbox, { ...valid, to: 'a@partner.test, b@partner.test' })).rejects.toThrow(/exactly one e-mail address/);
    await expect(enqueueEmail(database.db, sharingOutbox, { ...valid, to: 'guest@partner.test\r\nBcc: x@evil.test' })).rejects.toThrow(/exactly one e-mail address/);
    await expect(enqueueEmail(database.db, sharingOutbox, { ...valid, subject: 'Hi\r\nBcc: x@evil.test' })).rejects.toThrow(/line break/);
    expect(await database.db.select().from(mailOutbox)).toEqual([]);
  });
});

describe('file mode', () => {
  test('drain writes a parseable eml', async () => {
    const id = await enqueue({ html: '<p>Open the <a href="https://tandem.test/accept">link</a>.</p>' });
    const { worker, lines } = startWorker(fileSettings());

    expect(await worker.drain()).toBe(1);

    const files = await readdir(join(folder, 'mail'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d-]+Z-${id}\\.eml$`));
    const raw = await readFile(join(folder, 'mail', files[0]!));
    expect(raw.toString('latin1')).toContain('\r\n');
    const parsed = await simpleParser(raw);
    expect(addresses(parsed.to)).toEqual(['guest@partner.test']);
    expect(addresses(parsed.from)).toEqual(['no-reply@tandem.test']);
    expect(parsed.from?.value[0]?.name).toBe('Tandem Test');
    expect(parsed.subject).toBe('You are invited');
    expect(parsed.text?.trim()).toBe('Open the link to join.');
    expect(parsed.html).toContain('href="https://tandem.test/accept"');
    expect(parsed.messageId).toBe(`<${id}@tandem.test>`);

    const row = await outboxRow(id);
    expect(row.sentAt).toBeInstanceOf(Date);
    expect(row.attempts).toBe(1);
    expect(row.lastError).toBeNull();

    const written = lines.filter((line) => line.msg === 'E-mail written to a file.');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ outboxId: id, recipient: 'guest@partner.test', file: join(folder, 'mail', files[0]!) });
    expect(JSON.stringify(lines)).not.toContain('Open the link');

    expect(await worker.drain()).toBe(0);
    expect(await readdir(join(folder, 'mail'))).toHaveLength(1);
  });

  test('drain sends oldest first in batches', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 45; index += 1) ids.push(await enqueue({ subject: `Message ${index}` }));
    const { worker, lines } = startWorker(fileSettings());

    expect(await worker.drain()).toBe(45);

    const order = lines.filter((line) => line.msg === 'E-mail written to a file.').map((line) => line.outboxId);
    expect(order).toEqual(ids);
    const unsent = await database.db.select().from(mailOutbox).where(sql`${mailOutbox.sentAt} is null`);
    expect(unsent).toEqual([]);
  });

  test('gives up after max attempts', async () => {
    const id = await enqueue();
    await database.db.update(mailOutbox).set({ attempts: maxAttempts - 2 }).where(eq(mailOutbox.id, id));
    // A file where the mail folder should be makes every write fail.
    const blocked = join(folder, 'blocked');
    await writeFile(blocked, 'not a folder');
    const { worker, lines } = startWorker({ kind: 'file', directory: blocked, from });

    expect(await worker.drain()).toBe(0);
    const retried = await outboxRow(id);
    expect(retried.attempts).toBe(maxAttempts - 1);
    expect(retried.lastError).toMatch(/^(EEXIST|ENOTDIR): /);
    expect(lines.filter((line) => line.msg === 'Sending an e-mail failed; it will be retried.')).toHaveLength(1);

    await makeDueNow(id);
    expect(await worker.drain()).toBe(0);
    const abandoned = await outboxRow(id);
    expect(abandoned.attempts).toBe(maxAttempts);
    expect(abandoned.sentAt).toBeNull();
    expect(abandoned.lastError).toMatch(new RegExp(`^Gave up after ${maxAttempts} attempts: `));
    expect(lines.filter((line) => line.level === 50 && line.outboxId === id)).toHaveLength(1);

    // The row stays, due but no longer claimed.
    await makeDueNow(id);
    expect(await worker.drain()).toBe(0);
    expect((await outboxRow(id)).attempts).toBe(maxAttempts);

    // Lowering attempts makes it due again.
    const { worker: repaired } = startWorker(fileSettings());
    await database.db.update(mailOutbox).set({ attempts: 0 }).where(eq(mailOutbox.id, id));
    expect(await repaired.drain()).toBe(1);
    expect((await outboxRow(id)).sentAt).toBeInstanceOf(Date);
  });

  test('timer delivers without drain calls', async () => {
    const id = await enqueue();
    startWorker(fileSettings(), 20);

    const deadline = Date.now() + 10_000;
    while ((await outboxRow(id)).sentAt === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await outboxRow(id)).sentAt).toBeInstanceOf(Date);
    expect(await readdir(join(folder, 'mail'))).toHaveLength(1);
  });
});

describe('smtp mode', () => {
  test('delivers envelope and content', async () => {
    const server = await startSmtpServer();
    const id = await enqueue({ html: '<p>Open the link to join.</p>' });
    const { worker, lines } = startWorker(smtpSettings(server.port));

    expect(await worker.drain()).toBe(1);

    expect(server.received).toHaveLength(1);
    const [message] = server.received;
    expect(message!.mailFrom).toBe('no-reply@tandem.test');
    expect(message!.rcptTo).toEqual(['guest@partner.test']);
    expect(addresses(message!.parsed.to)).toEqual(['guest@partner.test']);
    expect(addresses(message!.parsed.from)).toEqual(['no-reply@tandem.test']);
    expect(message!.parsed.subject).toBe('You are invited');
    expect(message!.parsed.text?.trim()).toBe('Open the link to join.');
    expect(message!.parsed.html).toContain('<p>Open the link to join.</p>');
    expect(message!.parsed.messageId).toBe(`<${id}@tandem.test>`);

    const row = await outboxRow(id);
    expect(row.sentAt).toBeInstanceOf(Date);
    expect(row.attempts).toBe(1);
    expect(lines.filter((line) => line.msg === 'E-mail sent.')).toMatchObject([{ outboxId: id, recipient: 'guest@partner.test' }]);

    expect(await worker.drain()).toBe(0);
    expect(server.received).toHaveLength(1);
  });

  test('failure is retried with backoff', async () => {
    let rejections = 1;
    const server = await startSmtpServer({ rejectRecipient: () => (rejections-- > 0 ? 'Mailbox busy, try again later' : null) });
    const id = await enqueue();
    const { worker, lines } = startWorker(smtpSettings(server.port));

    const beforeDrain = Date.now();
    expect(await worker.drain()).toBe(0);

    const failed = await outboxRow(id);
    expect(failed.sentAt).toBeNull();
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toMatch(/Mailbox busy, try again later/);
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(beforeDrain + (retryDelaySeconds(1) - 5) * 1000);
    expect(server.received).toHaveLength(0);
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toMatchObject([{ outboxId: id, attempt: 1, retryInSeconds: retryDelaySeconds(1) }]);

    // Not due yet: nothing is attempted.
    expect(await worker.drain()).toBe(0);
    expect((await outboxRow(id)).attempts).toBe(1);

    await makeDueNow(id);
    expect(await worker.drain()).toBe(1);

    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.rcptTo).toEqual(['guest@partner.test']);
    const sent = await outboxRow(id);
    expect(sent.sentAt).toBeInstanceOf(Date);
    expect(sent.attempts).toBe(2);
    expect(await database.db.select().from(mailOutbox)).toHaveLength(1);
  });

  test('login failure hides the password', async () => {
    const server = await startSmtpServer({ rejectLogins: true });
    const id = await enqueue();
    const { worker, lines } = startWorker(smtpSettings(server.port, 'mailer:s3cr%40t-pass@'));

    expect(await worker.drain()).toBe(0);

    const row = await outboxRow(id);
    expect(row.lastError).toMatch(/EAUTH/);
    expect(row.lastError).not.toMatch(/s3cr/);
    expect(JSON.stringify(lines)).not.toMatch(/s3cr/);
  });

  test('stop waits for the message in flight', async () => {
    let markArrived!: () => void;
    const dataArrived = new Promise<void>((resolve) => (markArrived = resolve));
    let releaseData!: () => void;
    const gate = new Promise<void>((resolve) => (releaseData = resolve));
    const server = await startSmtpServer({
      beforeAccept: () => {
        markArrived();
        return gate;
      },
    });
    const first = await enqueue({ subject: 'First' });
    const second = await enqueue({ subject: 'Second' });
    const { worker } = startWorker(smtpSettings(server.port));

    const draining = worker.drain();
    await dataArrived;
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);

    releaseData();
    await stopping;
    expect(await draining).toBe(1);
    expect(server.received.map((message) => message.parsed.subject)).toEqual(['First']);
    expect((await outboxRow(first)).sentAt).toBeInstanceOf(Date);

    // The claimed but unattempted e-mail went back to the queue, due now and uncounted.
    const released = await outboxRow(second);
    expect(released.sentAt).toBeNull();
    expect(released.attempts).toBe(0);
    expect(released.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    expect(await worker.drain()).toBe(0);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('on PostgreSQL', () => {
  test('concurrent workers deliver each message once', async () => {
    const server = await startSmtpServer({ beforeAccept: () => new Promise((resolve) => setTimeout(resolve, 5)) });
    const workers = [1, 2, 3, 4].map(() => startWorker(smtpSettings(server.port)).worker);
    const subjects: string[] = [];
    const sentPerWorker = workers.map(() => 0);

    // Several rounds, because the workers' claims only race when they start together.
    for (let round = 0; round < 3; round += 1) {
      for (let index = 0; index < 40; index += 1) {
        subjects.push(`Message ${round}.${index}`);
        await enqueue({ subject: `Message ${round}.${index}` });
      }
      const counts = await Promise.all(workers.map((worker) => worker.drain()));
      counts.forEach((count, index) => (sentPerWorker[index]! += count));
    }

    expect(sentPerWorker.reduce((sum, count) => sum + count, 0)).toBe(subjects.length);
    expect(sentPerWorker.filter((count) => count > 0).length).toBeGreaterThan(1);
    const received = server.received.map((message) => message.parsed.subject ?? '');
    expect([...received].sort()).toEqual([...subjects].sort());
    const rows = await database.db.select().from(mailOutbox);
    expect(rows).toHaveLength(subjects.length);
    expect(rows.filter((row) => row.sentAt === null || row.attempts !== 1)).toEqual([]);
  });
});

test('retry delay doubles up to an hour', () => {
  expect([1, 2, 3, 4, 7, 8, 9, 20].map(retryDelaySeconds)).toEqual([30, 60, 120, 240, 1920, 3600, 3600, 3600]);
});
