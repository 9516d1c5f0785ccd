import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

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
 * Verifies signature, algorithm (HS256 only, so `alg: none` fails), issuer, audience and
 * expiry. Returns the claims, or the reason the token was rejected.
 */
export async function verifyAccessToken(key: Uint8Array, token: string): Promise<AccessTokenClaims | AccessTokenProblem> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer, audience, requiredClaims: ['exp', 'sub'] });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return 'invalid';
    return { accountId: payload.sub, sessionId: payload.sid };
  } catch (error) {
    return error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid';
  }
}
