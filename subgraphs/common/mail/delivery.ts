import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { ClaimedEmail } from './outbox.js';
import { parseSingleAddress, type MailSettings } from './settings.js';

/** Record of one delivery: the `.eml` file written, or the SMTP server's reply, with the Message-ID. */
export type DeliveryReceipt = { kind: 'file'; file: string; messageId: string } | { kind: 'smtp'; messageId: string; response: string };

/** Sends claimed outbox e-mails through the transport that the settings select. */
export interface Mailer {
  send(email: ClaimedEmail): Promise<DeliveryReceipt>;
  /** Turns an error of `send` into a one-line message without secrets, for `last_error` and logs. */
  describeError(error: unknown): string;
  close(): void;
}

// Limits of one SMTP delivery. The worker's lease on a claimed row must outlast sendTimeoutMs.
// An aborted send counts as failed and is retried, although the server may have accepted the
// message already. In that case the recipient gets it twice, with the same Message-ID.
const smtpTimeouts = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };
const sendTimeoutMs = 120_000;

const maxErrorLength = 500;

export function createMailer(settings: MailSettings): Mailer {
  const senderDomain = parseSingleAddress(settings.from)?.split('@')[1] ?? 'tandem.localhost';

  // The Message-ID is derived from the outbox id, so a message sent twice (after a crash between
  // sending and marking it sent) carries the same Message-ID both times and receivers can drop the copy.
  const compose = (email: ClaimedEmail): SendMailOptions => ({
    from: settings.from,
    to: email.recipient,
    subject: email.subject,
    text: email.textBody,
    ...(email.htmlBody === null ? {} : { html: email.htmlBody }),
    messageId: `<${email.id}@${senderDomain}>`,
    disableFileAccess: true,
    disableUrlAccess: true,
  });

  return settings.kind === 'file' ? createFileMailer(settings.directory, compose) : createSmtpMailer(settings.url, compose);
}

function createFileMailer(directory: string, compose: (email: ClaimedEmail) => SendMailOptions): Mailer {
  // RFC 5322 messages end their lines with CRLF.
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

  return {
    async send(email) {
      const info = await transport.sendMail(compose(email));
      if (!Buffer.isBuffer(info.message)) throw new Error('The stream transport returned a stream where a buffer was expected.');

      await mkdir(directory, { recursive: true });
      const file = join(directory, `${new Date().toISOString().replace(/[:.]/g, '-')}-${email.id}.eml`);
      // Writing to a temporary name first, so a reader of the folder never opens half a message.
      const partial = `${file}.partial`;
      await writeFile(partial, info.message);
      await rename(partial, file);
      return { kind: 'file', file, messageId: info.messageId };
    },
    describeError: (error) => describeError(error, []),
    close: () => transport.close(),
  };
}

function createSmtpMailer(url: string, compose: (email: ClaimedEmail) => SendMailOptions): Mailer {
  // Options in the URL's query, such as ?ignoreTLS=true, take precedence over these timeouts.
  const transport = nodemailer.createTransport({ url, ...smtpTimeouts });
  const secrets = urlSecrets(url);

  return {
    async send(email) {
      const info = await transport.sendMail({ ...compose(email), signal: AbortSignal.timeout(sendTimeoutMs) });
      return { kind: 'smtp', messageId: info.messageId, response: info.response };
    },
    describeError: (error) => describeError(error, secrets),
    close: () => transport.close(),
  };
}

/** Returns the password of an SMTP URL, raw and decoded, so that error messages can be cleaned of it. */
function urlSecrets(url: string): string[] {
  const password = new URL(url).password;
  if (!password) return [];
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // A malformed percent-escape stays as it is.
  }
  return [...new Set([password, decoded])];
}

/**
 * Formats an error as "CODE: message" on one line, at most 500 characters, with every
 * occurrence of a secret replaced. Nodemailer's messages carry the SMTP reply, such as
 * "Invalid login: 535 Authentication failed", but never the password; the replacement guards
 * against a server that echoes it.
 */
export function describeError(error: unknown, secrets: string[]): string {
  const { code, message } = error instanceof Error ? (error as Error & { code?: unknown }) : { code: undefined, message: String(error) };
  let text = typeof code === 'string' && code !== '' && !message.startsWith(code) ? `${code}: ${message}` : message;
  for (const secret of secrets) text = text.split(secret).join('[redacted]');
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > maxErrorLength ? `${text.slice(0, maxErrorLength - 3)}...` : text;
}
