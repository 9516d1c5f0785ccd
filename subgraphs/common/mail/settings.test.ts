import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { defaultMailFrom, readMailSettings } from './settings.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('readMailSettings', () => {
  test('without SMTP_URL writes files', () => {
    vi.stubEnv('SMTP_URL', '');
    vi.stubEnv('MAIL_FROM', '');

    expect(readMailSettings('/srv/tandem')).toEqual({ kind: 'file', directory: join('/srv/tandem', 'mail'), from: defaultMailFrom });
  });

  test('reads SMTP_URL and MAIL_FROM', () => {
    vi.stubEnv('SMTP_URL', 'smtps://mailer:secret@smtp.example.com:465');
    vi.stubEnv('MAIL_FROM', 'Acme Projects <projects@acme.example>');

    expect(readMailSettings('.data')).toEqual({ kind: 'smtp', url: 'smtps://mailer:secret@smtp.example.com:465', from: 'Acme Projects <projects@acme.example>' });
  });

  test('rejects an invalid SMTP_URL without echoing it', () => {
    vi.stubEnv('SMTP_URL', 'mailer:secret@smtp.example.com');
    expect(() => readMailSettings('.data')).toThrow(/SMTP_URL must start with smtp:\/\/ or smtps:\/\//);
    expect(() => readMailSettings('.data')).not.toThrow(/secret/);

    vi.stubEnv('SMTP_URL', 'https://mailer:secret@smtp.example.com');
    expect(() => readMailSettings('.data')).toThrow(/not https:\/\//);

    vi.stubEnv('SMTP_URL', 'smtp://mailer:secret@');
    expect(() => readMailSettings('.data')).toThrow(/SMTP_URL/);
    expect(() => readMailSettings('.data')).not.toThrow(/secret/);
  });

  test('rejects a MAIL_FROM that is not one address', () => {
    vi.stubEnv('MAIL_FROM', 'Tandem');
    expect(() => readMailSettings('.data')).toThrow(/MAIL_FROM="Tandem" is not one e-mail address/);

    vi.stubEnv('MAIL_FROM', 'a@example.com, b@example.com');
    expect(() => readMailSettings('.data')).toThrow(/MAIL_FROM/);
  });
});
