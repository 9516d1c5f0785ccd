import { createHash } from 'node:crypto';
import { Hs256Header, verifyHs256 } from './hs256.js';
import type { Viewer } from './viewer.js';

/**
 * The header in which the gateway sends a subgraph its signed assertion. The assertion is a
 * JWT (HS256, keyed with that subgraph's own secret) that names the subgraph as audience. It
 * carries the viewer and the request id, and binds the SHA-256 of the exact request body.
 */
export const GATEWAY_SIGNATURE_HEADER = 'tandem-gateway-signature';

/**
 * The response header with which a subgraph tells the gateway that a mutation changed the
 * viewer's session: a newly issued access token, or "reload" for the current session.
 */
export const SESSION_CHANGED_HEADER = 'tandem-session-changed';

const issuer = 'tandem-gateway';
/** Seconds an assertion stays valid: long enough for clock skew inside one deployment. */
const lifetimeSeconds = 30;

export interface GatewayAssertion {
  viewer: Viewer | null;
  requestId: string;
}

export function secretKey(secret: string, variable: string): Uint8Array {
  if (secret.length < 32) {
    throw new Error(`${variable} must be at least 32 characters long; generate one with "openssl rand -hex 32".`);
  }
  return new TextEncoder().encode(secret);
}

function bodyHash(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url');
}

/** The header of every assertion the gateway signs. */
const assertionHeader = new Hs256Header({});

export async function signGatewayAssertion(key: Uint8Array, subgraph: string, body: string | Uint8Array, assertion: GatewayAssertion): Promise<string> {
  const issuedAt = Math.floor(Date.now() / 1000);
  return assertionHeader.sign(key, { bh: bodyHash(body), vw: assertion.viewer, rid: assertion.requestId, iss: issuer, aud: subgraph, iat: issuedAt, exp: issuedAt + lifetimeSeconds });
}

/**
 * Returns the assertion of a request to `subgraph`, or null when the header names another
 * algorithm or critical extensions, or the signature, issuer, audience, age, expiry or body hash
 * does not match.
 */
export async function verifyGatewayAssertion(key: Uint8Array, subgraph: string, body: string, token: string | undefined): Promise<GatewayAssertion | null> {
  if (!token) return null;
  const payload = verifyHs256(key, token, assertionHeader);
  if (!payload) return null;
  const now = Math.floor(Date.now() / 1000);
  const { iss, aud, iat, exp, nbf } = payload;
  if (iss !== issuer) return null;
  if (aud !== subgraph && !(Array.isArray(aud) && aud.includes(subgraph))) return null;
  // The assertion must be issued in the past lifetimeSeconds, unexpired, and valid already.
  if (typeof iat !== 'number' || iat > now || now - iat > lifetimeSeconds) return null;
  if (exp !== undefined && (typeof exp !== 'number' || exp <= now)) return null;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now)) return null;
  if (payload.bh !== bodyHash(body) || typeof payload.rid !== 'string') return null;
  return { viewer: parseViewer(payload.vw), requestId: payload.rid };
}

function parseViewer(value: unknown): Viewer | null {
  if (!value || typeof value !== 'object') return null;
  const { accountId, sessionId, workspaceId } = value as Record<string, unknown>;
  if (typeof accountId !== 'string' || typeof sessionId !== 'string') return null;
  const viewer: Viewer = { accountId, sessionId, workspaceId: typeof workspaceId === 'string' ? workspaceId : null };
  const { viewAs: viewAsMarker, integration: integrationMarker } = value as Record<string, unknown>;
  // A marker that is present but unreadable must never widen access: no viewer at all.
  if (integrationMarker !== undefined && integrationMarker !== null) {
    const integration = parseIntegration(integrationMarker);
    if (!integration) return null;
    viewer.integration = integration;
  }
  if (viewAsMarker === undefined || viewAsMarker === null) return viewer;
  const viewAs = parseViewAs(viewAsMarker);
  return viewAs ? { ...viewer, viewAs } : null;
}

/** Reads the integration marker: a token ID and a non-empty list of known scopes. */
function parseIntegration(value: unknown): Viewer['integration'] {
  if (!value || typeof value !== 'object') return undefined;
  const { tokenId, scopes } = value as Record<string, unknown>;
  if (typeof tokenId !== 'string' || !Array.isArray(scopes) || scopes.length === 0) return undefined;
  if (!scopes.every((scope) => scope === 'read' || scope === 'write')) return undefined;
  return { tokenId, scopes: scopes as Array<'read' | 'write'> };
}

/** Reads the optional view-as marker; assertions signed before it existed simply lack it. */
function parseViewAs(value: unknown): Viewer['viewAs'] {
  if (!value || typeof value !== 'object') return undefined;
  const { projectId, adminAccountId } = value as Record<string, unknown>;
  if (typeof projectId !== 'string' || typeof adminAccountId !== 'string') return undefined;
  return { projectId, adminAccountId };
}
