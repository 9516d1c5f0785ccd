import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Every process is configured by environment variables alone; README.md lists them.

export function readPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`${name}=${JSON.stringify(raw)} is not a port number between 0 and 65535.`);
  return port;
}

export function readRequired(name: string, hint: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: ${hint}`);
  return value;
}

export function readBoolean(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`${name}=${JSON.stringify(raw)} must be "true" or "false".`);
}

/** Access token lifetime in seconds, from AUTH_TOKEN_TTL_SECONDS: 12 hours by default, 60 s to 30 days. */
export function readTokenTtl(): number {
  const raw = process.env.AUTH_TOKEN_TTL_SECONDS;
  if (raw === undefined || raw === '') return 43_200;
  const ttl = Number(raw);
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > 30 * 86_400) {
    throw new Error(`AUTH_TOKEN_TTL_SECONDS=${JSON.stringify(raw)} must be a whole number of seconds from 60 to 2592000 (30 days).`);
  }
  return ttl;
}

/**
 * Returns AUTH_TOKEN_SECRET, or for the embedded mode a secret generated once and kept in
 * `<dataDir>/secrets.json`, so that access tokens outlive a restart.
 */
export function readTokenSecret(dataDir: string): string {
  const fromEnvironment = process.env.AUTH_TOKEN_SECRET;
  if (fromEnvironment) return fromEnvironment;

  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { authTokenSecret?: unknown };
    if (typeof stored.authTokenSecret === 'string') return stored.authTokenSecret;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, JSON.stringify({ authTokenSecret: secret }, null, 2), { mode: 0o600 });
  return secret;
}

export function randomSecret(): string {
  return randomBytes(32).toString('hex');
}

/** Reads the web app's address from PUBLIC_APP_URL (default http://localhost:3000), without a trailing slash, for links in e-mails. */
export function readPublicAppUrl(): string {
  return (process.env.PUBLIC_APP_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
}
