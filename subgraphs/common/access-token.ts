import { SignJWT } from 'jose';
import { verifyHs256 } from './hs256.js';

// Access tokens are HS256 JWTs issued by the identity subgraph at sign-in and verified
// by the gateway. `sub` is the account id and `sid` the session, which logging out revokes.

const issuer = 'tandem';
const audience = 'tandem-graph';

export interface AccessTokenClaims {
  accountId: string;
  sessionId: string;
}

export async function issueAccessToken(key: Uint8Array, claims: AccessTokenClaims, expiresAt: Date): Promise<string> {
  return new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(claims.accountId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key);
}

export type AccessTokenProblem = 'expired' | 'invalid';

/**
 * Verifies signature, algorithm (HS256 only, so `alg: none` fails), issuer, audience, expiry and
 * not-before time. Returns the claims, or the reason the token was rejected.
 */
export async function verifyAccessToken(key: Uint8Array, token: string): Promise<AccessTokenClaims | AccessTokenProblem> {
  const payload = verifyHs256(key, token);
  if (!payload) return 'invalid';
  const { iss, aud, exp, nbf, iat, sub, sid } = payload;
  if (iss !== issuer) return 'invalid';
  if (aud !== audience && !(Array.isArray(aud) && aud.includes(audience))) return 'invalid';
  if (typeof sub !== 'string' || typeof sid !== 'string' || typeof exp !== 'number') return 'invalid';
  if (iat !== undefined && typeof iat !== 'number') return 'invalid';
  const now = Math.floor(Date.now() / 1000);
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now)) return 'invalid';
  if (exp <= now) return 'expired';
  return { accountId: sub, sessionId: sid };
}
