// Reads the e-mails that the services write as .eml files into DATA_DIR/mail when no SMTP_URL is
// set. The seed takes invitation tokens from them, as an invitee would from their mailbox; the
// outbox table keeps no body once an e-mail is sent.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const waitMs = 10_000;
const pollIntervalMs = 100;

/**
 * Waits up to 10 seconds for an e-mail to `recipient` in `mailDir` whose text matches `pattern`.
 * Returns the match in the newest such e-mail, or undefined when none arrives. Quoted-printable
 * soft line breaks are removed before matching, so that a long link matches whole.
 */
export async function findMail(mailDir: string, recipient: string, pattern: RegExp): Promise<RegExpExecArray | undefined> {
  const addressed = new RegExp(`^To: .*${recipient.replace(/[.+]/g, '\\$&')}`, 'mi');
  const deadline = Date.now() + waitMs;
  for (;;) {
    const files = await readdir(mailDir).catch(() => [] as string[]);
    // The file names start with the time the e-mail was written, so the newest sorts last.
    for (const file of files.filter((name) => name.endsWith('.eml')).sort().reverse()) {
      const text = (await readFile(join(mailDir, file), 'utf8')).replace(/=\r?\n/g, '');
      const match = addressed.test(text) ? pattern.exec(text) : null;
      if (match) return match;
    }
    if (Date.now() > deadline) return undefined;
    await sleep(pollIntervalMs);
  }
}
