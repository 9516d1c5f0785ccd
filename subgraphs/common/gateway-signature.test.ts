import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { secretKey, signGatewayAssertion, verifyGatewayAssertion } from './gateway-signature.js';

const key = secretKey(randomBytes(32).toString('hex'), 'TEST_SECRET');
const viewer = { accountId: 'a1', sessionId: 's1', workspaceId: 'w1' };
const body = '{"query":"{ __typename }"}';

describe('gateway assertion', () => {
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

  test('short secret rejected', () => {
    expect(() => secretKey('short', 'TEST_SECRET')).toThrow(/TEST_SECRET must be at least 32 characters/);
  });
});
