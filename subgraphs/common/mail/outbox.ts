import { sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { rowsOf, type Database, type Transaction } from '../../../db/client.js';
import { parseSingleAddress } from './settings.js';

/**
 * A subgraph's outbox: a table of its own schema with the columns of `sharing.mail_outbox`
 * (id, recipient, subject, text_body, html_body, attempts, next_attempt_at, last_error, sent_at,
 * created_at), and optionally a condition that a row must meet to be sent.
 */
export interface Outbox {
  table: PgTable;
  /** A condition on the row aliased `pending`; rows that fail it are never claimed. */
  sendable?: SQL;
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** An outbox row that a worker has claimed for one delivery attempt. */
export interface ClaimedEmail {
  id: string;
  recipient: string;
  subject: string;
  textBody: string;
  htmlBody: string | null;
  /** Delivery attempts started, this one included. */
  attempts: number;
}

const lineBreak = /[\r\n]/;

/** Throws when `to` is not one address or the subject contains a line break; such an e-mail must never be queued. */
export function checkOutgoingEmail(email: OutgoingEmail): void {
  if (lineBreak.test(email.to) || parseSingleAddress(email.to) === null) {
    throw new Error(`Cannot queue an e-mail to ${JSON.stringify(email.to)}: the recipient must be exactly one e-mail address.`);
  }
  if (lineBreak.test(email.subject)) {
    throw new Error('Cannot queue an e-mail whose subject contains a line break.');
  }
}

/**
 * Writes one e-mail to the outbox inside the caller's transaction, so the e-mail is sent only
 * if that transaction commits, and returns its ID. Throws as `checkOutgoingEmail` does.
 */
export async function enqueueEmail(tx: Database | Transaction, outbox: Outbox, email: OutgoingEmail): Promise<string> {
  checkOutgoingEmail(email);
  const result = await tx.execute(
    sql`insert into ${outbox.table} (recipient, subject, text_body, html_body) values (${email.to}, ${email.subject}, ${email.text}, ${email.html ?? null}) returning id`,
  );
  return rowsOf<{ id: string }>(result)[0]!.id;
}

/**
 * Claims up to `limit` due e-mails, oldest due first, for one delivery attempt each: it counts the
 * attempt and pushes `next_attempt_at` `leaseSeconds` ahead in the same statement. Other workers
 * skip the claimed rows, both while this statement holds their row locks (`skip locked`) and
 * afterwards, because the rows are no longer due. A worker that dies during delivery leaves its
 * rows to be claimed again once the lease ends.
 *
 * Rows with `attempts >= maxAttempts` are never claimed: they stay in the outbox, unsent, with
 * their last error, until someone lowers `attempts`.
 */
export async function claimDueEmails(db: Database, outbox: Outbox, options: { limit: number; leaseSeconds: number; maxAttempts: number }): Promise<ClaimedEmail[]> {
  // The `due` CTE is materialized so that the locking select runs once, and the final select
  // restores the queue order, which RETURNING does not keep.
  const result = await db.execute(sql`
    with due as materialized (
      select id from ${outbox.table} as pending
      where sent_at is null and next_attempt_at <= now() and attempts < ${options.maxAttempts}
        and ${outbox.sendable ?? sql`true`}
      order by next_attempt_at, created_at, id
      limit ${options.limit}
      for update skip locked
    ),
    claimed as (
      update ${outbox.table} as outbox
      set attempts = outbox.attempts + 1,
          next_attempt_at = now() + make_interval(secs => ${options.leaseSeconds})
      from due
      where outbox.id = due.id
      returning outbox.id, outbox.recipient, outbox.subject, outbox.text_body, outbox.html_body, outbox.attempts, outbox.created_at
    )
    select id, recipient, subject, text_body, html_body, attempts from claimed order by created_at, id
  `);

  type Row = { id: string; recipient: string; subject: string; text_body: string; html_body: string | null; attempts: number };
  return rowsOf<Row>(result).map((row) => ({
    id: row.id,
    recipient: row.recipient,
    subject: row.subject,
    textBody: row.text_body,
    htmlBody: row.html_body,
    attempts: Number(row.attempts),
  }));
}

/** Marks a claimed e-mail as sent. `last_error` keeps the error of any earlier failed attempt. */
export async function markSent(db: Database, outbox: Outbox, id: string): Promise<void> {
  // A delivered body is dropped: it may hold a single-use link, such as an invitation's, and the
  // database keeps only hashes of those once the mail is out.
  await db.execute(sql`update ${outbox.table} set sent_at = now(), text_body = '', html_body = null where id = ${id}`);
}

/** Records a failed attempt and makes the e-mail due again `retryInSeconds` from now. */
export async function markFailed(db: Database, outbox: Outbox, id: string, lastError: string, retryInSeconds: number): Promise<void> {
  await db.execute(sql`update ${outbox.table} set last_error = ${lastError}, next_attempt_at = now() + make_interval(secs => ${retryInSeconds}) where id = ${id}`);
}

/** Puts claimed e-mails that were never attempted back in the queue, due now and with their claimed attempt uncounted. */
export async function releaseClaims(db: Database, outbox: Outbox, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const list = sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  await db.execute(sql`update ${outbox.table} set attempts = attempts - 1, next_attempt_at = now() where id in (${list}) and sent_at is null`);
}
