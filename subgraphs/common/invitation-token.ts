import { createHash, randomBytes } from 'node:crypto';

// Invitation tokens are 32 random bytes in base64url (43 characters). Only their SHA-256 is
// stored, so a database dump reveals no working link.

const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export function createInvitationToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashInvitationToken(token) };
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Tells whether a string has the shape of an invitation token, so malformed ones skip the database. */
export function isInvitationTokenShape(token: string): boolean {
  return tokenPattern.test(token);
}
