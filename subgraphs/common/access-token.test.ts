import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, test } from 'vitest';
import { issueAccessToken, verifyAccessToken } from './access-token.js';

const key = randomBytes(32);
const claims = { accountId: 'account-1', sessionId: 'session-1' };
const inOneHour = () => new Date(Date.now() + 3_600_000);
const now = () => Math.floor(Date.now() / 1000);

/** Signs `payload` with jose under `header`, to build tokens that the identity subgraph never issues. */
function joseToken(payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }, signingKey: Uint8Array = key) {
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(signingKey);
}

const valid = () => ({ sid: 'session-1', sub: 'account-1', iss: 'tandem', aud: 'tandem-graph', iat: now(), exp: now() + 60 });

describe('access token', () => {
  test('issued token verifies', async () => {
    expect(await verifyAccessToken(key, await issueAccessToken(key, claims, inOneHour()))).toEqual(claims);
  });

  test('audience in a list accepted', async () => {
    expect(await verifyAccessToken(key, await joseToken({ ...valid(), aud: ['other', 'tandem-graph'] }))).toEqual(claims);
  });

  test('expired token', async () => {
    expect(await verifyAccessToken(key, await joseToken({ ...valid(), exp: now() - 1 }))).toBe('expired');
    expect(await verifyAccessToken(key, await joseToken({ ...valid(), exp: now() }))).toBe('expired');
  });

  test('rejected tokens', async () => {
    const cases: Record<string, string | Promise<string>> = {
      'other key': joseToken(valid(), undefined, randomBytes(32)),
      'other issuer': joseToken({ ...valid(), iss: 'someone' }),
      'other audience': joseToken({ ...valid(), aud: 'tandem-gateway' }),
      'no subject': joseToken({ ...valid(), sub: undefined }),
      'no session': joseToken({ ...valid(), sid: undefined }),
      'no expiry': joseToken({ ...valid(), exp: undefined }),
      'expiry as text': joseToken({ ...valid(), exp: String(now() + 60) }),
      'not yet valid': joseToken({ ...valid(), nbf: now() + 60 }),
      'HS512': joseToken(valid(), { alg: 'HS512' }),
      'critical extension': joseToken(valid(), { alg: 'HS256', crit: ['b64'], b64: true }),
      'alg none': `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(valid())).toString('base64url')}.`,
      'two parts': 'abc.def',
      'not base64 JSON': 'a.b.c',
    };
    for (const [name, token] of Object.entries(cases)) {
      expect(await verifyAccessToken(key, await token), name).toBe('invalid');
    }
  });

  test('changed payload rejected', async () => {
    const [header, , signature] = (await issueAccessToken(key, claims, inOneHour())).split('.');
    const forged = Buffer.from(JSON.stringify({ ...valid(), sub: 'account-2' })).toString('base64url');
    expect(await verifyAccessToken(key, `${header}.${forged}.${signature}`)).toBe('invalid');
  });
});
