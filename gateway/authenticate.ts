import type { IncomingMessage } from 'node:http';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { activeSessionsView } from '../db/identity/contract.js';
import { verifyAccessToken } from '../subgraphs/common/access-token.js';
import { HttpError } from '../subgraphs/common/http.js';
import type { Viewer } from '../subgraphs/common/viewer.js';

/**
 * Returns the viewer of a request, or null when it carries no Authorization header.
 * A header that is present but malformed, expired, wrongly signed, or whose session has
 * been logged out is rejected with 401 UNAUTHENTICATED rather than treated as anonymous,
 * so that a client learns at once that its token is unusable.
 */
export async function authenticate(request: IncomingMessage, tokenKey: Uint8Array, db: Database): Promise<Viewer | null> {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return null;

  // The scheme name is case-insensitive (RFC 9110, section 11.1).
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header);
  if (!match?.[1]) throw new HttpError(401, 'UNAUTHENTICATED', 'The Authorization header must be "Bearer <access token>".');

  const claims = await verifyAccessToken(tokenKey, match[1]);
  if (claims === 'expired') throw new HttpError(401, 'UNAUTHENTICATED', 'The access token has expired; sign in again with logIn.');
  if (claims === 'invalid') throw new HttpError(401, 'UNAUTHENTICATED', 'The access token is invalid; sign in again with logIn.');

  // The session is read on every request, so logging out takes effect at once.
  const [session] = await db
    .select({ accountId: activeSessionsView.accountId, currentWorkspaceId: activeSessionsView.currentWorkspaceId })
    .from(activeSessionsView)
    .where(eq(activeSessionsView.id, claims.sessionId));
  if (!session || session.accountId !== claims.accountId) {
    throw new HttpError(401, 'UNAUTHENTICATED', 'The session of this access token has ended; sign in again with logIn.');
  }
  return { accountId: session.accountId, sessionId: claims.sessionId, workspaceId: session.currentWorkspaceId };
}
