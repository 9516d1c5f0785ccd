import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { issueAccessToken, verifyAccessToken } from './access-token.js';
import { GATEWAY_SIGNATURE_HEADER, signGatewayAssertion, verifyGatewayAssertion } from './gateway-signature.js';

// A compact JWS writes each part in unpadded base64url (RFC 7515, section 2), so a token holder
// must not be able to write another string that verifies as the same token.

const key = randomBytes(32);
const claims = { accountId: 'account-1', sessionId: 'session-1' };
const inOneHour = () => new Date(Date.now() + 3_600_000);

/** Issues access tokens until one has a signature with "-" or "_", whose base64 twins are "+" and "/". */
async function tokenWithUrlSafeSignatureCharacter(): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const token = await issueAccessToken(key, { ...claims, sessionId: `session-${attempt}` }, inOneHour());
    if (/[-_]/.test(token.split('.')[2]!)) return token;
  }
  throw new Error('No issued token had "-" or "_" in its signature.');
}

const base64url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Variants of a valid token that differ from it only in how its signature is written. */
function reencodedVariants(token: string): Record<string, string> {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  // 43 characters carry 258 bits for a 256-bit signature, so the last character's two lowest bits are not decoded.
  const last = base64url[base64url.indexOf(signature.at(-1)!) ^ 1]!;
  return {
    'signature with another unused last bit': `${header}.${payload}.${signature.slice(0, -1)}${last}`,
    'signature in the base64 alphabet': `${header}.${payload}.${signature.replace(/-/g, '+').replace(/_/g, '/')}`,
    'signature with padding': `${header}.${payload}.${signature}=`,
    'signature with a trailing "~"': `${header}.${payload}.${signature}~`,
    'signature with a "!" inside': `${header}.${payload}.${signature.slice(0, 10)}!${signature.slice(10)}`,
  };
}

describe('token encoding', () => {
  test('reencoded access token is invalid', async () => {
    const token = await tokenWithUrlSafeSignatureCharacter();
    expect(await verifyAccessToken(key, token)).toEqual({ accountId: claims.accountId, sessionId: expect.any(String) });
    for (const [name, variant] of Object.entries(reencodedVariants(token))) {
      expect(variant, name).not.toBe(token);
      expect(await verifyAccessToken(key, variant), name).toBe('invalid');
    }
  });

  test('reencoded gateway assertion is rejected', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    let assertion = '';
    for (let attempt = 0; attempt < 200 && !/[-_]/.test(assertion.split('.')[2] ?? ''); attempt += 1) {
      assertion = await signGatewayAssertion(key, 'work', body, { viewer: null, requestId: `request-${attempt}` });
    }
    expect(await verifyGatewayAssertion(key, 'work', body, assertion), GATEWAY_SIGNATURE_HEADER).not.toBeNull();
    for (const [name, variant] of Object.entries(reencodedVariants(assertion))) {
      expect(await verifyGatewayAssertion(key, 'work', body, variant), name).toBeNull();
    }
  });
});
