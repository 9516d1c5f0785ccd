import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { activeIntegrationTokensView, activeSessionsView } from '../db/identity/contract.js';
import { verifyAccessToken } from '../subgraphs/common/access-token.js';
import { HttpError, type RequestHead } from '../subgraphs/common/http.js';
import { hashIntegrationSecret, isIntegrationSecret } from '../subgraphs/common/integration-secret.js';
import type { Viewer } from '../subgraphs/common/viewer.js';

/**
 * Returns the viewer of a request, or null when it carries no Authorization header.
 * A header that is present but malformed, expired, wrongly signed, or whose session has
 * been logged out is rejected with 401 UNAUTHENTICATED rather than treated as anonymous,
 * so that a client learns at once that its token is unusable.
 */
export async function authenticate(request: RequestHead, tokenKey: Uint8Array, db: Database): Promise<Viewer | null> {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return null;

  // The scheme name is case-insensitive (RFC 9110, section 11.1).
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header);
  if (!match?.[1]) throw new HttpError(401, 'UNAUTHENTICATED', 'The Authorization header must be "Bearer <access token>".');

  if (isIntegrationSecret(match[1])) {
    const viewer = await loadIntegrationViewer(db, match[1]);
    if (!viewer) throw new HttpError(401, 'UNAUTHENTICATED', 'The integration token is unknown or revoked; ask an admin of the workspace for a new one.');
    return viewer;
  }

  const claims = await verifyAccessToken(tokenKey, match[1]);
  if (claims === 'expired') throw new HttpError(401, 'UNAUTHENTICATED', 'The access token has expired; sign in again with logIn.');
  if (claims === 'invalid') throw new HttpError(401, 'UNAUTHENTICATED', 'The access token is invalid; sign in again with logIn.');

  const viewer = await loadSessionViewer(db, claims.sessionId, claims.accountId);
  if (!viewer) throw new HttpError(401, 'UNAUTHENTICATED', 'The session of this access token has ended; sign in again with logIn.');
  return viewer;
}

/** Reads a token that is not revoked from the identity subgraph's published view, by the hash of its secret. */
async function loadIntegrationViewer(db: Database, secret: string): Promise<Viewer | null> {
  const [token] = await db.select().from(activeIntegrationTokensView).where(eq(activeIntegrationTokensView.tokenHash, hashIntegrationSecret(secret)));
  if (!token) return null;
  const scopes = token.scopes.filter((scope): scope is 'read' | 'write' => scope === 'read' || scope === 'write');
  return { accountId: token.accountId, sessionId: token.id, workspaceId: token.workspaceId, integration: { tokenId: token.id, scopes } };
}

/**
 * Reads an open session from the identity subgraph's published view; null when it was
 * logged out, expired, or belongs to another account. It is read on every request, so
 * logging out takes effect at once.
 */
export async function loadSessionViewer(db: Database, sessionId: string, accountId: string): Promise<Viewer | null> {
  const [session] = await db
    .select({ accountId: activeSessionsView.accountId, currentWorkspaceId: activeSessionsView.currentWorkspaceId })
    .from(activeSessionsView)
    .where(eq(activeSessionsView.id, sessionId));
  if (!session || session.accountId !== accountId) return null;
  return { accountId, sessionId, workspaceId: session.currentWorkspaceId };
}

/**
 * Returns the viewer after a mutation changed the session mid-operation: the session of a
 * newly issued access token (signUp, logIn), or the current session read again (switchWorkspace,
 * logOut). Later fields of the same operation then run as that viewer.
 */
export async function viewerAfterSessionChange(db: Database, tokenKey: Uint8Array, change: string, current: Viewer | null): Promise<Viewer | null> {
  if (change === sessionReloadMarker) {
    return current ? loadSessionViewer(db, current.sessionId, current.accountId) : null;
  }
  const claims = await verifyAccessToken(tokenKey, change);
  if (typeof claims === 'string') return current;
  return loadSessionViewer(db, claims.sessionId, claims.accountId);
}

/** The session-change header's value when the current session changed but no new token was issued. */
export const sessionReloadMarker = 'reload';
