import { createHash } from 'node:crypto';

/** Every integration token's secret starts with this, so that people and secret scanners can recognise one. */
export const integrationTokenPrefix = 'tdm_';

/** Hashes a secret as it is stored and looked up. Secrets carry 256 random bits, so a fast hash is enough. */
export function hashIntegrationSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Tells whether a bearer credential is an integration token rather than an access token. */
export function isIntegrationSecret(credential: string): boolean {
  return credential.startsWith(integrationTokenPrefix);
}
