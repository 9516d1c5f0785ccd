import { join } from 'node:path';
import addressparser from 'nodemailer/lib/addressparser';

/** Destination of outgoing e-mail: an SMTP server, or `.eml` files in a folder for development. */
export type MailSettings = { kind: 'smtp'; url: string; from: string } | { kind: 'file'; directory: string; from: string };

export const defaultMailFrom = 'Tandem <no-reply@tandem.localhost>';

/**
 * Reads SMTP_URL (e.g. smtp://user:pass@host:587, smtps://... for TLS) and MAIL_FROM (default
 * "Tandem <no-reply@tandem.localhost>"); without SMTP_URL, files under <dataDir>/mail.
 * Throws on an invalid value, so that a process fails at start and not at its first e-mail.
 */
export function readMailSettings(dataDir: string): MailSettings {
  const from = process.env.MAIL_FROM || defaultMailFrom;
  checkSender(from);

  const url = process.env.SMTP_URL;
  if (!url) return { kind: 'file', directory: join(dataDir, 'mail'), from };
  checkSmtpUrl(url);
  return { kind: 'smtp', url, from };
}

/** Returns the one mailbox address in `value`, or null when `value` is not exactly one address. */
export function parseSingleAddress(value: string): string | null {
  const parsed = addressparser(value);
  if (parsed.length !== 1) return null;
  const address = parsed[0]?.address;
  return address && /^[^\s@]+@[^\s@]+$/.test(address) ? address : null;
}

function checkSender(from: string): void {
  if (parseSingleAddress(from) === null) {
    throw new Error(`MAIL_FROM=${JSON.stringify(from)} is not one e-mail address; set it like "Tandem <no-reply@example.com>".`);
  }
}

// The messages never repeat the URL, because it may contain the SMTP password.
function checkSmtpUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('SMTP_URL is not a valid URL; set it like smtp://user:password@host:587, or smtps://user:password@host:465 for TLS.');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL must start with smtp:// or smtps://, not ${parsed.protocol}//.`);
  }
  if (!parsed.hostname) throw new Error('SMTP_URL has no host name; set it like smtp://user:password@host:587.');
}
