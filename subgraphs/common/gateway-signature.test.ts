import { createHash, createHmac, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { secretKey, signGatewayAssertion, verifyGatewayAssertion } from './gateway-signature.js';

const key = secretKey(randomBytes(32).toString('hex'), 'TEST_SECRET');
const viewer = { accountId: 'a1', sessionId: 's1', workspaceId: 'w1' };
const body = '{"query":"{ __typename }"}';

/** Signs arbitrary header and claims with HMAC-SHA-256, to build tokens that the gateway never makes. */
function handMadeToken(header: object, claims: object, signingKey: Uint8Array = key): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', signingKey).update(input).digest('base64url')}`;
}

function validClaims(now = Math.floor(Date.now() / 1000)) {
  return { vw: viewer, rid: 'r1', iss: 'tandem-gateway', aud: 'work', iat: now, exp: now + 30 };
}

function createBodyHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

describe('gateway assertion', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('round trip', async () => {
    const token = await signGatewayAssertion(key, 'work', body, { viewer, requestId: 'r1' });
    expect(await verifyGatewayAssertion(key, 'work', body, token)).toEqual({ viewer, requestId: 'r1' });
  });

  test('anonymous viewer', async () => {
    const token = await signGatewayAssertion(key, 'work', body, { viewer: null, requestId: 'r2' });
    expect(await verifyGatewayAssertion(key, 'work', body, token)).toEqual({ viewer: null, requestId: 'r2' });
  });

  test('other body rejected', async () => {
    const token = await signGatewayAssertion(key, 'work', body, { viewer, requestId: 'r1' });
    expect(await verifyGatewayAssertion(key, 'work', `${body} `, token)).toBeNull();
  });

  test('other subgraph rejected', async () => {
    const token = await signGatewayAssertion(key, 'sharing', body, { viewer, requestId: 'r1' });
    expect(await verifyGatewayAssertion(key, 'work', body, token)).toBeNull();
  });

  test('other key rejected', async () => {
    const otherKey = secretKey(randomBytes(32).toString('hex'), 'TEST_SECRET');
    const token = await signGatewayAssertion(otherKey, 'work', body, { viewer, requestId: 'r1' });
    expect(await verifyGatewayAssertion(key, 'work', body, token)).toBeNull();
  });

  test('missing or garbage token rejected', async () => {
    expect(await verifyGatewayAssertion(key, 'work', body, undefined)).toBeNull();
    expect(await verifyGatewayAssertion(key, 'work', body, 'not.a.token')).toBeNull();
  });

  test('assertion older than 30 seconds rejected', async () => {
    vi.useFakeTimers({ now: Date.now() - 31_000 });
    const token = await signGatewayAssertion(key, 'work', body, { viewer, requestId: 'r1' });
    vi.useRealTimers();
    expect(await verifyGatewayAssertion(key, 'work', body, token)).toBeNull();
  });

  test('assertion issued in the future rejected', async () => {
    vi.useFakeTimers({ now: Date.now() + 5_000 });
    const token = await signGatewayAssertion(key, 'work', body, { viewer, requestId: 'r1' });
    vi.useRealTimers();
    expect(await verifyGatewayAssertion(key, 'work', body, token)).toBeNull();
  });

  test('header must name HS256 only', async () => {
    const claims = { ...validClaims(), bh: createBodyHash(body) };
    expect(await verifyGatewayAssertion(key, 'work', body, handMadeToken({ alg: 'HS256' }, claims))).toEqual({ viewer, requestId: 'r1' });
    expect(await verifyGatewayAssertion(key, 'work', body, handMadeToken({ alg: 'none' }, claims))).toBeNull();
    expect(await verifyGatewayAssertion(key, 'work', body, handMadeToken({ alg: 'HS256', typ: 'JWT' }, claims))).toEqual({ viewer, requestId: 'r1' });
    expect(await verifyGatewayAssertion(key, 'work', body, handMadeToken({ alg: 'HS512' }, claims))).toBeNull();
    expect(await verifyGatewayAssertion(key, 'work', body, handMadeToken({ alg: 'HS256', crit: ['b64'], b64: false }, claims))).toBeNull();
  });

  test('wrong issuer or expired claim rejected', async () => {
    const claims = { ...validClaims(), bh: createBodyHash(body) };
    expect(await verifyGatewayAssertion(key, 'work', body, handMadeToken({ alg: 'HS256' }, { ...claims, iss: 'someone-else' }))).toBeNull();
    expect(await verifyGatewayAssertion(key, 'work', body, handMadeToken({ alg: 'HS256' }, { ...claims, exp: claims.iat }))).toBeNull();
    expect(await verifyGatewayAssertion(key, 'work', body, handMadeToken({ alg: 'HS256' }, { ...claims, iat: undefined }))).toBeNull();
    expect(await verifyGatewayAssertion(key, 'work', body, handMadeToken({ alg: 'HS256' }, { ...claims, rid: 7 }))).toBeNull();
  });

  test('tampered signature rejected', async () => {
    const token = await signGatewayAssertion(key, 'work', body, { viewer, requestId: 'r1' });
    const [header, payload, signature] = token.split('.');
    const flipped = `${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(await verifyGatewayAssertion(key, 'work', body, `${header}.${payload}.${flipped}`)).toBeNull();
    expect(await verifyGatewayAssertion(key, 'work', body, `${header}.${payload}.`)).toBeNull();
  });

  test('token signed by jose accepted', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ bh: createBodyHash(body), vw: viewer, rid: 'r1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('tandem-gateway')
      .setAudience('work')
      .setIssuedAt(now)
      .setExpirationTime(now + 30)
      .sign(key);
    expect(await verifyGatewayAssertion(key, 'work', body, token)).toEqual({ viewer, requestId: 'r1' });
  });

  test('short secret rejected', () => {
    expect(() => secretKey('short', 'TEST_SECRET')).toThrow(/TEST_SECRET must be at least 32 characters/);
  });
});
